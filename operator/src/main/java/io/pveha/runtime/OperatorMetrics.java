package io.pveha.runtime;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.pveha.cluster.ClusterConnections;
import io.pveha.cluster.ClusterKey;
import io.pveha.cluster.PollOutcome;
import io.pveha.pve.PveClient;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The operator's own metrics. Names are constants; labels stay low-cardinality: the cluster, the
 * method, a path template ({@code /nodes/{id}/qemu/{id}/config}) and the status class.
 */
public final class OperatorMetrics
        implements ClusterConnections.Listener, ClusterConnections.RequestListenerFactory {
    public static final String PVE_REQUESTS = "pveha.pve.requests";
    public static final String PVE_REQUEST_DURATION = "pveha.pve.request.duration";
    public static final String CLUSTER_UP = "pveha.cluster.up";
    public static final String CLUSTER_NODES_ONLINE = "pveha.cluster.nodes.online";
    public static final String CLUSTER_POLLS = "pveha.cluster.polls";

    private final MeterRegistry registry;
    private final Map<ClusterKey, AtomicInteger> up = new ConcurrentHashMap<>();
    private final Map<ClusterKey, AtomicInteger> nodesOnline = new ConcurrentHashMap<>();

    public OperatorMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public MeterRegistry registry() {
        return registry;
    }

    @Override
    public PveClient.RequestListener forCluster(ClusterKey key) {
        String cluster = key.toString();
        return (method, pathTemplate, endpoint, status, took) -> {
            String statusClass = status == 0 ? "error" : (status / 100) + "xx";
            Counter.builder(PVE_REQUESTS)
                    .description("PVE API requests")
                    .tag("cluster", cluster)
                    .tag("method", method)
                    .tag("path", pathTemplate)
                    .tag("status", statusClass)
                    .register(registry)
                    .increment();
            Timer.builder(PVE_REQUEST_DURATION)
                    .description("PVE API request duration")
                    .tag("cluster", cluster)
                    .tag("method", method)
                    .tag("status", statusClass)
                    .register(registry)
                    .record(took);
        };
    }

    @Override
    public void polled(ClusterKey key, PollOutcome previous, PollOutcome current) {
        gauge(up, CLUSTER_UP, "1 when the last poll of the cluster succeeded", key)
                .set(current.healthy() ? 1 : 0);
        current.lastSnapshot()
                .ifPresent(
                        s ->
                                gauge(
                                                nodesOnline,
                                                CLUSTER_NODES_ONLINE,
                                                "nodes online in the cluster",
                                                key)
                                        .set(
                                                (int)
                                                        s.nodeMembers().stream()
                                                                .filter(
                                                                        n ->
                                                                                Boolean.TRUE.equals(
                                                                                        n.online()))
                                                                .count()));
        Counter.builder(CLUSTER_POLLS)
                .description("bulk polls of PVE clusters")
                .tag("cluster", key.toString())
                .tag("outcome", current.error() == null ? "ok" : "error")
                .register(registry)
                .increment();
    }

    private AtomicInteger gauge(
            Map<ClusterKey, AtomicInteger> values, String name, String help, ClusterKey key) {
        return values.computeIfAbsent(
                key,
                k -> {
                    AtomicInteger value = new AtomicInteger();
                    Gauge.builder(name, value, AtomicInteger::get)
                            .description(help)
                            .tag("cluster", k.toString())
                            .register(registry);
                    return value;
                });
    }
}
