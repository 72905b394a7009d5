package io.pveha.simulator.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.pveha.simulator.faults.ApiFaults;
import io.pveha.simulator.model.ClusterState;
import io.pveha.simulator.model.NodeState;
import io.pveha.simulator.model.PveException;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.DateUtils;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.Lock;
import java.util.function.Supplier;

/**
 * PVE's API daemon in front of the simulated cluster, for one node's API port: {@code
 * /api2/json/...} goes through PVE's request pipeline (authentication, method lookup, permission
 * check, proxying to the named node, parameter validation, handler, JSON envelope); {@code
 * /simulator/...} goes to the control API.
 */
public final class ApiHttpHandler implements HttpHandler {
    private static final String API_PREFIX = "/api2/json";
    private static final HttpString SERVER = new HttpString("Server");
    private static final HttpString CSRF_HEADER = new HttpString("CSRFPreventionToken");

    /** Marks threads that are serving a request, so node shutdowns do not wait for themselves. */
    static final ThreadLocal<Boolean> IN_REQUEST = ThreadLocal.withInitial(() -> false);

    private final Supplier<Optional<String>> localNode;
    private final Router router;
    private final AuthService auth;
    private final RequestStats stats;
    private final ApiFaults faults;
    private final ClusterState cluster;
    private final HttpHandler control;
    private final Supplier<Duration> authFailureDelay;

    /**
     * @param localNode the node this port belongs to; empty when it cannot serve (the management
     *     port with every node offline)
     */
    public ApiHttpHandler(
            Supplier<Optional<String>> localNode,
            Router router,
            AuthService auth,
            RequestStats stats,
            ApiFaults faults,
            ClusterState cluster,
            HttpHandler control,
            Supplier<Duration> authFailureDelay) {
        this.localNode = localNode;
        this.router = router;
        this.auth = auth;
        this.stats = stats;
        this.faults = faults;
        this.cluster = cluster;
        this.control = control;
        this.authFailureDelay = authFailureDelay;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        if (exchange.isInIoThread()) {
            exchange.dispatch(this);
            return;
        }
        IN_REQUEST.set(true);
        try {
            exchange.startBlocking();
            String path = exchange.getRequestPath();
            if (path.startsWith("/simulator/") || path.equals("/simulator")) {
                control.handleRequest(exchange);
            } else if (path.equals(API_PREFIX) || path.startsWith(API_PREFIX + "/")) {
                handleApi(exchange, path.substring(API_PREFIX.length()));
            } else {
                sendError(exchange, new PveException(501, "no such uri", null), true);
            }
        } finally {
            IN_REQUEST.set(false);
        }
    }

