package io.pveha.simulator.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class StoragesTest {
    private final NodeState pve1 =
            new NodeState("pve1", 1, "127.0.0.1", 8, 32L << 30, 100L << 30, 6L << 30, 0);
    private final NodeState pve2 =
            new NodeState("pve2", 2, "127.0.0.1", 8, 32L << 30, 100L << 30, 6L << 30, 0);
    private final Storages storages =
            new Storages(StorageDefinition.defaults(), List.of(pve1, pve2));

    @Test
    void newImagesGetTheLowestFreeDiskNumber() {
        assertThat(storages.allocate("local-lvm", "pve1", 100, 1L << 30, null, null, 0))
                .isEqualTo("local-lvm:vm-100-disk-0");
        assertThat(storages.allocate("local-lvm", "pve1", 100, 1L << 30, null, null, 0))
                .isEqualTo("local-lvm:vm-100-disk-1");
        assertThat(storages.allocate("local-lvm", "pve2", 100, 1L << 30, null, null, 0))
                .as("local storages are per node")
                .isEqualTo("local-lvm:vm-100-disk-0");
        assertThat(storages.pool("local-lvm", "pve1").used()).isEqualTo(2L << 30);
        assertThat(storages.pool("ceph-vm", "pve1")).isSameAs(storages.pool("ceph-vm", "pve2"));
    }

    @Test
    void templatesGetBaseVolumesAndLinkedClonesAreNamedPerPlugin() {
        String thin =
                storages.createBase(
                        storages.allocate("local-lvm", "pve1", 100, 8L << 30, null, null, 0),
                        "pve1");
        assertThat(thin).isEqualTo("local-lvm:base-100-disk-0");
        assertThat(storages.cloneLinked(thin, "pve1", 101, 0)).isEqualTo("local-lvm:vm-101-disk-0");
        assertThat(storages.virtualSize("local-lvm:vm-101-disk-0", "pve1")).isEqualTo(8L << 30);
        assertThat(storages.isBaseInUse(thin, "pve1")).isTrue();
        assertThatThrownBy(() -> storages.free(thin, "pve1"))
                .hasMessage(
                        "base volume 'local-lvm:base-100-disk-0' is still in use by linked cloned\n");

        String rbd =
                storages.createBase(
                        storages.allocate("ceph-vm", "pve1", 200, 8L << 30, null, null, 0), "pve1");
        assertThat(storages.cloneLinked(rbd, "pve2", 201, 0))
                .isEqualTo("ceph-vm:base-200-disk-0/vm-201-disk-0");
    }

    @Test
    void fullStoragesFailWithTheirPluginsMessage() {
        storages.setFull("local-lvm", "pve1", true);
        assertThat(storages.pool("local-lvm", "pve1").avail()).isZero();
        assertThatThrownBy(() -> storages.allocate("local-lvm", "pve1", 100, 1, null, null, 0))
                .hasMessage(
                        "lvcreate 'pve/vm-100-disk-0' error:   Cannot create new thin volume, free space in thin "
                                + "pool pve/data reached threshold.\n");
        assertThat(storages.allocate("local-lvm", "pve2", 100, 1, null, null, 0))
                .isEqualTo("local-lvm:vm-100-disk-0");
        storages.setFull("ceph-vm", null, true);
        assertThatThrownBy(() -> storages.allocate("ceph-vm", "pve2", 100, 1, null, null, 0))
                .hasMessage(
                        "rbd create 'vm-100-disk-0' error: rbd: create error: (28) No space left on device\n");
        storages.setFull("local-lvm", null, false);
        assertThat(storages.pool("local-lvm", "pve1").avail()).isPositive();
    }

    @Test
    void migratingALocalVolumeMovesItsSpace() {
        String volid = storages.allocate("local-lvm", "pve1", 100, 4L << 30, null, null, 0);
        assertThat(storages.migrateLocal(volid, "pve1", "pve2", null, 0))
                .isEqualTo("local-lvm:vm-100-disk-0");
        assertThat(storages.pool("local-lvm", "pve1").used()).isZero();
        assertThat(storages.pool("local-lvm", "pve2").used()).isEqualTo(4L << 30);
        assertThat(storages.migrateLocal("local-lvm:vm-100-disk-0", "pve2", "pve1", "ceph-vm", 0))
                .isEqualTo("ceph-vm:vm-100-disk-0");
    }
}
