package io.pveha.reconciler.vm;

import static io.pveha.reconciler.vm.HaVmPlannerTest.NOW;
import static io.pveha.reconciler.vm.HaVmPlannerTest.VMID;
import static org.assertj.core.api.Assertions.assertThat;

import io.pveha.api.ObjectRef;
import io.pveha.api.PendingTask;
import io.pveha.api.backup.BackupPolicy;
import io.pveha.api.backup.BackupPolicySpec;
import io.pveha.api.backup.BackupPolicyStatus;
import io.pveha.api.cluster.DisasterRecovery;
import io.pveha.api.cluster.DisasterRecoveryStatus;
import io.pveha.api.cluster.ProxmoxCluster;
import io.pveha.api.cluster.ProxmoxClusterSpec;
import io.pveha.api.cluster.ProxmoxClusterStatus;
import io.pveha.api.vm.HaVm;
import io.pveha.api.vm.HaVmStatus;
import io.pveha.cluster.ClusterKey;
import io.pveha.reconciler.ClusterView;
import io.pveha.reconciler.recovery.RecoveryPlanner;
import io.pveha.reconciler.recovery.RecoveryState;
import io.pveha.reconciler.task.TaskLedger;
import io.pveha.testing.Snapshots;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A HaVm whose VM lives on a lost cluster: nothing without the switch; after it, the newest backup
 * restored in its stage, to its VMID where free, at most the cap of restores per node, the next
 * older backup after a failed restore.
 */
class HaVmRecoveryTest {
    static final String A = "store-a";
    static final String B = "store-b@standby";
    static final String NEWEST = "nfs-backup:backup/vzdump-qemu-201-2026_12_01-02_00_00.vma.zst";
    static final String OLDER = "nfs-backup:backup/vzdump-qemu-201-2026_11_30-02_00_00.vma.zst";

    private final List<HaVm> neighbours = new ArrayList<>();
    private String phase = RecoveryPlanner.RESTORING;
    private boolean switched = true;
    private int cap = 2;
    private String target = B;
    private Snapshots standby =
            Snapshots.at(NOW).clusterName("store-b").node("pve1").node("pve2").node("pve3");

    /** A HaVm that ran on A as VMID 201 (payment stage). */
    private HaVm onA(String name) {
        HaVm vm =
                HaVmPlannerTest.provisioned(
                        s -> {
                            s.setMemoryMiB(2048);
                        });
        vm.getMetadata().setName(name);
        vm.getMetadata().setUid("uid-" + name);
        vm.getStatus().setPveCluster(A);
        return vm;
    }

    private ProxmoxCluster cluster() {
        ProxmoxCluster c = new ProxmoxCluster();
        c.getMetadata().setName("main");
        c.getMetadata().setNamespace("store");
        c.setSpec(new ProxmoxClusterSpec());
        DisasterRecovery dr = new DisasterRecovery();
        dr.setStandby(new DisasterRecovery.Standby());
        dr.getStandby().setEndpoints(List.of("https://b1:8006"));
        dr.setActiveCluster(
                switched
                        ? DisasterRecovery.ActiveCluster.standby
                        : DisasterRecovery.ActiveCluster.primary);
        dr.setRestoreOrder(
                List.of(
                        new DisasterRecovery.RestoreStage("payments", List.of("pg"), null),
                        new DisasterRecovery.RestoreStage("pos", List.of("pos-api-1"), null)));
        dr.setMaxParallelRestoresPerNode(cap);
        c.getSpec().setDisasterRecovery(dr);
        c.setStatus(new ProxmoxClusterStatus());
        DisasterRecoveryStatus status = new DisasterRecoveryStatus();
        DisasterRecoveryStatus.Recovery recovery = new DisasterRecoveryStatus.Recovery();
        recovery.setPhase(phase);
        recovery.setTargetClusterName(target);
        status.setRecovery(recovery);
        c.getStatus().setDisasterRecovery(status);
        return c;
    }

    private static BackupPolicy policy() {
        BackupPolicy p = new BackupPolicy();
        p.getMetadata().setName("nightly");
        p.getMetadata().setNamespace("store");
        p.setSpec(new BackupPolicySpec());
        p.getSpec().setClusterRef(new ObjectRef("main"));
        BackupPolicyStatus status = new BackupPolicyStatus();
        BackupPolicyStatus.VmBackup entry = new BackupPolicyStatus.VmBackup();
        entry.setHaVm("pos-api-1");
        entry.setVmid(VMID);
        entry.setVolume(NEWEST);
        entry.setTime("2026-12-01T02:00:00Z");
        entry.setSizeBytes(4L << 30);
        BackupPolicyStatus.BackupVolume older = new BackupPolicyStatus.BackupVolume();
        older.setVolume(OLDER);
        older.setTime("2026-11-30T02:00:00Z");
        entry.setPrevious(List.of(older));
        status.setVms(List.of(entry));
        p.setStatus(status);
        return p;
    }

