package io.pveha.reconciler.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.pveha.api.ObjectRef;
import io.pveha.api.backup.BackupPolicy;
import io.pveha.api.backup.BackupPolicySpec;
import io.pveha.api.backup.BackupPolicyStatus;
import io.pveha.api.ceph.CephPool;
import io.pveha.api.ceph.CephPoolSpec;
import io.pveha.api.cluster.DisasterRecovery;
import io.pveha.api.cluster.DisasterRecoveryStatus;
import io.pveha.api.cluster.ProxmoxCluster;
import io.pveha.api.cluster.ProxmoxClusterSpec;
import io.pveha.api.vm.HaVm;
import io.pveha.api.vm.HaVmSpec;
import io.pveha.api.vm.HaVmStatus;
import io.pveha.cluster.PollOutcome;
import io.pveha.pve.model.CephPoolEntry;
import io.pveha.reconciler.Note;
import io.pveha.reconciler.cluster.ProxmoxClusterReason;
import io.pveha.reconciler.vm.Ownership;
import io.pveha.testing.Snapshots;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The ProxmoxCluster's recovery summary: nothing without the switch, whatever the clusters do;
 * after it, restores wait while the lost primary still runs the platform and until the CephPools
 * and backup storages are on the standby; then progress, the stage, the estimate and the end.
 */
class RecoveryPlannerTest {
    static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
    static final String A = "store-a";
    static final String B = "store-b@standby";

    private boolean switched = true;
    private final List<HaVm> vms = new ArrayList<>();
    private PollOutcome active = ok(standbyReady());
    private Optional<RecoveryFacts.OtherSite> other = Optional.empty();

    private static PollOutcome ok(Snapshots s) {
        return new PollOutcome(s.build(), null, null, List.of(), true);
    }

