package io.pveha.statuspage;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read-only status page: {@code /} (or {@code /status}) in HTML, {@code /status.json} for
 * scripts, {@code /status/events} (server-sent events: the page's {@code <main>} after each
 * change), {@code /status.css} and {@code /status.js}. See docs/status-page.md.
 *
 * <p>A sampler reads the {@link StatusSource} every {@link Settings#sampleInterval} (the caches: no
 * network), rebuilds the view when a resource changed (and every 30 s, for maintenance windows and
 * the history bars), and pushes a changed page to every open event stream. With a token, every
 * request except the stylesheet and the script needs it: {@code Authorization: Bearer TOKEN}, or
 * the cookie that {@code ?token=TOKEN} sets once (so a phone's bookmark and the event stream work).
 */
public final class StatusPage implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StatusPage.class);
    static final String COOKIE = "pveha_status";
    static final Duration REBUILD_AT_LEAST = Duration.ofSeconds(30);
    static final Duration HEARTBEAT = Duration.ofSeconds(15);
    static final int MAX_STREAMS = 200;
    static final String CSP =
            "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self';"
                    + " base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /** How the page runs. {@code token} null or blank: no protection. */
    public record Settings(Duration sampleInterval, String token, int noScriptRefreshSeconds) {
        public static Settings defaults() {
            return new Settings(Duration.ofSeconds(1), null, 15);
        }

        public Settings withToken(String token) {
            return new Settings(sampleInterval, token, noScriptRefreshSeconds);
        }

        public Settings withSampleInterval(Duration interval) {
            return new Settings(interval, token, noScriptRefreshSeconds);
        }

        boolean protectedByToken() {
            return token != null && !token.isBlank();
        }
    }

    /** One rendering of one view. */
    private record Snapshot(
            PlatformView view, String json, Map<String, String> pages, Map<String, String> mains) {}

    private final StatusSource source;
    private final Settings settings;
    private final Clock clock;
    private final ObjectMapper mapper =
            new ObjectMapper()
                    .setSerializationInclusion(JsonInclude.Include.NON_NULL)
                    .enable(SerializationFeature.INDENT_OUTPUT);
    private final Recorder recorder = new Recorder();
    private final ScheduledExecutorService sampler;
    private final ExecutorService senders;
    private final Set<Stream> streams = ConcurrentHashMap.newKeySet();
    private final Map<String, byte[]> assets = new HashMap<>();
    private volatile Snapshot current;
    private String lastFingerprint;
    private String lastContent;
    private long lastCell = -1;
    private Instant lastBuild = Instant.EPOCH;
    private long seq;

    public StatusPage(StatusSource source, Settings settings, Clock clock) {
        this.source = source;
        this.settings = settings;
        this.clock = clock;
        this.sampler = Executors.newSingleThreadScheduledExecutor(daemon("status-page-sampler"));
        this.senders = Executors.newFixedThreadPool(2, daemon("status-page-events"));
        assets.put("/status.css", resource("status.css"));
        assets.put("/status.js", resource("status.js"));
        sample();
    }

    /** Starts sampling and the event streams' heartbeat. */
    public StatusPage start() {
        long every = Math.max(50, settings.sampleInterval().toMillis());
        sampler.scheduleWithFixedDelay(this::sampleSafely, every, every, TimeUnit.MILLISECONDS);
        sampler.scheduleWithFixedDelay(
                this::heartbeat, HEARTBEAT.toMillis(), HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** Serves the page's paths on {@code server} (the health server's, or one of its own). */
    public void serveOn(HttpServer server) {
        server.createContext("/", this::page);
        server.createContext("/status.json", this::json);
        server.createContext("/status/events", this::events);
        server.createContext("/status.css", this::asset);
        server.createContext("/status.js", this::asset);
    }

    /** A server of its own on {@code host:port} (0: any free port), serving only the page. */
    public HttpServer listen(String host, int port) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 32);
        serveOn(server);
        server.setExecutor(Executors.newFixedThreadPool(4, daemon("status-page-http")));
        server.start();
        return server;
    }

    /** The view as served now. */
    public PlatformView view() {
        return current.view();
    }

    /** {@code /status.json} as served now. */
    public String json() {
        return current.json();
    }

    /** Samples at once (tests; the sampler does it on its own). */
    public void refresh() {
        try {
            sampler.submit(this::sample).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("status page refresh failed", e);
        }
    }

    private void sampleSafely() {
        try {
            sample();
        } catch (RuntimeException e) {
            LOG.warn("status page: sampling failed: {}", e.toString());
        }
    }

    private synchronized void sample() {
        Instant now = clock.instant();
        StatusSource.Objects objects = source.read();
        String fingerprint = objects.fingerprint();
        long cell = now.toEpochMilli() / StatusPageHtml.CELL.toMillis();
        boolean due = Duration.between(lastBuild, now).compareTo(REBUILD_AT_LEAST) >= 0;
        if (current != null && fingerprint.equals(lastFingerprint) && !due) {
            return;
        }
        lastFingerprint = fingerprint;
        lastBuild = now;
        PlatformView probe =
                PlatformViewBuilder.build(
                        objects,
                        recorder,
                        now,
                        current == null ? 0 : current.view().seq(),
                        current == null ? now.toString() : current.view().updatedAt());
        String content = write(probe);
        boolean changed = !content.equals(lastContent);
        if (!changed && cell == lastCell && current != null) {
            return;
        }
        lastContent = content;
        lastCell = cell;
        PlatformView view =
                changed
                        ? new PlatformView(
                                ++seq,
                                now.toString(),
                                probe.verdict(),
                                probe.issues(),
                                probe.summary(),
                                probe.clusters(),
                                probe.unassignedLoadBalancers())
                        : probe;
        Map<String, String> pages = new HashMap<>();
        Map<String, String> mains = new HashMap<>();
        for (Texts t : Texts.all()) {
            pages.put(
                    t.tag(), StatusPageHtml.page(view, t, now, settings.noScriptRefreshSeconds()));
            mains.put(t.tag(), StatusPageHtml.main(view, t, now));
        }
        current = new Snapshot(view, changed ? write(view) : current.json(), pages, mains);
        streams.forEach(Stream::schedule);
    }

    private String write(PlatformView view) {
        try {
            return mapper.writeValueAsString(view) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- HTTP ----

    private void page(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        if (!path.equals("/") && !path.equals("/status")) {
            notFound(ex);
            return;
        }
        if (!readOnly(ex) || !authorized(ex, true)) {
            return;
        }
        Map<String, String> query = query(ex);
        Texts t =
                Texts.forRequest(
                        query.get("lang"), ex.getRequestHeaders().getFirst("Accept-Language"));
        ex.getResponseHeaders().set("Content-Language", t.tag());
        ex.getResponseHeaders().set("Vary", "Accept-Language, Cookie, Authorization");
        send(
                ex,
                200,
                "text/html; charset=utf-8",
                current.pages().get(t.tag()).getBytes(StandardCharsets.UTF_8));
    }

    private void json(HttpExchange ex) throws IOException {
        if (!readOnly(ex) || !authorized(ex, false)) {
            return;
        }
        send(
                ex,
                200,
                "application/json; charset=utf-8",
                current.json().getBytes(StandardCharsets.UTF_8));
    }

    private void asset(HttpExchange ex) throws IOException {
        if (!readOnly(ex)) {
            return;
        }
        String path = ex.getRequestURI().getPath();
        byte[] body = assets.get(path);
        if (body == null) {
            notFound(ex);
            return;
        }
        ex.getResponseHeaders().set("Cache-Control", "max-age=300");
        send(
                ex,
                200,
                path.endsWith(".css")
                        ? "text/css; charset=utf-8"
                        : "text/javascript; charset=utf-8",
                body);
    }

    private static void notFound(HttpExchange ex) throws IOException {
        send(ex, 404, "text/plain; charset=utf-8", "not found\n".getBytes(StandardCharsets.UTF_8));
    }

    private void events(HttpExchange ex) throws IOException {
        if (!readOnly(ex) || !authorized(ex, false)) {
            return;
        }
        if (streams.size() >= MAX_STREAMS) {
            send(
                    ex,
                    503,
                    "text/plain; charset=utf-8",
                    "too many streams\n".getBytes(StandardCharsets.UTF_8));
            return;
        }
        Map<String, String> query = query(ex);
        Texts t =
                Texts.forRequest(
                        query.get("lang"), ex.getRequestHeaders().getFirst("Accept-Language"));
        ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.getResponseHeaders().set("X-Accel-Buffering", "no");
        ex.sendResponseHeaders(200, 0);
        Stream stream = new Stream(ex, t);
        streams.add(stream);
        // The current page at once (a reconnecting page may have missed updates), then every
        // change.
        stream.schedule();
    }

    /** An open event stream; at most one send queued at a time, which sends the latest page. */
    private final class Stream {
        final HttpExchange ex;
        final OutputStream out;
        final Texts texts;
        final AtomicBoolean queued = new AtomicBoolean();
        volatile long sentSeq = -1;
        volatile long sendingSince;

        Stream(HttpExchange ex, Texts texts) {
            this.ex = ex;
            this.out = ex.getResponseBody();
            this.texts = texts;
        }

        void schedule() {
            if (queued.compareAndSet(false, true)) {
                try {
                    senders.execute(this::sendLatest);
                } catch (RuntimeException e) {
                    close();
                }
            }
        }

        private void sendLatest() {
            queued.set(false);
            Snapshot s = current;
            String main = s.mains().get(texts.tag());
            StringBuilder event = new StringBuilder(main.length() + 256);
            event.append("id: ").append(s.view().seq()).append("\nevent: update\n");
            for (String line : main.split("\n", -1)) {
                event.append("data: ").append(line).append('\n');
            }
            event.append('\n');
            if (write(event.toString())) {
                sentSeq = s.view().seq();
            }
        }

        synchronized boolean write(String text) {
            sendingSince = System.nanoTime();
            try {
                out.write(text.getBytes(StandardCharsets.UTF_8));
                out.flush();
                return true;
            } catch (IOException | RuntimeException e) {
                close();
                return false;
            } finally {
                sendingSince = 0;
            }
        }

        void close() {
            streams.remove(this);
            try {
                ex.close();
            } catch (RuntimeException e) {
                // already closed
            }
        }
    }

    private void heartbeat() {
        long stuck = System.nanoTime() - TimeUnit.SECONDS.toNanos(20);
        for (Stream s : List.copyOf(streams)) {
            long since = s.sendingSince;
            if (since != 0 && since < stuck) {
                s.close(); // a reader that stopped reading: the blocked write fails and
                // frees its thread
            } else {
                senders.execute(() -> s.write(": keep-alive\n\n"));
            }
        }
    }

    private boolean readOnly(HttpExchange ex) throws IOException {
        String method = ex.getRequestMethod();
        if ("GET".equals(method) || "HEAD".equals(method)) {
            return true;
        }
        ex.getResponseHeaders().set("Allow", "GET, HEAD");
        send(ex, 405, "text/plain; charset=utf-8", "read-only\n".getBytes(StandardCharsets.UTF_8));
        return false;
    }

    /**
     * Lets the request through when no token is set or it carries the token; {@code ?token=} on the
     * page sets the cookie and redirects to the page without it (so it stays out of the history).
     */
    private boolean authorized(HttpExchange ex, boolean isPage) throws IOException {
        if (!settings.protectedByToken()) {
            return true;
        }
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (auth != null
                && auth.regionMatches(true, 0, "Bearer ", 0, 7)
                && matches(auth.substring(7).strip())) {
            return true;
        }
        List<String> cookies = ex.getRequestHeaders().getOrDefault("Cookie", List.of());
        for (String header : cookies) {
            for (String c : header.split(";")) {
                String[] kv = c.strip().split("=", 2);
                if (kv.length == 2 && kv[0].equals(COOKIE) && matches(kv[1])) {
                    return true;
                }
            }
        }
        Map<String, String> query = query(ex);
        if (isPage && query.containsKey("token") && matches(query.get("token"))) {
            ex.getResponseHeaders()
                    .add(
                            "Set-Cookie",
                            COOKIE
                                    + "="
                                    + settings.token()
                                    + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=31536000");
            String lang = query.get("lang");
            ex.getResponseHeaders()
                    .set(
                            "Location",
                            ex.getRequestURI().getPath() + (lang == null ? "" : "?lang=" + lang));
            send(ex, 303, "text/plain; charset=utf-8", new byte[0]);
            return false;
        }
        Texts t =
                Texts.forRequest(
                        query.get("lang"), ex.getRequestHeaders().getFirst("Accept-Language"));
        ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"pveha-status\"");
        String body =
                "<!DOCTYPE html><html lang=\""
                        + t.tag()
                        + "\"><head><meta charset=\"utf-8\">"
                        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>"
                        + StatusPageHtml.esc(t.get("auth.title"))
                        + "</title></head><body><h1>"
                        + StatusPageHtml.esc(t.get("auth.title"))
                        + "</h1><p>"
                        + StatusPageHtml.esc(t.get("auth.text"))
                        + "</p></body></html>\n";
        send(ex, 401, "text/html; charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
        return false;
    }

    private boolean matches(String given) {
        return given != null
                && MessageDigest.isEqual(
                        given.getBytes(StandardCharsets.UTF_8),
                        settings.token().strip().getBytes(StandardCharsets.UTF_8));
    }

    private static Map<String, String> query(HttpExchange ex) {
        Map<String, String> out = new HashMap<>();
        String raw = ex.getRequestURI().getRawQuery();
        if (raw == null) {
            return out;
        }
        for (String pair : raw.split("&")) {
            String[] kv = pair.split("=", 2);
            out.put(
                    URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                    kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
        }
        return out;
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body)
            throws IOException {
        var h = ex.getResponseHeaders();
        h.set("Content-Type", type);
        h.set("Content-Security-Policy", CSP);
        h.set("X-Content-Type-Options", "nosniff");
        h.set("Referrer-Policy", "no-referrer");
        h.set("X-Frame-Options", "DENY");
        if (!h.containsKey("Cache-Control")) {
            h.set("Cache-Control", "no-store");
        }
        if ("HEAD".equals(ex.getRequestMethod())) {
            ex.sendResponseHeaders(status, -1);
            ex.close();
            return;
        }
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    private static byte[] resource(String name) {
        try (InputStream in = StatusPage.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public void close() {
        sampler.shutdownNow();
        for (Stream s : List.copyOf(streams)) {
            s.close();
        }
        senders.shutdownNow();
    }
}
