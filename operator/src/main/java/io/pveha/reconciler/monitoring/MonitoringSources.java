package io.pveha.reconciler.monitoring;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.pveha.api.ObjectRef;
import io.pveha.api.backup.BackupPolicy;
import io.pveha.api.cluster.ProxmoxCluster;
import io.pveha.api.lb.LoadBalancerPair;
import io.pveha.api.vm.HaVm;
import io.pveha.cluster.ClusterKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

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
                informer(
                        context,
                        LoadBalancerPair.class,
                        "monitoring-lbs",
                        lb -> lb.getSpec() == null ? null : lb.getSpec().getClusterRef());
        backups =
                informer(
                        context,
                        BackupPolicy.class,
                        "monitoring-backups",
                        bp -> bp.getSpec() == null ? null : bp.getSpec().getClusterRef());
        Trigger trigger = new Trigger();
        monitoring.onTrigger(trigger::fire);
        return List.of(lbs, backups, trigger);
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

    public List<HaVm> haVms(ProxmoxCluster cluster) {
        return of(haVms, cluster, vm -> vm.getSpec().getClusterRef());
    }

    public List<LoadBalancerPair> lbs(ProxmoxCluster cluster) {
        return of(lbs, cluster, lb -> lb.getSpec().getClusterRef());
    }

    public List<BackupPolicy> backups(ProxmoxCluster cluster) {
        return of(backups, cluster, bp -> bp.getSpec().getClusterRef());
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
                            try {
                                ObjectRef ref = clusterRef.apply(r);
                                return ref != null
                                        && cluster.getMetadata().getName().equals(ref.getName());
                            } catch (NullPointerException e) {
                                return false;
                            }
                        })
                .sorted(java.util.Comparator.comparing(r -> r.getMetadata().getName()))
                .forEach(out::add);
        return out;
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
