package io.pveha.pve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PvePathTest {
    @Test
    void keepsUpidsRawAndEncodesVolumeSlashes() {
        assertThat(
                        PvePath.of(
                                "nodes",
                                "pve1",
                                "tasks",
                                "UPID:pve1:0000C3A1:00B4D2E6:6563F0A1:qmclone:9000:root@pam!x:",
                                "status"))
                .isEqualTo(
                        "/nodes/pve1/tasks/UPID:pve1:0000C3A1:00B4D2E6:6563F0A1:qmclone:9000:root@pam!x:/status");
        assertThat(
                        PvePath.of(
                                "nodes",
                                "pve1",
                                "storage",
                                "nfs",
                                "content",
                                "nfs:backup/vzdump-qemu-100.vma.zst"))
                .isEqualTo("/nodes/pve1/storage/nfs/content/nfs:backup%2Fvzdump-qemu-100.vma.zst");
    }

    @Test
    void refusesRelativeSegments() {
        assertThatThrownBy(() -> PvePath.of("nodes", ".."))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void templatesHaveNoIdentifiers() {
        assertThat(PvePath.template("/nodes/pve1/qemu/100/status/current"))
                .isEqualTo("/nodes/{id}/qemu/{id}/status/current");
        assertThat(PvePath.template("/cluster/resources")).isEqualTo("/cluster/resources");
        assertThat(PvePath.template("/cluster/ha/resources/vm:100/migrate"))
                .isEqualTo("/cluster/ha/resources/{id}/migrate");
    }
}
