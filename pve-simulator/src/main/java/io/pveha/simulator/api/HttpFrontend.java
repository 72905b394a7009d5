package io.pveha.simulator.api;

import io.pveha.simulator.ops.NodeListener;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpHandler;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API ports: one HTTPS port per node (like {@code pveproxy} on port 8006 of every node), closed
 * while the node is off or cut off, so clients get "connection refused" and must fail over; and an
 * optional plain-HTTP port that stays up and answers as the first online node.
 */
public final class HttpFrontend implements NodeListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpFrontend.class);

    /** Request threads per port; requests beyond this queue, they are not refused. */
    private static final int WORKER_THREADS = 64;

    private final String bindHost;
    private final TlsMaterial tls;
    private final Function<String, HttpHandler> nodeHandler;
    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private final Map<String, Undertow> servers = new LinkedHashMap<>();
    private final ExecutorService portChanges =
            Executors.newSingleThreadExecutor(
                    r -> {
                        Thread t = new Thread(r, "pve-sim-ports");
                        t.setDaemon(true);
                        return t;
                    });
    private Undertow plainServer;
    private int plainPort = -1;

    /**
     * @param basePort port of the first node; node {@code i} gets {@code basePort + i}; 0 picks
     *     free ports
     * @param nodeHandler the request handler of a node's port
     */
    public HttpFrontend(
            String bindHost,
            List<String> nodes,
            int basePort,
            TlsMaterial tls,
            Function<String, HttpHandler> nodeHandler) {
        this.bindHost = bindHost;
        this.tls = tls;
        this.nodeHandler = nodeHandler;
        for (int i = 0; i < nodes.size(); i++) {
            ports.put(nodes.get(i), basePort == 0 ? 0 : basePort + i);
        }
    }

    /**
     * Opens every node's port (to fix ephemeral port numbers), then closes those of offline nodes.
     */
    public synchronized void start(List<String> offlineNodes) {
        ports.keySet().forEach(this::open);
        offlineNodes.forEach(this::closePort);
    }

    /** Opens the plain-HTTP port (0 picks a free one). */
    public synchronized void startPlain(int port, HttpHandler handler) {
        plainServer = baseBuilder().addHttpListener(port, bindHost).setHandler(handler).build();
        plainServer.start();
        plainPort =
                ((InetSocketAddress) plainServer.getListenerInfo().get(0).getAddress()).getPort();
    }

    public synchronized int port(String node) {
        return ports.get(node);
    }

    /** The plain-HTTP port, or -1 if there is none. */
    public synchronized int plainPort() {
        return plainPort;
    }

    /**
     * Closes or reopens a node's port. When called from a request thread (the control API), the
     * change is not awaited: closing a port waits for its request threads, including the caller's.
     */
    @Override
    public void onlineChanged(String node, boolean online) {
        Future<?> change =
                portChanges.submit(
                        () -> {
                            synchronized (this) {
                                if (online) {
                                    open(node);
                                } else {
                                    closePort(node);
                                }
                            }
                        });
        if (ApiHttpHandler.IN_REQUEST.get()) {
            return;
        }
        try {
            change.get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot change the API port of " + node, e);
        }
    }

    @Override
    public void close() {
        portChanges.shutdownNow();
        synchronized (this) {
            for (String node : List.copyOf(servers.keySet())) {
                closePort(node);
            }
            if (plainServer != null) {
                plainServer.stop();
                plainServer = null;
            }
        }
    }

    private void open(String node) {
        if (servers.containsKey(node)) {
            return;
        }
        Undertow server =
                baseBuilder()
                        .addHttpsListener(ports.get(node), bindHost, tls.serverContext(node))
                        .setHandler(nodeHandler.apply(node))
                        .build();
        server.start();
        int port = ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
        // An ephemeral port is kept, so the node comes back where clients expect it.
        ports.put(node, port);
        servers.put(node, server);
        LOG.debug("API port of {} open on {}:{}", node, bindHost, port);
    }

    private void closePort(String node) {
        Undertow server = servers.remove(node);
        if (server != null) {
            server.stop();
            LOG.debug("API port of {} closed", node);
        }
    }

    private static Undertow.Builder baseBuilder() {
        return Undertow.builder()
                .setIoThreads(1)
                .setWorkerThreads(WORKER_THREADS)
                // HTTP/2 has no reason phrase, and PVE puts its error text there.
                .setServerOption(UndertowOptions.ENABLE_HTTP2, false)
                .setServerOption(UndertowOptions.ALWAYS_SET_KEEP_ALIVE, false);
    }
}
