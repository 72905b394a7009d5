package io.pveha.reconciler;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.pveha.api.ObjectRef;
import io.pveha.api.cluster.ProxmoxCluster;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Informers the ProxmoxCluster controller keeps on resources that name it in {@code
 * spec.clusterRef} (monitoring, disaster recovery): a change of one reconciles its cluster, and the
 * cluster's pass lists them from the cache.
 */
public final class ClusterRefInformers {
    private ClusterRefInformers() {}

    public static <R extends HasMetadata> InformerEventSource<R, ProxmoxCluster> informer(
            EventSourceContext<ProxmoxCluster> context,
            Class<R> type,
            String name,
            Function<R, ObjectRef> clusterRef) {
        InformerEventSourceConfiguration<R> config =
                InformerEventSourceConfiguration.from(type, ProxmoxCluster.class)
                        .withName(name)
                        .withSecondaryToPrimaryMapper(
                                r -> {
                                    ObjectRef ref = clusterRef.apply(r);
                                    return ref == null || ref.getName() == null
                                            ? Set.of()
                                            : Set.of(
                                                    new ResourceID(
                                                            ref.getName(),
                                                            r.getMetadata().getNamespace()));
                                })
                        .withItemStore(CacheTrim.store())
                        .build();
        return new InformerEventSource<>(config, context);
    }

    /** The cached resources of {@code cluster}'s namespace that refer to it, by name. */
    public static <R extends HasMetadata> List<R> of(
            InformerEventSource<R, ProxmoxCluster> source,
            ProxmoxCluster cluster,
            Function<R, ObjectRef> clusterRef) {
        if (source == null) {
            return List.of();
        }
        List<R> out = new ArrayList<>();
        source.list(cluster.getMetadata().getNamespace())
                .filter(
                        r -> {
                            try {
                                ObjectRef ref = clusterRef.apply(r);
                                return ref != null
                                        && cluster.getMetadata().getName().equals(ref.getName());
                            } catch (NullPointerException e) {
                                return false; // no spec yet
                            }
                        })
                .sorted(Comparator.comparing(r -> r.getMetadata().getName()))
                .forEach(out::add);
        return out;
    }
}
