package io.pveha.reconciler.recovery.drill;

import io.pveha.api.PendingTask;
import io.pveha.api.Pveha;
import io.pveha.api.backup.BackupPolicy;
import io.pveha.api.cluster.DisasterRecovery;
import io.pveha.api.cluster.DisasterRecoveryStatus.Drill;
import io.pveha.api.cluster.DisasterRecoveryStatus.DrillVm;
import io.pveha.api.cluster.ProxmoxCluster;
import io.pveha.api.vm.HaVm;
import io.pveha.cluster.ClusterSnapshot;
import io.pveha.pve.model.ClusterResource;
import io.pveha.reconciler.Copies;
import io.pveha.reconciler.Note;
import io.pveha.reconciler.Reason;
import io.pveha.reconciler.ScratchVms;
import io.pveha.reconciler.cluster.ProxmoxClusterReason;
import io.pveha.reconciler.recovery.Candidates;
import io.pveha.reconciler.recovery.RestoreOrder;
import io.pveha.reconciler.task.TaskLedger.State;
import io.pveha.reconciler.task.TaskLedger.TaskFact;
import io.pveha.validate.CalendarSchedule;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The whole-platform disaster-recovery drill, a pure function of the ProxmoxCluster, the drill's
 * record in status, the standby's poll, the platform's resources and the instant passed in (no I/O,
 * no clock). While the primary runs the platform, on the schedule or a new {@code
 * pveha.io/drill-now} value, every HaVm is restored from the newest backup its BackupPolicies list
 * onto the standby, under a scratch VMID, and taken through
 *
 * <pre>
 * Waiting → Restoring → Configuring → Starting → Booting → Booted → CleaningUp → Done
 * </pre>
 *
 * (a failure goes to CleaningUp at once). Stages follow {@code restoreOrder}: a stage's restores
 * start when every VM of the earlier stages runs or failed, at most {@code
 * maxParallelRestoresPerNode} per standby node. Booted VMs keep running until every VM ran or
 * failed (the site as it would be rebuilt), then all are destroyed; the recovery time is from the
 * first restore sent to the last VM running.
 *
 * <p>The nevers, each a decision here and a test in {@code PlatformDrillPlannerTest}:
 *
 * <ul>
 *   <li>A VM is stopped or destroyed only when the config just read carries the drill's tag and
 *       this cluster's marker (both set by the restore itself); anything else is left alone.
 *   <li>A scratch VM is started only after a config read shows every NIC with {@code link_down=1}
 *       and no {@code onboot}.
 *   <li>Nothing is HA-registered (no such action exists).
 *   <li>A restore is planned only for a VM whose record has no task and whose scratch VMID is not
 *       on the standby: a restarted operator resumes from status and never restores twice.
 *   <li>A switch to the standby during a drill abandons it: VMs not started fail, scratch VMs are
 *       cleaned up, storages the drill defined stay (the recovery needs them).
 * </ul>
 */
public final class PlatformDrillPlanner {
    /** The tag of every scratch VM (the BackupPolicy drill's too: kept out of backups). */
    public static final String TAG = ScratchVms.TAG;

    /** In the scratch VM's description, followed by the ProxmoxCluster's UID. */
    public static final String MARKER = ScratchVms.MARKER;

    public static final String CONDITION = "DrillPassed";

    public static final String WAITING = "Waiting";
    public static final String RESTORING = ScratchVms.RESTORING;
    public static final String CONFIGURING = ScratchVms.CONFIGURING;
    public static final String STARTING = ScratchVms.STARTING;
    public static final String BOOTING = ScratchVms.BOOTING;
    public static final String BOOTED = "Booted";
    public static final String CLEANING_UP = ScratchVms.CLEANING_UP;
    public static final String DONE = ScratchVms.DONE;

    public static final String PASSED = ScratchVms.PASSED;
    public static final String FAILED = ScratchVms.FAILED;

    public static final String RUN_RUNNING = "running";
    public static final String RUN_PASSED = "passed";
    public static final String RUN_FAILED = "failed";

    static final String ABANDONED =
            "abandoned: the platform was switched to the standby during the drill";

    /** While a drill runs: boot checks and task ends come with the standby's polls. */
    static final Duration STEP = Duration.ofSeconds(2);

    /** Without a drill in flight: the next run is looked at again at least this often. */
    static final Duration IDLE = Duration.ofMinutes(10);

    private PlatformDrillPlanner() {}

    // ---------------------------------------------------------------- actions and plan

    /** A drill step's PVE task: the action recorded in status and PVE's worker type. */
    public enum Step {
        RESTORE("Restore", "qmrestore"),
        ISOLATE("Isolate", "qmconfig"),
        START("Start", "qmstart"),
        STOP("Stop", "qmstop"),
        DESTROY("Destroy", "qmdestroy");

        public final String action;
        public final String taskType;

        Step(String action, String taskType) {
            this.action = action;
            this.taskType = taskType;
        }
    }

    /** What the drill does on the standby. */
    public sealed interface Action permits VmTask, AddStorage, RemoveStorage {}

    /** A task for the VM at {@code index} of {@code drill.vms}, through the task ledger. */
    public record VmTask(int index, Step step, String node, int vmid, Map<String, Object> params)
            implements Action {
        public PendingTask intent() {
            return new PendingTask(step.action, node, step.taskType, String.valueOf(vmid), null);
        }
    }

    /**
     * {@code POST /storage}: a backup storage the standby lacks, from its BackupPolicy's NFS export
     * (recorded in {@code addedStorages} before the call, so it is removed even after a restart).
     */
    public record AddStorage(String storage, Map<String, Object> params) implements Action {}

