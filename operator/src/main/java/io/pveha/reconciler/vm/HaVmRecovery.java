package io.pveha.reconciler.vm;

import io.pveha.api.cluster.DisasterRecovery;
import io.pveha.api.cluster.DisasterRecoveryStatus;
import io.pveha.api.cluster.ProxmoxCluster;
import io.pveha.api.vm.HaVm;
import io.pveha.api.vm.HaVmStatus;
import io.pveha.cluster.ClusterSnapshot;
import io.pveha.pve.model.ClusterResource;
import io.pveha.reconciler.Copies;
import io.pveha.reconciler.Note;
import io.pveha.reconciler.recovery.Candidates;
import io.pveha.reconciler.recovery.RecoveryPlanner;
import io.pveha.reconciler.recovery.RecoveryState;
import io.pveha.reconciler.recovery.RestoreOrder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * A HaVm's part of a disaster recovery, decided purely from its status, the poll of the cluster the
 * ProxmoxCluster now reaches, the ProxmoxCluster (its switch and recovery phase), the other HaVms
 * of the cluster and the BackupPolicies' reports. Called by {@link HaVmPlanner} when the VM lives
 * on another PVE cluster than the one reached:
 *
 * <ul>
 *   <li>not switched to the standby (an endpoint edited, a cluster reinstalled): {@code
 *       ClusterChanged}, nothing is done — an unreachable or replaced cluster never starts
 *       restores;
 *   <li>switched, but the ProxmoxCluster's recovery has not reached its restores (the lost primary
 *       still runs the platform, CephPools and backup storages are being made): wait;
 *   <li>an earlier restore stage is not settled: wait;
 *   <li>no backup left: {@code NoBackupToRestore};
 *   <li>every node at its restore cap: wait;
 *   <li>else restore the newest good backup, to the old VMID when it is free there, else to a new
 *       one (recorded in status with the intent, as every VMID).
 * </ul>
 */
final class HaVmRecovery {
    static final Duration WAIT = Duration.ofSeconds(5);
    static final Duration NOT_SWITCHED = Duration.ofSeconds(30);

    private HaVmRecovery() {}

    /** The ProxmoxCluster's disaster recovery spec, if the cache has the ProxmoxCluster. */
    static Optional<DisasterRecovery> spec(HaVmFacts facts) {
        return facts.placement()
                .cluster()
                .map(ProxmoxCluster::getSpec)
                .map(s -> s.getDisasterRecovery());
    }

    static Optional<DisasterRecoveryStatus> status(HaVmFacts facts) {
        return facts.placement()
                .cluster()
                .map(ProxmoxCluster::getStatus)
                .map(s -> s.getDisasterRecovery());
    }

