package io.pveha.reconciler;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.pveha.cluster.ClusterConnections;
import io.pveha.cluster.ClusterKey;
import io.pveha.cluster.ClusterSnapshot;
import io.pveha.cluster.PollOutcome;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Turns each bulk poll of a cluster into reconcile events for the resources of that cluster whose
 * facts changed. The poll itself is shared: no resource costs a PVE call to be observed.
 *
 * @param <P> the primary resource (HaVm, CephPool, ...)
 */
public final class ClusterFactsEventSource<P extends HasMetadata> extends AbstractEventSource<ClusterSnapshot, P>
        implements ClusterConnections.Listener {
    private static final String INDEX = "pveha-cluster";

    /** Decides whether a poll matters to one resource. */
    @FunctionalInterface
    public interface Relevance<P> {
        boolean changed(P resource, PollOutcome previous, PollOutcome current);
    }

    private final IndexerResourceCache<P> cache;
    private final Relevance<P> relevance;

    /**
     * @param clusterOf the name of the ProxmoxCluster a resource refers to (same namespace), or null
     */
    public ClusterFactsEventSource(Class<P> type, EventSourceContext<P> context, Function<P, String> clusterOf,
                                   Relevance<P> relevance) {
        super(ClusterSnapshot.class, type.getSimpleName() + "-cluster-facts");
        this.cache = context.getPrimaryCache();
        this.relevance = relevance;
        cache.addIndexer(INDEX, p -> {
            String cluster = clusterOf.apply(p);
            return cluster == null ? List.of() : List.of(new ClusterKey(p.getMetadata().getNamespace(), cluster).toString());
        });
    }

    /** Triggers every resource that names any cluster (e.g. all HaVms after an operator restart). */
    public static boolean facts(PollOutcome previous, PollOutcome current) {
        return previous.error() == null != (current.error() == null) || previous.snapshot() == null;
    }

    @Override
    public void polled(ClusterKey key, PollOutcome previous, PollOutcome current) {
        if (!isRunning()) {
            return;
        }
        for (P resource : cache.byIndex(INDEX, key.toString())) {
            if (facts(previous, current) || relevance.changed(resource, previous, current)) {
                getEventHandler().handleEvent(new Event(ResourceID.fromResource(resource)));
            }
        }
    }

    @Override
    public Set<ClusterSnapshot> getSecondaryResources(P primary) {
        return Set.of();
    }

    @Override
    public Optional<ClusterSnapshot> getSecondaryResource(P primary) {
        return Optional.empty();
    }
}
