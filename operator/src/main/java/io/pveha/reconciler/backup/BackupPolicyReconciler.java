package io.pveha.reconciler.backup;

import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.pveha.api.PendingTask;
import io.pveha.api.backup.BackupPolicy;
import io.pveha.api.backup.BackupPolicyStatus;
import io.pveha.api.backup.BackupPolicyStatus.DrillVm;
import io.pveha.api.vm.HaVm;
import io.pveha.cluster.ClusterConnection;
import io.pveha.cluster.ClusterConnections;
import io.pveha.cluster.ClusterSnapshot;
import io.pveha.cluster.PollOutcome;
import io.pveha.pve.PveApiException;
import io.pveha.pve.model.TaskEntry;
import io.pveha.reconciler.CacheTrim;
import io.pveha.reconciler.ClusterFactsEventSource;
import io.pveha.reconciler.CommonReason;
import io.pveha.reconciler.Copies;
import io.pveha.reconciler.EventRecorder;
import io.pveha.reconciler.Note;
import io.pveha.reconciler.ReconcileGate;
import io.pveha.reconciler.ReconcileMarker;
import io.pveha.reconciler.Reporter;
import io.pveha.reconciler.SpecOrIntentChanged;
import io.pveha.reconciler.SpecValidation;
import io.pveha.reconciler.backup.BackupPolicyPlanner.Plan;
import io.pveha.reconciler.task.TaskLedger;
import io.pveha.reconciler.vm.VmidAllocator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The BackupPolicy controller. A pass reads top to bottom: gate (pause, invalid spec) → observe
 * ({@link BackupPolicyObserver}: the shared poll, HaVms, the policy's tasks) → plan ({@link
 * BackupPolicyPlanner}, pure; reading the job list, the storage's backups, a scratch VM's config or
 * vzdump logs first when the plan asks) → act ({@link BackupPolicyExecutor}: one action, tasks
 * through the ledger) → report ({@link BackupPolicyStatusBuilder}, {@link BackupPolicyEvents}). A
 * policy is looked at once per poll interval of its cluster, at once when it or a HaVm of its
 * cluster changes, and after each poll while its tasks run. Deleting a policy finishes its drill
 * (destroying the scratch VM) and deletes its PVE job; the backups stay.
 */
@ControllerConfiguration(
        name = "backuppolicy",
        generationAwareEventProcessing = false,
        informer = @Informer(onUpdateFilter = SpecOrIntentChanged.class))
public class BackupPolicyReconciler implements Reconciler<BackupPolicy>, Cleaner<BackupPolicy> {
    private static final Logger LOG = LoggerFactory.getLogger(BackupPolicyReconciler.class);

    private final ClusterConnections connections;
    private final SpecValidation validation;
    private final EventRecorder events;
    private final Clock clock;
    private final TaskLedger ledger;
    private final VmidAllocator allocator;
    private final BackupPolicyObserver observer;
    private final BackupPolicyExecutor executor;

    /**
     * {@code allocator}: the one the HaVm controller uses, so scratch VMs of drills never take a
     * HaVm's VMID.
     */
    public BackupPolicyReconciler(
            ClusterConnections connections,
            SpecValidation validation,
            EventRecorder events,
            Clock clock,
            VmidAllocator allocator,
            TaskLedger ledger) {
        this.connections = connections;
        this.validation = validation;
        this.events = events;
        this.clock = clock;
        this.ledger = ledger;
        this.allocator = allocator;
        this.observer = new BackupPolicyObserver(connections, ledger);
        this.executor = new BackupPolicyExecutor(ledger, allocator);
    }

    @Override
    public List<EventSource<?, BackupPolicy>> prepareEventSources(
            EventSourceContext<BackupPolicy> context) {
        // A HaVm that gets the policy's labels (or loses them, or gets its VMID) re-resolves the
        // selection at once.
        InformerEventSourceConfiguration<HaVm> config =
                InformerEventSourceConfiguration.from(HaVm.class, BackupPolicy.class)
                        .withSecondaryToPrimaryMapper(
                                vm ->
                                        context.getPrimaryCache()
                                                .list(
                                                        vm.getMetadata().getNamespace(),
                                                        policy ->
                                                                policy.getSpec() != null
                                                                        && vm.getSpec() != null
                                                                        && Objects.equals(
                                                                                policy.getSpec()
                                                                                        .getClusterRef(),
                                                                                vm.getSpec()
                                                                                        .getClusterRef()))
                                                .map(ResourceID::fromResource)
                                                .collect(Collectors.toSet()))
                        .withItemStore(CacheTrim.store())
                        .build();
        InformerEventSource<HaVm, BackupPolicy> haVms = new InformerEventSource<>(config, context);
        observer.watchHaVms(haVms);
        ClusterFactsEventSource<BackupPolicy> facts =
                new ClusterFactsEventSource<>(
                        BackupPolicy.class,
                        context,
                        p ->
                                p.getSpec() == null || p.getSpec().getClusterRef() == null
                                        ? null
                                        : p.getSpec().getClusterRef().getName(),
                        BackupPolicyReconciler::inFlightFactsChanged,
                        p -> null);
        connections.addListener(facts);
        return List.of(haVms, facts);
    }

