package io.pveha.simulator.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UpidTest {

    @Test
    void encodesLikeUpidEncodeWithEmptyLastField() {
        Upid upid =
                new Upid(
                        "pve", 0x4FA2, 0x10F9374C, 0x630D702C, "qmcreate", "9001", "root@pam!peer");
        assertThat(upid.encode())
                .isEqualTo("UPID:pve:00004FA2:10F9374C:630D702C:qmcreate:9001:root@pam!peer:");
        assertThat(Upid.PATTERN.matcher(upid.encode()).matches()).isTrue();
    }

    @Test
    void pstartMayExceedEightHexDigits() {
        Upid upid = new Upid("pve2", 1, 0x1_0000_0000L, 1, "qmstart", "100", "root@pam");
        assertThat(upid.encode())
                .isEqualTo("UPID:pve2:00000001:100000000:00000001:qmstart:100:root@pam:");
        assertThat(Upid.parse(upid.encode())).contains(upid);
    }

    @Test
    void parsesWhatItEncodesAndTasksWithoutId() {
        Upid upid = new Upid("node-1", 42, 0xABCDEF, 1_700_000_000L, "startall", "", "root@pam");
        assertThat(Upid.parse(upid.encode())).contains(upid);
    }

    @Test
    void rejectsMalformedUpids() {
        assertThat(
                        Upid.parse(
                                "UPID:node1:000FF1FD:10F9374C:630D702C:vzdump:110:root@pam:keep-running"))
                .isEmpty();
        assertThat(Upid.parse("UPID:node1:FF1FD:10F9374C:630D702C:vzdump:110:root@pam:")).isEmpty();
        assertThat(Upid.parse("not a upid")).isEmpty();
    }
}