    /**
     * Plans the pass of a HaVm whose VM lives on {@code lived} while the connection reaches {@code
     * here}.
     */
    static void plan(
            HaVm vm,
            HaVmStatus status,
            HaVmFacts facts,
            String lived,
            String here,
            Instant now,
            HaVmPlan.Builder plan) {
        if (status.getPendingTask() != null) {
            plan.dropPendingTask();
        }
        Optional<DisasterRecovery> dr = spec(facts);
        if (dr.isEmpty() || !dr.get().onStandby()) {
            String message =
                    "the VM lives on PVE cluster "
                            + lived
                            + (status.getVmid() == null ? "" : " (VMID " + status.getVmid() + ")")
                            + " but ProxmoxCluster "
                            + vm.getSpec().getClusterRef().getName()
                            + " now reaches "
                            + here
                            + " and was not switched to its standby"
                            + " (spec.disasterRecovery.activeCluster: standby): nothing is done."
                            + " 该虚拟机属于集群 "
                            + lived
                            + "，当前连接的是 "
                            + here
                            + "，未声明切换到备用集群，不做任何操作";
            if (!HaVmReason.ClusterChanged.name().equals(readyReason(status))) {
                plan.note(Note.warning(HaVmReason.ClusterChanged, message));
            }
            provisioned(plan, HaVmReason.ClusterChanged, message);
            plan.ready(HaVmReason.ClusterChanged, message).requeue(NOT_SWITCHED);
            return;
        }
        HaVmStatus.Recovery rec = recoveryOnto(status, lived, here, now);
        int stage = RestoreOrder.stageOf(dr.get(), vm);
        int stages = RestoreOrder.count(dr.get(), stage >= dr.get().getRestoreOrder().size());
        rec.setStage(RestoreOrder.label(dr.get(), stage, Math.max(stages, stage + 1)));
        plan.recovery(rec);
        Optional<DisasterRecoveryStatus> cluster = status(facts);
        if (!RecoveryPlanner.restoresAllowed(cluster.orElse(null), here)) {
            String phase =
                    cluster.map(DisasterRecoveryStatus::getRecovery)
                            .map(
                                    r ->
                                            r.getPhase()
                                                    + (r.getMessage() == null
                                                            ? ""
                                                            : ": " + r.getMessage()))
                            .orElse("not started yet");
            waiting(
                    plan,
                    rec,
                    "waiting for the recovery onto "
                            + here
                            + " to reach its restores ("
                            + phase
                            + ")");
            return;
        }
        List<String> earlier = earlierUnsettled(vm, facts, dr.get(), stage, here);
        if (!earlier.isEmpty()) {
            waiting(
                    plan,
                    rec,
                    "restore stage "
                            + rec.getStage()
                            + " waits for earlier stages: "
                            + String.join(", ", earlier));
            return;
        }
        List<Candidates.Candidate> candidates =
                Candidates.of(
                        vm, facts.placement().policies(), new HashSet<>(rec.getFailedBackups()));
        if (candidates.isEmpty()) {
            String message =
                    "no backup of HaVm "
                            + vm.getMetadata().getName()
                            + " left to restore on "
                            + here
                            + (rec.getFailedBackups().isEmpty()
                                    ? " (no BackupPolicy lists one)"
                                    : " (failed: "
                                            + String.join(", ", rec.getFailedBackups())
                                            + ")")
                            + "; 没有可用于恢复的备份";
            if (!RecoveryState.FAILED.equals(rec.getStep())) {
                plan.note(Note.warning(HaVmReason.NoBackupToRestore, message));
                rec.setFinishedAt(now.toString());
            }
            rec.setStep(RecoveryState.FAILED);
            rec.setMessage(message);
            provisioned(plan, HaVmReason.NoBackupToRestore, message);
            plan.ready(HaVmReason.NoBackupToRestore, message).requeue(Duration.ofMinutes(1));
            return;
        }
        Candidates.Candidate backup = candidates.get(0);
        ClusterSnapshot snapshot = facts.cluster().snapshot();
        String node = node(vm, facts, snapshot, dr.get().restoresPerNode(), here);
        if (node == null) {
            waiting(
                    plan,
                    rec,
                    "every online node of "
                            + here
                            + " runs "
                            + dr.get().restoresPerNode()
                            + " restore(s) (spec.disasterRecovery.maxParallelRestoresPerNode)");
            return;
        }
        Integer vmid = status.getVmid();
        String vmidNote = "";
        if (vmid != null && snapshot.vm(vmid).isPresent()) {
            ClusterResource taken = snapshot.vm(vmid).get();
            vmidNote =
                    "; VMID "
                            + vmid
                            + " is taken on "
                            + here
                            + " by '"
                            + taken.name()
                            + "', so it gets a new one";
            plan.clearVmid();
            vmid = null;
        }
        rec.setStep(RecoveryState.RESTORING);
        rec.setBackup(backup.volume());
        rec.setBackupTime(backup.time());
        rec.setSizeBytes(backup.sizeBytes());
        rec.setPolicy(backup.policy());
        if (rec.getStartedAt() == null) {
            rec.setStartedAt(now.toString());
        }
        String message =
                "restoring "
                        + backup.volume()
                        + (backup.time() == null ? "" : " (taken " + backup.time() + ")")
                        + " onto "
                        + here
                        + " node "
                        + node
                        + (vmid == null ? "" : " as VMID " + vmid)
                        + vmidNote;
        rec.setMessage(message);
        provisioned(plan, HaVmReason.RestoringFromBackup, message);
        plan.action(new HaVmAction.Restore(vmid, node, backup.volume(), false))
                .ready(HaVmReason.RestoringFromBackup, message)
                .requeue(HaVmPlanner.BUSY);
    }

