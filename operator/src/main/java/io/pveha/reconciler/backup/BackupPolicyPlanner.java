package io.pveha.reconciler.backup;

import static io.pveha.reconciler.backup.BackupPolicyFacts.BackupsRead;
import static io.pveha.reconciler.backup.BackupPolicyFacts.ObservedJob;
import static io.pveha.reconciler.backup.BackupPolicyFacts.Selection;
import static io.pveha.reconciler.backup.BackupPolicyFacts.StoredBackup;

import io.fabric8.kubernetes.api.model.Condition;
import io.pveha.api.PendingTask;
import io.pveha.api.Pveha;
import io.pveha.api.backup.BackupPolicy;
import io.pveha.api.backup.BackupPolicySpec;
import io.pveha.api.backup.BackupPolicyStatus;
import io.pveha.api.backup.BackupPolicyStatus.DrillStatus;
import io.pveha.api.backup.BackupPolicyStatus.DrillVm;
import io.pveha.api.backup.BackupPolicyStatus.Run;
import io.pveha.api.backup.BackupPolicyStatus.VmOutcome;
import io.pveha.cluster.ClusterSnapshot;
import io.pveha.pve.Upid;
import io.pveha.pve.model.ClusterResource;
import io.pveha.pve.model.TaskEntry;
import io.pveha.reconciler.ClusterView;
import io.pveha.reconciler.CommonReason;
import io.pveha.reconciler.Conditions;
import io.pveha.reconciler.Copies;
import io.pveha.reconciler.Reason;
import io.pveha.reconciler.Reasons;
import io.pveha.reconciler.ScratchVms;
import io.pveha.reconciler.task.TaskLedger.State;
import io.pveha.reconciler.task.TaskLedger.TaskFact;
import io.pveha.validate.CalendarSchedule;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Decides what a BackupPolicy pass does: a pure function of the policy, its status, the observed
 * facts and the instant passed in (no I/O, no clock). The pass keeps one PVE vzdump job in sync
 * with the spec, starts an on-demand run for a new backup-now value, follows the runs (on-demand
 * ones through their tasks, scheduled ones from the moment the job's next run moves on), reports
 * each VM's latest backup and the retention preview, and steps the restore drill (Pending →
 * Restoring → Configuring → Starting → Booting → CleaningUp → Done).
 *
 * <p>Rules, each a decision in the plan:
 *
 * <ul>
 *   <li>One action per pass, and none while a task of the policy is pending (a run's vzdumps are
 *       started together, as PVE's own job does).
 *   <li>A scratch VM is stopped or destroyed only when its VMID is the one in status and the config
 *       just read carries the drill's tag and this policy's marker; anything else is left alone and
 *       the drill says so.
 *   <li>A deleted policy's drill fails its remaining VMs and cleans up its scratch VM (after a task
 *       in flight ended) before the job goes and the finalizer with it.
 *   <li>Everything needed to resume is in status: a task recorded before its call is found again by
 *       the ledger, so a restarted operator restores once.
 * </ul>
 *
 * A plan that needs a fact costing a call says so ({@link Needs}); the observer reads it and the
 * planner runs again.
 */
final class BackupPolicyPlanner {
    static final Duration SOON = Duration.ofSeconds(1);
    static final Duration BUSY = Duration.ofSeconds(3);
    static final Duration DRILL_STEP = Duration.ofSeconds(1);
    static final Duration WAIT_CLUSTER = Duration.ofSeconds(10);

    /** The vzdump tasks of one run start within this many seconds of each other (one per node). */
    static final long RUN_WINDOW_SECONDS = 60;

    /** Tag of every scratch VM: keeps scratch VMs out of selections and marks them in the GUI. */
    static final String TAG = ScratchVms.TAG;

    static final String MARKER = ScratchVms.MARKER;
    static final String DEFAULT_DRILL_SCHEDULE = "sun 04:00";
    static final int DEFAULT_BOOT_TIMEOUT = 300;
    static final String PENDING = "Pending";
    static final String RESTORING = ScratchVms.RESTORING;
    static final String CONFIGURING = ScratchVms.CONFIGURING;
    static final String STARTING = ScratchVms.STARTING;
    static final String BOOTING = ScratchVms.BOOTING;
    static final String CLEANING_UP = ScratchVms.CLEANING_UP;
    static final String DONE = ScratchVms.DONE;
    static final String PASSED = ScratchVms.PASSED;
    static final String FAILED = ScratchVms.FAILED;

    // ---------------------------------------------------------------- actions

    /** What a pass does in PVE: at most one per pass. */
    sealed interface Action
            permits CreateStorage, CreateJob, UpdateJob, DeleteJob, StartRun, DrillTask {}

    /** {@code POST /storage}: the declared NFS export as a backup storage (synchronous). */
    record CreateStorage(String storage, Map<String, Object> params) implements Action {}

    /** {@code POST /cluster/backup} (synchronous). */
    record CreateJob(String jobId, Map<String, String> options) implements Action {}

    /**
     * {@code PUT /cluster/backup/{id}} with only what differs (synchronous); {@code change} says
     * what, for the Event.
     */
    record UpdateJob(String jobId, Map<String, Object> params, String change) implements Action {}

    /** {@code DELETE /cluster/backup/{id}}: the policy is deleted (its backups stay). */
    record DeleteJob(String jobId) implements Action {}

    /**
     * An on-demand run: one vzdump task per node holding selected VMs, each recorded before it is
     * started.
     */
    record StartRun(List<RunPart> parts) implements Action {}

    /** One node's part of a run. */
    record RunPart(String node, List<Integer> vmids, Map<String, Object> params) {}

    /**
     * A drill step's PVE task: the action name recorded in status and PVE's worker type (to find it
     * after a restart).
     */
    enum Step {
        RESTORE("Restore", "qmrestore"),
        ISOLATE("Isolate", "qmconfig"),
        START("Start", "qmstart"),
        STOP("Stop", "qmstop"),
        DESTROY("Destroy", "qmdestroy");

        final String action;
        final String taskType;

        Step(String action, String taskType) {
            this.action = action;
            this.taskType = taskType;
        }
    }

    /**
     * A task for the drilled VM at {@code index} of {@code status.drill.vms}. A restore without a
     * scratch VMID gets one from the shared allocator when it is carried out; its params then gain
     * {@code vmid}.
     */
    record DrillTask(
            int index, Step step, String node, Integer scratchVmid, Map<String, Object> params)
            implements Action {
        PendingTask intent(int vmid) {
            return new PendingTask(step.action, node, step.taskType, String.valueOf(vmid), null);
        }
    }

    // ---------------------------------------------------------------- the plan

    /**
     * Facts to read before planning again: the job list, the storage's backups, a scratch VM's
     * config, vzdump logs.
     */
    record Needs(boolean jobs, boolean backups, Optional<ScratchRef> scratch, Set<String> logs) {
        static final Needs NONE = new Needs(false, false, Optional.empty(), Set.of());

        boolean any() {
            return jobs || backups || scratch.isPresent() || !logs.isEmpty();
        }
    }

    /** The scratch VM whose config a drill step judges (ownership, isolation). */
    record ScratchRef(String node, int vmid) {}

    /** A condition other than Ready as the pass leaves it. */
    record Cond(boolean ok, Reason reason, String message) {}

    /**
     * The job as the pass leaves it: its id (null while there is none), PVE's next run, and
     * JobInSync.
     */
    record JobState(String jobId, Instant nextRun, Cond inSync) {}