    @Override
    public UpdateControl<BackupPolicy> reconcile(
            BackupPolicy policy, Context<BackupPolicy> context) {
        try (ReconcileMarker ignored = ReconcileMarker.of(policy)) {
            Reporter<BackupPolicy, BackupPolicyStatus> reporter =
                    new Reporter<>(policy, context, events);
            BackupPolicyStatus previous = BackupPolicyStatusBuilder.upgraded(policy.getStatus());
            Optional<ReconcileGate.Stop> stop =
                    ReconcileGate.check(
                            policy, previous == null ? null : previous.getConditions(), validation);
            if (stop.isPresent()) {
                reporter.report(
                        BackupPolicyStatusBuilder.stopped(
                                policy, previous, stop.get().reason(), stop.get().message(), now()),
                        stop.get().note().stream().toList());
                return UpdateControl.noUpdate();
            }
            Instant now = now();
            BackupPolicyFacts facts = observer.observe(policy, previous);
            Plan plan;
            try {
                Planned planned = plan(policy, previous, facts, now, false);
                facts = planned.facts();
                plan = planned.plan();
            } catch (PveApiException e) {
                return UpdateControl.<BackupPolicy>noUpdate()
                        .rescheduleAfter(readFailed(policy, previous, facts, e, reporter, now));
            }
            Duration next = act(policy, previous, facts, plan, reporter, now);
            return next == null
                    ? UpdateControl.noUpdate()
                    : UpdateControl.<BackupPolicy>noUpdate().rescheduleAfter(next);
        }
    }

    /**
     * The policy is deleted: a drill in flight is finished first (its scratch VM is destroyed
     * before the finalizer goes: the status, which alone knows the scratch VMID, goes with the
     * policy), then the job is deleted. Backups on the storage are never deleted.
     */
    @Override
    public DeleteControl cleanup(BackupPolicy policy, Context<BackupPolicy> context) {
        try (ReconcileMarker ignored = ReconcileMarker.of(policy)) {
            if (policy.getSpec() == null
                    || policy.getSpec().getClusterRef() == null
                    || connections.get(BackupPolicyObserver.clusterKey(policy)).isEmpty()) {
                // The cluster is gone or was never connected: nothing in PVE the operator could
                // remove.
                return DeleteControl.defaultDelete();
            }
            Reporter<BackupPolicy, BackupPolicyStatus> reporter =
                    new Reporter<>(policy, context, events);
            BackupPolicyStatus previous = BackupPolicyStatusBuilder.upgraded(policy.getStatus());
            Instant now = now();
            BackupPolicyFacts facts = observer.observe(policy, previous);
            Plan plan;
            try {
                Planned planned = plan(policy, previous, facts, now, true);
                facts = planned.facts();
                plan = planned.plan();
            } catch (PveApiException e) {
                return DeleteControl.noFinalizerRemoval()
                        .rescheduleAfter(readFailed(policy, previous, facts, e, reporter, now));
            }
            if (plan.finished()
                    || plan.action().orElse(null) instanceof BackupPolicyPlanner.DeleteJob) {
                // The last step: the resource goes with its status, so only the Events are written
                // (a drilled VM that
                // finished in this pass, the job deleted).
                BackupPolicyStatus last =
                        BackupPolicyStatusBuilder.build(policy, previous, facts, plan, now);
                try {
                    if (plan.action().isPresent()) {
                        executor.act(
                                facts.cluster().connection(),
                                policy,
                                plan.action().get(),
                                last,
                                facts,
                                () -> {});
                    }
                    reporter.emit(
                            BackupPolicyEvents.between(policy, previous, last, plan.action()));
                } catch (PveApiException e) {
                    if (e.retryable()) {
                        return DeleteControl.noFinalizerRemoval().rescheduleAfter(retryAfter(e));
                    }
                    // PVE will refuse the same again: the policy goes, and the Event says which job
                    // is left.
                    List<Note> notes =
                            new ArrayList<>(
                                    BackupPolicyEvents.between(
                                            policy, previous, last, Optional.empty()));
                    notes.add(Note.warning(BackupPolicyReason.JobDeleteFailed, e.describe()));
                    reporter.emit(notes);
                }
                observer.forget(policy);
                return DeleteControl.defaultDelete();
            }
            Duration next = act(policy, previous, facts, plan, reporter, now);
            return DeleteControl.noFinalizerRemoval()
                    .rescheduleAfter(next == null ? BackupPolicyPlanner.DRILL_STEP : next);
        }
    }