    private HaVmPlan plan(HaVm vm) {
        return plan(vm, Optional.empty());
    }

    private HaVmPlan plan(HaVm vm, Optional<TaskLedger.TaskFact> task) {
        var snapshot = standby.build();
        ClusterView view = new ClusterView(new ClusterKey("store", "main"), null, snapshot, null);
        List<HaVm> all = new ArrayList<>(neighbours);
        all.add(vm);
        HaVmFacts facts =
                HaVmFacts.clusterOnly(view, vm.getStatus().getVmid(), VmMemory.NONE)
                        .withPlacement(
                                new HaVmFacts.Placement(
                                        Optional.of(cluster()), all, List.of(policy())));
        if (task.isPresent()) {
            facts =
                    new HaVmFacts(
                            view,
                            facts.vmid(),
                            snapshot.vm(VMID),
                            Optional.empty(),
                            Optional.empty(),
                            Optional.empty(),
                            task,
                            false,
                            HaVmFacts.Sources.NONE,
                            CloudInitSecrets.Read.NONE,
                            Optional.empty(),
                            Optional.empty(),
                            VmMemory.NONE,
                            facts.placement());
        }
        return HaVmPlanner.plan(vm, facts, NOW);
    }

    @Test
    void aVmOfAnotherClusterIsLeftAloneWithoutTheSwitch() {
        switched = false;
        HaVm vm = onA("pos-api-1");
        vm.getStatus()
                .setPendingTask(new PendingTask("Start", "pve1", "qmstart", "201", NOW.toString()));
        HaVmPlan plan = plan(vm);
        assertThat(plan.action()).isEmpty();
        assertThat(plan.reason()).isEqualTo(HaVmReason.ClusterChanged);
        assertThat(plan.message())
                .contains(A)
                .contains("store-b")
                .contains("activeCluster: standby");
        assertThat(plan.edits().recovery()).isNull();
        assertThat(plan.edits().dropPendingTask()).as("A's task means nothing on B").isTrue();
        assertThat(plan.notes()).extracting(n -> n.reason()).contains(HaVmReason.ClusterChanged);
    }

    @Test
    void switchedItWaitsUntilTheClusterRecoveryAllowsRestores() {
        phase = RecoveryPlanner.WAITING_FOR_PRIMARY;
        HaVmPlan plan = plan(onA("pos-api-1"));
        assertThat(plan.action()).isEmpty();
        assertThat(plan.reason()).isEqualTo(HaVmReason.WaitingForRecovery);
        assertThat(plan.edits().recovery().getStep()).isEqualTo(RecoveryState.WAITING);
        assertThat(plan.edits().recovery().getFromCluster()).isEqualTo(A);
        assertThat(plan.edits().recovery().getFromVmid()).isEqualTo(VMID);
    }

    @Test
    void aLaterStageWaitsForTheEarlierOnes() {
        HaVm payments = onA("pg");
        neighbours.add(payments);
        HaVmPlan plan = plan(onA("pos-api-1"));
        assertThat(plan.action()).isEmpty();
        assertThat(plan.message()).contains("2/2 pos").contains("waits for earlier stages: pg");

        HaVmStatus.Recovery done = new HaVmStatus.Recovery();
        done.setTargetCluster(B);
        done.setStep(RecoveryState.DONE);
        payments.getStatus().setRecovery(done);
        assertThat(plan(onA("pos-api-1")).action()).isPresent();
    }

    @Test
    void theNewestBackupIsRestoredToTheSameVmidWhenItIsFree() {
        HaVmPlan plan = plan(onA("pos-api-1"));
        assertThat(plan.action()).contains(new HaVmAction.Restore(VMID, "pve1", NEWEST, false));
        assertThat(plan.reason()).isEqualTo(HaVmReason.RestoringFromBackup);
        HaVmStatus.Recovery rec = plan.edits().recovery();
        assertThat(rec.getStep()).isEqualTo(RecoveryState.RESTORING);
        assertThat(rec.getBackup()).isEqualTo(NEWEST);
        assertThat(rec.getSizeBytes()).isEqualTo(4L << 30);
        assertThat(rec.getPolicy()).isEqualTo("nightly");
        assertThat(rec.getStartedAt()).isEqualTo(NOW.toString());
        assertThat(plan.edits().clearVmid()).isFalse();
    }

    @Test
    void aStandbyCalledLikeThePrimaryIsStillAMoveNotAVmGoneMissing() {
        // Both clusters are "store-a": after the switch the VM must be restored, never made anew
        // from its template as if it had vanished from the cluster it lives on.
        standby = Snapshots.at(NOW).clusterName(A).node("pve1").node("pve2").node("pve3");
        target = A + "@standby";
        HaVmPlan plan = plan(onA("pos-api-1"));
        assertThat(plan.action()).contains(new HaVmAction.Restore(VMID, "pve1", NEWEST, false));
        assertThat(plan.edits().recovery().getTargetCluster()).isEqualTo(A + "@standby");
    }