    /** What the storage's backup list says of the policy's VMs. */
    record BackupReport(
            List<BackupPolicyStatus.VmBackup> vms,
            List<Integer> notCovered,
            List<String> retentionPreview) {}

    /**
     * The run and drill records as the pass leaves them (new objects: the status the pass read is
     * not changed).
     */
    record Records(
            String handledBackupNow,
            Run pendingRun,
            Run scheduledRun,
            Run lastRun,
            DrillStatus drill) {}

    /**
     * What a pass does and shows.
     *
     * @param reason the Ready reason (Ready is True only for {@code Ready})
     * @param action the one thing to do in PVE, if any
     * @param requeue when to look again without an event
     * @param needs read these and plan again (nothing else in the plan counts then)
     * @param ended tasks that ended (or whose intent came to nothing) in this pass: they left the
     *     records
     * @param storage StorageReady as decided in this pass; empty: unchanged
     * @param job the job as decided in this pass; empty: unchanged
     * @param report the backups report of this pass; empty: unchanged
     * @param pollSoon the plan waits for what the next poll shows (a booting scratch VM, a
     *     scheduled run's tasks)
     * @param finished the deletion is done: the finalizer may go
     */
    record Plan(
            Reason reason,
            String message,
            Optional<Action> action,
            Optional<Duration> requeue,
            Needs needs,
            List<TaskFact> ended,
            Optional<Cond> storage,
            Optional<JobState> job,
            Optional<BackupReport> report,
            Records records,
            boolean pollSoon,
            boolean finished) {
        boolean ready() {
            return reason == BackupPolicyReason.Ready;
        }
    }

    private BackupPolicyPlanner() {}

    // ---------------------------------------------------------------- converge

    static Plan plan(
            BackupPolicy policy, BackupPolicyStatus status, BackupPolicyFacts facts, Instant now) {
        Draft d = new Draft(policy, status, facts, now);
        Optional<ClusterView.Blocked> blocked = facts.cluster().blocked();
        if (blocked.isPresent()) {
            return d.show(blocked.get().reason(), blocked.get().message(), WAIT_CLUSTER);
        }
        if (facts.stale()) {
            // The poll predates the operator's own last change: nothing is decided from it.
            return d.summarized(SOON);
        }
        if (recordsFromAnotherCluster(d.status, facts.cluster().snapshot())) {
            abandonLostCluster(d);
        }
        boolean runBusy = followRun(d);
        boolean drillBusy = followDrillTask(d);
        followScheduledRun(d);
        if (d.needsAny()) {
            return d.plan();
        }
        if (runBusy || drillBusy) {
            return d.summarized(drillBusy ? DRILL_STEP : BUSY);
        }
        if (storage(d) && job(d) && d.action == null) {
            backupNow(d);
            if (d.action == null) {
                drill(d, false);
            }
            if (d.action == null && !d.needsAny() && !inFlight(d.drill)) {
                report(d);
            }
        }
        return d.summarized(null);
    }

    /**
     * The runs and the drill in status were made on another PVE cluster than the one this poll
     * comes from: after a disaster-recovery switch their tasks live on the lost cluster. They can
     * never be followed here (a task's UPID names a node of that cluster), and a scratch VMID there
     * is another VM here.
     */
    static boolean recordsFromAnotherCluster(BackupPolicyStatus status, ClusterSnapshot snapshot) {
        return status != null
                && status.getPveCluster() != null
                && snapshot != null
                && !status.getPveCluster().equals(snapshot.identity());
    }

    /**
     * Ends what was in flight on the lost cluster without a call: the runs fail (the backups they
     * finished are on the shared storage and listed from it like any other), the drill's VMs fail
     * with no cleanup here. Without this a BackupPolicy would wait forever for tasks no cluster it
     * can reach will ever report, and back nothing up on the new one.
     */
    private static void abandonLostCluster(Draft d) {
        String lost = d.status.getPveCluster();
        String here = d.facts.cluster().snapshot().identity();
        String why =
                "abandoned: it ran on PVE cluster "
                        + lost
                        + ", which this policy no longer uses (now "
                        + here
                        + "); backups it finished are listed from the storage";
        for (Run run : new Run[] {d.pending, d.scheduled}) {
            if (run != null) {
                run.setResult("failed");
                run.setMessage(why);
                run.setFinishedAt(d.now.toString());
                d.last = run;
            }
        }
        d.pending = null;
        d.scheduled = null;
        if (inFlight(d.drill)) {
            for (DrillVm vm : d.drill.getVms()) {
                if (!DONE.equals(vm.getPhase())) {
                    vm.setResult(FAILED);
                    vm.setReason(why + " (its scratch VM, if any, is left on " + lost + ")");
                    done(d, vm);
                }
            }
            finish(d, d.drill);
        }
    }

    // ---------------------------------------------------------------- deletion

    /**
     * One step of deleting the policy: a drill in flight is finished first (its scratch VM
     * destroyed, only if it carries this policy's marks), then the job goes. Backups and runs in
     * flight are left to PVE.
     */
    static Plan planDeletion(
            BackupPolicy policy, BackupPolicyStatus status, BackupPolicyFacts facts, Instant now) {
        Draft d = new Draft(policy, status, facts, now);
        String jobId = BackupJobPlan.jobId(policy);
        Optional<ClusterView.Blocked> blocked = facts.cluster().blocked();
        if (blocked.isPresent()) {
            return d.show(
                    BackupPolicyReason.Deleting,
                    "waiting for the cluster to delete job "
                            + jobId
                            + (inFlight(d.drill) ? " and the restore drill's scratch VM" : "")
                            + ": "
                            + blocked.get().message(),
                    WAIT_CLUSTER);
        }
        if (facts.stale()) {
            return d.show(
                    BackupPolicyReason.Deleting, "waiting for a poll after the last change", SOON);
        }
        if (followDrillTask(d)) {
            return d.show(
                    BackupPolicyReason.Deleting,
                    "waiting for the drill's task in flight before destroying the scratch VM",
                    DRILL_STEP);
        }
        drill(d, true);
        if (d.needsAny() || d.action != null || inFlight(d.drill)) {
            DrillVm vm = current(d.drill);
            return d.show(
                    BackupPolicyReason.Deleting,
                    "cleaning up the restore drill"
                            + (vm == null || vm.getScratchVmid() == null
                                    ? ""
                                    : ": scratch VM " + vm.getScratchVmid()),
                    DRILL_STEP);
        }
        if (facts.jobs().isEmpty()) {
            d.needJobs = true;
            return d.plan();
        }
        if (facts.jobs().get().job().isPresent()) {
            d.action = new DeleteJob(jobId);
            return d.show(
                    BackupPolicyReason.Deleting,
                    "deleting PVE backup job "
                            + jobId
                            + "; the backups stay on storage "
                            + policy.getSpec().getStorage().getName(),
                    SOON);
        }
        d.finished = true;
        return d.show(BackupPolicyReason.Deleting, "", null);
    }

    // ---------------------------------------------------------------- storage and job