    @Override
    public ErrorStatusUpdateControl<BackupPolicy> updateErrorStatus(
            BackupPolicy policy, Context<BackupPolicy> context, Exception e) {
        return Reporter.kubernetesError(
                policy,
                context,
                e,
                (status, reason, message) ->
                        BackupPolicyStatusBuilder.stopped(policy, status, reason, message, now()));
    }

    private record Planned(BackupPolicyFacts facts, Plan plan) {}

    /** Plans, reading what the plan asks for and planning again, until it asks for nothing more. */
    private Planned plan(
            BackupPolicy policy,
            BackupPolicyStatus previous,
            BackupPolicyFacts facts,
            Instant now,
            boolean deleting) {
        BackupPolicyFacts current = facts;
        Plan plan = planOnce(policy, previous, current, now, deleting);
        // Each read answers what the plan asked; a later step may ask for another (e.g. logs, then
        // jobs, then backups).
        for (int reads = 0; plan.needs().any(); reads++) {
            if (reads == 5) {
                throw new IllegalStateException("the plan keeps asking for reads: " + plan.needs());
            }
            current = observer.read(policy, current, plan.needs());
            plan = planOnce(policy, previous, current, now, deleting);
        }
        return new Planned(current, plan);
    }

    private static Plan planOnce(
            BackupPolicy policy,
            BackupPolicyStatus previous,
            BackupPolicyFacts facts,
            Instant now,
            boolean deleting) {
        return deleting
                ? BackupPolicyPlanner.planDeletion(policy, previous, facts, now)
                : BackupPolicyPlanner.plan(policy, previous, facts, now);
    }

    /** Act on the plan, then report; returns when to look again. */
    private Duration act(
            BackupPolicy policy,
            BackupPolicyStatus previous,
            BackupPolicyFacts facts,
            Plan plan,
            Reporter<BackupPolicy, BackupPolicyStatus> reporter,
            Instant now) {
        BackupPolicyStatus built =
                BackupPolicyStatusBuilder.build(policy, previous, facts, plan, now);
        BackupPolicyStatus next = built;
        Duration requeue = plan.requeue().orElse(null);
        Optional<BackupPolicyPlanner.Action> done = Optional.empty();
        ClusterConnection connection = facts.cluster().connection();
        // What a write-ahead record stored is reported with it: the pass's last write may still
        // fail (a conflict),
        // and the next pass starts from what was stored.
        BackupPolicyStatus[] reported = {previous};
        TaskLedger.Journal journal =
                () -> {
                    reporter.record(built);
                    reporter.emit(
                            BackupPolicyEvents.between(
                                    policy, reported[0], built, Optional.empty()));
                    reported[0] = Copies.deepCopy(built, BackupPolicyStatus.class);
                };
        if (plan.action().isPresent()) {
            try {
                if (executor.act(connection, policy, plan.action().get(), built, facts, journal)) {
                    requeue =
                            BackupPolicyPlanner
                                    .BUSY; // a node's task slots are all taken: try again soon
                }
                done = plan.action();
            } catch (PveApiException e) {
                LOG.warn("PVE refused or failed: {}", e.describe());
                next = BackupPolicyStatusBuilder.apiError(policy, built, e, now);
                requeue = retryAfter(e);
            }
        }
        BackupPolicyStatusBuilder.withTaskIds(next);
        settle(policy, previous, next, plan, connection);
        reporter.report(next, BackupPolicyEvents.between(policy, reported[0], next, done));
        if (plan.pollSoon() && connection != null) {
            connection.requestPoll();
        }
        return requeue;
    }

