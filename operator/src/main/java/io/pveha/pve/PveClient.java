package io.pveha.pve;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLException;
import okhttp3.Call;
import okhttp3.EventListener;
import okhttp3.FormBody;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * The HTTP transport to one PVE cluster: token auth, TLS policy, endpoint failover, a client-side
 * rate limit, and retries that are safe.
 *
 * <p>Safety rules: GETs are retried (with backoff) and may move to another endpoint at any failure.
 * A write moves to another endpoint only when the request provably never left this process (the
 * connection was not established); once a write may have reached PVE, a broken connection is
 * reported as {@link PveErrorKind#OUTCOME_UNKNOWN} and never repeated here: the caller re-observes
 * and decides.
 */
public final class PveClient implements AutoCloseable {
    /** Connection settings of one cluster. */
    public record Config(
            List<String> endpoints,
            PveToken token,
            PveTls tls,
            int requestsPerSecond,
            Duration requestTimeout,
            Duration connectTimeout,
            int getAttempts) {
        public Config {
            if (endpoints == null || endpoints.isEmpty()) {
                throw new IllegalArgumentException("at least one endpoint is needed");
            }
            endpoints =
                    endpoints.stream()
                            .map(e -> e.endsWith("/") ? e.substring(0, e.length() - 1) : e)
                            .toList();
        }

        public static Config of(List<String> endpoints, PveToken token, PveTls tls) {
            return new Config(
                    endpoints, token, tls, 20, Duration.ofSeconds(20), Duration.ofSeconds(5), 3);
        }

        public Config withRequestsPerSecond(int rps) {
            return new Config(
                    endpoints, token, tls, rps, requestTimeout, connectTimeout, getAttempts);
        }

        public Config withRequestTimeout(Duration timeout) {
            return new Config(
                    endpoints, token, tls, requestsPerSecond, timeout, connectTimeout, getAttempts);
        }

        public Config withConnectTimeout(Duration timeout) {
            return new Config(
                    endpoints, token, tls, requestsPerSecond, requestTimeout, timeout, getAttempts);
        }

        public Config withGetAttempts(int attempts) {
            return new Config(
                    endpoints,
                    token,
                    tls,
                    requestsPerSecond,
                    requestTimeout,
                    connectTimeout,
                    attempts);
        }
    }

    /** Observes every HTTP exchange (metrics, call counting in tests and benchmarks). */
    public interface RequestListener {
        /** {@code status} is 0 when no response arrived. */
        void onRequest(
                String method, String pathTemplate, String endpoint, int status, Duration took);
    }

    /** What the client knows of one endpoint. */
    public record EndpointHealth(
            String url,
            boolean active,
            Instant lastSuccess,
            Instant lastFailure,
            String lastError) {}

    private final Config config;
    private final OkHttpClient http;

    /**
     * The client of each endpoint: {@link #http} itself, or with pins per endpoint one derived from
     * it (same connection pool and dispatcher) verifying that endpoint's own certificate.
     */
    private final Map<String, OkHttpClient> endpointClients = new LinkedHashMap<>();

    private final RateLimiter rateLimiter;
    private final Retry getRetry;
    private final RequestListener listener;
    private final Clock clock;
    private final AtomicInteger active = new AtomicInteger();
    private final Map<String, EndpointHealth> health = new LinkedHashMap<>();

    public PveClient(Config config, RequestListener listener) {
        this(config, listener, Clock.systemUTC());
    }

    PveClient(Config config, RequestListener listener, Clock clock) {
        this.config = config;
        this.listener = listener == null ? (m, p, e, s, t) -> {} : listener;
        this.clock = clock;
        OkHttpClient.Builder builder =
                new OkHttpClient.Builder()
                        .connectTimeout(config.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)
                        .readTimeout(config.requestTimeout().toMillis(), TimeUnit.MILLISECONDS)
                        .writeTimeout(config.requestTimeout().toMillis(), TimeUnit.MILLISECONDS)
                        .callTimeout(
                                config.requestTimeout().plus(config.connectTimeout()).toMillis(),
                                TimeUnit.MILLISECONDS)
                        // OkHttp's own silent retry could repeat a write; this class decides what
                        // is safe to repeat.
                        .retryOnConnectionFailure(false)
                        .followRedirects(false)
                        // PVE speaks HTTP/1.1 and puts its error text in the reason phrase, which
                        // HTTP/2 does not have.
                        .protocols(List.of(Protocol.HTTP_1_1))
                        .eventListenerFactory(
                                call -> new SentTracker(call.request().tag(SentFlag.class)));
        if (config.tls().perEndpoint()) {
            this.http = builder.build();
            for (String endpoint : config.endpoints()) {
                OkHttpClient.Builder own = http.newBuilder();
                config.tls().forEndpoint(endpoint).apply(own);
                endpointClients.put(endpoint, own.build());
            }
        } else {
            config.tls().apply(builder);
            this.http = builder.build();
            config.endpoints().forEach(e -> endpointClients.put(e, http));
        }
        this.rateLimiter =
                RateLimiter.of(
                        "pve",
                        RateLimiterConfig.custom()
                                .limitForPeriod(Math.max(1, config.requestsPerSecond()))
                                .limitRefreshPeriod(Duration.ofSeconds(1))
                                .timeoutDuration(Duration.ofSeconds(60))
                                .build());
        this.getRetry =
                Retry.of(
                        "pve-get",
                        RetryConfig.custom()
                                .maxAttempts(Math.max(1, config.getAttempts()))
                                .intervalFunction(
                                        io.github.resilience4j.core.IntervalFunction
                                                .ofExponentialBackoff(Duration.ofMillis(200), 2.0))
                                .retryOnException(
                                        e -> e instanceof PveApiException p && p.retryable())
                                .build());
        config.endpoints()
                .forEach(e -> health.put(e, new EndpointHealth(e, false, null, null, null)));
    }

    public JsonNode get(String path, Map<String, ?> query) {
        return Retry.decorateSupplier(getRetry, () -> execute("GET", path, query)).get();
    }

    public JsonNode get(String path) {
        return get(path, Map.of());
    }

    public JsonNode post(String path, Map<String, ?> form) {
        return execute("POST", path, form);
    }

    public JsonNode put(String path, Map<String, ?> form) {
        return execute("PUT", path, form);
    }

    public JsonNode delete(String path, Map<String, ?> query) {
        return execute("DELETE", path, query);
    }

    /** The endpoint the last successful request used. */
    public String activeEndpoint() {
        return config.endpoints().get(active.get());
    }

    public synchronized List<EndpointHealth> endpointHealth() {
        String current = activeEndpoint();
        return health.values().stream()
                .map(
                        h ->
                                new EndpointHealth(
                                        h.url(),
                                        h.url().equals(current) && h.lastSuccess() != null,
                                        h.lastSuccess(),
                                        h.lastFailure(),
                                        h.lastError()))
                .toList();
    }

    /** One request, trying endpoints in order from the active one as far as it is safe. */
    private JsonNode execute(String method, String path, Map<String, ?> params) {
        RateLimiter.waitForPermission(rateLimiter);
        List<String> endpoints = config.endpoints();
        int start = active.get();
        PveApiException last = null;
        PveApiException tlsFailure = null;
        for (int i = 0; i < endpoints.size(); i++) {
            int index = (start + i) % endpoints.size();
            String endpoint = endpoints.get(index);
            SentFlag flag = new SentFlag();
            Request request =
                    buildRequest(endpoint, method, path, params)
                            .newBuilder()
                            .tag(SentFlag.class, flag)
                            .build();
            long begin = System.nanoTime();
            Call call = endpointClients.get(endpoint).newCall(request);
            try (Response response = call.execute()) {
                listener.onRequest(
                        method,
                        PvePath.template(path),
                        endpoint,
                        response.code(),
                        Duration.ofNanos(System.nanoTime() - begin));
                JsonNode data = PveResponses.read(method, path, response);
                markSuccess(index);
                return data;
            } catch (IOException e) {
                listener.onRequest(
                        method,
                        PvePath.template(path),
                        endpoint,
                        0,
                        Duration.ofNanos(System.nanoTime() - begin));
                boolean sent = flag.sent.get();
                PveApiException failure = transportFailure(method, path, endpoint, e, sent);
                markFailure(endpoint, failure);
                last = failure;
                if (failure.kind() == PveErrorKind.TLS && tlsFailure == null) {
                    tlsFailure = failure;
                }
                boolean safeToTryElsewhere = method.equals("GET") || !sent;
                if (!safeToTryElsewhere) {
                    throw failure;
                }
            }
        }
        // A node that answers with the wrong certificate says more than the ones that are down.
        throw tlsFailure != null ? tlsFailure : last;
    }

    private Request buildRequest(
            String endpoint, String method, String path, Map<String, ?> params) {
        HttpUrl base = HttpUrl.parse(endpoint + "/api2/json" + path);
        if (base == null) {
            throw new PveApiException(
                    PveErrorKind.PROTOCOL,
                    0,
                    method,
                    path,
                    "invalid endpoint URL " + endpoint,
                    null,
                    null);
        }
        Request.Builder builder =
                new Request.Builder().header("Authorization", config.token().authorizationHeader());
        Map<String, String> values = new LinkedHashMap<>();
        params.forEach(
                (k, v) -> {
                    if (v != null) {
                        values.put(k, formValue(v));
                    }
                });
        if (method.equals("GET") || method.equals("DELETE")) {
            HttpUrl.Builder url = base.newBuilder();
            values.forEach(url::addQueryParameter);
            builder.url(url.build()).method(method, null);
        } else {
            FormBody.Builder form = new FormBody.Builder();
            values.forEach(form::add);
            RequestBody body = form.build();
            builder.url(base).method(method, body);
        }
        return builder.build();
    }

    /** PVE's form encoding of values: booleans are 0/1. */
    static String formValue(Object v) {
        if (v instanceof Boolean b) {
            return b ? "1" : "0";
        }
        return String.valueOf(v);
    }

    private PveApiException transportFailure(
            String method, String path, String endpoint, IOException e, boolean sent) {
        SSLException tls = causeOf(e, SSLException.class);
        if (tls != null && !sent) {
            return new PveApiException(
                    PveErrorKind.TLS,
                    0,
                    method,
                    path,
                    "TLS verification failed at " + endpoint + ": " + rootMessage(tls),
                    null,
                    null);
        }
        if (!method.equals("GET") && sent) {
            return new PveApiException(
                    PveErrorKind.OUTCOME_UNKNOWN,
                    0,
                    method,
                    path,
                    "connection to "
                            + endpoint
                            + " broke after the request was sent ("
                            + describe(e)
                            + "); it may or may not have been applied",
                    null,
                    null);
        }
        return new PveApiException(
                PveErrorKind.CONNECTION,
                0,
                method,
                path,
                "cannot reach " + endpoint + ": " + describe(e),
                null,
                null);
    }

    private static String describe(IOException e) {
        if (e instanceof ConnectException) {
            return "connection refused";
        }
        if (e instanceof UnknownHostException) {
            return "unknown host " + e.getMessage();
        }
        if (e instanceof NoRouteToHostException) {
            return "no route to host";
        }
        if (e instanceof InterruptedIOException) {
            return "timed out";
        }
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    private static <T extends Throwable> T causeOf(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return null;
    }

    private synchronized void markSuccess(int index) {
        active.set(index);
        String url = config.endpoints().get(index);
        EndpointHealth h = health.get(url);
        health.put(
                url,
                new EndpointHealth(url, true, clock.instant(), h.lastFailure(), h.lastError()));
    }

    private synchronized void markFailure(String url, PveApiException e) {
        EndpointHealth h = health.get(url);
        health.put(
                url,
                new EndpointHealth(url, false, h.lastSuccess(), clock.instant(), e.getMessage()));
    }

    @Override
    public void close() {
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }

    /**
     * Set once request bytes start to leave this process: from then on a write is not safe to
     * redirect.
     */
    private static final class SentFlag {
        final AtomicBoolean sent = new AtomicBoolean();
    }

    private static final class SentTracker extends EventListener {
        private final SentFlag flag;

        SentTracker(SentFlag flag) {
            this.flag = flag;
        }

        @Override
        public void requestHeadersStart(Call call) {
            if (flag != null) {
                flag.sent.set(true);
            }
        }
    }
}