    /**
     * The storage exists (from the poll) or is created as the declared NFS export; false stops the
     * pass there.
     */
    private static boolean storage(Draft d) {
        BackupPolicySpec.BackupStorage storage = d.policy.getSpec().getStorage();
        String name = storage.getName();
        if (d.facts.cluster().snapshot().storages().stream()
                .anyMatch(s -> name.equals(s.storage()))) {
            d.storage = new Cond(true, BackupPolicyReason.Exists, "storage " + name + " exists");
            return true;
        }
        if (storage.getNfs() == null) {
            d.storage =
                    new Cond(
                            false,
                            BackupPolicyReason.StorageMissing,
                            "storage "
                                    + name
                                    + " does not exist in the cluster;"
                                    + " create it or declare spec.storage.nfs so the operator creates it");
            return false;
        }
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("storage", name);
        params.put("type", "nfs");
        params.put("server", storage.getNfs().getServer());
        params.put("export", storage.getNfs().getExport());
        params.put("content", "backup");
        if (storage.getNfs().getOptions() != null && !storage.getNfs().getOptions().isBlank()) {
            params.put("options", storage.getNfs().getOptions());
        }
        d.action = new CreateStorage(name, params);
        d.storage = new Cond(true, BackupPolicyReason.Created, "storage " + name + " created");
        return false;
    }

    /**
     * Creates or updates the policy's own job (never another); with nothing selected the job keeps
     * its VM list but is disabled, so no VM is backed up unasked. False when the pass stops here
     * (an action, or the list is needed).
     */
    private static boolean job(Draft d) {
        if (d.facts.jobs().isEmpty()) {
            d.needJobs = true;
            return false;
        }
        Optional<ObservedJob> job = d.facts.jobs().get().job();
        String jobId = BackupJobPlan.jobId(d.policy);
        Selection selection = d.facts.selection();
        if (selection.nothing() && job.isEmpty()) {
            d.job =
                    new JobState(
                            null,
                            null,
                            new Cond(
                                    false,
                                    BackupPolicyReason.NothingSelected,
                                    "the selection matches no VM yet; the job is created when it does"));
            return true;
        }
        Cond inSync =
                selection.nothing()
                        ? new Cond(
                                false,
                                BackupPolicyReason.NothingSelected,
                                "the selection matches no VM; job "
                                        + jobId
                                        + " is disabled until it does")
                        : new Cond(
                                true,
                                BackupPolicyReason.InSync,
                                "job " + jobId + " matches the spec");
        Collection<Integer> vmids = selection.nothing() ? lastVmids(job.get()) : selection.vmids();
        if (selection.nothing() && vmids.isEmpty()) {
            // The job selected all guests before: PVE needs a selection, so it is only disabled.
            d.job = new JobState(jobId, null, inSync);
            if (!"0".equals(job.get().options().get("enabled"))) {
                d.action = new UpdateJob(jobId, Map.of("enabled", 0), "enabled=0");
                return false;
            }
            return true;
        }
        Map<String, String> desired = BackupJobPlan.desired(d.policy, vmids, !selection.nothing());
        if (job.isEmpty()) {
            d.job = new JobState(jobId, null, inSync);
            d.action = new CreateJob(jobId, desired);
            return false;
        }
        BackupJobPlan.Change change = BackupJobPlan.diff(desired, job.get().options());
        if (!change.isEmpty()) {
            // next-run is left out until the job is read again, so the change is not taken for a
            // run.
            d.job = new JobState(jobId, null, inSync);
            Map<String, Object> params = new LinkedHashMap<>(change.set());
            if (!change.delete().isEmpty()) {
                params.put("delete", String.join(",", change.delete()));
            }
            d.action =
                    new UpdateJob(
                            jobId,
                            params,
                            describe(change.set())
                                    + (change.delete().isEmpty()
                                            ? ""
                                            : "; removed " + change.delete()));
            return false;
        }
        Instant nextRun = job.get().nextRun().orElse(null);
        d.job = new JobState(jobId, nextRun, inSync);
        noticeScheduledRun(d, nextRun);
        return true;
    }

    /**
     * PVE's job moves its next run on only when it ran (the operator leaves next-run out of status
     * whenever it changes the job), so a next run later than the one in status means PVE started
     * the job at the time in status. That time is PVE's own clock: the operator's is never compared
     * with it.
     */
    private static void noticeScheduledRun(Draft d, Instant nextRun) {
        Instant previous = instant(d.status.getNextRun());
        if (previous == null
                || nextRun == null
                || !nextRun.isAfter(previous)
                || d.scheduled != null) {
            return;
        }
        Run run = new Run();
        run.setTrigger("scheduled");
        run.setStartedAt(previous.toString());
        run.setResult("running");
        d.scheduled = run;
    }

    private static Collection<Integer> lastVmids(ObservedJob job) {
        Set<Integer> result = new TreeSet<>();
        for (String part : job.options().getOrDefault("vmid", "").split("[,;\\s]+")) {
            if (!part.isEmpty()) {
                result.add(Integer.parseInt(part));
            }
        }
        return result;
    }

