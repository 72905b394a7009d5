package io.pveha.simulator.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class VmStateTest {

    private static VmState webVm() {
        VmState vm = new VmState(100, "pve1");
        vm.set("name", "web");
        vm.set("memory", "2048");
        vm.set("cores", "2");
        vm.set("boot", "order=scsi0");
        vm.set("scsi0", "local-lvm:vm-100-disk-0,size=32G");
        return vm;
    }

    @Test
    void digestIsSha1OfTheConfigFileWithSortedKeys() {
        VmState vm = webVm();
        assertThat(vm.configFile())
                .isEqualTo(
                        "boot: order=scsi0\ncores: 2\nmemory: 2048\nname: web\n"
                                + "scsi0: local-lvm:vm-100-disk-0,size=32G\n");
        // printf '...' | sha1sum
        assertThat(vm.digest()).isEqualTo("50cb32fb21ae22da6475d832acbbbae5c355fefa");
    }

    @Test
    void descriptionIsAnEncodedCommentAndPendingChangesFormASection() {
        VmState vm = webVm();
        vm.set("description", "first line\nsecond: line 100%");
        vm.pending().put("cores", "4");
        vm.pendingDelete().add("name");
        assertThat(vm.configFile())
                .isEqualTo(
                        "#first line\n#second%3A line 100%25\nboot: order=scsi0\ncores: 2\n"
                                + "memory: 2048\nname: web\nscsi0: local-lvm:vm-100-disk-0,size=32G\n\n[PENDING]\ncores: 4\n"
                                + "delete: name\n");
        assertThat(vm.digest()).isEqualTo("7ec7ac3a93d9a344eef341f9dbfb7dfacd5ec2af");
        assertThat(vm.configWithPending()).containsEntry("cores", "4").doesNotContainKey("name");
        vm.applyPending();
        assertThat(vm.config()).containsEntry("cores", "4").doesNotContainKey("name");
        assertThat(vm.hasPending()).isFalse();
    }

    @Test
    void memoryIsAPropertyStringWithDefaultKeyCurrent() {
        VmState vm = webVm();
        assertThat(vm.memoryMiB()).isEqualTo(2048);
        vm.set("memory", "current=4096");
        assertThat(vm.memoryBytes()).isEqualTo(4096L << 20);
        vm.set("memory", null);
        assertThat(vm.memoryMiB()).as("PVE's default").isEqualTo(512);
    }

    @Test
    void bootDiskSizeFollowsTheBootOrderSkippingCdroms() {
        VmState vm = webVm();
        vm.set("ide2", "local:iso/debian.iso,media=cdrom,size=632M");
        vm.set("boot", "order=ide2;scsi0");
        assertThat(vm.bootDiskSize()).isEqualTo(32L << 30);
        vm.set("boot", "order=net0");
        assertThat(vm.bootDiskSize()).isZero();
    }

    @Test
    void cpusAreSocketsTimesCoresUnlessVcpusIsSet() {
        VmState vm = webVm();
        vm.set("sockets", "2");
        assertThat(vm.cpus()).isEqualTo(4);
        vm.set("vcpus", "3");
        assertThat(vm.cpus()).isEqualTo(3);
    }
}
