package io.pveha.reconciler.recovery;

import io.pveha.api.backup.BackupPolicy;
import io.pveha.api.ceph.CephPool;
import io.pveha.api.cluster.DisasterRecovery;
import io.pveha.api.cluster.DisasterRecoveryStatus;
import io.pveha.api.cluster.DisasterRecoveryStatus.Recovery;
import io.pveha.api.cluster.DisasterRecoveryStatus.SiteInfo;
import io.pveha.api.cluster.DisasterRecoveryStatus.StorageReadiness;
import io.pveha.api.cluster.ProxmoxCluster;
import io.pveha.api.vm.HaVm;
import io.pveha.api.vm.HaVmStatus;
import io.pveha.cluster.ClusterSnapshot;
import io.pveha.cluster.PollOutcome;
import io.pveha.pve.model.ClusterResource;
import io.pveha.reconciler.Copies;
import io.pveha.reconciler.Note;
import io.pveha.reconciler.Reason;
import io.pveha.reconciler.Redactor;
import io.pveha.reconciler.ceph.CephPoolSettings;
import io.pveha.reconciler.cluster.ProxmoxClusterReason;
import io.pveha.reconciler.vm.Ownership;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The ProxmoxCluster's disaster-recovery summary, a pure function of the spec, the previous status,
 * the two clusters' polls and the platform's resources: where the platform runs, how the other
 * cluster looks (could the standby take it; does the lost primary still run it), and after the
 * switch the recovery's phase and progress. The phase is what the HaVms wait on:
 *
 * <ol>
 *   <li>{@code WaitingForPrimaryDown}: the primary answers and runs VMs of the platform; nothing is
 *       restored (two copies of a store's VMs on one network is worse than none).
 *   <li>{@code PreparingStorage}: CephPools and the BackupPolicies' storages are made on the target
 *       first (by their own controllers), and each policy has listed its backups there.
 *   <li>{@code Restoring}: the HaVms restore themselves, stage by stage.
 *   <li>{@code Completed} (or {@code CompletedWithFailures}: some HaVm had no backup left).
 * </ol>
 */
public final class RecoveryPlanner {
    public static final String WAITING_FOR_PRIMARY = "WaitingForPrimaryDown";
    public static final String PREPARING = "PreparingStorage";
    public static final String RESTORING = "Restoring";
    public static final String COMPLETED = "Completed";
    public static final String INCOMPLETE = "CompletedWithFailures";

    /** The ProxmoxCluster's condition that reports the recovery, once there is one. */
    public static final String RECOVERED = "Recovered";

    static final Duration WHILE_RECOVERING = Duration.ofSeconds(5);

    /** How often the elapsed time is rewritten in status when no count or byte moved. */
    static final Duration CLOCK_ONLY_REFRESH = Duration.ofSeconds(30);

    private RecoveryPlanner() {}

    /** A condition's verdict. */
    public record Verdict(boolean ok, Reason reason, String message) {}

    /**
     * What the pass shows: the status (null without disaster recovery), the Recovered condition
     * (while or after a recovery), Events, and when to look again.
     */
    public record Outcome(
            DisasterRecoveryStatus status,
            Optional<Verdict> recovered,
            List<Note> notes,
            Optional<Duration> requeue) {}

    /**
     * Where a VM lives, as HaVms record it ({@code status.pveCluster}): the PVE cluster's name,
     * with {@code @standby} once the platform is switched to the standby. The site is part of it
     * because two PVE clusters are often both called {@code pve}: a switch must read as a move even
     * then, never as VMs gone missing on the same cluster (which would provision them anew from
     * their sources instead of restoring them).
     */
    public static String site(ClusterSnapshot snapshot, DisasterRecovery dr) {
        return snapshot.identity() + (dr != null && dr.onStandby() ? STANDBY_SUFFIX : "");
    }

    public static final String STANDBY_SUFFIX = "@standby";

    /** Whether restores may go on {@code target}: the cluster's recovery says so. */
    public static boolean restoresAllowed(DisasterRecoveryStatus status, String target) {
        if (status == null || status.getRecovery() == null || target == null) {
            return false;
        }
        Recovery r = status.getRecovery();
        return target.equals(r.getTargetClusterName())
                && (RESTORING.equals(r.getPhase())
                        || COMPLETED.equals(r.getPhase())
                        || INCOMPLETE.equals(r.getPhase()));
    }

    public static Outcome plan(
            ProxmoxCluster cluster,
            DisasterRecoveryStatus previous,
            RecoveryFacts facts,
            Instant now) {
        DisasterRecovery dr = cluster.getSpec().getDisasterRecovery();
        if (dr == null) {
            return new Outcome(null, Optional.empty(), List.of(), Optional.empty());
        }
        DisasterRecoveryStatus status =
                previous == null
                        ? new DisasterRecoveryStatus()
                        : Copies.deepCopy(previous, DisasterRecoveryStatus.class);
        List<Note> notes = new ArrayList<>();
        status.setActiveCluster(dr.onStandby() ? "standby" : "primary");
        ClusterSnapshot active = facts.active().healthy() ? facts.active().snapshot() : null;
        if (!dr.onStandby() && active != null) {
            status.setPrimaryClusterName(active.identity());
        }
        status.setOther(facts.other().map(o -> site(o, facts)).orElse(null));
        if (!dr.onStandby()) {
            // The last recovery (if any) stays as it ended: a record of what happened.
            Optional<Verdict> verdict =
                    Optional.ofNullable(status.getRecovery()).map(RecoveryPlanner::verdict);
            return new Outcome(status, verdict, notes, Optional.empty());
        }
        Recovery recovery = recovery(status, active, facts, now, notes);
        status.setRecovery(recovery);
        boolean done =
                COMPLETED.equals(recovery.getPhase()) || INCOMPLETE.equals(recovery.getPhase());
        return new Outcome(
                status,
                Optional.of(verdict(recovery)),
                notes,
                done ? Optional.empty() : Optional.of(WHILE_RECOVERING));
    }

    private static Recovery recovery(
            DisasterRecoveryStatus status,
            ClusterSnapshot active,
            RecoveryFacts facts,
            Instant now,
            List<Note> notes) {
        String target = active == null ? null : site(active, facts.dr());
        Recovery before = status.getRecovery();
        Recovery r;
        boolean fresh = false;
        if (before == null
                || (target != null
                        && before.getTargetClusterName() != null
                        && !target.equals(before.getTargetClusterName()))) {
            r = new Recovery();
            fresh = true;
            r.setStartedAt(now.toString());
            notes.add(
                    Note.normal(
                            ProxmoxClusterReason.RecoveryStarted,
                            "the platform is switched to the standby"
                                    + (target == null ? "" : " (PVE cluster " + target + ")")
                                    + (status.getPrimaryClusterName() == null
                                            ? ""
                                            : "; the primary was " + status.getPrimaryClusterName())
                                    + ": rebuilding it from its backups. 平台已切换到备用集群，开始从备份重建"));
        } else {
            r = Copies.deepCopy(before, Recovery.class);
        }
        if (r.getTargetClusterName() == null) {
            r.setTargetClusterName(target);
        }
        String phaseBefore = fresh ? null : before.getPhase();
        String stageBefore = fresh ? null : before.getStage();
        if (active == null) {
            if (r.getPhase() == null) {
                r.setPhase(PREPARING);
            }
            r.setMessage(
                    "waiting for the standby to answer"
                            + (facts.active().error() == null
                                    ? ""
                                    : ": " + Redactor.scrub(facts.active().error().describe())));
            elapsed(r, now);
            return r;
        }
        Optional<RecoveryFacts.OtherSite> primary =
                facts.other().filter(o -> "primary".equals(o.role()));
        int stillRunning =
                primary.filter(o -> o.outcome().healthy())
                        .map(o -> platformVmsRunning(o.outcome().snapshot(), facts.haVms()))
                        .orElse(0);
        if (stillRunning > 0) {
            r.setPhase(WAITING_FOR_PRIMARY);
            r.setMessage(
                    "the primary "
                            + primary.get().outcome().snapshot().identity()
                            + " still answers and runs "
                            + stillRunning
                            + " VM(s) of the platform: nothing is restored while it does (two"
                            + " copies of the same VMs on one network). Power it off or cut it off"
                            + " for good, or switch activeCluster back to primary");
            r.setFinishedAt(null);
            if (!WAITING_FOR_PRIMARY.equals(phaseBefore)) {
                notes.add(
                        Note.warning(
                                ProxmoxClusterReason.WaitingForPrimaryDown,
                                r.getMessage() + ". 原主集群仍在运行平台的虚拟机，暂不恢复：请先将其关机或彻底断开"));
            }
            elapsed(r, now);
            return r;
        }
        List<String> unprepared = unprepared(active, facts);
        if (!unprepared.isEmpty()) {
            r.setPhase(PREPARING);
            r.setMessage("preparing " + target + ": " + String.join("; ", unprepared));
            r.setFinishedAt(null);
            elapsed(r, now);
            return r;
        }
        progress(r, target, facts, now, notes, phaseBefore, stageBefore);
        return r;
    }

    /** Counts, bytes, stage, phase and the estimate, from the HaVms' own recovery status. */
    private static void progress(
            Recovery r,
            String target,
            RecoveryFacts facts,
            Instant now,
            List<Note> notes,
            String phaseBefore,
            String stageBefore) {
        int total = 0;
        int restored = 0;
        int restoring = 0;
        int failed = 0;
        long bytesTotal = 0;
        long bytesRestored = 0;
        int lowestOpen = Integer.MAX_VALUE;
        boolean unorderedUsed = false;
        List<String> failedNames = new ArrayList<>();
        for (HaVm vm : facts.haVms()) {
            RecoveryState.Part part = RecoveryState.of(vm, target);
            if (!part.counted()) {
                continue;
            }
            total++;
            long size = size(vm, facts.policies());
            switch (part) {
                case DONE -> {
                    restored++;
                    bytesTotal += size;
                    bytesRestored += size;
                }
                case STARTING -> {
                    restoring++;
                    bytesTotal += size;
                    bytesRestored += size;
                }
                case RESTORING -> {
                    restoring++;
                    bytesTotal += size;
                }
                case FAILED -> {
                    failed++;
                    failedNames.add(vm.getMetadata().getName());
                }
                default -> bytesTotal += size;
            }
            if (!part.settled()) {
                int stage = stageOf(vm, facts);
                lowestOpen = Math.min(lowestOpen, stage);
            }
            unorderedUsed |= stageOf(vm, facts) >= declaredStages(facts);
        }
        boolean sameProgress =
                Objects.equals(r.getVmsTotal(), total)
                        && Objects.equals(r.getVmsRestored(), restored)
                        && Objects.equals(r.getVmsRestoring(), restoring)
                        && Objects.equals(r.getVmsFailed(), failed)
                        && Objects.equals(r.getBytesRestored(), bytesRestored);
        Long elapsedBefore = r.getElapsedSeconds();
        Long etaBefore = r.getEstimatedRemainingSeconds();
        r.setVmsTotal(total);
        r.setVmsRestored(restored);
        r.setVmsRestoring(restoring);
        r.setVmsFailed(failed);
        r.setBytesTotal(bytesTotal);
        r.setBytesRestored(bytesRestored);
        boolean settled = lowestOpen == Integer.MAX_VALUE;
        if (settled) {
            r.setStage(null);
            String phase = failed == 0 ? COMPLETED : INCOMPLETE;
            if (r.getFinishedAt() == null || !phase.equals(r.getPhase())) {
                r.setFinishedAt(now.toString());
            }
            r.setPhase(phase);
            elapsed(r, now);
            r.setEstimatedRemainingSeconds(null);
            r.setMessage(
                    restored
                            + "/"
                            + total
                            + " VM(s) restored on "
                            + target
                            + " in "
                            + r.getElapsedSeconds()
                            + " s"
                            + (failed == 0
                                    ? ""
                                    : "; no backup left to restore for "
                                            + String.join(", ", failedNames)));
            if (!phase.equals(phaseBefore)) {
                notes.add(
                        failed == 0
                                ? Note.normal(
                                        ProxmoxClusterReason.RecoveryCompleted,
                                        r.getMessage()
                                                + ". 恢复完成："
                                                + restored
                                                + "/"
                                                + total
                                                + " 台虚拟机已就绪，用时 "
                                                + r.getElapsedSeconds()
                                                + " 秒")
                                : Note.warning(
                                        ProxmoxClusterReason.RecoveryIncomplete,
                                        r.getMessage() + ". 恢复结束，但有虚拟机没有可用备份"));
            }
            return;
        }
        r.setPhase(RESTORING);
        r.setFinishedAt(null);
        int count = declaredStages(facts) + (unorderedUsed || declaredStages(facts) == 0 ? 1 : 0);
        r.setStage(RestoreOrder.label(drOf(facts), lowestOpen, count));
        elapsed(r, now);
        Long eta = null;
        if (bytesRestored > 0 && r.getElapsedSeconds() != null && r.getElapsedSeconds() > 0) {
            double rate = bytesRestored / (double) r.getElapsedSeconds();
            eta = Math.round((bytesTotal - bytesRestored) / rate);
        }
        if (sameProgress
                && Objects.equals(stageBefore, r.getStage())
                && RESTORING.equals(phaseBefore)
                && elapsedBefore != null
                && r.getElapsedSeconds() - elapsedBefore < CLOCK_ONLY_REFRESH.getSeconds()) {
            // Nothing moved but the clock: keep the figures already written, so a pass every 5 s
            // does not rewrite the ProxmoxCluster's status (an API write, an Argo CD refresh) for
            // the elapsed seconds alone; they still advance every CLOCK_ONLY_REFRESH.
            r.setElapsedSeconds(elapsedBefore);
            eta = etaBefore;
        }
        r.setEstimatedRemainingSeconds(eta);
        r.setMessage(
                restored
                        + "/"
                        + total
                        + " VM(s) restored, "
                        + restoring
                        + " restoring"
                        + (failed == 0 ? "" : ", " + failed + " without a backup")
                        + "; stage "
                        + r.getStage()
                        + "; "
                        + r.getElapsedSeconds()
                        + " s elapsed"
                        + (eta == null ? "" : ", about " + eta + " s left"));
        if (!Objects.equals(stageBefore, r.getStage())) {
            notes.add(
                    Note.normal(
                            ProxmoxClusterReason.RecoveryStageStarted,
                            "restore stage " + r.getStage() + " on " + target));
        }
    }

    /** What must exist on the target before anything is restored, each not there yet. */
    static List<String> unprepared(ClusterSnapshot target, RecoveryFacts facts) {
        List<String> missing = new ArrayList<>();
        Set<String> storages = new HashSet<>();
        Set<String> available = new HashSet<>();
        for (ClusterResource s : target.storages()) {
            storages.add(s.storage());
            if ("available".equals(s.status())) {
                available.add(s.storage());
            }
        }
        for (CephPool pool : facts.cephPools()) {
            String name = CephPoolSettings.poolName(pool);
            if (target.cephPools() == null || target.cephPool(name).isEmpty()) {
                missing.add(
                        "Ceph pool " + name + " (CephPool " + pool.getMetadata().getName() + ")");
            } else if (Boolean.TRUE.equals(pool.getSpec().getAddStorage())
                    && !storages.contains(name)) {
                missing.add("storage " + name + " of CephPool " + pool.getMetadata().getName());
            }
        }
        for (BackupPolicy policy : facts.policies()) {
            String storage = policy.getSpec().getStorage().getName();
            String name = policy.getMetadata().getName();
            if (!available.contains(storage)) {
                missing.add("backup storage " + storage + " (BackupPolicy " + name + ")");
            } else if (policy.getStatus() == null
                    || !target.identity().equals(policy.getStatus().getPveCluster())) {
                missing.add("BackupPolicy " + name + " listing its backups on " + storage);
            }
        }
        return missing;
    }

    /** The other cluster as its poll shows it. */
    private static SiteInfo site(RecoveryFacts.OtherSite other, RecoveryFacts facts) {
        SiteInfo info = new SiteInfo();
        info.setRole(other.role());
        PollOutcome outcome = other.outcome();
        ClusterSnapshot snapshot = outcome == null ? null : outcome.snapshot();
        boolean reachable = outcome != null && outcome.healthy() && other.problem() == null;
        info.setReachable(reachable);
        if (snapshot != null) {
            info.setClusterName(snapshot.identity());
            info.setLastPollTime(snapshot.polledAt().toString());
            long online =
                    snapshot.nodeMembers().stream()
                            .filter(n -> Boolean.TRUE.equals(n.online()))
                            .count();
            info.setNodesSummary(online + "/" + snapshot.nodeMembers().size());
        }
        if (other.problem() != null) {
            info.setMessage(Redactor.scrub(other.problem()));
        } else if (outcome == null || outcome.snapshot() == null && outcome.error() == null) {
            info.setMessage("not polled yet");
        } else if (outcome.error() != null) {
            info.setMessage("unreachable: " + Redactor.scrub(outcome.error().describe()));
        } else {
            info.setMessage("reachable");
        }
        if (reachable) {
            info.setPlatformVmsRunning(platformVmsRunning(snapshot, facts.haVms()));
        }
        if ("standby".equals(other.role())) {
            info.setBackupStorages(readiness(reachable ? snapshot : null, facts.policies()));
        }
        return info;
    }

    /** The BackupPolicies' storages as {@code snapshot} has them (unknown without one). */
    static List<StorageReadiness> readiness(ClusterSnapshot snapshot, List<BackupPolicy> policies) {
        Map<String, StorageReadiness> byName = new TreeMap<>();
        for (BackupPolicy policy : policies) {
            String storage = policy.getSpec().getStorage().getName();
            StorageReadiness r =
                    byName.computeIfAbsent(
                            storage,
                            n -> {
                                StorageReadiness x = new StorageReadiness();
                                x.setName(n);
                                x.setAttachable(true);
                                return x;
                            });
            r.getPolicies().add(policy.getMetadata().getName());
            r.setAttachable(r.getAttachable() && policy.getSpec().getStorage().getNfs() != null);
            if (snapshot != null) {
                r.setDefined(
                        snapshot.storages().stream().anyMatch(s -> storage.equals(s.storage())));
                r.setActive(
                        snapshot.storages().stream()
                                .anyMatch(
                                        s ->
                                                storage.equals(s.storage())
                                                        && "available".equals(s.status())));
            }
        }
        return new ArrayList<>(byName.values());
    }

    /** VMs of the platform (by the HaVms' owner tags) running on that cluster. */
    static int platformVmsRunning(ClusterSnapshot snapshot, List<HaVm> haVms) {
        if (snapshot == null) {
            return 0;
        }
        Set<String> tags = new HashSet<>();
        haVms.forEach(vm -> tags.add(Ownership.ownerTag(vm)));
        int running = 0;
        for (ClusterResource vm : snapshot.vmsById().values()) {
            if ("running".equals(vm.status()) && vm.tagList().stream().anyMatch(tags::contains)) {
                running++;
            }
        }
        return running;
    }

    private static long size(HaVm vm, List<BackupPolicy> policies) {
        HaVmStatus.Recovery recovery = vm.getStatus() == null ? null : vm.getStatus().getRecovery();
        if (recovery != null && recovery.getSizeBytes() != null) {
            return recovery.getSizeBytes();
        }
        Set<String> failed =
                recovery == null ? Set.of() : new HashSet<>(recovery.getFailedBackups());
        List<Candidates.Candidate> candidates = Candidates.of(vm, policies, failed);
        return candidates.isEmpty() || candidates.get(0).sizeBytes() == null
                ? 0
                : candidates.get(0).sizeBytes();
    }

    private static DisasterRecovery drOf(RecoveryFacts facts) {
        return facts.dr();
    }

    private static int declaredStages(RecoveryFacts facts) {
        return facts.dr() == null ? 0 : facts.dr().getRestoreOrder().size();
    }

    private static int stageOf(HaVm vm, RecoveryFacts facts) {
        return RestoreOrder.stageOf(facts.dr(), vm);
    }

    private static void elapsed(Recovery r, Instant now) {
        Instant start = Instant.parse(r.getStartedAt());
        Instant end = r.getFinishedAt() == null ? now : Instant.parse(r.getFinishedAt());
        r.setElapsedSeconds(Math.max(0, Duration.between(start, end).getSeconds()));
    }

    private static Verdict verdict(Recovery r) {
        String phase = r.getPhase() == null ? PREPARING : r.getPhase();
        String message = r.getMessage() == null ? "" : r.getMessage();
        return switch (phase) {
            case COMPLETED -> new Verdict(true, ProxmoxClusterReason.RecoveryCompleted, message);
            case INCOMPLETE -> new Verdict(false, ProxmoxClusterReason.RecoveryIncomplete, message);
            case WAITING_FOR_PRIMARY ->
                    new Verdict(false, ProxmoxClusterReason.WaitingForPrimaryDown, message);
            case RESTORING -> new Verdict(false, ProxmoxClusterReason.Restoring, message);
            default -> new Verdict(false, ProxmoxClusterReason.PreparingStorage, message);
        };
    }
}