    /** {@code DELETE /storage/{id}} of a storage the drill added (the data on it stays). */
    public record RemoveStorage(String storage) implements Action {}

    /** A scratch VM whose config a step judges. */
    public record ConfigRef(String node, int vmid) {}

    /** The DrillPassed condition once a drill ended. */
    public record Verdict(boolean ok, Reason reason, String message) {}

    /**
     * What the pass does and shows.
     *
     * @param drill the record as the pass leaves it (null: nothing to show)
     * @param actions the calls to make, in order, at most one per VM
     * @param needs configs to read before planning again (nothing else in the plan counts then)
     * @param ended indexes of VMs whose task ended (or never started): their task slots go
     * @param verdict DrillPassed, when a drill ended in this pass
     */
    public record Plan(
            Drill drill,
            List<Action> actions,
            Set<ConfigRef> needs,
            List<Note> notes,
            Duration requeue,
            List<Integer> ended,
            Optional<Verdict> verdict) {}

    /** Nothing decided this pass (a read failed): the record as it was, looked at again soon. */
    public static Plan waiting(Drill drill) {
        return new Plan(drill, List.of(), Set.of(), List.of(), STEP, List.of(), none());
    }

    // ---------------------------------------------------------------- the pass

    public static Plan plan(Drill previous, PlatformDrillFacts facts, Instant now) {
        ProxmoxCluster cluster = facts.cluster();
        DisasterRecovery dr = cluster.getSpec().getDisasterRecovery();
        if (dr == null) {
            return new Plan(previous, List.of(), Set.of(), List.of(), IDLE, List.of(), none());
        }
        Draft d = new Draft(previous, facts, now);
        if (facts.stale()) {
            // The poll predates our own last call: decide from the next one.
            return d.plan();
        }
        Drill drill = d.drill;
        DisasterRecovery.Drill spec = dr.getDrill();
        boolean enabled = spec != null && spec.on() && dr.getStandby() != null && !dr.onStandby();
        String schedule =
                spec == null ? DisasterRecovery.Drill.DEFAULT_SCHEDULE : spec.scheduleOrDefault();
        drill.setNextRun(
                enabled
                        ? ScratchVms.nextRun(schedule, drill.getNextRun(), now)
                                .map(Instant::toString)
                                .orElse(null)
                        : null);
        if (!running(drill)) {
            String token = annotation(cluster, Pveha.ANNOTATION_DRILL_NOW);
            if (token != null && !token.equals(drill.getHandledDrillNow())) {
                drill.setHandledDrillNow(token);
                begin(d, "on-demand");
            } else if (enabled
                    && drill.getNextRun() != null
                    && !now.isBefore(Instant.parse(drill.getNextRun()))) {
                // Due, also when the pass comes late (a missed schedule runs once).
                drill.setNextRun(
                        CalendarSchedule.next(schedule, now, ZoneOffset.UTC)
                                .map(Instant::toString)
                                .orElse(null));
                begin(d, "scheduled");
            }
        }
        if (running(drill)) {
            step(d);
        }
        if (drill.getResult() == null
                && drill.getNextRun() == null
                && drill.getHandledDrillNow() == null) {
            d.drill = null;
        }
        return d.plan();
    }

    /** One pass of a running drill. */
    private static void step(Draft d) {
        Drill drill = d.drill;
        ClusterSnapshot standby = d.facts.standby();
        if (standby == null) {
            // Tasks and configs need the standby: everything waits (boot deadlines included).
            d.message(
                    "waiting for the standby to answer"
                            + (d.facts.standbyProblem() == null
                                    ? ""
                                    : ": " + d.facts.standbyProblem()));
            return;
        }
        follow(d);
        for (int i : d.busy) {
            DrillVm vm = drill.getVms().get(i);
            String node = vm.getTask().getNode() == null ? vm.getNode() : vm.getTask().getNode();
            if (node != null) {
                d.slots.merge(node, 1, Integer::sum);
            }
        }
        DisasterRecovery dr = d.facts.cluster().getSpec().getDisasterRecovery();
        if (dr.onStandby() && !Boolean.TRUE.equals(drill.getAbandoned())) {
            abandon(d);
        }
        for (int i = 0; i < drill.getVms().size(); i++) {
            if (!d.busy.contains(i)) {
                advance(d, i, drill.getVms().get(i));
            }
        }
        schedule(d);
        if (allStageSettled(drill)
                && drill.getVms().stream().anyMatch(v -> BOOTED.equals(v.getPhase()))) {
            // Every VM ran or failed: the site stood; now it goes.
            for (int i = 0; i < drill.getVms().size(); i++) {
                DrillVm vm = drill.getVms().get(i);
                if (BOOTED.equals(vm.getPhase())) {
                    vm.setPhase(CLEANING_UP);
                    cleanUp(d, i, vm);
                }
            }
        }
        if (!d.needs.isEmpty() || !d.actions.isEmpty()) {
            return;
        }
        if (drill.getVms().stream().allMatch(v -> DONE.equals(v.getPhase()))) {
            end(d);
        }
    }

    // ---------------------------------------------------------------- starting

