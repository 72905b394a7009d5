package io.pveha.runtime;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pveha.statuspage.StatusPage;
import java.io.IOException;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deployed process: the operator, its Prometheus registry, the health/metrics HTTP server and
 * the read-only status page (on the health port or a port of its own). {@link #close()} is the
 * graceful shutdown: stop reconciling (in-flight reconciles finish), stop polling, release the
 * Lease, then stop serving health.
 */
public final class OperatorRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OperatorRuntime.class);

    private final PvehaOperator operator;
    private final HealthServer health;
    private final PrometheusMeterRegistry registry;
    private final StatusPage statusPage;
    private final HttpServer statusServer;

    /** Where the status page is served: {@code port} -1 = on the health port; null token = open. */
    public record StatusPageOptions(boolean enabled, int port, String token) {
        public static StatusPageOptions onHealthPort() {
            return new StatusPageOptions(true, -1, null);
        }
    }

    public OperatorRuntime(
            KubernetesClient client,
            PvehaOperator.Settings settings,
            String healthAddress,
            int healthPort)
            throws IOException {
        this(client, settings, healthAddress, healthPort, StatusPageOptions.onHealthPort());
    }

    public OperatorRuntime(
            KubernetesClient client,
            PvehaOperator.Settings settings,
            String healthAddress,
            int healthPort,
            StatusPageOptions status)
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
        if (status.enabled()) {
            this.statusPage =
                    new StatusPage(
                            operator.statusSource(),
                            StatusPage.Settings.defaults().withToken(status.token()),
                            Clock.systemUTC());
            if (status.port() < 0 || status.port() == health.port()) {
                statusPage.serveOn(health.server());
                this.statusServer = null;
            } else {
                this.statusServer = statusPage.listen(healthAddress, status.port());
            }
        } else {
            this.statusPage = null;
            this.statusServer = null;
        }
    }

    public OperatorRuntime start() {
        operator.start();
        LOG.info("health and metrics on port {} (/healthz, /readyz, /metrics)", health.port());
        if (statusPage != null) {
            statusPage.start();
            LOG.info("status page on port {} (/, /status.json)", statusPort());
        }
        return this;
    }

    /** The status page's port (the health port unless it has its own); -1 when disabled. */
    public int statusPort() {
        return statusPage == null
                ? -1
                : statusServer != null ? statusServer.getAddress().getPort() : health.port();
    }

    /** The status page; null when disabled. */
    public StatusPage statusPage() {
        return statusPage;
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
            if (statusPage != null) {
                statusPage.close();
            }
            if (statusServer != null) {
                statusServer.stop(0);
            }
            health.close();
            registry.close();
        }
    }
}