    private void handleApi(HttpServerExchange exchange, String relPath) throws IOException {
        String method = exchange.getRequestMethod().toString();
        String rel = relPath.isEmpty() ? "/" : relPath;
        Optional<Router.Match> match = router.match(method, rel);
        stats.record(match.map(m -> m.route().statsKey()).orElse(method + " <unknown>"));
        Optional<ApiFaults.Failure> failure;
        try {
            failure = faults.apply(method, rel);
            if (failure.isPresent() && !failure.get().afterEffect()) {
                sendInjected(exchange, failure.get());
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exchange.setPersistent(false);
            exchange.endExchange();
            return;
        }
        Optional<String> node = localNode.get();
        if (node.isEmpty()) {
            sendError(exchange, PveException.nodeUnreachable(), true);
            return;
        }
        try {
            ApiResult result = process(exchange, method, rel, match, node.get());
            if (failure.isPresent()) {
                // The request took effect; the client is told it failed.
                sendInjected(exchange, failure.get());
                return;
            }
            sendResult(exchange, result);
        } catch (AuthFailure e) {
            sleep(authFailureDelay.get());
            // PVE answers failed authentication with the reason phrase only, no body.
            sendError(exchange, e.error, true);
        } catch (PveException e) {
            if (e.status() == 401) {
                sleep(authFailureDelay.get());
            }
            sendError(exchange, e, e.status() >= PveException.PROXY_CONNECT_ERROR);
        }
    }

    private ApiResult process(
            HttpServerExchange exchange,
            String method,
            String rel,
            Optional<Router.Match> match,
            String local)
            throws IOException {
        long contentLength = exchange.getRequestContentLength();
        if (contentLength > 0 && !method.equals("POST") && !method.equals("PUT")) {
            throw new PveException(501, "Unexpected content for method '" + method + "'", null);
        }
        Map<String, String> params = readParams(exchange);
        String cookie = header(exchange, Headers.COOKIE);
        String authorization = header(exchange, Headers.AUTHORIZATION);

        Route route = match.map(Router.Match::route).orElse(null);
        AuthInfo caller;
        if (route != null && route.anonymous()) {
            caller =
                    AuthService.carriesApiToken(cookie, authorization)
                            ? new AuthInfo(null, true, null)
                            : AuthInfo.anonymous();
        } else {
            try {
                caller =
                        auth.authenticate(
                                cookie,
                                authorization,
                                header(exchange, CSRF_HEADER),
                                !method.equals("GET"));
            } catch (PveException e) {
                throw new AuthFailure(e);
            }
        }
        if (route == null) {
            throw new PveException(
                    501, "Method '" + method + " " + rel + "' not implemented", null);
        }
        Map<String, String> pathParams = match.get().pathParams();
        for (Map.Entry<String, String> e : pathParams.entrySet()) {
            String given = params.get(e.getKey());
            if (given != null && !given.equals(e.getValue())) {
                throw PveException.param(
                        e.getKey(),
                        "duplicate parameter (already defined in URI) with conflicting values!");
            }
            params.put(e.getKey(), e.getValue());
        }
        if (caller.apiToken() && !route.allowToken()) {
            throw PveException.permission(
                    "URI '" + rel + "' not available with API token, need proper ticket.\n");
        }
        if (!route.anonymous()) {
            route.access().check(caller, params);
        }
        String executedOn = local;
        if (route.proxyToNode()) {
            executedOn = proxyTarget(params.get("node"), local);
        }
        Map<String, String> validated = route.params().validate(params);
        ApiRequest request = new ApiRequest(method, rel, validated, caller, local, executedOn);
        Lock lock = method.equals("GET") ? cluster.lock().readLock() : cluster.lock().writeLock();
        lock.lock();
        try {
            return route.handler().handle(request);
        } finally {
            lock.unlock();
        }
    }

    /**
     * PVE proxies {@code proxyto => 'node'} methods; an unreachable node means AnyEvent::HTTP's
     * 595.
     */
    private String proxyTarget(String node, String local) {
        if (node == null || node.equals(local) || node.equals("localhost")) {
            return local;
        }
        Optional<NodeState> target = cluster.read(() -> cluster.node(node));
        if (target.isEmpty()) {
            throw PveException.internal(
                    "hostname lookup '"
                            + node
                            + "' failed - failed to get address info for: "
                            + node
                            + ": Name or service not known");
        }
        if (!cluster.read(() -> target.get().online())) {
            throw PveException.nodeUnreachable();
        }
        return node;
    }

    /**
     * Query and body parameters; JSON booleans become 0/1, arrays and objects fail validation
     * later.
     */
    private static Map<String, String> readParams(HttpServerExchange exchange) throws IOException {
        try {
            return RequestParams.read(exchange, ApiHttpHandler::scalar);
        } catch (IllegalArgumentException e) {
            throw new PveException(400, e.getMessage(), null);
        }
    }

    private static String scalar(JsonNode value) {
        if (value.isBoolean()) {
            return value.booleanValue() ? "1" : "0";
        }
        if (value.isArray()) {
            return ParamSpec.NON_SCALAR + "ARRAY";
        }
        if (value.isObject()) {
            return ParamSpec.NON_SCALAR + "HASH";
        }
        return value.asText();
    }

    private static String header(HttpServerExchange exchange, HttpString name) {
        HeaderValues values = exchange.getRequestHeaders().get(name);
        return values == null ? null : values.getFirst();
    }

    private static void sendInjected(HttpServerExchange exchange, ApiFaults.Failure f) {
        sendError(
                exchange,
                new PveException(
                        f.status(), f.reason() == null ? "injected failure" : f.reason(), null),
                f.status() >= PveException.PROXY_CONNECT_ERROR);
    }

    private static void sendResult(HttpServerExchange exchange, ApiResult result) {
        if (result.data() instanceof ApiResult.RawJson raw) {
            byte[] prefix = "{\"data\":".getBytes(StandardCharsets.US_ASCII);
            byte[] body = new byte[prefix.length + raw.json().length + 1];
            System.arraycopy(prefix, 0, body, 0, prefix.length);
            System.arraycopy(raw.json(), 0, body, prefix.length, raw.json().length);
            body[body.length - 1] = '}';
            send(exchange, 200, "OK", body);
            return;
        }
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("data", result.data());
        if (result.total() != 0) {
            envelope.put("total", result.total());
        }
        send(exchange, 200, "OK", Json.bytes(envelope));
    }

    /**
     * An error as pveproxy sends it: the reason phrase is the message's first line; the JSON body
     * carries {@code data: null}, the message (http-server 5.2.0+) and any {@code errors}. 401s of
     * the authentication step and 59x proxy errors have no body.
     */
    static void sendError(HttpServerExchange exchange, PveException error, boolean emptyBody) {
        byte[] body = new byte[0];
        if (!emptyBody) {
            Map<String, Object> envelope = new LinkedHashMap<>();
            envelope.put("data", null);
            envelope.put("message", error.getMessage());
            if (!error.errors().isEmpty()) {
                envelope.put("errors", error.errors());
            }
            body = Json.bytes(envelope);
        }
        // PVE closes the connection after every error.
        exchange.setPersistent(false);
        send(exchange, error.status(), error.reasonPhrase(), body);
    }

    static void send(HttpServerExchange exchange, int status, String reason, byte[] body) {
        exchange.setStatusCode(status);
        exchange.setReasonPhrase(reason);
        String now = DateUtils.toDateString(new Date());
        exchange.getResponseHeaders()
                .put(SERVER, "pve-api-daemon/3.0")
                .put(Headers.CACHE_CONTROL, "max-age=0")
                .put(Headers.PRAGMA, "no-cache")
                .put(Headers.EXPIRES, now)
                .put(Headers.CONTENT_LENGTH, body.length);
        if (body.length > 0) {
            exchange.getResponseHeaders()
                    .put(Headers.CONTENT_TYPE, "application/json;charset=UTF-8");
        }
        exchange.getResponseSender().send(ByteBuffer.wrap(body));
    }

    private static void sleep(Duration duration) {
        if (duration.isZero()) {
            return;
        }
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A 401 of the authentication step (no body), as opposed to a 401 of a handler (with body). */
    private static final class AuthFailure extends RuntimeException {
        final PveException error;

        AuthFailure(PveException error) {
            super(error.getMessage());
            this.error = error;
        }
    }
}