    private static void begin(Draft d, String trigger) {
        Drill drill = d.drill;
        ProxmoxCluster cluster = d.facts.cluster();
        DisasterRecovery dr = cluster.getSpec().getDisasterRecovery();
        ClusterSnapshot standby = d.facts.standby();
        drill.setTrigger(trigger);
        drill.setLastRun(d.now.toString());
        drill.setFinishedAt(null);
        drill.setMessage(null);
        drill.setRecoverySeconds(null);
        drill.setFirstRestoreAt(null);
        drill.setAbandoned(null);
        drill.setSwept(null);
        drill.setTargetClusterName(standby == null ? null : standby.identity());
        drill.setVms(new ArrayList<>());
        drill.setResult(RUN_RUNNING);
        DisasterRecovery.Drill spec = dr.getDrill();
        String storage = spec == null ? null : spec.getStorage();
        if (dr.getStandby() == null) {
            failNow(
                    d,
                    "no standby is declared (spec.disasterRecovery.standby): the drill restores"
                            + " the platform on the standby");
            return;
        }
        if (dr.onStandby()) {
            failNow(
                    d,
                    "the platform runs on the standby (activeCluster: standby): there is no"
                            + " standby to drill on");
            return;
        }
        if (standby == null) {
            failNow(
                    d,
                    "the standby cannot be reached"
                            + (d.facts.standbyProblem() == null
                                    ? ""
                                    : ": " + d.facts.standbyProblem()));
            return;
        }
        if (storage != null && !defined(standby, storage)) {
            failNow(
                    d,
                    "the standby "
                            + standby.identity()
                            + " has no storage '"
                            + storage
                            + "' (spec.disasterRecovery.drill.storage)");
            return;
        }
        List<HaVm> vms = new ArrayList<>(d.facts.haVms());
        vms.sort(
                Comparator.comparingInt((HaVm v) -> RestoreOrder.stageOf(dr, v))
                        .thenComparing(v -> v.getMetadata().getName()));
        if (vms.isEmpty()) {
            failNow(d, "the cluster has no HaVm to restore");
            return;
        }
        for (HaVm vm : vms) {
            DrillVm entry = new DrillVm();
            entry.setHaVm(vm.getMetadata().getName());
            entry.setStage(RestoreOrder.stageOf(dr, vm));
            List<Candidates.Candidate> candidates = Candidates.of(vm, d.facts.policies(), Set.of());
            if (candidates.isEmpty()) {
                entry.setResult(FAILED);
                entry.setReason("no backup of this HaVm in any BackupPolicy's status");
                entry.setPhase(DONE);
                entry.setFinishedAt(d.now.toString());
            } else {
                // The newest only: the drill proves that the backup a recovery would take
                // first restores and boots (a recovery falls back to older ones; a drill says so).
                Candidates.Candidate newest = candidates.get(0);
                entry.setPolicy(newest.policy());
                entry.setVolume(newest.volume());
                entry.setPhase(WAITING);
            }
            drill.getVms().add(entry);
        }
        d.notes.add(
                Note.normal(
                        ProxmoxClusterReason.DisasterRecoveryDrillStarted,
                        "disaster-recovery drill started ("
                                + trigger
                                + "): restoring "
                                + vms.size()
                                + " HaVm(s) from their newest backups on the standby "
                                + standby.identity()
                                + " with their NICs disconnected. 灾备演练开始：在备用集群上以断网方式从最新备份恢复整个平台"));
    }

    private static void failNow(Draft d, String message) {
        Drill drill = d.drill;
        drill.setResult(RUN_FAILED);
        drill.setFinishedAt(d.now.toString());
        drill.setMessage(message);
        d.notes.add(
                Note.warning(
                        ProxmoxClusterReason.DisasterRecoveryDrillFailed,
                        "disaster-recovery drill failed: " + message + ". 灾备演练失败：未能开始"));
        d.verdict = new Verdict(false, ProxmoxClusterReason.DrillFailed, message);
    }

    // ---------------------------------------------------------------- tasks

    /** Applies the ends of the VMs' tasks; VMs whose task runs are busy this pass. */
    private static void follow(Draft d) {
        List<DrillVm> vms = d.drill.getVms();
        for (int i = 0; i < vms.size(); i++) {
            DrillVm vm = vms.get(i);
            if (vm.getTask() == null) {
                continue;
            }
            TaskFact task = d.facts.tasks().get(i);
            if (task == null || task.state() == State.RUNNING || task.state() == State.UNKNOWN) {
                if (task != null) {
                    vm.setTask(task.task());
                }
                d.busy.add(i);
                continue;
            }
            d.ended.add(i);
            vm.setTask(null);
            if (task.state() == State.NOT_STARTED) {
                continue; // planned again from the facts
            }
            boolean ok = task.state() == State.SUCCEEDED;
            switch (vm.getPhase()) {
                case RESTORING -> {
                    if (ok) {
                        vm.setPhase(CONFIGURING);
                    } else {
                        fail(d, vm, "restoring " + vm.getVolume() + " failed: " + task.describe());
                    }
                }
                case CONFIGURING -> {
                    if (!ok) {
                        fail(
                                d,
                                vm,
                                "disconnecting the NICs of scratch VM "
                                        + vm.getScratchVmid()
                                        + " failed: "
                                        + task.describe());
                    }
                }
                case STARTING -> {
                    if (ok) {
                        vm.setBootDeadline(
                                d.now.plusSeconds(bootTimeout(d.facts.cluster())).toString());
                        vm.setPhase(BOOTING);
                    } else {
                        fail(
                                d,
                                vm,
                                "starting scratch VM "
                                        + vm.getScratchVmid()
                                        + " restored from "
                                        + vm.getVolume()
                                        + " failed: "
                                        + task.describe());
                    }
                }
                case CLEANING_UP -> {
                    boolean destroy = Step.DESTROY.taskType.equals(task.task().getTaskType());
                    if (!ok) {
                        leave(
                                d,
                                vm,
                                (destroy ? "destroying" : "stopping")
                                        + " scratch VM "
                                        + vm.getScratchVmid()
                                        + " failed: "
                                        + task.describe()
                                        + "; remove it by hand");
                    } else if (destroy) {
                        done(d, vm);
                    } else {
                        // Destroy next, whatever a poll from before the stop still says.
                        d.stopped.add(i);
                    }
                }
                default -> {}
            }
            if (Boolean.TRUE.equals(d.drill.getAbandoned())
                    && !CLEANING_UP.equals(vm.getPhase())
                    && !DONE.equals(vm.getPhase())) {
                fail(d, vm, ABANDONED);
            }
        }
    }