    private static String describe(Map<String, String> options) {
        return options.entrySet().stream()
                .filter(e -> !e.getKey().equals("comment"))
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(" "));
    }

    // ---------------------------------------------------------------- runs

    /** A new backup-now value starts a run once no run is in flight. */
    private static void backupNow(Draft d) {
        Run pending = d.pending;
        if (pending != null) {
            if (pending.getTasks().isEmpty()
                    && pending.getUpids().isEmpty()
                    && pending.getVms().isEmpty()) {
                // Recorded, but no task was ever started (an older operator's intent): start it
                // now.
                startRun(d, pending);
            }
            return;
        }
        String token = annotation(d.policy, Pveha.ANNOTATION_BACKUP_NOW);
        if (token == null || token.equals(d.handled)) {
            return;
        }
        d.handled = token;
        Run run = new Run();
        run.setTrigger("on-demand");
        run.setStartedAt(d.now.toString());
        run.setResult("running");
        startRun(d, run);
    }

    private static void startRun(Draft d, Run run) {
        List<RunPart> parts = parts(d.policy, d.facts.selection(), d.facts.cluster().snapshot());
        if (parts.isEmpty()) {
            run.setResult("failed");
            run.setMessage("no selected VM exists in the cluster");
            run.setFinishedAt(d.now.toString());
            d.pending = null;
            d.last = run;
            return;
        }
        d.pending = run;
        d.action = new StartRun(parts);
    }

    /**
     * One vzdump per node that holds selected VMs (for {@code all}: per online node, as PVE's job
     * does).
     */
    static List<RunPart> parts(BackupPolicy policy, Selection selection, ClusterSnapshot snapshot) {
        Map<String, Object> options = new LinkedHashMap<>(BackupJobPlan.runOptions(policy));
        List<Integer> excluded = policy.getSpec().getSelection().getExclude();
        Map<String, List<Integer>> byNode = new TreeMap<>();
        if (selection.all()) {
            snapshot.nodes().stream()
                    .filter(n -> "online".equals(n.status()))
                    .forEach(n -> byNode.put(n.node(), new ArrayList<>()));
            snapshot.vmsById().values().stream()
                    .filter(
                            r ->
                                    byNode.containsKey(r.node())
                                            && !r.isTemplate()
                                            && !isScratch(r)
                                            && !excluded.contains(r.vmid()))
                    .forEach(r -> byNode.get(r.node()).add(r.vmid()));
        } else {
            for (int vmid : selection.vmids()) {
                snapshot.vm(vmid)
                        .ifPresent(
                                r ->
                                        byNode.computeIfAbsent(r.node(), n -> new ArrayList<>())
                                                .add(vmid));
            }
        }
        List<RunPart> parts = new ArrayList<>();
        byNode.forEach(
                (node, vmids) -> {
                    Map<String, Object> params = new LinkedHashMap<>(options);
                    if (selection.all()) {
                        params.put("all", 1);
                        if (!excluded.isEmpty()) {
                            params.put("exclude", BackupJobPlan.list(excluded));
                        }
                    } else {
                        params.put("vmid", BackupJobPlan.list(vmids));
                    }
                    Collections.sort(vmids);
                    parts.add(new RunPart(node, List.copyOf(vmids), params));
                });
        return parts;
    }

    /**
     * Follows the on-demand run's tasks: a finished one is folded into the run (its log says each
     * VM's outcome) and leaves the records; the run is over when none is left. True while a task
     * runs (or its log is needed).
     */
    private static boolean followRun(Draft d) {
        Run run = d.pending;
        if (run == null) {
            return false;
        }
        boolean busy = false;
        for (TaskFact task : d.facts.runTasks()) {
            switch (task.state()) {
                case RUNNING, UNKNOWN -> {
                    busy = true;
                    replaceTask(run.getTasks(), task.task());
                }
                case NOT_STARTED -> {
                    // The call never took effect: those VMs were not backed up in this run.
                    removeTask(run.getTasks(), task.task());
                    d.ended.add(task);
                    String node = task.task().getNode();
                    for (RunPart part :
                            parts(d.policy, d.facts.selection(), d.facts.cluster().snapshot())) {
                        if (part.node().equals(node)) {
                            part.vmids()
                                    .forEach(
                                            v ->
                                                    run.getVms()
                                                            .add(
                                                                    outcome(
                                                                            v,
                                                                            "failed",
                                                                            null,
                                                                            "the vzdump on "
                                                                                    + node
                                                                                    + " was never started (the operator stopped before PVE answered)")));
                        }
                    }
                }
                default -> {
                    String upid = task.task().getUpid();
                    VzdumpSummary summary = d.facts.summaries().get(upid);
                    if (summary == null) {
                        d.needLogs.add(upid);
                        busy = true;
                        continue;
                    }
                    removeTask(run.getTasks(), task.task());
                    d.ended.add(task);
                    fold(run, upid, task.task().getNode(), task.exitStatus(), summary);
                }
            }
        }
        if (busy
                || !run.getTasks().isEmpty()
                || (run.getUpids().isEmpty() && run.getVms().isEmpty())) {
            return busy;
        }
        d.last = finished(run, d.facts.cluster().snapshot());
        d.pending = null;
        return false;
    }

    /**
     * Follows a scheduled run PVE started: once the poll lists tasks, the run is the vzdump tasks
     * of anyone but the operator since the job fired whose logs name this policy's storage and a
     * selected VM. It is reported when they (and any other vzdump started with them) ended. A
     * firing that started no such task while the storage shows no new backup is a missed run:
     * reported as failed.
     */
    private static void followScheduledRun(Draft d) {
        Run run = d.scheduled;
        ClusterSnapshot snapshot = d.facts.cluster().snapshot();
        if (run == null) {
            return;
        }
        if (!snapshot.tasksPolled()) {
            d.pollSoon = true;
            return;
        }
        long since = instant(run.getStartedAt()).getEpochSecond() - RUN_WINDOW_SECONDS;
        List<TaskEntry> vzdumps =
                snapshot.tasksByUpid().values().stream()
                        .filter(
                                t ->
                                        "vzdump".equals(t.type())
                                                && Upid.isUpid(t.upid())
                                                && t.starttime() != null
                                                && t.starttime() >= since)
                        .filter(t -> !d.facts.tokenUser().equals(Upid.parse(t.upid()).user()))
                        .sorted(Comparator.comparing(TaskEntry::upid))
                        .toList();
        List<TaskEntry> ours = new ArrayList<>();
        for (TaskEntry task : vzdumps) {
            if (task.status() == null) {
                continue;
            }
            VzdumpSummary summary = d.facts.summaries().get(task.upid());
            if (summary == null) {
                d.needLogs.add(task.upid());
            } else if (d.policy.getSpec().getStorage().getName().equals(summary.storage())
                    && Stream.concat(summary.listed().stream(), summary.vms().keySet().stream())
                            .anyMatch(d.facts.selection()::covers)) {
                ours.add(task);
            }
        }
        if (d.needsAny()) {
            return;
        }
        if (ours.isEmpty()) {
            if (vzdumps.stream().anyMatch(t -> t.status() == null)) {
                return; // a run whose log does not tell yet
            }
            if (d.facts.backups().isEmpty()) {
                d.needBackups = true;
                return;
            }
            BackupsRead backups = d.facts.backups().get();
            boolean backedUp =
                    backups.backups().stream()
                            .anyMatch(
                                    b ->
                                            b.ctime() >= since
                                                    && d.facts.selection().covers(b.vmid()));
            if (backups.unavailable().isEmpty() && !backedUp) {
                run.setResult("failed");
                run.setMessage(
                        "the scheduled run at "
                                + run.getStartedAt()
                                + " started no backup of the selected VMs"
                                + " (PVE started no vzdump task for them: are their nodes online and storage "
                                + d.policy.getSpec().getStorage().getName()
                                + " available?)");
                d.last = run;
            }
            // Otherwise the tasks are no longer listed (e.g. the operator was down): the backups
            // report what it did.
            d.scheduled = null;
            return;
        }
        long newest = ours.stream().mapToLong(TaskEntry::starttime).max().orElseThrow();
        if (vzdumps.stream()
                .anyMatch(
                        t ->
                                t.status() == null
                                        && Math.abs(t.starttime() - newest)
                                                <= RUN_WINDOW_SECONDS)) {
            return; // another node's part of the same run is still going
        }
        Run done = new Run();
        done.setTrigger("scheduled");
        for (TaskEntry task : ours) {
            if (newest - task.starttime() <= RUN_WINDOW_SECONDS) {
                fold(
                        done,
                        task.upid(),
                        task.node(),
                        task.status(),
                        d.facts.summaries().get(task.upid()));
            }
        }
        d.last = finished(done, snapshot);
        d.scheduled = null;
    }

    /**
     * Adds one finished vzdump task to a run: its id and each VM's outcome (a VM it never got to
     * failed with the task).
     */
    private static void fold(
            Run run, String upid, String node, String exitStatus, VzdumpSummary summary) {
        if (!run.getUpids().contains(upid)) {
            run.getUpids().add(upid);
        }
        boolean ok =
                exitStatus != null
                        && (exitStatus.equals("OK") || exitStatus.startsWith("WARNINGS"));
        for (VzdumpSummary.VmResult vm : summary.vms().values()) {
            boolean interrupted = "running".equals(vm.result());
            run.getVms()
                    .add(
                            outcome(
                                    vm.vmid(),
                                    interrupted ? "failed" : vm.result(),
                                    interrupted ? null : vm.volume(),
                                    interrupted ? exitStatus : vm.message()));
        }
        if (!ok) {
            summary.listed().stream()
                    .filter(v -> !summary.vms().containsKey(v))
                    .forEach(v -> run.getVms().add(outcome(v, "failed", null, exitStatus)));
            if (summary.vms().isEmpty() && summary.listed().isEmpty()) {
                run.getVms().add(outcome(null, "failed", null, node + ": " + exitStatus));
            }
        }
    }

    /** The run as lastRun shows it: its tasks' ids, PVE's start and end times, and the result. */
    private static Run finished(Run run, ClusterSnapshot snapshot) {
        Run done = Copies.deepCopy(run, Run.class);
        done.setTasks(new ArrayList<>());
        List<String> upids = done.getUpids().stream().sorted().toList();
        done.setUpids(new ArrayList<>(upids));
        done.setUpid(upids.isEmpty() ? null : upids.get(0));
        upids.stream()
                .filter(Upid::isUpid)
                .map(u -> Upid.parse(u).startTime())
                .min(Comparator.naturalOrder())
                .ifPresent(t -> done.setStartedAt(t.toString()));
        upids.stream()
                .map(snapshot::task)
                .flatMap(Optional::stream)
                .map(TaskEntry::endtime)
                .filter(Objects::nonNull)
                .max(Long::compare)
                .ifPresent(t -> done.setFinishedAt(Instant.ofEpochSecond(t).toString()));
        List<String> problems = new ArrayList<>();
        int ok = 0;
        for (VmOutcome vm : done.getVms()) {
            if ("ok".equals(vm.getResult())) {
                ok++;
            } else {
                problems.add(
                        vm.getVmid() == null
                                ? vm.getMessage()
                                : "VM " + vm.getVmid() + ": " + vm.getMessage());
            }
        }
        done.setResult(problems.isEmpty() ? "ok" : ok == 0 ? "failed" : "partial");
        done.setMessage(
                problems.isEmpty()
                        ? ok + " VM(s) backed up"
                        : ok
                                + " VM(s) backed up, "
                                + problems.size()
                                + " failed: "
                                + String.join("; ", problems));
        return done;
    }

    static VmOutcome outcome(Integer vmid, String result, String volume, String message) {
        VmOutcome outcome = new VmOutcome();
        outcome.setVmid(vmid);
        outcome.setResult(result);
        outcome.setVolume(volume);
        outcome.setMessage(message);
        return outcome;
    }

    // ---------------------------------------------------------------- backups on the storage

    /** Older good backups listed per VM besides the latest. */
    static final int PREVIOUS_KEPT = 3;

    /**
     * Each VM's latest good backup, its older ones, and the retention preview. An archive belongs
     * to the HaVm its notes name ({@link BackupMarker}: by namespace and VM name, whatever cluster
     * wrote it and under whatever VMID), else to its VMID (archives from before the marker). An
     * archive whose notes name another namespace is another platform's on a shared export: left
     * out. A volume the last restore drill could not restore or boot is not a good backup.
     */
    private static void report(Draft d) {
        if (d.facts.backups().isEmpty()) {
            d.needBackups = true;
            return;
        }
        BackupsRead read = d.facts.backups().get();
        String storage = d.policy.getSpec().getStorage().getName();
        if (read.unavailable().isPresent()) {
            d.storage =
                    new Cond(
                            false,
                            BackupPolicyReason.StorageUnavailable,
                            "cannot list backups on storage "
                                    + storage
                                    + ": "
                                    + read.unavailable().get());
            return;
        }
        Selection selection = d.facts.selection();
        String namespace = d.policy.getMetadata().getNamespace();
        Set<String> failedDrill = failedDrillVolumes(d.status.getDrill());
        Map<Integer, List<StoredBackup>> byVm =
                read.backups().stream()
                        .collect(
                                Collectors.groupingBy(
                                        StoredBackup::vmid, TreeMap::new, Collectors.toList()));
        Map<String, List<StoredBackup>> groups = new TreeMap<>();
        Map<String, String> groupHaVm = new TreeMap<>();
        for (StoredBackup b : read.backups()) {
            Optional<BackupMarker.Identity> id = BackupMarker.parse(b.notes());
            String key;
            if (id.isPresent()) {
                if (!id.get().namespace().equals(namespace)) {
                    continue;
                }
                String haVm =
                        selection.byVmName().getOrDefault(id.get().vmName(), id.get().vmName());
                key = "havm:" + haVm;
                groupHaVm.put(key, haVm);
            } else {
                key = "vmid:" + b.vmid();
            }
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(b);
        }
        // VMs listed before stay listed while they have backups: a deleted VM can still be restored
        // by policyRef.
        Set<Integer> reported = new TreeSet<>(selection.vmids());
        Set<String> reportedHaVms = new TreeSet<>();
        Map<Integer, String> names = new TreeMap<>();
        for (BackupPolicyStatus.VmBackup before : d.status.getVms()) {
            if (before.getVmid() != null) {
                reported.add(before.getVmid());
            }
            if (before.getHaVm() != null) {
                reportedHaVms.add(before.getHaVm());
                if (before.getVmid() != null) {
                    names.put(before.getVmid(), before.getHaVm());
                }
            }
        }
        names.putAll(selection.haVmNames());
        selection.vmids().stream()
                .map(selection.haVmNames()::get)
                .filter(Objects::nonNull)
                .forEach(reportedHaVms::add);
        List<BackupPolicyStatus.VmBackup> vms = new ArrayList<>();
        for (Map.Entry<String, List<StoredBackup>> group : groups.entrySet()) {
            String haVm = groupHaVm.get(group.getKey());
            List<StoredBackup> backups = group.getValue();
            boolean wanted =
                    haVm != null
                            ? reportedHaVms.contains(haVm)
                                    || backups.stream().anyMatch(b -> reported.contains(b.vmid()))
                            : reported.contains(backups.get(0).vmid());
            List<StoredBackup> good =
                    backups.stream()
                            .filter(b -> !failedDrill.contains(b.volid()))
                            .sorted(
                                    Comparator.comparingLong(StoredBackup::ctime)
                                            .thenComparing(StoredBackup::volid)
                                            .reversed())
                            .toList();
            if (!wanted || good.isEmpty()) {
                continue;
            }
            StoredBackup latest = good.get(0);
            BackupPolicyStatus.VmBackup entry = new BackupPolicyStatus.VmBackup();
            entry.setVmid(latest.vmid());
            entry.setHaVm(haVm != null ? haVm : names.get(latest.vmid()));
            entry.setVolume(latest.volid());
            entry.setTime(Instant.ofEpochSecond(latest.ctime()).toString());
            entry.setSizeBytes(latest.sizeBytes());
            entry.setCount(backups.size());
            entry.setIdentifiedBy(haVm != null ? "notes" : "vmid");
            entry.setWrittenBy(
                    BackupMarker.parse(latest.notes())
                            .map(BackupMarker.Identity::cluster)
                            .filter(c -> !c.isEmpty())
                            .orElse(null));
            entry.setPrevious(
                    new ArrayList<>(
                            good.stream()
                                    .skip(1)
                                    .limit(PREVIOUS_KEPT)
                                    .map(
                                            b ->
                                                    new BackupPolicyStatus.BackupVolume(
                                                            b.volid(),
                                                            Instant.ofEpochSecond(b.ctime())
                                                                    .toString(),
                                                            b.sizeBytes()))
                                    .toList()));
            vms.add(entry);
        }
        vms.sort(
                Comparator.comparing(
                                BackupPolicyStatus.VmBackup::getVmid,
                                Comparator.nullsLast(Comparator.naturalOrder()))
                        .thenComparing(
                                BackupPolicyStatus.VmBackup::getHaVm,
                                Comparator.nullsLast(Comparator.naturalOrder())));
        List<Integer> notCovered = new ArrayList<>();
        Retention retention = Retention.of(d.policy.getSpec().getRetention());
        List<String> preview = new ArrayList<>();
        for (int vmid : selection.vmids()) {
            String haVm = selection.haVmNames().get(vmid);
            boolean covered =
                    vms.stream()
                            .anyMatch(
                                    e ->
                                            Objects.equals(e.getVmid(), vmid)
                                                    || (haVm != null && haVm.equals(e.getHaVm())));
            if (!covered) {
                notCovered.add(vmid);
            }
            List<StoredBackup> backups = byVm.getOrDefault(vmid, List.of());
            preview.addAll(
                    retention.removals(
                            backups.stream()
                                    .map(
                                            b ->
                                                    new Retention.Backup(
                                                            b.volid(), b.ctime(), b.protect()))
                                    .toList(),
                            ZoneOffset.UTC));
        }
        d.report = new BackupReport(vms, notCovered, preview);
    }

    /**
     * Volumes the last restore drill found bad: their restore failed, or the restored VM did not
     * boot (a refused start, a node offline or a taken VMID say nothing of the backup).
     */
    static Set<String> failedDrillVolumes(DrillStatus drill) {
        if (drill == null) {
            return Set.of();
        }
        return drill.getVms().stream()
                .filter(v -> FAILED.equals(v.getResult()) && v.getVolume() != null)
                .filter(
                        v ->
                                v.getReason() != null
                                        && (v.getReason()
                                                        .startsWith(
                                                                "restoring "
                                                                        + v.getVolume()
                                                                        + " failed")
                                                || v.getReason().contains("did not reach running")))
                .map(DrillVm::getVolume)
                .collect(Collectors.toSet());
    }

    // ---------------------------------------------------------------- the restore drill

    /** True while a drill has a VM not done (its scratch VM may exist). */
    static boolean inFlight(DrillStatus drill) {
        return drill != null && drill.getVms().stream().anyMatch(v -> !DONE.equals(v.getPhase()));
    }

    private static DrillVm current(DrillStatus drill) {
        return drill == null
                ? null
                : drill.getVms().stream()
                        .filter(v -> !DONE.equals(v.getPhase()))
                        .findFirst()
                        .orElse(null);
    }

    /** Applies the end of the drilled VM's task; true while it runs. */
    private static boolean followDrillTask(Draft d) {
        DrillVm vm = current(d.drill);
        if (vm == null || d.facts.drillTask().isEmpty()) {
            return false;
        }
        TaskFact task = d.facts.drillTask().get();
        if (task.state() == State.RUNNING || task.state() == State.UNKNOWN) {
            vm.setTask(task.task());
            return true;
        }
        d.ended.add(task);
        vm.setTask(null);
        if (task.state() == State.NOT_STARTED) {
            return false; // the step is planned again from the facts
        }
        boolean ok = task.state() == State.SUCCEEDED;
        String type = task.task().getTaskType();
        switch (vm.getPhase()) {
            case RESTORING -> {
                if (ok) {
                    vm.setPhase(CONFIGURING);
                } else {
                    fail(vm, "restoring " + vm.getVolume() + " failed: " + task.describe());
                }
            }
            case CONFIGURING -> {
                if (!ok) {
                    fail(vm, "disconnecting the scratch VM's NICs failed: " + task.describe());
                }
            }
            case STARTING -> {
                if (ok) {
                    vm.setBootDeadline(d.now.plusSeconds(bootTimeout(d.policy)).toString());
                    vm.setPhase(BOOTING);
                } else {
                    fail(
                            vm,
                            "starting scratch VM "
                                    + vm.getScratchVmid()
                                    + " failed: "
                                    + task.describe());
                }
            }
            case CLEANING_UP -> {
                boolean destroy = Step.DESTROY.taskType.equals(type);
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
                    d.stopped =
                            true; // destroy next, whatever a poll from before the stop still says
                }
            }
            default -> {}
        }
        return false;
    }

    /**
     * Starts a drill for a new drill-now value or a due schedule, and takes the drill's next step:
     * a transition that needs no call is followed at once by the next, until a task, a read or a
     * wait.
     */
    private static void drill(Draft d, boolean deleting) {
        DrillStatus drill = d.drill == null ? new DrillStatus() : d.drill;
        d.drill = drill;
        BackupPolicySpec.Drill spec = d.policy.getSpec().getDrill();
        boolean enabled = spec != null && Boolean.TRUE.equals(spec.getEnabled());
        String schedule =
                spec == null || spec.getSchedule() == null
                        ? DEFAULT_DRILL_SCHEDULE
                        : spec.getSchedule();
        drill.setNextRun(
                enabled
                        ? ScratchVms.nextRun(schedule, drill.getNextRun(), d.now)
                                .map(Instant::toString)
                                .orElse(null)
                        : null);
        if (!inFlight(drill) && !deleting) {
            String token = annotation(d.policy, Pveha.ANNOTATION_DRILL_NOW);
            if (token != null && !token.equals(drill.getHandledDrillNow())) {
                drill.setHandledDrillNow(token);
                begin(d, drill, "on-demand");
            } else if (enabled
                    && drill.getNextRun() != null
                    && !d.now.isBefore(Instant.parse(drill.getNextRun()))) {
                // Due, also when the pass comes late (a missed schedule runs once, at the next
                // pass).
                drill.setNextRun(
                        CalendarSchedule.next(schedule, d.now, ZoneOffset.UTC)
                                .map(Instant::toString)
                                .orElse(null));
                begin(d, drill, "scheduled");
            }
        }
        if (deleting) {
            abandon(d, drill);
        }
        for (int steps = 0; steps < 8 && d.action == null && !d.needsAny() && !d.waiting; steps++) {
            DrillVm vm = current(drill);
            if (vm == null) {
                break;
            }
            advance(d, drill.getVms().indexOf(vm), vm);
        }
        if ("running".equals(drill.getResult()) && !inFlight(drill)) {
            finish(d, drill);
        }
        if (drill.getResult() == null
                && drill.getNextRun() == null
                && drill.getHandledDrillNow() == null) {
            d.drill = null;
        }
    }

    /** Lists the VMs to drill: every selected VM with a latest good backup in status. */
    private static void begin(Draft d, DrillStatus drill, String trigger) {
        drill.setTrigger(trigger);
        drill.setLastRun(d.now.toString());
        drill.setFinishedAt(null);
        drill.setMessage(null);
        List<DrillVm> vms = new ArrayList<>();
        for (BackupPolicyStatus.VmBackup backup : d.status.getVms()) {
            if (d.facts.selection().vmids().contains(backup.getVmid())
                    && backup.getVolume() != null) {
                DrillVm vm = new DrillVm();
                vm.setVmid(backup.getVmid());
                vm.setHaVm(backup.getHaVm());
                vm.setVolume(backup.getVolume());
                vm.setPhase(PENDING);
                vms.add(vm);
            }
        }
        drill.setVms(vms);
        if (vms.isEmpty()) {
            drill.setResult("failed");
            drill.setFinishedAt(d.now.toString());
            drill.setMessage("no selected VM has a backup to restore");
        } else {
            drill.setResult("running");
        }
    }

    /**
     * The policy is being deleted: VMs not started fail, the one in flight fails and is cleaned up
     * as usual.
     */
    private static void abandon(Draft d, DrillStatus drill) {
        for (DrillVm vm : drill.getVms()) {
            if (PENDING.equals(vm.getPhase())) {
                vm.setResult(FAILED);
                vm.setReason("the BackupPolicy was deleted before this VM's turn");
                done(d, vm);
            } else if (!DONE.equals(vm.getPhase()) && !CLEANING_UP.equals(vm.getPhase())) {
                fail(vm, "the BackupPolicy was deleted during the drill");
            }
        }
    }

    private static void finish(Draft d, DrillStatus drill) {
        List<DrillVm> failed =
                drill.getVms().stream().filter(v -> !PASSED.equals(v.getResult())).toList();
        drill.setResult(failed.isEmpty() ? "passed" : "failed");
        drill.setFinishedAt(d.now.toString());
        drill.setMessage(
                (drill.getVms().size() - failed.size())
                        + " of "
                        + drill.getVms().size()
                        + " VM(s) passed"
                        + (failed.isEmpty()
                                ? ""
                                : ": "
                                        + failed.stream()
                                                .map(
                                                        v ->
                                                                "VM "
                                                                        + v.getVmid()
                                                                        + ": "
                                                                        + v.getReason())
                                                .collect(Collectors.joining("; "))));
    }

    /** One step of the drilled VM at {@code index}. */
    private static void advance(Draft d, int index, DrillVm vm) {
        ClusterSnapshot snapshot = d.facts.cluster().snapshot();
        switch (vm.getPhase()) {
            case PENDING -> {
                // On the original's node when it is online, else on any online node.
                Optional<String> node =
                        snapshot.vm(vm.getVmid())
                                .map(ClusterResource::node)
                                .filter(snapshot::nodeOnline)
                                .or(
                                        () ->
                                                snapshot.nodes().stream()
                                                        .filter(n -> "online".equals(n.status()))
                                                        .map(ClusterResource::node)
                                                        .findFirst());
                if (node.isEmpty()) {
                    vm.setResult(FAILED);
                    vm.setReason("no node is online to restore on");
                    done(d, vm);
                    return;
                }
                vm.setNode(node.get());
                vm.setStartedAt(d.now.toString());
                vm.setPhase(RESTORING);
                restore(d, index, vm);
            }
            case RESTORING -> {
                if (vm.getScratchVmid() != null && snapshot.vm(vm.getScratchVmid()).isPresent()) {
                    // No restore of ours ran (the ledger found none), yet the VMID exists: someone
                    // else's VM, or one
                    // whose task is no longer listed. Cleanup judges it by its marks.
                    fail(
                            vm,
                            "VMID "
                                    + vm.getScratchVmid()
                                    + " was taken before the restore was sent");
                } else {
                    restore(d, index, vm);
                }
            }
            case CONFIGURING -> configure(d, index, vm);
            case STARTING ->
                    d.action =
                            new DrillTask(
                                    index, Step.START, vm.getNode(), vm.getScratchVmid(), Map.of());
            case BOOTING -> boot(d, vm);
            case CLEANING_UP -> cleanUp(d, index, vm);
            default -> fail(vm, "unknown drill phase " + vm.getPhase());
        }
    }

    private static void restore(Draft d, int index, DrillVm vm) {
        d.action =
                new DrillTask(
                        index,
                        Step.RESTORE,
                        vm.getNode(),
                        vm.getScratchVmid(),
                        restoreParams(vm, d.policy));
    }

    /** NICs disconnected and onboot removed, read back from the config, and only then started. */
    private static void configure(Draft d, int index, DrillVm vm) {
        Optional<Map<String, String>> config = scratchConfig(d, vm);
        if (config == null) {
            return;
        }
        if (config.isEmpty()) {
            fail(vm, "scratch VM " + vm.getScratchVmid() + " vanished after the restore");
        } else if (config.get().containsKey("lock")) {
            d.waitForPoll(); // the restore is still finishing
        } else if (!ScratchVms.ownedBy(config.get(), d.policy.getMetadata().getUid())) {
            fail(vm, "scratch VM " + vm.getScratchVmid() + " does not carry the drill's marks");
        } else if (!ScratchVms.isolation(config.get()).isEmpty()) {
            d.action =
                    new DrillTask(
                            index,
                            Step.ISOLATE,
                            vm.getNode(),
                            vm.getScratchVmid(),
                            ScratchVms.isolation(config.get()));
        } else {
            vm.setPhase(STARTING);
            d.action =
                    new DrillTask(index, Step.START, vm.getNode(), vm.getScratchVmid(), Map.of());
        }
    }

    /** Running in the bulk poll (no extra call) before the deadline: passed. */
    private static void boot(Draft d, DrillVm vm) {
        if (d.facts
                .cluster()
                .snapshot()
                .vm(vm.getScratchVmid())
                .map(r -> "running".equals(r.status()))
                .orElse(false)) {
            vm.setResult(PASSED);
            vm.setReason(
                    "restored "
                            + vm.getVolume()
                            + " to VM "
                            + vm.getScratchVmid()
                            + " on "
                            + vm.getNode()
                            + "; it reached running with its NICs disconnected");
            vm.setPhase(CLEANING_UP);
        } else if (vm.getBootDeadline() == null
                || d.now.isAfter(Instant.parse(vm.getBootDeadline()))) {
            fail(
                    vm,
                    "scratch VM "
                            + vm.getScratchVmid()
                            + " restored from "
                            + vm.getVolume()
                            + " did not reach running by "
                            + vm.getBootDeadline());
        } else {
            d.waitForPoll();
        }
    }

    /**
     * Stops and destroys the scratch VM, and only ours: the VMID in status, with the drill's tag
     * and this policy's marker in the config just read (the poll may predate the restore's marks).
     * A VM that is gone needs nothing.
     */
    private static void cleanUp(Draft d, int index, DrillVm vm) {
        if (vm.getScratchVmid() == null) {
            done(d, vm);
            return;
        }
        Optional<Map<String, String>> config = scratchConfig(d, vm);
        if (config == null) {
            return;
        }
        if (config.isEmpty()) {
            done(d, vm);
        } else if (config.get().containsKey("lock")) {
            // A restore still writing the VM, or another operation: PVE would refuse, and it cannot
            // be judged yet.
            d.waitForPoll();
        } else if (!ScratchVms.ownedBy(config.get(), d.policy.getMetadata().getUid())) {
            leave(
                    d,
                    vm,
                    "VM "
                            + vm.getScratchVmid()
                            + " does not carry the drill's marks; it was left alone");
        } else {
            boolean running =
                    !d.stopped
                            && d.facts
                                    .cluster()
                                    .snapshot()
                                    .vm(vm.getScratchVmid())
                                    .map(r -> "running".equals(r.status()))
                                    .orElse(false);
            d.action =
                    running
                            ? new DrillTask(
                                    index, Step.STOP, vm.getNode(), vm.getScratchVmid(), Map.of())
                            : new DrillTask(
                                    index,
                                    Step.DESTROY,
                                    vm.getNode(),
                                    vm.getScratchVmid(),
                                    Map.of("purge", 1, "destroy-unreferenced-disks", 1));
        }
    }

    /**
     * The scratch VM's config as read in this pass, or null after asking the observer to read it.
     */
    private static Optional<Map<String, String>> scratchConfig(Draft d, DrillVm vm) {
        if (d.facts.scratch().isEmpty() || d.facts.scratch().get().vmid() != vm.getScratchVmid()) {
            d.needScratch = new ScratchRef(vm.getNode(), vm.getScratchVmid());
            return null;
        }
        return d.facts.scratch().get().config();
    }

    /** The VM failed the drill; its scratch VM (if any) is cleaned up next. */
    static void fail(DrillVm vm, String reason) {
        vm.setResult(FAILED);
        vm.setReason(reason);
        vm.setTask(null);
        vm.setPhase(CLEANING_UP);
    }

    private static void leave(Draft d, DrillVm vm, String why) {
        ScratchVms.leave(vm, why, d.now);
    }

    private static void done(Draft d, DrillVm vm) {
        ScratchVms.done(vm, d.now);
    }

    /**
     * {@code POST /nodes/{node}/qemu} restoring the archive: new MACs and SMBIOS UUID ({@code
     * unique}), the drill's marks instead of the backed-up tags and notes (PVE 7.2+ applies request
     * options over the restored config). Not started: the NICs are disconnected first. {@code vmid}
     * is the scratch VMID once there is one.
     */
    static Map<String, Object> restoreParams(DrillVm vm, BackupPolicy policy) {
        Map<String, Object> p = new LinkedHashMap<>();
        if (vm.getScratchVmid() != null) {
            p.put("vmid", vm.getScratchVmid());
        }
        p.put("archive", vm.getVolume());
        p.put("unique", 1);
        BackupPolicySpec.Drill drill = policy.getSpec().getDrill();
        if (drill != null && drill.getStorage() != null) {
            p.put("storage", drill.getStorage());
        }
        p.put("name", "pveha-drill-" + vm.getVmid());
        p.put("tags", TAG);
        p.put("description", description(policy, vm.getVmid()));
        return p;
    }

    static String description(BackupPolicy policy, int vmid) {
        return "Restore drill of VM "
                + vmid
                + " by pve-ha-operator, BackupPolicy "
                + policy.getMetadata().getNamespace()
                + "/"
                + policy.getMetadata().getName()
                + "; destroyed when the drill ends\n"
                + MARKER
                + policy.getMetadata().getUid();
    }

    /** True for a scratch VM of any drill (by its tag, from the poll). */
    static boolean isScratch(ClusterResource vm) {
        return vm.tagList().contains(TAG);
    }

    private static int bootTimeout(BackupPolicy policy) {
        return Optional.ofNullable(policy.getSpec().getDrill())
                .map(BackupPolicySpec.Drill::getBootTimeoutSeconds)
                .orElse(DEFAULT_BOOT_TIMEOUT);
    }

    // ---------------------------------------------------------------- helpers

    private static void replaceTask(List<PendingTask> tasks, PendingTask task) {
        tasks.replaceAll(t -> Objects.equals(t.getNode(), task.getNode()) ? task : t);
    }

    private static void removeTask(List<PendingTask> tasks, PendingTask task) {
        tasks.removeIf(t -> Objects.equals(t.getNode(), task.getNode()));
    }

    static String annotation(BackupPolicy policy, String name) {
        Map<String, String> annotations = policy.getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(name);
    }

    private static Instant instant(String text) {
        return text == null ? null : Instant.parse(text);
    }

    /** The plan being put together (local to one planner call). */
    private static final class Draft {
        final BackupPolicy policy;
        final BackupPolicyStatus status;
        final BackupPolicyFacts facts;
        final Instant now;
        Action action;
        boolean needJobs;
        boolean needBackups;
        ScratchRef needScratch;
        final Set<String> needLogs = new TreeSet<>();
        final List<TaskFact> ended = new ArrayList<>();
        Cond storage;
        JobState job;
        BackupReport report;
        String handled;
        Run pending;
        Run scheduled;
        Run last;
        DrillStatus drill;
        boolean pollSoon;
        boolean waiting;
        boolean stopped;
        boolean finished;

        Draft(
                BackupPolicy policy,
                BackupPolicyStatus status,
                BackupPolicyFacts facts,
                Instant now) {
            this.policy = policy;
            this.status = status == null ? new BackupPolicyStatus() : status;
            this.facts = facts;
            this.now = now;
            this.handled = this.status.getHandledBackupNow();
            this.pending = Copies.deepCopy(this.status.getPendingRun(), Run.class);
            this.scheduled = Copies.deepCopy(this.status.getScheduledRun(), Run.class);
            this.last = Copies.deepCopy(this.status.getLastRun(), Run.class);
            this.drill = Copies.deepCopy(this.status.getDrill(), DrillStatus.class);
        }

        boolean needsAny() {
            return needJobs || needBackups || needScratch != null || !needLogs.isEmpty();
        }

        void waitForPoll() {
            waiting = true;
            pollSoon = true;
        }

        /**
         * A plan that only asks for reads: the reconciler reads them and plans again, it never
         * shows this one.
         */
        Plan plan() {
            return show(BackupPolicyReason.Creating, "reading what the plan needs", SOON);
        }

        /**
         * Ready summed up from the storage, the job and the last run (as decided now, or as status
         * has them).
         */
        Plan summarized(Duration requeue) {
            Cond storageNow =
                    storage != null ? storage : previous(BackupPolicyStatusBuilder.STORAGE_READY);
            Cond jobNow =
                    job != null ? job.inSync() : previous(BackupPolicyStatusBuilder.JOB_IN_SYNC);
            String jobId = job != null ? job.jobId() : status.getJobId();
            if (storageNow != null && !storageNow.ok()) {
                Reason reason =
                        storageNow.reason() == BackupPolicyReason.StorageMissing
                                ? BackupPolicyReason.StorageMissing
                                : BackupPolicyReason.StorageUnavailable;
                return show(reason, storageNow.message(), orDefault(requeue));
            }
            if (jobNow == null) {
                return show(
                        BackupPolicyReason.Creating,
                        "setting up: "
                                + (action instanceof CreateStorage s
                                        ? "creating NFS storage "
                                                + s.storage()
                                                + "; the backup job follows"
                                        : "reading the backup jobs"),
                        orDefault(requeue));
            }
            if (!jobNow.ok()) {
                return show(
                        BackupPolicyReason.NothingSelected, jobNow.message(), orDefault(requeue));
            }
            if (last != null && !"ok".equals(last.getResult())) {
                return show(
                        BackupPolicyReason.LastRunFailed,
                        "last backup run " + last.getResult() + ": " + last.getMessage(),
                        orDefault(requeue));
            }
            return show(
                    BackupPolicyReason.Ready,
                    "job "
                            + jobId
                            + " backs up "
                            + facts.selection().vmids().size()
                            + " VM(s) to "
                            + policy.getSpec().getStorage().getName(),
                    orDefault(requeue));
        }

        private Duration orDefault(Duration requeue) {
            if (requeue != null) {
                return requeue;
            }
            if (action != null) {
                return SOON;
            }
            if (inFlight(drill)) {
                return DRILL_STEP;
            }
            return pending != null || scheduled != null ? BUSY : facts.pollInterval();
        }

        private Cond previous(String type) {
            Optional<Condition> c = Conditions.find(status.getConditions(), type);
            return c.map(
                            x ->
                                    new Cond(
                                            Conditions.TRUE.equals(x.getStatus()),
                                            Reasons.find(BackupPolicyReason.class, x.getReason())
                                                    .orElse(CommonReason.ApiError),
                                            x.getMessage()))
                    .orElse(null);
        }

        Plan show(Reason reason, String message, Duration requeue) {
            Needs needs =
                    needsAny()
                            ? new Needs(
                                    needJobs,
                                    needBackups,
                                    Optional.ofNullable(needScratch),
                                    Set.copyOf(needLogs))
                            : Needs.NONE;
            return new Plan(
                    reason,
                    message,
                    Optional.ofNullable(action),
                    Optional.ofNullable(requeue),
                    needs,
                    List.copyOf(ended),
                    Optional.ofNullable(storage),
                    Optional.ofNullable(job),
                    Optional.ofNullable(report),
                    new Records(handled, pending, scheduled, last, drill),
                    pollSoon,
                    finished);
        }
    }
}
