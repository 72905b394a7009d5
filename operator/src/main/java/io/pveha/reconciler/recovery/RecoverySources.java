package io.pveha.reconciler.recovery;

import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.pveha.api.backup.BackupPolicy;
import io.pveha.api.ceph.CephPool;
import io.pveha.api.cluster.ProxmoxCluster;
import io.pveha.reconciler.ClusterRefInformers;
import java.util.List;
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
                ClusterRefInformers.informer(
                        context,
                        CephPool.class,
                        "recovery-cephpools",
                        p -> p.getSpec() == null ? null : p.getSpec().getClusterRef());
        if (sharedPolicies != null) {
            return List.of(cephPools);
        }
        policies =
                ClusterRefInformers.informer(
                        context,
                        BackupPolicy.class,
                        "recovery-backups",
                        p -> p.getSpec() == null ? null : p.getSpec().getClusterRef());
        return List.of(cephPools, policies);
    }

    public List<CephPool> cephPools(ProxmoxCluster cluster) {
        return ClusterRefInformers.of(cephPools, cluster, p -> p.getSpec().getClusterRef());
    }

    public List<BackupPolicy> policies(ProxmoxCluster cluster) {
        if (sharedPolicies != null) {
            return sharedPolicies.apply(cluster);
        }
        return ClusterRefInformers.of(policies, cluster, p -> p.getSpec().getClusterRef());
    }
}