    /**
     * The platform was switched to the standby: the real recovery owns the standby now. VMs not
     * started fail, the others are cleaned up as their tasks end; storages the drill defined stay,
     * because the recovery restores from them.
     */
    private static void abandon(Draft d) {
        Drill drill = d.drill;
        drill.setAbandoned(true);
        drill.setAddedStorages(new ArrayList<>());
        for (int i = 0; i < drill.getVms().size(); i++) {
            DrillVm vm = drill.getVms().get(i);
            if (d.busy.contains(i) || DONE.equals(vm.getPhase())) {
                continue;
            }
            if (WAITING.equals(vm.getPhase())) {
                vm.setResult(FAILED);
                vm.setReason(ABANDONED);
                done(d, vm);
            } else if (BOOTED.equals(vm.getPhase())) {
                vm.setPhase(CLEANING_UP);
            } else if (!CLEANING_UP.equals(vm.getPhase())) {
                fail(d, vm, ABANDONED);
            }
        }
    }

    // ---------------------------------------------------------------- steps

    private static void advance(Draft d, int index, DrillVm vm) {
        ClusterSnapshot standby = d.facts.standby();
        boolean needsTask =
                Set.of(RESTORING, CONFIGURING, STARTING, CLEANING_UP).contains(vm.getPhase())
                        && !(CLEANING_UP.equals(vm.getPhase()) && vm.getScratchVmid() == null);
        if (needsTask && !slot(d, index, vm.getNode())) {
            return;
        }
        switch (vm.getPhase()) {
            case RESTORING -> {
                if (vm.getScratchVmid() != null && standby.vm(vm.getScratchVmid()).isPresent()) {
                    // No restore of ours is known to run (the ledger found none), yet the VMID
                    // exists: someone else's VM, or ours whose task is no longer listed. Cleanup
                    // judges it by its marks.
                    fail(
                            d,
                            vm,
                            "VMID "
                                    + vm.getScratchVmid()
                                    + " was taken on the standby before the restore was sent");
                    cleanUp(d, index, vm);
                } else if (vm.getScratchVmid() != null) {
                    // Recorded but not sent (no task slot, or PVE never got it): send it again.
                    d.actions.add(restore(d, index, vm));
                }
            }
            case CONFIGURING -> configure(d, index, vm);
            case STARTING ->
                    d.actions.add(
                            new VmTask(
                                    index,
                                    Step.START,
                                    vm.getNode(),
                                    vm.getScratchVmid(),
                                    Map.of()));
            case BOOTING -> boot(d, vm);
            case CLEANING_UP -> cleanUp(d, index, vm);
            default -> {}
        }
    }

    /**
     * Starts the restores of the current stage: its VMs in order, one node at a time up to the cap
     * per node, each under the lowest free scratch VMID.
     */
    private static void schedule(Draft d) {
        Drill drill = d.drill;
        ClusterSnapshot standby = d.facts.standby();
        DisasterRecovery dr = d.facts.cluster().getSpec().getDisasterRecovery();
        OptionalStage current = currentStage(drill);
        if (current.none() || Boolean.TRUE.equals(drill.getAbandoned())) {
            return;
        }
        Map<String, Integer> inFlight = new HashMap<>();
        for (DrillVm vm : drill.getVms()) {
            if (RESTORING.equals(vm.getPhase()) && vm.getNode() != null) {
                inFlight.merge(vm.getNode(), 1, Integer::sum);
            }
        }
        Set<String> storageAsked = new HashSet<>();
        for (int i = 0; i < drill.getVms().size(); i++) {
            DrillVm vm = drill.getVms().get(i);
            if (!WAITING.equals(vm.getPhase()) || vm.getStage() != current.stage()) {
                continue;
            }
            String storage = storageOf(vm.getVolume());
            if (!defined(standby, storage)) {
                if (drill.getAddedStorages().contains(storage)) {
                    d.message("waiting for storage " + storage + " to show on the standby");
                    continue;
                }
                Optional<Map<String, Object>> params = storageParams(d.facts.policies(), storage);
                if (params.isEmpty()) {
                    vm.setResult(FAILED);
                    vm.setReason(
                            "the standby has no storage '"
                                    + storage
                                    + "' and no BackupPolicy declares it as an NFS export"
                                    + " (spec.storage.nfs) the drill could attach");
                    done(d, vm);
                } else if (storageAsked.add(storage)) {
                    d.actions.add(new AddStorage(storage, params.get()));
                }
                continue;
            }
            if (!active(standby, storage)) {
                d.message("waiting for storage " + storage + " to be active on the standby");
                continue;
            }
            List<ClusterResource> online =
                    standby.nodes().stream().filter(n -> "online".equals(n.status())).toList();
            if (online.isEmpty()) {
                vm.setResult(FAILED);
                vm.setReason("no standby node is online to restore on");
                done(d, vm);
                continue;
            }
            Optional<String> node =
                    online.stream()
                            .filter(n -> inFlight.getOrDefault(n.node(), 0) < dr.restoresPerNode())
                            .filter(n -> slotFree(d, n.node()))
                            .sorted(
                                    Comparator.comparingInt(
                                                    (ClusterResource n) ->
                                                            inFlight.getOrDefault(n.node(), 0))
                                            .thenComparing(n -> -free(n), Comparator.naturalOrder())
                                            .thenComparing(ClusterResource::node))
                            .map(ClusterResource::node)
                            .findFirst();
            if (node.isEmpty()) {
                break; // every node restores as many as allowed: the next pass goes on
            }
            inFlight.merge(node.get(), 1, Integer::sum);
            slot(d, i, node.get());
            vm.setNode(node.get());
            vm.setScratchVmid(freeVmid(d));
            vm.setStartedAt(d.now.toString());
            vm.setPhase(RESTORING);
            if (drill.getFirstRestoreAt() == null) {
                drill.setFirstRestoreAt(d.now.toString());
            }
            d.actions.add(restore(d, i, vm));
        }
    }