    /**
     * The pass's bookkeeping outside status: ended tasks free their task slots once the policy has
     * none left, finished drill VMs give their scratch VMID back, and a scheduled run keeps the
     * polls listing tasks.
     */
    private void settle(
            BackupPolicy policy,
            BackupPolicyStatus previous,
            BackupPolicyStatus next,
            Plan plan,
            ClusterConnection connection) {
        if (connection == null) {
            return;
        }
        String uid = policy.getMetadata().getUid();
        if (!plan.ended().isEmpty()) {
            if (tasks(next).findAny().isEmpty()) {
                ledger.complete(connection, uid);
            } else {
                ledger.acted(uid, connection);
            }
        }
        if (next.getDrill() != null) {
            List<DrillVm> before =
                    previous == null
                                    || previous.getDrill() == null
                                    || !Objects.equals(
                                            previous.getDrill().getLastRun(),
                                            next.getDrill().getLastRun())
                            ? List.of()
                            : previous.getDrill().getVms();
            for (int i = 0; i < next.getDrill().getVms().size(); i++) {
                DrillVm vm = next.getDrill().getVms().get(i);
                boolean wasDone =
                        i < before.size()
                                && BackupPolicyPlanner.DONE.equals(before.get(i).getPhase());
                if (BackupPolicyPlanner.DONE.equals(vm.getPhase())
                        && !wasDone
                        && vm.getScratchVmid() != null) {
                    allocator.release(connection.key(), vm.getScratchVmid());
                }
            }
        }
        observer.watchScheduledRun(connection, policy, next.getScheduledRun() != null);
    }

    /** A read the plan asked for failed: said in Ready (and an Event), nothing was acted on. */
    private Duration readFailed(
            BackupPolicy policy,
            BackupPolicyStatus previous,
            BackupPolicyFacts facts,
            PveApiException e,
            Reporter<BackupPolicy, BackupPolicyStatus> reporter,
            Instant now) {
        LOG.warn("PVE refused or failed a read: {}", e.describe());
        BackupPolicyStatus failed =
                BackupPolicyStatusBuilder.stopped(
                        policy, previous, CommonReason.ApiError, e.describe(), now);
        reporter.report(
                failed, BackupPolicyEvents.between(policy, previous, failed, Optional.empty()));
        return retryAfter(e);
    }

    /** Every task record in a status: the on-demand run's and the drilled VM's. */
    static Stream<PendingTask> tasks(BackupPolicyStatus status) {
        if (status == null) {
            return Stream.empty();
        }
        Stream<PendingTask> run =
                status.getPendingRun() == null
                        ? Stream.empty()
                        : status.getPendingRun().getTasks().stream();
        Stream<PendingTask> drill =
                status.getDrill() == null
                        ? Stream.empty()
                        : status.getDrill().getVms().stream()
                                .map(DrillVm::getTask)
                                .filter(Objects::nonNull);
        return Stream.concat(run, drill);
    }

    /**
     * A poll matters to a policy only while something of it is in flight: one of its tasks changed
     * in the task list, a scheduled run's tasks are listed, or the drill's scratch VM changed
     * state. A steady policy is not woken by polls.
     */
    static boolean inFlightFactsChanged(
            BackupPolicy policy, PollOutcome previous, PollOutcome current) {
        BackupPolicyStatus status = policy.getStatus();
        ClusterSnapshot before = previous.snapshot();
        ClusterSnapshot after = current.snapshot();
        if (status == null || after == null) {
            return false;
        }
        if (status.getScheduledRun() != null && after.tasksPolled()) {
            return true;
        }
        boolean taskChanged =
                tasks(status)
                        .anyMatch(
                                t ->
                                        after.tasksPolled()
                                                && (!t.started()
                                                        || !Objects.equals(
                                                                entry(before, t.getUpid()),
                                                                entry(after, t.getUpid()))));
        boolean scratchChanged =
                status.getDrill() != null
                        && status.getDrill().getVms().stream()
                                .filter(
                                        v ->
                                                v.getScratchVmid() != null
                                                        && !BackupPolicyPlanner.DONE.equals(
                                                                v.getPhase()))
                                .anyMatch(
                                        v ->
                                                !Objects.equals(
                                                        vmState(before, v.getScratchVmid()),
                                                        vmState(after, v.getScratchVmid())));
        return taskChanged || scratchChanged;
    }

    private static Object entry(ClusterSnapshot snapshot, String upid) {
        return snapshot == null
                ? null
                : snapshot.task(upid).map(TaskEntry::status).orElse("absent");
    }

    private static Object vmState(ClusterSnapshot snapshot, int vmid) {
        return snapshot == null
                ? null
                : snapshot.vm(vmid).map(r -> r.status() + "/" + r.lock()).orElse("absent");
    }

    private static Duration retryAfter(PveApiException e) {
        return e.retryable() ? Duration.ofSeconds(10) : Duration.ofSeconds(60);
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.SECONDS);
    }
}
