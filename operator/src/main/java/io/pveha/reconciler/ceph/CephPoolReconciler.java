package io.pveha.reconciler.ceph;

import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.pveha.api.ceph.CephPool;
import io.pveha.cluster.ClusterConnections;
import io.pveha.cluster.ClusterSnapshot;
import io.pveha.cluster.PollOutcome;
import io.pveha.reconciler.ClusterFactsEventSource;
import io.pveha.reconciler.EventRecorder;
import io.pveha.reconciler.ReconcileMarker;
import io.pveha.reconciler.SpecOrIntentChanged;
import io.pveha.reconciler.SpecValidation;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The CephPool controller: JOSDK glue around {@link CephPoolPass}. Pools are observed in the shared
 * per-cluster poll (one pool-list call per cluster, made only while CephPools exist); a CephPool is
 * reconciled when its pool's facts or Ceph's health change, when its spec or annotations change, and
 * while a task is in flight.
 */
@ControllerConfiguration(name = "cephpool", generationAwareEventProcessing = false,
        informer = @Informer(onUpdateFilter = SpecOrIntentChanged.class))
public class CephPoolReconciler implements Reconciler<CephPool>, Cleaner<CephPool> {
    private final CephPoolShared shared;

    public CephPoolReconciler(ClusterConnections connections, SpecValidation validation, EventRecorder events, Clock clock) {
        this.shared = new CephPoolShared(connections, events, validation, clock);
    }

    @Override
    public List<EventSource<?, CephPool>> prepareEventSources(EventSourceContext<CephPool> context) {
        ClusterFactsEventSource<CephPool> facts = new ClusterFactsEventSource<>(CephPool.class, context,
                p -> p.getSpec() == null || p.getSpec().getClusterRef() == null ? null : p.getSpec().getClusterRef().getName(),
                CephPoolReconciler::poolFactsChanged);
        shared.connections.addListener(facts);
        return List.of(facts);
    }

    @Override
    public UpdateControl<CephPool> reconcile(CephPool pool, Context<CephPool> context) {
        try (ReconcileMarker ignored = ReconcileMarker.of(pool)) {
            Duration next = new CephPoolPass(shared, pool, context).reconcile();
            return next == null ? UpdateControl.noUpdate() : UpdateControl.<CephPool>noUpdate().rescheduleAfter(next);
        }
    }

    @Override
    public DeleteControl cleanup(CephPool pool, Context<CephPool> context) {
        try (ReconcileMarker ignored = ReconcileMarker.of(pool)) {
            Duration next = new CephPoolPass(shared, pool, context).delete();
            return next == null ? DeleteControl.defaultDelete() : DeleteControl.noFinalizerRemoval().rescheduleAfter(next);
        }
    }

    /** A poll matters to a CephPool when its pool's entry, the storages or Ceph's health changed. */
    static boolean poolFactsChanged(CephPool pool, PollOutcome previous, PollOutcome current) {
        String name = CephPoolPlan.poolName(pool);
        return !Objects.equals(facts(previous.snapshot(), name), facts(current.snapshot(), name));
    }

    private static String facts(ClusterSnapshot snapshot, String name) {
        if (snapshot == null) {
            return null;
        }
        return (snapshot.cephPools() == null ? "unknown" : snapshot.cephPool(name).map(Object::toString).orElse("absent"))
                + "|" + snapshot.ceph().status() + snapshot.ceph().checks()
                + "|" + snapshot.storages().stream().anyMatch(s -> name.equals(s.storage()));
    }
}
