package io.pveha.reconciler;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.pveha.api.PendingTask;
import io.pveha.cluster.ClusterConnections;
import io.pveha.cluster.ClusterKey;
import io.pveha.cluster.ClusterSnapshot;
import io.pveha.cluster.PollOutcome;
import io.pveha.pve.model.TaskEntry;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Turns each bulk poll of a cluster into reconcile events for the resources of that cluster whose
 * facts changed. The poll itself is shared: no resource costs a PVE call to be observed.
 *
 * @param <P> the primary resource (HaVm, CephPool, ...)
 */
public final class ClusterFactsEventSource<P extends HasMetadata>
        extends AbstractEventSource<ClusterSnapshot, P> implements ClusterConnections.Listener {
    private static final String INDEX = "pveha-cluster";

    /** Decides whether a poll matters to one resource. */
    @FunctionalInterface
    public interface Relevance<P> {
        boolean changed(P resource, PollOutcome previous, PollOutcome current);
    }

    private final IndexerResourceCache<P> cache;
    private final Relevance<P> relevance;
    private final Function<P, PendingTask> pendingTask;

    /**
     * @param clusterOf the name of the ProxmoxCluster a resource refers to (same namespace), or
     *     null
     * @param pendingTask the task a resource waits for (from its status), or null: a poll that
     *     lists it with another state (e.g. finished) triggers the resource, so the ledger's bulk
     *     view of tasks ends the wait at once rather than at the next requeue
     */
    public ClusterFactsEventSource(
            Class<P> type,
            EventSourceContext<P> context,
            Function<P, String> clusterOf,
            Relevance<P> relevance,
            Function<P, PendingTask> pendingTask) {
        super(ClusterSnapshot.class, type.getSimpleName() + "-cluster-facts");
        this.cache = context.getPrimaryCache();
        this.relevance = relevance;
        this.pendingTask = pendingTask;
        cache.addIndexer(
                INDEX,
                p -> {
                    String cluster = clusterOf.apply(p);
                    return cluster == null
                            ? List.of()
                            : List.of(
                                    new ClusterKey(p.getMetadata().getNamespace(), cluster)
                                            .toString());
                });
    }

    /**
     * Triggers every resource that names any cluster (e.g. all HaVms after an operator restart).
     */
    public static boolean facts(PollOutcome previous, PollOutcome current) {
        return previous.error() == null != (current.error() == null) || previous.snapshot() == null;
    }

    @Override
    public void polled(ClusterKey key, PollOutcome previous, PollOutcome current) {
        if (!isRunning()) {
            return;
        }
        for (P resource : cache.byIndex(INDEX, key.toString())) {
            if (facts(previous, current)
                    || relevance.changed(resource, previous, current)
                    || taskChanged(
                            pendingTask.apply(resource), previous.snapshot(), current.snapshot())) {
                getEventHandler().handleEvent(new Event(ResourceID.fromResource(resource)));
            }
        }
    }

    /**
     * The task's entry differs between the two polls' task lists (appeared, finished, or dropped
     * out).
     */
    static boolean taskChanged(
            PendingTask task, ClusterSnapshot previous, ClusterSnapshot current) {
        if (task == null || current == null || !current.tasksPolled()) {
            return false;
        }
        if (!task.started()) {
            return true; // an interrupted intent: every listing may tell
        }
        Object before =
                previous == null
                        ? null
                        : previous.task(task.getUpid()).map(TaskEntry::status).orElse("absent");
        Object after = current.task(task.getUpid()).map(TaskEntry::status).orElse("absent");
        return !Objects.equals(before, after);
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
