package io.pveha.reconciler.recovery;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.pveha.api.ObjectRef;
import io.pveha.api.backup.BackupPolicy;
import io.pveha.api.ceph.CephPool;
import io.pveha.api.cluster.ProxmoxCluster;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * The ProxmoxCluster controller's view of the CephPools and BackupPolicies of a cluster, for
 * disaster recovery (what must be on the standby before restores, which backups there are). The
 * BackupPolicies come from monitoring's informer when there is one, so they are not cached twice.
 */
public final class RecoverySources {
    private InformerEventSource<CephPool, ProxmoxCluster> cephPools;
    private InformerEventSource<BackupPolicy, ProxmoxCluster> policies;
    private Function<ProxmoxCluster, List<BackupPolicy>> sharedPolicies;

    /**
     * @param sharedPolicies the BackupPolicies of a cluster from another informer of this
     *     controller, or null to make one
     */
    public List<EventSource<?, ProxmoxCluster>> prepare(
            EventSourceContext<ProxmoxCluster> context,
            Function<ProxmoxCluster, List<BackupPolicy>> sharedPolicies) {
        this.sharedPolicies = sharedPolicies;
        cephPools =
                informer(
                        context,
                        CephPool.class,
                        "recovery-cephpools",
                        p -> p.getSpec() == null ? null : p.getSpec().getClusterRef());
        if (sharedPolicies != null) {
            return List.of(cephPools);
        }
        policies =
                informer(
                        context,
                        BackupPolicy.class,
                        "recovery-backups",
                        p -> p.getSpec() == null ? null : p.getSpec().getClusterRef());
        return List.of(cephPools, policies);
    }

    public List<CephPool> cephPools(ProxmoxCluster cluster) {
        return of(cephPools, cluster, p -> p.getSpec().getClusterRef());
    }

    public List<BackupPolicy> policies(ProxmoxCluster cluster) {
        if (sharedPolicies != null) {
            return sharedPolicies.apply(cluster);
        }
        return of(policies, cluster, p -> p.getSpec().getClusterRef());
    }

    private static <R extends HasMetadata> InformerEventSource<R, ProxmoxCluster> informer(
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
                        .build();
        return new InformerEventSource<>(config, context);
    }

    private static <R extends HasMetadata> List<R> of(
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
                            ObjectRef ref = r == null ? null : safe(clusterRef, r);
                            return ref != null
                                    && cluster.getMetadata().getName().equals(ref.getName());
                        })
                .sorted(Comparator.comparing(r -> r.getMetadata().getName()))
                .forEach(out::add);
        return out;
    }

    private static <R> ObjectRef safe(Function<R, ObjectRef> f, R r) {
        try {
            return f.apply(r);
        } catch (NullPointerException e) {
            return null;
        }
    }
}
