package io.pveha.pve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class UpidTest {
    @Test
    void parsesEveryField() {
        Upid upid =
                Upid.parse("UPID:pve2:0000C3A1:00B4D2E6:6563F0A1:qmclone:9000:pveha@pve!operator:");

        assertThat(upid.node()).isEqualTo("pve2");
        assertThat(upid.pid()).isEqualTo(0xC3A1);
        assertThat(upid.pstart()).isEqualTo(0xB4D2E6);
        assertThat(upid.startTime()).isEqualTo(Instant.ofEpochSecond(0x6563F0A1));
        assertThat(upid.type()).isEqualTo("qmclone");
        assertThat(upid.id()).isEqualTo("9000");
        assertThat(upid.user()).isEqualTo("pveha@pve!operator");
    }

    @Test
    void acceptsNinePstartDigitsAndAnEmptyId() {
        assertThat(Upid.parse("UPID:pve1:00001234:1B4D2E6AA:6563F0A1:vzdump::root@pam:").id())
                .isEmpty();
    }

    @Test
    void refusesWhatIsNotAUpid() {
        assertThat(Upid.isUpid("OK")).isFalse();
        assertThat(Upid.isUpid("UPID:pve1:0000C3A1:00B4D2E6:6563F0A1:qmclone:9000:root@pam"))
                .as("trailing colon missing")
                .isFalse();
        assertThatThrownBy(() -> Upid.parse("UPID:pve1:xyz"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
