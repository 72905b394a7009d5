package io.pveha.demo.chaos;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback TCP proxy in front of the Kubernetes API server: what the operator connects to. {@link
 * #cut()} makes the API server unreachable as a crashed or partitioned one is (every open
 * connection, watches included, is reset; new ones are refused), {@link #restore()} brings it back
 * on the same port. The proxy does not touch the API server process: the kube outage phase kills
 * and restarts a real kube-apiserver itself while the proxy is cut (the mock's restart would lose
 * every object, so with the mock the cut is the whole outage).
 */
final class KubeProxy implements AutoCloseable {
    private final InetSocketAddress upstream;
    private final int port;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile ServerSocket server;
    private volatile boolean closed;

    KubeProxy(int upstreamPort) throws IOException {
        this.upstream = new InetSocketAddress(InetAddress.getLoopbackAddress(), upstreamPort);
        ServerSocket first = bind(0);
        this.port = first.getLocalPort();
        accept(first);
    }

    int port() {
        return port;
    }

    private static ServerSocket bind(int port) throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 256);
        return s;
    }

    private void accept(ServerSocket s) {
        server = s;
        Thread t =
                new Thread(
                        () -> {
                            while (!s.isClosed()) {
                                try {
                                    Socket client = s.accept();
                                    connect(client);
                                } catch (IOException e) {
                                    // closed by cut() or close()
                                }
                            }
                        },
                        "kube-proxy-accept");
        t.setDaemon(true);
        t.start();
    }

    private void connect(Socket client) {
        Socket up = new Socket();
        try {
            up.connect(upstream, 5000);
            client.setTcpNoDelay(true);
            up.setTcpNoDelay(true);
        } catch (IOException e) {
            quietly(client);
            quietly(up);
            return;
        }
        open.add(client);
        open.add(up);
        pump(client, up);
        pump(up, client);
    }

    private void pump(Socket from, Socket to) {
        Thread t =
                new Thread(
                        () -> {
                            byte[] buffer = new byte[16384];
                            try (InputStream in = from.getInputStream();
                                    OutputStream out = to.getOutputStream()) {
                                int n;
                                while ((n = in.read(buffer)) >= 0) {
                                    out.write(buffer, 0, n);
                                    out.flush();
                                }
                            } catch (IOException e) {
                                // one side went away
                            } finally {
                                quietly(from);
                                quietly(to);
                                open.remove(from);
                                open.remove(to);
                            }
                        },
                        "kube-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    /** The API server becomes unreachable: open connections are reset, new ones refused. */
    synchronized void cut() {
        quietly(server);
        for (Socket s : open) {
            try {
                s.setSoLinger(true, 0);
            } catch (IOException e) {
                // already closed
            }
            quietly(s);
        }
        open.clear();
    }

    /** Reachable again, on the same port. */
    synchronized void restore() throws IOException {
        if (!closed && server.isClosed()) {
            accept(bind(port));
        }
    }

    private static void quietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // nothing to do
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        cut();
    }
}