    /**
     * The recovery's record after a restore task of it ended: succeeded (the VM lives here now), or
     * failed (the backup is unusable: the next older one is tried).
     *
     * @return the record, or empty when the task was not a restore of this recovery
     */
    static Optional<HaVmStatus.Recovery> restoreEnded(
            HaVmStatus status,
            String here,
            boolean succeeded,
            String why,
            Instant now,
            HaVmPlan.Builder plan) {
        HaVmStatus.Recovery before = status.getRecovery();
        if (before == null
                || !here.equals(before.getTargetCluster())
                || !RecoveryState.RESTORING.equals(before.getStep())) {
            return Optional.empty();
        }
        HaVmStatus.Recovery rec = Copies.deepCopy(before, HaVmStatus.Recovery.class);
        if (succeeded) {
            rec.setStep(RecoveryState.STARTING);
            rec.setRestoredAt(now.toString());
            rec.setMessage("restored from " + rec.getBackup() + "; configuring, HA and boot");
            plan.pveCluster(here);
        } else {
            rec.getFailedBackups().add(rec.getBackup());
            rec.setStep(RecoveryState.WAITING);
            rec.setMessage("restore of " + rec.getBackup() + " failed: " + why);
            plan.note(
                    Note.warning(
                            HaVmReason.BackupUnusable,
                            "restore of "
                                    + rec.getBackup()
                                    + " onto "
                                    + here
                                    + " failed ("
                                    + why
                                    + "); trying the next older backup. 备份 "
                                    + rec.getBackup()
                                    + " 恢复失败，改用更早的备份"));
        }
        plan.recovery(rec);
        return Optional.of(rec);
    }

    /** Done once the VM is Ready on the new cluster. */
    static void readyHere(
            HaVm vm, HaVmStatus status, String here, Instant now, HaVmPlan.Builder plan) {
        HaVmStatus.Recovery current =
                plan.recovery() != null ? plan.recovery() : status.getRecovery();
        if (current == null
                || !here.equals(current.getTargetCluster())
                || !RecoveryState.STARTING.equals(current.getStep())) {
            return;
        }
        HaVmStatus.Recovery rec = Copies.deepCopy(current, HaVmStatus.Recovery.class);
        rec.setStep(RecoveryState.DONE);
        rec.setFinishedAt(now.toString());
        String took =
                rec.getStartedAt() == null
                        ? ""
                        : " in "
                                + Duration.between(Instant.parse(rec.getStartedAt()), now)
                                        .getSeconds()
                                + " s";
        rec.setMessage(
                "restored from "
                        + rec.getBackup()
                        + " and Ready on "
                        + here
                        + (Objects.equals(rec.getFromVmid(), status.getVmid())
                                ? ""
                                : " (VMID "
                                        + rec.getFromVmid()
                                        + " on "
                                        + rec.getFromCluster()
                                        + ", now "
                                        + status.getVmid()
                                        + ")")
                        + took);
        plan.recovery(rec);
        plan.note(
                Note.normal(
                        HaVmReason.Recovered,
                        vm.getMetadata().getName() + " " + rec.getMessage() + "; 已从备份恢复并就绪"));
    }

    private static HaVmStatus.Recovery recoveryOnto(
            HaVmStatus status, String lived, String here, Instant now) {
        HaVmStatus.Recovery before = status.getRecovery();
        if (before != null && here.equals(before.getTargetCluster())) {
            return Copies.deepCopy(before, HaVmStatus.Recovery.class);
        }
        HaVmStatus.Recovery rec = new HaVmStatus.Recovery();
        rec.setTargetCluster(here);
        rec.setFromCluster(lived);
        rec.setFromVmid(status.getVmid());
        rec.setStep(RecoveryState.WAITING);
        return rec;
    }

