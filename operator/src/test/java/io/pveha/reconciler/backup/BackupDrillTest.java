package io.pveha.reconciler.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.pveha.api.backup.BackupPolicy;
import io.pveha.api.backup.BackupPolicySpec;
import io.pveha.api.backup.BackupPolicyStatus;
import io.pveha.reconciler.ScratchVms;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BackupDrillTest {
    @Test
    void isolationDisconnectsEveryNicAndDropsOnboot() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("net0", "virtio=BC:24:11:00:00:01,bridge=vmbr0");
        config.put("net1", "virtio=BC:24:11:00:00:02,bridge=vmbr1,link_down=0");
        config.put("net2", "e1000=BC:24:11:00:00:03,bridge=vmbr0,link_down=1");
        config.put("onboot", "1");
        config.put("name", "web");
        Map<String, Object> change = ScratchVms.isolation(config);
        assertThat(change)
                .containsOnly(
                        Map.entry("net0", "virtio=BC:24:11:00:00:01,bridge=vmbr0,link_down=1"),
                        Map.entry("net1", "virtio=BC:24:11:00:00:02,bridge=vmbr1,link_down=1"),
                        Map.entry("delete", "onboot"));
        config.putAll(
                Map.of("net0", (String) change.get("net0"), "net1", (String) change.get("net1")));
        config.remove("onboot");
        assertThat(ScratchVms.isolation(config)).as("nothing left to change").isEmpty();
    }

    @Test
    void restoreParamsMarkTheScratchVmForThisPolicy() {
        BackupPolicy policy = new BackupPolicy();
        policy.getMetadata().setName("nightly");
        policy.getMetadata().setNamespace("store");
        policy.getMetadata().setUid("uid-1");
        policy.setSpec(new BackupPolicySpec());
        BackupPolicySpec.Drill drill = new BackupPolicySpec.Drill();
        drill.setStorage("scratch-lvm");
        policy.getSpec().setDrill(drill);
        BackupPolicyStatus.DrillVm vm = new BackupPolicyStatus.DrillVm();
        vm.setVmid(101);
        vm.setScratchVmid(5000);
        vm.setVolume("nfs:backup/vzdump-qemu-101.vma.zst");
        Map<String, Object> params = BackupPolicyPlanner.restoreParams(vm, policy);
        assertThat(params)
                .containsEntry("vmid", 5000)
                .containsEntry("archive", "nfs:backup/vzdump-qemu-101.vma.zst")
                .containsEntry("unique", 1)
                .containsEntry("storage", "scratch-lvm")
                .containsEntry("tags", BackupPolicyPlanner.TAG)
                .doesNotContainKeys("start", "force");
        assertThat((String) params.get("description"))
                .contains(BackupPolicyPlanner.MARKER + "uid-1");
    }

    @Test
    void aStoredNextRunStaysUntilTheScheduleChanges() {
        Instant now = Instant.parse("2026-11-24T10:00:00Z");
        assertThat(ScratchVms.nextRun("sun 04:00", null, now))
                .contains(Instant.parse("2026-11-29T04:00:00Z"));
        // Due and not yet run (the pass came late): kept, so the drill starts.
        assertThat(ScratchVms.nextRun("sun 04:00", "2026-11-22T04:00:00Z", now))
                .contains(Instant.parse("2026-11-22T04:00:00Z"));
        // The schedule changed: recomputed.
        assertThat(ScratchVms.nextRun("sat 05:00", "2026-11-22T04:00:00Z", now))
                .contains(Instant.parse("2026-11-28T05:00:00Z"));
    }
}