    @Test
    void aVmidTakenOnTheNewClusterIsGivenUpForANewOne() {
        standby = standby.vm(VMID, "pve2", "running");
        HaVmPlan plan = plan(onA("pos-api-1"));
        assertThat(plan.edits().clearVmid()).isTrue();
        assertThat(plan.action()).contains(new HaVmAction.Restore(null, "pve1", NEWEST, false));
        assertThat(plan.message()).contains("VMID 201 is taken on " + B);
    }

    @Test
    void nodesAtTheirRestoreCapAreNotChosen() {
        cap = 1;
        for (String node : List.of("pve1", "pve2", "pve3")) {
            HaVm busy = onA("busy-" + node);
            HaVmStatus.Recovery r = new HaVmStatus.Recovery();
            r.setTargetCluster(B);
            r.setStep(RecoveryState.RESTORING);
            busy.getStatus().setRecovery(r);
            busy.getStatus()
                    .setPendingTask(
                            new PendingTask("Restore", node, "qmrestore", "1", NOW.toString()));
            neighbours.add(busy);
        }
        HaVmPlan plan = plan(onA("pos-api-1"));
        assertThat(plan.action()).isEmpty();
        assertThat(plan.message()).contains("maxParallelRestoresPerNode");

        neighbours.remove(2); // pve3 is free again
        assertThat(plan(onA("pos-api-1")).action())
                .contains(new HaVmAction.Restore(VMID, "pve3", NEWEST, false));
    }

    @Test
    void aRestoreInterruptedAfterItReachedPveIsNotDoneTwice() {
        // The operator was killed between recording the intent and storing the UPID; PVE made
        // the VM. The next pass must take it as restored, not restore again under another VMID.
        HaVm vm = onA("pos-api-1");
        HaVmStatus.Recovery rec = new HaVmStatus.Recovery();
        rec.setTargetCluster(B);
        rec.setFromCluster(A);
        rec.setStep(RecoveryState.RESTORING);
        rec.setBackup(NEWEST);
        vm.getStatus().setRecovery(rec);
        PendingTask intent = new PendingTask("Restore", "pve1", "qmrestore", "201", NOW.toString());
        vm.getStatus().setPendingTask(intent);
        standby =
                standby.vm(VMID, "pve1", "stopped", "pveha;" + Ownership.ownerTag(vm), null, false);
        HaVmPlan plan =
                plan(
                        vm,
                        Optional.of(
                                new TaskLedger.TaskFact(
                                        TaskLedger.State.UNKNOWN, intent, true, null, List.of())));
        assertThat(plan.action().filter(a -> a instanceof HaVmAction.Restore))
                .as("no second restore")
                .isEmpty();
        assertThat(plan.edits().pveCluster()).isEqualTo(B);
        assertThat(plan.edits().recovery().getStep()).isEqualTo(RecoveryState.STARTING);
        assertThat(plan.edits().clearVmid()).isFalse();
    }

    @Test
    void aFailedRestoreTriesTheNextOlderBackupAndNoneLeftFails() {
        HaVm vm = onA("pos-api-1");
        HaVmStatus.Recovery rec = new HaVmStatus.Recovery();
        rec.setTargetCluster(B);
        rec.setFromCluster(A);
        rec.setStep(RecoveryState.RESTORING);
        rec.setBackup(NEWEST);
        vm.getStatus().setRecovery(rec);
        PendingTask restore =
                new PendingTask("Restore", "pve1", "qmrestore", "201", NOW.toString());
        restore.setUpid(Snapshots.upid("pve1", "qmrestore", "201", NOW.getEpochSecond() - 5));
        vm.getStatus().setPendingTask(restore);
        HaVmPlan failed =
                plan(
                        vm,
                        Optional.of(
                                new TaskLedger.TaskFact(
                                        TaskLedger.State.FAILED,
                                        restore,
                                        true,
                                        "vma extract failed",
                                        List.of())));
        assertThat(failed.reason()).isEqualTo(HaVmReason.WaitingForRecovery);
        assertThat(failed.edits().recovery().getFailedBackups()).containsExactly(NEWEST);
        assertThat(failed.notes()).extracting(n -> n.reason()).contains(HaVmReason.BackupUnusable);

        vm.getStatus().setPendingTask(null);
        vm.getStatus().setRecovery(failed.edits().recovery());
        HaVmPlan next = plan(vm);
        assertThat(next.action()).contains(new HaVmAction.Restore(VMID, "pve1", OLDER, false));

        vm.getStatus().getRecovery().getFailedBackups().add(OLDER);
        HaVmPlan none = plan(vm);
        assertThat(none.action()).isEmpty();
        assertThat(none.reason()).isEqualTo(HaVmReason.NoBackupToRestore);
        assertThat(none.edits().recovery().getStep()).isEqualTo(RecoveryState.FAILED);
    }
}
