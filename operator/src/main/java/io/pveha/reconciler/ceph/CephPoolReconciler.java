package io.pveha.reconciler.ceph;

import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.pveha.api.ceph.CephPool;
import io.pveha.api.ceph.CephPoolStatus;
import io.pveha.cluster.ClusterConnections;
import io.pveha.cluster.ClusterSnapshot;
import io.pveha.cluster.PollOutcome;
import io.pveha.pve.PveApiException;
import io.pveha.reconciler.ClusterFactsEventSource;
import io.pveha.reconciler.EventRecorder;
import io.pveha.reconciler.Note;
import io.pveha.reconciler.ReconcileGate;
import io.pveha.reconciler.ReconcileMarker;
import io.pveha.reconciler.Reporter;
import io.pveha.reconciler.SpecOrIntentChanged;
import io.pveha.reconciler.SpecValidation;
import io.pveha.reconciler.task.TaskLedger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CephPool controller. A pass reads top to bottom: gate (pause, invalid spec) → observe ({@link
 * CephPoolObserver}, from the cluster's shared poll) → plan ({@link CephPoolPlanner}, pure) → act
 * ({@link CephPoolExecutor}, one task through the ledger) → report ({@link CephPoolStatusBuilder},
 * {@link CephPoolEvents}). A CephPool is reconciled when its pool's facts or Ceph's health change
 * in a poll, when its spec or annotations change, and while a task is in flight.
 */
@ControllerConfiguration(
        name = "cephpool",
        generationAwareEventProcessing = false,
        informer = @Informer(onUpdateFilter = SpecOrIntentChanged.class))
public class CephPoolReconciler implements Reconciler<CephPool>, Cleaner<CephPool> {
    private static final Logger LOG = LoggerFactory.getLogger(CephPoolReconciler.class);

    private final ClusterConnections connections;
    private final SpecValidation validation;
    private final EventRecorder events;
    private final Clock clock;
    private final CephPoolObserver observer;
    private final CephPoolExecutor executor;
    private final TaskLedger ledger;

    public CephPoolReconciler(
            ClusterConnections connections,
            SpecValidation validation,
            EventRecorder events,
            Clock clock,
            TaskLedger ledger) {
        this.connections = connections;
        this.validation = validation;
        this.events = events;
        this.clock = clock;
        this.observer = new CephPoolObserver(connections, ledger);
        this.executor = new CephPoolExecutor(ledger);
        this.ledger = ledger;
    }

    @Override
    public List<EventSource<?, CephPool>> prepareEventSources(
            EventSourceContext<CephPool> context) {
        ClusterFactsEventSource<CephPool> facts =
                new ClusterFactsEventSource<>(
                        CephPool.class,
                        context,
                        p ->
                                p.getSpec() == null || p.getSpec().getClusterRef() == null
                                        ? null
                                        : p.getSpec().getClusterRef().getName(),
                        CephPoolReconciler::poolFactsChanged,
                        p -> p.getStatus() == null ? null : p.getStatus().getPendingTask());
        connections.addListener(facts);
        return List.of(facts);
    }

    @Override
    public UpdateControl<CephPool> reconcile(CephPool pool, Context<CephPool> context) {
        try (ReconcileMarker ignored = ReconcileMarker.of(pool)) {
            Reporter<CephPool, CephPoolStatus> reporter = new Reporter<>(pool, context, events);
            CephPoolStatus previous = pool.getStatus();
            Optional<ReconcileGate.Stop> stop =
                    ReconcileGate.check(
                            pool, previous == null ? null : previous.getConditions(), validation);
            if (stop.isPresent()) {
                reporter.report(
                        CephPoolStatusBuilder.stopped(
                                pool, previous, stop.get().reason(), stop.get().message(), now()),
                        stop.get().note().stream().toList());
                return UpdateControl.noUpdate();
            }
            CephPoolFacts facts = observer.observe(pool, previous);
            CephPoolPlanner.Plan plan = CephPoolPlanner.plan(pool, previous, facts);
            return rescheduled(
                    UpdateControl.noUpdate(), act(pool, previous, facts, plan, reporter));
        }
    }

    @Override
    public DeleteControl cleanup(CephPool pool, Context<CephPool> context) {
        try (ReconcileMarker ignored = ReconcileMarker.of(pool)) {
            Reporter<CephPool, CephPoolStatus> reporter = new Reporter<>(pool, context, events);
            CephPoolStatus previous = pool.getStatus();
            CephPoolFacts facts = observer.observe(pool, previous);
            CephPoolPlanner.Plan plan = CephPoolPlanner.planDeletion(pool, previous, facts);
            try {
                if (plan.needsDeletionCheck()) {
                    String node = facts.onlineNode().orElseThrow();
                    facts =
                            facts.withDeletion(
                                    observer.deletionCheck(
                                            facts, CephPoolSettings.poolName(pool), node));
                    plan = CephPoolPlanner.planDeletion(pool, previous, facts);
                }
            } catch (PveApiException e) {
                LOG.warn("PVE refused or failed: {}", e.describe());
                CephPoolStatus failed =
                        CephPoolStatusBuilder.apiError(
                                pool,
                                CephPoolStatusBuilder.build(pool, previous, facts, plan, now()),
                                e,
                                now());
                reporter.report(
                        failed,
                        CephPoolEvents.between(
                                previous, failed, plan, CephPoolSettings.poolName(pool)));
                return DeleteControl.noFinalizerRemoval().rescheduleAfter(retryAfter(e));
            }
            if (plan.finished()) {
                reporter.emit(
                        CephPoolEvents.between(
                                previous,
                                previous == null ? new CephPoolStatus() : previous,
                                plan,
                                CephPoolSettings.poolName(pool)));
                observer.forget(pool);
                return DeleteControl.defaultDelete();
            }
            Duration next = act(pool, previous, facts, plan, reporter);
            return DeleteControl.noFinalizerRemoval()
                    .rescheduleAfter(next == null ? CephPoolPlanner.BLOCKED_RECHECK : next);
        }
    }

    @Override
    public ErrorStatusUpdateControl<CephPool> updateErrorStatus(
            CephPool pool, Context<CephPool> context, Exception e) {
        return Reporter.kubernetesError(
                pool,
                context,
                e,
                (status, reason, message) ->
                        CephPoolStatusBuilder.stopped(pool, status, reason, message, now()));
    }

    /** Act on the plan, then report; returns when to look again (null: on events only). */
    private Duration act(
            CephPool pool,
            CephPoolStatus previous,
            CephPoolFacts facts,
            CephPoolPlanner.Plan plan,
            Reporter<CephPool, CephPoolStatus> reporter) {
        Instant now = now();
        CephPoolStatus built = CephPoolStatusBuilder.build(pool, previous, facts, plan, now);
        CephPoolStatus next = built;
        plan.ended()
                .ifPresent(
                        task ->
                                ledger.complete(
                                        facts.cluster().connection(), pool.getMetadata().getUid()));
        Duration requeue = plan.requeue().orElse(null);
        if (plan.action().isPresent()) {
            CephPoolPlanner.Action action = plan.action().get();
            try {
                TaskLedger.Started started =
                        executor.act(
                                facts.cluster().connection(),
                                pool,
                                action,
                                built,
                                () -> reporter.record(built));
                if (started == TaskLedger.Started.NO_SLOT) {
                    next = CephPoolStatusBuilder.waitingForSlot(pool, next, action.node(), now);
                    requeue = Duration.ofSeconds(3);
                }
            } catch (PveApiException e) {
                LOG.warn("PVE refused or failed: {}", e.describe());
                next = CephPoolStatusBuilder.apiError(pool, next, e, now);
                requeue = retryAfter(e);
            }
        }
        List<Note> notes =
                new ArrayList<>(
                        CephPoolEvents.between(
                                previous, next, plan, CephPoolSettings.poolName(pool)));
        reporter.report(next, notes);
        return requeue;
    }

    private static Duration retryAfter(PveApiException e) {
        return e.retryable() ? Duration.ofSeconds(10) : Duration.ofSeconds(60);
    }

    private static UpdateControl<CephPool> rescheduled(
            UpdateControl<CephPool> control, Duration after) {
        return after == null ? control : control.rescheduleAfter(after);
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.SECONDS);
    }

    /**
     * A poll matters to a CephPool when its pool's entry, the storages or Ceph's health changed.
     */
    static boolean poolFactsChanged(CephPool pool, PollOutcome previous, PollOutcome current) {
        String name = CephPoolSettings.poolName(pool);
        return !Objects.equals(facts(previous.snapshot(), name), facts(current.snapshot(), name));
    }

    private static String facts(ClusterSnapshot snapshot, String name) {
        if (snapshot == null) {
            return null;
        }
        return (snapshot.cephPools() == null
                        ? "unknown"
                        : snapshot.cephPool(name).map(Object::toString).orElse("absent"))
                + "|"
                + snapshot.ceph().status()
                + snapshot.ceph().checks()
                + "|"
                + snapshot.storages().stream().anyMatch(s -> name.equals(s.storage()));
    }
}
