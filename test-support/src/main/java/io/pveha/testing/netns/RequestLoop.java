package io.pveha.testing.netns;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The lab's client: sequential HTTP GETs to the VIP from the test JVM, a new connection each time,
 * one every {@code periodMillis}, each with a 1 s connect and read timeout. A request fails on any
 * error or a status other than 200. Every request is recorded with its start time (epoch
 * milliseconds, the clock the other lab probes use too) and the backend that answered.
 */
public final class RequestLoop implements AutoCloseable {
    /**
     * One request: when it started (epoch ms), whether it succeeded, and who answered or what
     * failed.
     */
    public record Request(long startMillis, long durationMillis, boolean ok, String detail) {}

    /** What a finished loop saw. */
    public record Summary(int total, int failed, List<Request> requests) {
        public List<Request> failures() {
            return requests.stream().filter(r -> !r.ok()).toList();
        }

        /** Requests started in [fromMillis, toMillis). */
        public Summary between(long fromMillis, long toMillis) {
            List<Request> slice =
                    requests.stream()
                            .filter(
                                    r ->
                                            r.startMillis() >= fromMillis
                                                    && r.startMillis() < toMillis)
                            .toList();
            return new Summary(
                    slice.size(), (int) slice.stream().filter(r -> !r.ok()).count(), slice);
        }

        @Override
        public String toString() {
            return failed + "/" + total + " failed";
        }
    }

    private final String address;
    private final int port;
    private final long periodMillis;
    private final List<Request> requests = new ArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    private RequestLoop(String address, int port, long periodMillis) {
        this.address = address;
        this.port = port;
        this.periodMillis = periodMillis;
        this.thread = new Thread(this::loop, "request-loop");
    }

    public static RequestLoop start(String address, int port, long periodMillis) {
        RequestLoop loop = new RequestLoop(address, port, periodMillis);
        loop.thread.setDaemon(true);
        loop.thread.start();
        return loop;
    }

    public static long now() {
        return System.currentTimeMillis();
    }

    private void loop() {
        while (running.get()) {
            long started = now();
            Request r = request(started);
            synchronized (requests) {
                requests.add(r);
            }
            long sleep = periodMillis - (now() - started);
            if (sleep > 0) {
                try {
                    Thread.sleep(sleep); // the load generator's pace, not an assertion
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private Request request(long started) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), 1000);
            socket.setSoTimeout(1000);
            OutputStream out = socket.getOutputStream();
            out.write(
                    ("GET / HTTP/1.0\r\nHost: " + address + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            String status = response.lines().findFirst().orElse("");
            boolean ok = status.startsWith("HTTP/1.0 200") || status.startsWith("HTTP/1.1 200");
            String body =
                    response.contains("\r\n\r\n")
                            ? response.substring(response.indexOf("\r\n\r\n") + 4).strip()
                            : "";
            return new Request(started, now() - started, ok, ok ? body : status);
        } catch (IOException e) {
            return new Request(
                    started,
                    now() - started,
                    false,
                    e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    public Summary snapshot() {
        synchronized (requests) {
            List<Request> copy = List.copyOf(requests);
            return new Summary(copy.size(), (int) copy.stream().filter(r -> !r.ok()).count(), copy);
        }
    }

    /** Stops after the request in flight and returns everything seen. */
    public Summary stop() throws InterruptedException {
        running.set(false);
        thread.join(5000);
        return snapshot();
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