    private static void waiting(HaVmPlan.Builder plan, HaVmStatus.Recovery rec, String message) {
        if (!RecoveryState.FAILED.equals(rec.getStep())) {
            rec.setStep(RecoveryState.WAITING);
        }
        rec.setMessage(message);
        provisioned(plan, HaVmReason.WaitingForRecovery, message);
        plan.ready(HaVmReason.WaitingForRecovery, message).requeue(WAIT);
    }

    private static void provisioned(HaVmPlan.Builder plan, HaVmReason reason, String message) {
        plan.condition(HaVmPlanner.Names.PROVISIONED, false, reason, message);
    }

    private static String readyReason(HaVmStatus status) {
        return io.pveha.reconciler.Conditions.find(
                        status.getConditions(), io.pveha.reconciler.Conditions.READY)
                .map(c -> c.getReason())
                .orElse(null);
    }

    /** HaVms of earlier stages whose restore is not settled yet. */
    private static List<String> earlierUnsettled(
            HaVm vm, HaVmFacts facts, DisasterRecovery dr, int stage, String here) {
        List<String> names = new ArrayList<>();
        for (HaVm other : facts.placement().neighbours()) {
            if (other.getMetadata().getUid() != null
                    && other.getMetadata().getUid().equals(vm.getMetadata().getUid())) {
                continue;
            }
            if (RestoreOrder.stageOf(dr, other) >= stage) {
                continue;
            }
            RecoveryState.Part part = RecoveryState.of(other, here);
            boolean readyHere =
                    part == RecoveryState.Part.STARTING
                            && other.getStatus() != null
                            && io.pveha.reconciler.Conditions.isTrue(
                                    other.getStatus().getConditions(),
                                    io.pveha.reconciler.Conditions.READY);
            if (!part.settled() && !readyHere) {
                names.add(other.getMetadata().getName());
            }
        }
        names.sort(Comparator.naturalOrder());
        return names;
    }

    /**
     * The node to restore on: the HaVm's placement node when it is online and below the restore
     * cap, else the online node below the cap with the most free memory; null when none is.
     */
    private static String node(
            HaVm vm, HaVmFacts facts, ClusterSnapshot snapshot, int cap, String here) {
        Map<String, Integer> busy = new TreeMap<>();
        for (HaVm other : facts.placement().neighbours()) {
            HaVmStatus s = other.getStatus();
            if (s == null
                    || Objects.equals(other.getMetadata().getUid(), vm.getMetadata().getUid())
                    || s.getPendingTask() == null
                    || !HaVmAction.TaskKind.RESTORE.action.equals(s.getPendingTask().getAction())
                    || s.getRecovery() == null
                    || !here.equals(s.getRecovery().getTargetCluster())) {
                continue;
            }
            busy.merge(s.getPendingTask().getNode(), 1, Integer::sum);
        }
        String wanted =
                vm.getSpec().getPlacement() == null ? null : vm.getSpec().getPlacement().getNode();
        if (wanted != null && snapshot.nodeOnline(wanted) && busy.getOrDefault(wanted, 0) < cap) {
            return wanted;
        }
        Set<String> full = new HashSet<>();
        busy.forEach(
                (n, count) -> {
                    if (count >= cap) {
                        full.add(n);
                    }
                });
        return snapshot.nodes().stream()
                .filter(n -> "online".equals(n.status()) && !full.contains(n.node()))
                .max(
                        Comparator.comparingLong(
                                        (ClusterResource n) ->
                                                (n.maxmem() == null ? 0 : n.maxmem())
                                                        - (n.mem() == null ? 0 : n.mem())
                                                        - (long) busy.getOrDefault(n.node(), 0)
                                                                * (4L << 30))
                                .thenComparing(ClusterResource::node, Comparator.reverseOrder()))
                .map(ClusterResource::node)
                .orElse(null);
    }
}
