package io.pveha.reconciler.backup;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pveha.api.ObjectRef;
import io.pveha.api.backup.BackupPolicy;
import io.pveha.api.backup.BackupPolicySpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BackupJobPlanTest {

    private static BackupPolicy policy() {
        BackupPolicy policy = new BackupPolicy();
        policy.getMetadata().setName("nightly");
        policy.getMetadata().setNamespace("shop");
        policy.getMetadata().setUid("2b1f0c3e-aaaa-bbbb-cccc-000000000001");
        BackupPolicySpec spec = new BackupPolicySpec();
        spec.setClusterRef(new ObjectRef("pve"));
        spec.setSchedule("*-*-* 02:00");
        spec.setSelection(new BackupPolicySpec.Selection());
        BackupPolicySpec.BackupStorage storage = new BackupPolicySpec.BackupStorage();
        storage.setName("nfs-backup");
        spec.setStorage(storage);
        spec.setRetention(new BackupPolicySpec.Retention());
        spec.getRetention().setKeepLast(3);
        spec.setCompression(BackupPolicySpec.Compression.none);
        policy.setSpec(spec);
        return policy;
    }

    @Test
    void jobIdIsStablePerUidAndAValidPveId() {
        String id = BackupJobPlan.jobId(policy());
        assertThat(id).matches("pveha-[0-9a-f]{16}").isEqualTo(BackupJobPlan.jobId(policy()));
        BackupPolicy other = policy();
        other.getMetadata().setUid("another");
        assertThat(BackupJobPlan.jobId(other)).isNotEqualTo(id);
    }

    @Test
    void desiredJobCarriesTheSpecAndSortedVmids() {
        Map<String, String> job = BackupJobPlan.desired(policy(), List.of(102, 100), true);
        assertThat(job)
                .containsEntry("vmid", "100,102")
                .containsEntry("schedule", "*-*-* 02:00")
                .containsEntry("compress", "0")
                .containsEntry("mode", "snapshot")
                .containsEntry("enabled", "1")
                .containsEntry("prune-backups", "keep-last=3")
                .containsEntry("storage", "nfs-backup")
                .as("without a template of its own, the notes are the marker naming the HaVm")
                .containsEntry("notes-template", "pveha.io/havm=shop/{{guestname}}@{{cluster}}")
                .doesNotContainKeys("all", "exclude");
        assertThat(BackupJobPlan.desired(policy(), List.of(100), false))
                .containsEntry("enabled", "0");
    }

    @Test
    void diffSetsWhatChangedAndDeletesManagedOptionsNoLongerWanted() throws Exception {
        Map<String, String> desired = BackupJobPlan.desired(policy(), List.of(100, 101), true);
        String listed =
                "{\"id\":\"x\",\"type\":\"vzdump\",\"schedule\":\"*-*-* 02:00\",\"enabled\":1,\"storage\":\"nfs-backup\","
                        + "\"mode\":\"snapshot\",\"compress\":\"0\",\"prune-backups\":{\"keep-last\":3},\"vmid\":\"100\","
                        + "\"notes-template\":\"{{guestname}}\",\"comment\":\""
                        + BackupJobPlan.comment(policy())
                        + "\","
                        + "\"mailto\":\"ops@example.com\",\"next-run\":1735138800}";
        Map<String, String> observed = BackupJobPlan.observed(new ObjectMapper().readTree(listed));
        BackupJobPlan.Change change = BackupJobPlan.diff(desired, observed);
        assertThat(change.set())
                .containsOnly(
                        Map.entry("vmid", "100,101"),
                        Map.entry(
                                "notes-template", "pveha.io/havm=shop/{{guestname}}@{{cluster}}"));
        assertThat(change.delete()).as("mailto is not managed: left alone").isEmpty();
        assertThat(
                        BackupJobPlan.diff(
                                        desired,
                                        BackupJobPlan.observed(
                                                new ObjectMapper()
                                                        .readTree(
                                                                listed.replace(
                                                                                "\"vmid\":\"100\"",
                                                                                "\"vmid\":\"100,101\"")
                                                                        .replace(
                                                                                "\"notes-template\":\"{{guestname}}\"",
                                                                                "\"notes-template\":\"pveha.io/havm=shop/{{guestname}}@{{cluster}}\""))))
                                .isEmpty())
                .isTrue();
    }

    @Test
    void vzdumpLogIsSummarisedPerVm() {
        VzdumpSummary summary =
                VzdumpSummary.parse(
                        List.of(
                                "INFO: starting new backup job: vzdump 100 101 --storage nfs-backup --node pve1",
                                "INFO: Starting Backup of VM 100 (qemu)",
                                "INFO: creating vzdump archive '/mnt/pve/nfs-backup/dump/vzdump-qemu-100-2026_11_23-02_00_00.vma.zst'",
                                "INFO: Finished Backup of VM 100 (00:00:12)",
                                "INFO: Starting Backup of VM 101 (qemu)",
                                "ERROR: Backup of VM 101 failed - VM is locked (clone)",
                                "INFO: Backup job finished with errors",
                                "TASK ERROR: job errors"));
        assertThat(summary.storage()).isEqualTo("nfs-backup");
        assertThat(summary.listed())
                .as("the VMs the task was asked to back up")
                .containsExactly(100, 101);
        assertThat(summary.vms().get(100).result()).isEqualTo("ok");
        assertThat(summary.vms().get(100).volume())
                .isEqualTo("nfs-backup:backup/vzdump-qemu-100-2026_11_23-02_00_00.vma.zst");
        assertThat(summary.vms().get(101).result()).isEqualTo("failed");
        assertThat(summary.vms().get(101).message()).isEqualTo("VM is locked (clone)");
    }

    @Test
    void vzdumpLogSummariesAreKeptForTheMostRecentlyUsedTasksOnly() {
        VzdumpSummary.Cache cache = new VzdumpSummary.Cache();
        VzdumpSummary summary = VzdumpSummary.parse(List.of());
        for (int i = 0; i < VzdumpSummary.Cache.CAPACITY + 100; i++) {
            cache.put("UPID-" + i, summary);
            if (i % 10 == 0) {
                cache.get("UPID-0"); // in use: stays
            }
        }
        assertThat(cache.size()).isEqualTo(VzdumpSummary.Cache.CAPACITY);
        assertThat(cache.get("UPID-0")).isNotNull();
        assertThat(cache.get("UPID-1")).as("the least recently used went").isNull();
        assertThat(cache.get("UPID-" + (VzdumpSummary.Cache.CAPACITY + 99))).isNotNull();
    }
}