    /** NICs disconnected and onboot removed, read back from the config, and only then started. */
    private static void configure(Draft d, int index, DrillVm vm) {
        Optional<Map<String, String>> config = config(d, vm);
        if (config == null) {
            return;
        }
        if (config.isEmpty()) {
            fail(d, vm, "scratch VM " + vm.getScratchVmid() + " vanished after the restore");
        } else if (config.get().containsKey("lock")) {
            d.message("scratch VM " + vm.getScratchVmid() + " is locked; waiting");
        } else if (!ours(config.get(), d.facts.cluster())) {
            fail(d, vm, "scratch VM " + vm.getScratchVmid() + " does not carry the drill's marks");
            cleanUp(d, index, vm);
        } else if (!ScratchVms.isolation(config.get()).isEmpty()) {
            d.actions.add(
                    new VmTask(
                            index,
                            Step.ISOLATE,
                            vm.getNode(),
                            vm.getScratchVmid(),
                            ScratchVms.isolation(config.get())));
        } else {
            vm.setPhase(STARTING);
            d.actions.add(
                    new VmTask(index, Step.START, vm.getNode(), vm.getScratchVmid(), Map.of()));
        }
    }

    /** Running in the standby's bulk poll (no call) before the deadline: passed. */
    private static void boot(Draft d, DrillVm vm) {
        ClusterSnapshot standby = d.facts.standby();
        boolean running =
                standby.vm(vm.getScratchVmid())
                        .map(r -> "running".equals(r.status()))
                        .orElse(false);
        if (running) {
            vm.setResult(PASSED);
            vm.setRunningAt(
                    standby.polledAt()
                            .truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                            .toString());
            vm.setBootDeadline(null);
            vm.setReason(
                    "restored "
                            + vm.getVolume()
                            + " as VM "
                            + vm.getScratchVmid()
                            + " on "
                            + vm.getNode()
                            + "; it reached running with its NICs disconnected");
            vm.setPhase(BOOTED);
        } else if (vm.getBootDeadline() == null
                || d.now.isAfter(Instant.parse(vm.getBootDeadline()))) {
            fail(
                    d,
                    vm,
                    "scratch VM "
                            + vm.getScratchVmid()
                            + " restored from "
                            + vm.getVolume()
                            + " did not reach running by "
                            + vm.getBootDeadline());
        } else {
            d.message("waiting for the restored VMs to boot");
        }
    }

    /**
     * Stops and destroys a scratch VM, and only ours: the VMID in status with the drill's tag and
     * this cluster's marker in the config just read. A VM that is gone needs nothing.
     */
    private static void cleanUp(Draft d, int index, DrillVm vm) {
        if (vm.getScratchVmid() == null) {
            done(d, vm);
            return;
        }
        if (!slot(d, index, vm.getNode())) {
            return;
        }
        Optional<Map<String, String>> config = config(d, vm);
        if (config == null) {
            return;
        }
        if (config.isEmpty()) {
            done(d, vm);
        } else if (config.get().containsKey("lock")) {
            // A restore still writing the VM, or another operation: PVE would refuse.
            d.message("scratch VM " + vm.getScratchVmid() + " is locked; waiting to remove it");
        } else if (!ours(config.get(), d.facts.cluster())) {
            leave(
                    d,
                    vm,
                    "VM "
                            + vm.getScratchVmid()
                            + " does not carry the drill's marks; it was left alone");
        } else {
            boolean running =
                    !d.stopped.contains(index)
                            && d.facts
                                    .standby()
                                    .vm(vm.getScratchVmid())
                                    .map(r -> "running".equals(r.status()))
                                    .orElse(false);
            d.actions.add(
                    running
                            ? new VmTask(
                                    index, Step.STOP, vm.getNode(), vm.getScratchVmid(), Map.of())
                            : new VmTask(
                                    index,
                                    Step.DESTROY,
                                    vm.getNode(),
                                    vm.getScratchVmid(),
                                    Map.of("purge", 1, "destroy-unreferenced-disks", 1)));
        }
    }

    // ---------------------------------------------------------------- the end

