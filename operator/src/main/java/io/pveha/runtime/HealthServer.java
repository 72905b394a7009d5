package io.pveha.runtime;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * {@code /healthz} (the process works), {@code /readyz} (caches synced), {@code /metrics}
 * (Prometheus text).
 */
public final class HealthServer implements AutoCloseable {
    private final HttpServer server;

    public HealthServer(
            String host,
            int port,
            BooleanSupplier live,
            BooleanSupplier ready,
            PrometheusMeterRegistry metrics)
            throws IOException {
        server = HttpServer.create(new InetSocketAddress(host, port), 16);
        server.createContext(
                "/healthz",
                ex ->
                        respond(
                                ex,
                                live.getAsBoolean() ? 200 : 503,
                                live.getAsBoolean() ? "ok\n" : "unhealthy\n",
                                "text/plain"));
        server.createContext(
                "/readyz",
                ex ->
                        respond(
                                ex,
                                ready.getAsBoolean() ? 200 : 503,
                                ready.getAsBoolean() ? "ready\n" : "not ready\n",
                                "text/plain"));
        server.createContext(
                "/metrics",
                ex ->
                        respond(
                                ex,
                                200,
                                metrics.scrape(),
                                "text/plain; version=0.0.4; charset=utf-8"));
        server.setExecutor(
                Executors.newFixedThreadPool(
                        2,
                        r -> {
                            Thread t = new Thread(r, "health-http");
                            t.setDaemon(true);
                            return t;
                        }));
        server.start();
    }

    /** The server, so that the status page can add its paths on the same port. */
    public HttpServer server() {
        return server;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void respond(HttpExchange exchange, int status, String body, String contentType)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        if (!"GET".equals(exchange.getRequestMethod())
                && !"HEAD".equals(exchange.getRequestMethod())) {
            exchange.sendResponseHeaders(405, -1);
            exchange.close();
            return;
        }
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