    private static Snapshots standbyReady() {
        return Snapshots.at(NOW)
                .clusterName("store-b")
                .node("pve1")
                .storage("pve1", "vm-pool", "rbd")
                .storage("pve1", "nfs-backup", "nfs")
                .pool(
                        new CephPoolEntry(
                                "2", "vm-pool", 3, 2, 128, "on", null, null, 0L, 0.0, null, null));
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
                List.of(new DisasterRecovery.RestoreStage("payments", List.of("pg"), null)));
        c.getSpec().setDisasterRecovery(dr);
        return c;
    }

    private HaVm vm(String name, String step, long size) {
        HaVm vm = new HaVm();
        vm.getMetadata().setName(name);
        vm.getMetadata().setNamespace("store");
        vm.getMetadata().setUid("uid-" + name);
        vm.setSpec(new HaVmSpec());
        vm.getSpec().setClusterRef(new ObjectRef("main"));
        vm.setStatus(new HaVmStatus());
        vm.getStatus().setPveCluster(A);
        if (step != null) {
            HaVmStatus.Recovery r = new HaVmStatus.Recovery();
            r.setTargetCluster(B);
            r.setStep(step);
            r.setSizeBytes(size);
            vm.getStatus().setRecovery(r);
        }
        vms.add(vm);
        return vm;
    }

    private static CephPool pool() {
        CephPool p = new CephPool();
        p.getMetadata().setName("vm-pool");
        p.setSpec(new CephPoolSpec());
        p.getSpec().setAddStorage(true);
        return p;
    }

    private static BackupPolicy policy(String listedOn) {
        BackupPolicy p = new BackupPolicy();
        p.getMetadata().setName("nightly");
        p.setSpec(new BackupPolicySpec());
        BackupPolicySpec.BackupStorage storage = new BackupPolicySpec.BackupStorage();
        storage.setName("nfs-backup");
        storage.setNfs(new BackupPolicySpec.Nfs());
        p.getSpec().setStorage(storage);
        p.setStatus(new BackupPolicyStatus());
        p.getStatus().setPveCluster(listedOn);
        return p;
    }

    private RecoveryPlanner.Outcome plan(DisasterRecoveryStatus previous, BackupPolicy policy) {
        return plan(previous, policy, NOW);
    }

    private RecoveryPlanner.Outcome plan(
            DisasterRecoveryStatus previous, BackupPolicy policy, Instant at) {
        ProxmoxCluster c = cluster();
        return RecoveryPlanner.plan(
                c,
                previous,
                new RecoveryFacts(
                        c.getSpec().getDisasterRecovery(),
                        active,
                        other,
                        vms,
                        List.of(pool()),
                        List.of(policy)),
                at);
    }

    @Test
    void withoutTheSwitchThereIsNoRecoveryWhateverTheClustersDo() {
        switched = false;
        active = new PollOutcome(null, null, null, List.of(), false); // the primary unreachable
        vm("pg", null, 0);
        RecoveryPlanner.Outcome out = plan(null, policy(A));
        assertThat(out.status().getActiveCluster()).isEqualTo("primary");
        assertThat(out.status().getRecovery()).isNull();
        assertThat(out.recovered()).isEmpty();
        assertThat(out.notes()).isEmpty();
        assertThat(RecoveryPlanner.restoresAllowed(out.status(), B)).isFalse();
    }

    @Test
    void restoresWaitWhileTheLostPrimaryStillRunsThePlatform() {
        HaVm pg = vm("pg", null, 0);
        other =
                Optional.of(
                        new RecoveryFacts.OtherSite(
                                "primary",
                                ok(
                                        Snapshots.at(NOW)
                                                .clusterName(A)
                                                .node("pve1")
                                                .vm(
                                                        201,
                                                        "pve1",
                                                        "running",
                                                        "pveha;" + Ownership.ownerTag(pg),
                                                        null,
                                                        false)),
                                null));
        RecoveryPlanner.Outcome out = plan(null, policy("store-b"));
        assertThat(out.status().getRecovery().getPhase())
                .isEqualTo(RecoveryPlanner.WAITING_FOR_PRIMARY);
        assertThat(out.recovered().get().reason())
                .isEqualTo(ProxmoxClusterReason.WaitingForPrimaryDown);
        assertThat(out.status().getRecovery().getMessage()).contains(A).contains("1 VM(s)");
        assertThat(RecoveryPlanner.restoresAllowed(out.status(), B)).isFalse();
        assertThat(out.notes())
                .extracting(Note::reason)
                .contains(
                        ProxmoxClusterReason.RecoveryStarted,
                        ProxmoxClusterReason.WaitingForPrimaryDown);
    }

    @Test
    void storagesAndPoolsComeFirst() {
        vm("pg", null, 0);
        active = ok(Snapshots.at(NOW).clusterName("store-b").node("pve1"));
        RecoveryPlanner.Outcome out = plan(null, policy(A));
        assertThat(out.status().getRecovery().getPhase()).isEqualTo(RecoveryPlanner.PREPARING);
        assertThat(out.status().getRecovery().getMessage())
                .contains("Ceph pool vm-pool")
                .contains("backup storage nfs-backup");
        assertThat(RecoveryPlanner.restoresAllowed(out.status(), B)).isFalse();

        active = ok(standbyReady());
        assertThat(plan(out.status(), policy(A)).status().getRecovery().getMessage())
                .as("the policy has not listed its backups on B yet")
                .contains("BackupPolicy nightly listing its backups");
        assertThat(
                        RecoveryPlanner.restoresAllowed(
                                plan(out.status(), policy("store-b")).status(), B))
                .isTrue();
    }

    /** A recovery restoring on B since {@code seconds} ago, as the last pass wrote it. */
    private static DisasterRecoveryStatus restoringSince(long seconds) {
        DisasterRecoveryStatus status = new DisasterRecoveryStatus();
        DisasterRecoveryStatus.Recovery r = new DisasterRecoveryStatus.Recovery();
        r.setStartedAt(NOW.minusSeconds(seconds).toString());
        r.setTargetClusterName(B);
        r.setPhase(RecoveryPlanner.RESTORING);
        status.setRecovery(r);
        return status;
    }

    @Test
    void progressCountsStagesAndEstimatesFromArchiveSizes() {
        vm("pg", RecoveryState.DONE, 4L << 30);
        vm("pos-api-1", RecoveryState.RESTORING, 4L << 30);
        vm("pos-api-2", RecoveryState.WAITING, 8L << 30);
        DisasterRecoveryStatus before = restoringSince(100);
        RecoveryPlanner.Outcome out = plan(before, policy("store-b"));
        DisasterRecoveryStatus.Recovery now = out.status().getRecovery();
        assertThat(now.getPhase()).isEqualTo(RecoveryPlanner.RESTORING);
        assertThat(now.getVmsTotal()).isEqualTo(3);
        assertThat(now.getVmsRestored()).isEqualTo(1);
        assertThat(now.getVmsRestoring()).isEqualTo(1);
        assertThat(now.getStage()).isEqualTo("2/2 (not in restoreOrder)");
        assertThat(now.getElapsedSeconds()).isEqualTo(100);
        assertThat(now.getBytesTotal()).isEqualTo(16L << 30);
        // 4 GiB in 100 s: 12 GiB left take about 300 s more.
        assertThat(now.getEstimatedRemainingSeconds()).isEqualTo(300);
        assertThat(out.requeue()).isPresent();
    }

    @Test
    void theClockAloneDoesNotRewriteTheStatusEveryPass() {
        vm("pg", RecoveryState.DONE, 4L << 30);
        vm("pos-api-1", RecoveryState.RESTORING, 4L << 30);
        DisasterRecoveryStatus before = restoringSince(100);
        DisasterRecoveryStatus first = plan(before, policy("store-b")).status();
        String written = Serialization.asJson(first);
        assertThat(first.getRecovery().getElapsedSeconds()).isEqualTo(100);

        // Passes 5 and 25 s later with nothing moved: the status stays byte for byte as written.
        DisasterRecoveryStatus copy =
                Serialization.unmarshal(written, DisasterRecoveryStatus.class);
        DisasterRecoveryStatus five = plan(copy, policy("store-b"), NOW.plusSeconds(5)).status();
        assertThat(Serialization.asJson(five)).isEqualTo(written);
        copy = Serialization.unmarshal(written, DisasterRecoveryStatus.class);
        assertThat(
                        Serialization.asJson(
                                plan(copy, policy("store-b"), NOW.plusSeconds(25)).status()))
                .isEqualTo(written);

        // 30 s on, the elapsed time is brought up to date even though nothing moved.
        copy = Serialization.unmarshal(written, DisasterRecoveryStatus.class);
        assertThat(
                        plan(copy, policy("store-b"), NOW.plusSeconds(30))
                                .status()
                                .getRecovery()
                                .getElapsedSeconds())
                .isEqualTo(130);

        // A VM restored: written at once, with the time of that pass.
        vms.clear();
        vm("pg", RecoveryState.DONE, 4L << 30);
        vm("pos-api-1", RecoveryState.DONE, 4L << 30);
        copy = Serialization.unmarshal(written, DisasterRecoveryStatus.class);
        DisasterRecoveryStatus moved = plan(copy, policy("store-b"), NOW.plusSeconds(5)).status();
        assertThat(moved.getRecovery().getVmsRestored()).isEqualTo(2);
    }

    @Test
    void theEndIsCompletedOrIncompleteAndStaysAsARecord() {
        vm("pg", RecoveryState.DONE, 1);
        vm("erp-db", RecoveryState.FAILED, 1);
        DisasterRecoveryStatus before = new DisasterRecoveryStatus();
        DisasterRecoveryStatus.Recovery r = new DisasterRecoveryStatus.Recovery();
        r.setStartedAt(NOW.minusSeconds(60).toString());
        r.setTargetClusterName(B);
        r.setPhase(RecoveryPlanner.RESTORING);
        before.setRecovery(r);
        RecoveryPlanner.Outcome out = plan(before, policy("store-b"));
        assertThat(out.status().getRecovery().getPhase()).isEqualTo(RecoveryPlanner.INCOMPLETE);
        assertThat(out.status().getRecovery().getMessage())
                .contains("1/2 VM(s) restored")
                .contains("no backup left to restore for erp-db");
        assertThat(out.recovered().get().reason())
                .isEqualTo(ProxmoxClusterReason.RecoveryIncomplete);
        assertThat(out.notes())
                .extracting(Note::reason)
                .containsExactly(ProxmoxClusterReason.RecoveryIncomplete);
        assertThat(out.requeue()).isEmpty();
    }
}