    /**
     * Every VM is done: the sweep for leftovers of earlier drills (a VM with this cluster's marker
     * that status does not know, e.g. its record was lost), then the storages the drill defined go,
     * then the verdict.
     */
    private static void end(Draft d) {
        Drill drill = d.drill;
        ClusterSnapshot standby = d.facts.standby();
        if (!Boolean.TRUE.equals(drill.getSwept())) {
            Set<Integer> known =
                    drill.getVms().stream()
                            .map(DrillVm::getScratchVmid)
                            .filter(Objects::nonNull)
                            .collect(Collectors.toSet());
            List<ClusterResource> tagged =
                    standby.vmsById().values().stream()
                            .filter(r -> r.vmid() != null && !known.contains(r.vmid()))
                            .filter(r -> r.tagList().contains(TAG))
                            .sorted(Comparator.comparing(ClusterResource::vmid))
                            .toList();
            List<ClusterResource> unread =
                    tagged.stream().filter(r -> !d.facts.configs().containsKey(r.vmid())).toList();
            if (!unread.isEmpty()) {
                unread.forEach(r -> d.needs.add(new ConfigRef(r.node(), r.vmid())));
                return;
            }
            drill.setSwept(true);
            for (ClusterResource r : tagged) {
                Optional<Map<String, String>> config = d.facts.configs().get(r.vmid());
                if (config.isPresent() && ours(config.get(), d.facts.cluster())) {
                    DrillVm leftover = new DrillVm();
                    leftover.setLeftover(true);
                    leftover.setScratchVmid(r.vmid());
                    leftover.setNode(r.node());
                    leftover.setReason("a scratch VM of an earlier drill that status did not know");
                    leftover.setStartedAt(d.now.toString());
                    leftover.setPhase(CLEANING_UP);
                    drill.getVms().add(leftover);
                    cleanUp(d, drill.getVms().size() - 1, leftover);
                }
            }
            if (!d.actions.isEmpty()) {
                return;
            }
        }
        List<String> added = new ArrayList<>(drill.getAddedStorages());
        for (String storage : added) {
            if (defined(standby, storage)) {
                d.actions.add(new RemoveStorage(storage));
            } else {
                drill.getAddedStorages().remove(storage);
            }
        }
        if (!d.actions.isEmpty()) {
            return;
        }
        finish(d);
    }

    private static void finish(Draft d) {
        Drill drill = d.drill;
        List<DrillVm> platform =
                drill.getVms().stream().filter(v -> !Boolean.TRUE.equals(v.getLeftover())).toList();
        List<DrillVm> failed =
                platform.stream().filter(v -> !PASSED.equals(v.getResult())).toList();
        List<DrillVm> leftoversLeft =
                drill.getVms().stream()
                        .filter(v -> Boolean.TRUE.equals(v.getLeftover()))
                        .filter(v -> FAILED.equals(v.getResult()))
                        .toList();
        long leftoversRemoved =
                drill.getVms().stream().filter(v -> Boolean.TRUE.equals(v.getLeftover())).count()
                        - leftoversLeft.size();
        boolean passed =
                failed.isEmpty()
                        && leftoversLeft.isEmpty()
                        && !Boolean.TRUE.equals(drill.getAbandoned());
        String target = drill.getTargetClusterName();
        StringBuilder message = new StringBuilder();
        message.append(platform.size() - failed.size())
                .append(" of ")
                .append(platform.size())
                .append(" VM(s) restored and booted on the standby")
                .append(target == null ? "" : " " + target);
        Long seconds = null;
        if (passed) {
            seconds = recoverySeconds(drill);
            drill.setRecoverySeconds(seconds);
            if (seconds != null) {
                message.append(" in ")
                        .append(seconds)
                        .append(" s (first restore to last VM running)");
            }
        }
        if (Boolean.TRUE.equals(drill.getAbandoned())) {
            message.append("; ").append(ABANDONED);
        }
        if (!failed.isEmpty()) {
            message.append("; failed: ")
                    .append(
                            failed.stream()
                                    .map(v -> v.getHaVm() + ": " + v.getReason())
                                    .collect(Collectors.joining("; ")));
        }
        if (leftoversRemoved > 0) {
            message.append("; ")
                    .append(leftoversRemoved)
                    .append(" leftover VM(s) of earlier drills destroyed");
        }
        if (!leftoversLeft.isEmpty()) {
            message.append("; left on the standby: ")
                    .append(
                            leftoversLeft.stream()
                                    .map(v -> "VM " + v.getScratchVmid() + ": " + v.getReason())
                                    .collect(Collectors.joining("; ")));
        }
        drill.setResult(passed ? RUN_PASSED : RUN_FAILED);
        drill.setFinishedAt(d.now.toString());
        drill.setMessage(message.toString());
        if (passed) {
            d.notes.add(
                    Note.normal(
                            ProxmoxClusterReason.DisasterRecoveryDrillPassed,
                            "disaster-recovery drill passed: "
                                    + message
                                    + ". 灾备演练通过：整个平台已在备用集群上恢复并启动"
                                    + (seconds == null ? "" : "，用时 " + seconds + " 秒")
                                    + "，演练虚拟机已清理"));
            d.verdict = new Verdict(true, ProxmoxClusterReason.DrillPassed, message.toString());
        } else {
            d.notes.add(
                    Note.warning(
                            ProxmoxClusterReason.DisasterRecoveryDrillFailed,
                            "disaster-recovery drill failed: "
                                    + message
                                    + ". 灾备演练失败：部分虚拟机未能在备用集群上恢复或启动（原因见上），演练虚拟机已清理"));
            d.verdict = new Verdict(false, ProxmoxClusterReason.DrillFailed, message.toString());
        }
    }

    /** First restore sent → last VM running, in whole seconds (null before any ran). */
    static Long recoverySeconds(Drill drill) {
        if (drill.getFirstRestoreAt() == null) {
            return null;
        }
        Optional<Instant> last =
                drill.getVms().stream()
                        .map(DrillVm::getRunningAt)
                        .filter(Objects::nonNull)
                        .map(Instant::parse)
                        .max(Instant::compareTo);
        return last.map(
                        l ->
                                Math.max(
                                        0,
                                        Duration.between(
                                                        Instant.parse(drill.getFirstRestoreAt()), l)
                                                .toSeconds()))
                .orElse(null);
    }

