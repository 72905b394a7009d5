package io.pveha.runtime;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deployed process: the operator, its Prometheus registry and the health/metrics HTTP server.
 * {@link #close()} is the graceful shutdown: stop reconciling (in-flight reconciles finish), stop
 * polling, release the Lease, then stop serving health.
 */
public final class OperatorRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OperatorRuntime.class);

    private final PvehaOperator operator;
    private final HealthServer health;
    private final PrometheusMeterRegistry registry;

    public OperatorRuntime(
            KubernetesClient client,
            PvehaOperator.Settings settings,
            String healthAddress,
            int healthPort)
            throws IOException {
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        this.operator = new PvehaOperator(client, settings, registry, Clock.systemUTC());
        this.health =
                new HealthServer(
                        healthAddress,
                        healthPort,
                        () -> true,
                        () -> operator.isStarted() && operator.isHealthy(),
                        registry);
    }

    public OperatorRuntime start() {
        operator.start();
        LOG.info("health and metrics on port {} (/healthz, /readyz, /metrics)", health.port());
        return this;
    }

    public int healthPort() {
        return health.port();
    }

    public PvehaOperator operator() {
        return operator;
    }

    @Override
    public void close() {
        try {
            operator.close();
        } finally {
            health.close();
            registry.close();
        }
    }
}
