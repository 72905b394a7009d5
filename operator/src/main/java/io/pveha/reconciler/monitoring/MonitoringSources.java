package io.pveha.reconciler.monitoring;

import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.pveha.api.backup.BackupPolicy;
import io.pveha.api.cluster.ProxmoxCluster;
import io.pveha.api.lb.LoadBalancerPair;
import io.pveha.api.vm.HaVm;
import io.pveha.cluster.ClusterKey;
import io.pveha.reconciler.ClusterRefInformers;
import java.util.List;
import java.util.Set;

/**
 * The ProxmoxCluster controller's view of the other kinds for monitoring: informers on HaVms,
 * LoadBalancerPairs and BackupPolicies mapped to their cluster (clusterRef), and the trigger the
 * check runner and the dispatcher use to ask for a pass.
 */
public final class MonitoringSources {
    private InformerEventSource<HaVm, ProxmoxCluster> haVms;
    private InformerEventSource<LoadBalancerPair, ProxmoxCluster> lbs;
    private InformerEventSource<BackupPolicy, ProxmoxCluster> backups;

    /**
     * @param haVms the controller's HaVm informer (for placement), shared: a second informer on
     *     HaVms would keep a second copy of every HaVm
     */
    public List<EventSource<?, ProxmoxCluster>> prepare(
            EventSourceContext<ProxmoxCluster> context,
            Monitoring monitoring,
            InformerEventSource<HaVm, ProxmoxCluster> haVms) {
        this.haVms = haVms;
        lbs =
                ClusterRefInformers.informer(
                        context,
                        LoadBalancerPair.class,
                        "monitoring-lbs",
                        lb -> lb.getSpec() == null ? null : lb.getSpec().getClusterRef());
        backups =
                ClusterRefInformers.informer(
                        context,
                        BackupPolicy.class,
                        "monitoring-backups",
                        bp -> bp.getSpec() == null ? null : bp.getSpec().getClusterRef());
        Trigger trigger = new Trigger();
        monitoring.onTrigger(trigger::fire);
        return List.of(lbs, backups, trigger);
    }

    public List<HaVm> haVms(ProxmoxCluster cluster) {
        return ClusterRefInformers.of(haVms, cluster, vm -> vm.getSpec().getClusterRef());
    }

    public List<LoadBalancerPair> lbs(ProxmoxCluster cluster) {
        return ClusterRefInformers.of(lbs, cluster, lb -> lb.getSpec().getClusterRef());
    }

    public List<BackupPolicy> backups(ProxmoxCluster cluster) {
        return ClusterRefInformers.of(backups, cluster, bp -> bp.getSpec().getClusterRef());
    }

    /** Asks for a pass of one cluster (a check's verdict or a receiver's health changed). */
    static final class Trigger extends AbstractEventSource<Void, ProxmoxCluster> {
        Trigger() {
            super(Void.class, "monitoring-trigger");
        }

        void fire(ClusterKey key) {
            if (isRunning()) {
                getEventHandler()
                        .handleEvent(new Event(new ResourceID(key.name(), key.namespace())));
            }
        }

        @Override
        public Set<Void> getSecondaryResources(ProxmoxCluster primary) {
            return Set.of();
        }
    }
}