    // ---------------------------------------------------------------- helpers

    private static VmTask restore(Draft d, int index, DrillVm vm) {
        return new VmTask(
                index,
                Step.RESTORE,
                vm.getNode(),
                vm.getScratchVmid(),
                restoreParams(vm, d.facts.cluster()));
    }

    /**
     * {@code POST /nodes/{node}/qemu} restoring the archive under the scratch VMID: new MACs and
     * SMBIOS UUID ({@code unique}), the drill's tag and marker instead of the backed-up tags and
     * notes (PVE 7.2+ applies request options over the restored config; the HaVm's ownership tag
     * goes with them, so nothing takes the scratch VM for the platform's). Not started: the NICs
     * are disconnected first.
     */
    public static Map<String, Object> restoreParams(DrillVm vm, ProxmoxCluster cluster) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("vmid", vm.getScratchVmid());
        p.put("archive", vm.getVolume());
        p.put("unique", 1);
        DisasterRecovery.Drill spec = cluster.getSpec().getDisasterRecovery().getDrill();
        if (spec != null && spec.getStorage() != null) {
            p.put("storage", spec.getStorage());
        }
        p.put("name", name(vm.getHaVm()));
        p.put("tags", TAG);
        p.put("description", description(cluster, vm.getHaVm()));
        return p;
    }

    /** A DNS name PVE accepts: drill-<HaVm>, cut to 63 characters. */
    static String name(String haVm) {
        String name = "drill-" + haVm.replace('.', '-');
        name = name.length() > 63 ? name.substring(0, 63) : name;
        return name.replaceAll("-+$", "");
    }

    static String description(ProxmoxCluster cluster, String haVm) {
        String ns = cluster.getMetadata().getNamespace();
        return "Disaster-recovery drill of HaVm "
                + ns
                + "/"
                + haVm
                + " by pve-ha-operator, ProxmoxCluster "
                + ns
                + "/"
                + cluster.getMetadata().getName()
                + "; destroyed when the drill ends\n"
                + MARKER
                + cluster.getMetadata().getUid();
    }

    /** This cluster's scratch VM: the drill's tag and the cluster's marker, both in the config. */
    public static boolean ours(Map<String, String> config, ProxmoxCluster cluster) {
        return ScratchVms.ownedBy(config, cluster.getMetadata().getUid());
    }

    /**
     * The storage definition a BackupPolicy of the cluster declares for {@code storage} (its NFS
     * export), as the policy itself would create it.
     */
    static Optional<Map<String, Object>> storageParams(
            List<BackupPolicy> policies, String storage) {
        return policies.stream()
                .filter(p -> p.getSpec() != null && p.getSpec().getStorage() != null)
                .filter(p -> storage.equals(p.getSpec().getStorage().getName()))
                .filter(p -> p.getSpec().getStorage().getNfs() != null)
                .sorted(Comparator.comparing(p -> p.getMetadata().getName()))
                .findFirst()
                .map(
                        p -> {
                            var nfs = p.getSpec().getStorage().getNfs();
                            Map<String, Object> params = new LinkedHashMap<>();
                            params.put("storage", storage);
                            params.put("type", "nfs");
                            params.put("server", nfs.getServer());
                            params.put("export", nfs.getExport());
                            params.put("content", "backup");
                            if (nfs.getOptions() != null && !nfs.getOptions().isBlank()) {
                                params.put("options", nfs.getOptions());
                            }
                            return params;
                        });
    }

    static String storageOf(String volume) {
        int colon = volume.indexOf(':');
        return colon < 0 ? volume : volume.substring(0, colon);
    }

    static boolean defined(ClusterSnapshot snapshot, String storage) {
        return snapshot.storages().stream().anyMatch(s -> storage.equals(s.storage()));
    }

    static boolean active(ClusterSnapshot snapshot, String storage) {
        return snapshot.storages().stream()
                .filter(s -> storage.equals(s.storage()))
                .anyMatch(s -> "available".equals(s.status()) && snapshot.nodeOnline(s.node()));
    }

    private static long free(ClusterResource node) {
        long max = node.maxmem() == null ? 0 : node.maxmem();
        long used = node.mem() == null ? 0 : node.mem();
        return max - used;
    }

    /** The lowest VMID from the drill's first scratch VMID up that neither PVE nor status holds. */
    private static int freeVmid(Draft d) {
        DisasterRecovery.Drill spec = d.facts.cluster().getSpec().getDisasterRecovery().getDrill();
        int from =
                spec == null
                        ? DisasterRecovery.Drill.DEFAULT_SCRATCH_VMID_FROM
                        : spec.scratchFrom();
        Set<Integer> held =
                d.drill.getVms().stream()
                        .map(DrillVm::getScratchVmid)
                        .filter(Objects::nonNull)
                        .collect(Collectors.toSet());
        int vmid = from;
        while (held.contains(vmid) || d.facts.standby().vm(vmid).isPresent()) {
            vmid++;
        }
        return vmid;
    }

    /** The earliest stage with a VM that neither ran nor failed yet. */
    private static OptionalStage currentStage(Drill drill) {
        return drill.getVms().stream()
                .filter(v -> !Boolean.TRUE.equals(v.getLeftover()))
                .filter(v -> !stageSettled(v))
                .map(DrillVm::getStage)
                .filter(Objects::nonNull)
                .min(Integer::compare)
                .map(OptionalStage::new)
                .orElse(new OptionalStage(-1));
    }

    private record OptionalStage(int stage) {
        boolean none() {
            return stage < 0;
        }
    }

    /** Ran, or will not: later stages may go. */
    private static boolean stageSettled(DrillVm vm) {
        return BOOTED.equals(vm.getPhase())
                || CLEANING_UP.equals(vm.getPhase())
                || DONE.equals(vm.getPhase());
    }

    private static boolean allStageSettled(Drill drill) {
        return drill.getVms().stream().allMatch(PlatformDrillPlanner::stageSettled);
    }

    /**
     * The config read in this pass, or null after asking for it (the poll may predate the marks).
     */
    private static Optional<Map<String, String>> config(Draft d, DrillVm vm) {
        Optional<Map<String, String>> read = d.facts.configs().get(vm.getScratchVmid());
        if (read == null) {
            d.needs.add(new ConfigRef(vm.getNode(), vm.getScratchVmid()));
        }
        return read;
    }

    /**
     * Takes a task slot on the VM's node for this pass (kept if the VM already holds one): false
     * when the node's slots are all taken by tasks in flight or planned, so the step (and the
     * config read it needs) waits for a later pass instead of being refused by the ledger.
     */
    private static boolean slot(Draft d, int index, String node) {
        int cap = d.facts.tasksPerNode();
        if (cap <= 0 || node == null || d.slotHeld.contains(index)) {
            return true;
        }
        if (d.slots.getOrDefault(node, 0) >= cap) {
            d.message("waiting for a task slot on " + node);
            return false;
        }
        d.slots.merge(node, 1, Integer::sum);
        d.slotHeld.add(index);
        return true;
    }

    private static boolean slotFree(Draft d, String node) {
        int cap = d.facts.tasksPerNode();
        return cap <= 0 || d.slots.getOrDefault(node, 0) < cap;
    }

    /** The VM failed the drill; its scratch VM (if any) is cleaned up next. */
    static void fail(Draft d, DrillVm vm, String reason) {
        vm.setResult(FAILED);
        vm.setReason(reason);
        vm.setTask(null);
        vm.setBootDeadline(null);
        if (vm.getScratchVmid() == null) {
            done(d, vm);
        } else {
            vm.setPhase(CLEANING_UP);
        }
    }

    private static void leave(Draft d, DrillVm vm, String why) {
        ScratchVms.leave(vm, why, d.now);
    }

    private static void done(Draft d, DrillVm vm) {
        ScratchVms.done(vm, d.now);
    }

    static boolean running(Drill drill) {
        return drill != null && RUN_RUNNING.equals(drill.getResult());
    }

    private static int bootTimeout(ProxmoxCluster cluster) {
        DisasterRecovery.Drill spec = cluster.getSpec().getDisasterRecovery().getDrill();
        return spec == null
                ? DisasterRecovery.Drill.DEFAULT_BOOT_TIMEOUT_SECONDS
                : spec.bootTimeout();
    }

    static String annotation(ProxmoxCluster cluster, String name) {
        Map<String, String> annotations = cluster.getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(name);
    }

    private static Optional<Verdict> none() {
        return Optional.empty();
    }

    /** The plan being put together (local to one planner call). */
    private static final class Draft {
        final PlatformDrillFacts facts;
        final Instant now;
        Drill drill;
        final List<Action> actions = new ArrayList<>();
        final Set<ConfigRef> needs = new LinkedHashSet<>();
        final List<Note> notes = new ArrayList<>();
        final List<Integer> ended = new ArrayList<>();
        final Set<Integer> busy = new HashSet<>();
        final Set<Integer> stopped = new HashSet<>();
        final Map<String, Integer> slots = new HashMap<>();
        final Set<Integer> slotHeld = new HashSet<>();
        Verdict verdict;
        String waiting;

        Draft(Drill previous, PlatformDrillFacts facts, Instant now) {
            this.facts = facts;
            this.now = now;
            this.drill = previous == null ? new Drill() : Copies.deepCopy(previous, Drill.class);
        }

        void message(String text) {
            if (waiting == null) {
                waiting = text;
            }
        }

        Plan plan() {
            Duration requeue = IDLE;
            if (running(drill)) {
                requeue = STEP;
            } else if (drill != null && drill.getNextRun() != null) {
                Duration until = Duration.between(now, Instant.parse(drill.getNextRun()));
                if (until.compareTo(IDLE) < 0) {
                    requeue = until.isNegative() ? STEP : until.plusSeconds(1);
                }
            }
            if (running(drill)) {
                drill.setMessage(progress(drill, waiting));
            }
            return new Plan(
                    drill,
                    List.copyOf(actions),
                    Set.copyOf(needs),
                    List.copyOf(notes),
                    requeue,
                    List.copyOf(ended),
                    Optional.ofNullable(verdict));
        }
    }

    /** The message of a running drill: how far it is, and what it waits for. */
    static String progress(Drill drill, String waiting) {
        long platform =
                drill.getVms().stream().filter(v -> !Boolean.TRUE.equals(v.getLeftover())).count();
        long ran = drill.getVms().stream().filter(v -> v.getRunningAt() != null).count();
        long failed =
                drill.getVms().stream()
                        .filter(v -> !Boolean.TRUE.equals(v.getLeftover()))
                        .filter(v -> FAILED.equals(v.getResult()))
                        .count();
        return ran
                + " of "
                + platform
                + " VM(s) restored and running"
                + (failed == 0 ? "" : ", " + failed + " failed")
                + (waiting == null ? "" : "; " + waiting);
    }
}
