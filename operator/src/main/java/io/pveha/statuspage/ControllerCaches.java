package io.pveha.statuspage;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.RegisteredController;
import io.javaoperatorsdk.operator.processing.Controller;
import io.javaoperatorsdk.operator.processing.event.source.controller.ControllerEventSource;
import io.pveha.api.backup.BackupPolicy;
import io.pveha.api.ceph.CephPool;
import io.pveha.api.cluster.ProxmoxCluster;
import io.pveha.api.lb.LoadBalancerPair;
import io.pveha.api.vm.HaVm;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The status page's {@link StatusSource} on the operator's own controllers: each controller's
 * primary informer cache (the one JOSDK reconciles from), so the page keeps no second copy of any
 * resource and opens no watch of its own.
 */
public final class ControllerCaches implements StatusSource {
    private final Map<Class<?>, ControllerEventSource<?>> caches = new ConcurrentHashMap<>();

    /** Remembers the cache of a registered controller (JOSDK's {@link Controller}). */
    public <P extends HasMetadata> void add(Class<P> kind, RegisteredController<P> registered) {
        if (registered instanceof Controller<P> controller) {
            caches.put(kind, controller.getEventSourceManager().getControllerEventSource());
        }
    }

    @Override
    public Objects read() {
        return new Objects(
                list(ProxmoxCluster.class),
                list(HaVm.class),
                list(CephPool.class),
                list(LoadBalancerPair.class),
                list(BackupPolicy.class));
    }

    @SuppressWarnings("unchecked")
    private <P extends HasMetadata> List<P> list(Class<P> kind) {
        ControllerEventSource<P> cache = (ControllerEventSource<P>) caches.get(kind);
        if (cache == null) {
            return List.of();
        }
        try {
            return cache.list(r -> true)
                    .sorted(
                            Comparator.comparing((P r) -> r.getMetadata().getNamespace())
                                    .thenComparing(r -> r.getMetadata().getName()))
                    .toList();
        } catch (RuntimeException e) {
            return List.of(); // not started yet, or stopping
        }
    }
}
