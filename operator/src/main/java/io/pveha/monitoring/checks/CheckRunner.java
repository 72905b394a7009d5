package io.pveha.monitoring.checks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pveha.api.monitoring.HttpCheck;
import io.pveha.api.monitoring.ServiceCheck;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the declared service checks, each at its interval, and keeps their consecutive
 * failure/success counts in memory (a restart counts again; the alert state itself is in status).
 * {@link #sync} is called by the monitoring pass with the checks the HaVms declare now: a new check
 * starts, a removed one stops and is forgotten. Listeners are told when a check's verdict changes,
 * so an alert follows within the same second.
 */
public final class CheckRunner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CheckRunner.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A check to run: where, how, how often, and its compiled conditions. */
    public record Spec(
            String scope,
            String vm,
            ServiceCheck check,
            String host,
            String node,
            Integer vmid,
            List<CheckConditions.Condition> conditions) {
        public String id() {
            return scope + "/" + vm + "/" + check.getName();
        }

        Duration interval() {
            return Duration.ofSeconds(
                    Objects.requireNonNullElse(
                            check.getIntervalSeconds(), ServiceCheck.DEFAULT_INTERVAL_SECONDS));
        }
    }

    /** What a probe found. */
    public record Result(boolean ok, long latencyMs, String detail, Instant at) {}

    /** The counts behind a verdict. */
    public record State(
            int consecutiveFailures, int consecutiveSuccesses, Result last, long runs) {}

    /** Asks PVE's guest agent of a VM; throws when it does not answer. */
    public interface GuestAgentProbe {
        void ping(String scope, String node, int vmid, Duration timeout) throws Exception;
    }

    public interface Listener {
        void verdictChanged(String scope);
    }

    private final ScheduledExecutorService scheduler;
    private final OkHttpClient http;
    private final Clock clock;
    private final GuestAgentProbe agent;
    private final Map<String, Running> running = new ConcurrentHashMap<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    private final class Running {
        volatile Spec spec;
        volatile ScheduledFuture<?> future;
        volatile State state = new State(0, 0, null, 0);
    }

    public CheckRunner(Clock clock, GuestAgentProbe agent) {
        this.clock = clock;
        this.agent = agent;
        AtomicInteger n = new AtomicInteger();
        this.scheduler =
                Executors.newScheduledThreadPool(
                        2,
                        r -> {
                            Thread t = new Thread(r, "service-check-" + n.incrementAndGet());
                            t.setDaemon(true);
                            return t;
                        });
        this.http =
                // A new connection per probe (as haproxy's checks): a pooled connection the service
                // closed meanwhile would fail the next probe for nothing.
                new OkHttpClient.Builder()
                        .followRedirects(false)
                        .retryOnConnectionFailure(false)
                        .connectionPool(new okhttp3.ConnectionPool(0, 1, TimeUnit.SECONDS))
                        .build();
    }

    public void addListener(Listener l) {
        listeners.add(l);
    }

    /** The checks of one scope (a ProxmoxCluster) are exactly these from now on. */
    public void sync(String scope, List<Spec> specs) {
        Set<String> wanted = ConcurrentHashMap.newKeySet();
        for (Spec s : specs) {
            wanted.add(s.id());
            Running r = running.computeIfAbsent(s.id(), k -> new Running());
            Spec was = r.spec;
            r.spec = s;
            if (was == null || changed(was, s)) {
                if (r.future != null) {
                    r.future.cancel(false);
                    r.state = new State(0, 0, null, 0);
                }
                long intervalMs = s.interval().toMillis();
                r.future =
                        scheduler.scheduleWithFixedDelay(
                                () -> run(r), 0, intervalMs, TimeUnit.MILLISECONDS);
                LOG.info("service check {} started (every {} s)", s.id(), intervalMs / 1000);
            }
        }
        running.entrySet()
                .removeIf(
                        e -> {
                            Spec s = e.getValue().spec;
                            if (s != null
                                    && s.scope().equals(scope)
                                    && !wanted.contains(e.getKey())) {
                                if (e.getValue().future != null) {
                                    e.getValue().future.cancel(false);
                                }
                                LOG.info("service check {} stopped (removed)", e.getKey());
                                return true;
                            }
                            return false;
                        });
    }

    private static boolean changed(Spec a, Spec b) {
        return !Objects.equals(json(a.check()), json(b.check()));
    }

    private static String json(ServiceCheck c) {
        try {
            return JSON.writeValueAsString(c);
        } catch (IOException e) {
            return String.valueOf(c);
        }
    }

    public State state(String id) {
        Running r = running.get(id);
        return r == null ? null : r.state;
    }

    public void forget(String scope) {
        sync(scope, List.of());
    }

    private void run(Running r) {
        Spec spec = r.spec;
        if (spec == null) {
            return;
        }
        Result result;
        try {
            result = probe(spec);
        } catch (RuntimeException e) {
            result = new Result(false, 0, "probe failed: " + e.getMessage(), clock.instant());
        }
        State was = r.state;
        State now =
                result.ok()
                        ? new State(0, was.consecutiveSuccesses() + 1, result, was.runs() + 1)
                        : new State(was.consecutiveFailures() + 1, 0, result, was.runs() + 1);
        r.state = now;
        if (!result.ok() && was.consecutiveFailures() == 0) {
            LOG.info("service check {} failed: {}", spec.id(), result.detail());
        }
        if (verdict(spec, was) != verdict(spec, now) || was.runs() == 0) {
            for (Listener l : listeners) {
                l.verdictChanged(spec.scope());
            }
        }
    }

    /** OK, PENDING, FAILING or HOLD from the counts and the check's thresholds. */
    public static io.pveha.monitoring.Observation.Verdict verdict(Spec spec, State state) {
        int failures =
                Objects.requireNonNullElse(
                        spec.check().getFailureThreshold(), ServiceCheck.DEFAULT_FAILURE_THRESHOLD);
        int successes =
                Objects.requireNonNullElse(
                        spec.check().getSuccessThreshold(), ServiceCheck.DEFAULT_SUCCESS_THRESHOLD);
        if (state == null || state.runs() == 0) {
            return io.pveha.monitoring.Observation.Verdict.HOLD;
        }
        if (state.consecutiveFailures() >= failures) {
            return io.pveha.monitoring.Observation.Verdict.FAILING;
        }
        if (state.consecutiveFailures() > 0) {
            return io.pveha.monitoring.Observation.Verdict.PENDING;
        }
        if (state.consecutiveSuccesses() >= successes) {
            return io.pveha.monitoring.Observation.Verdict.OK;
        }
        return io.pveha.monitoring.Observation.Verdict.HOLD;
    }

    Result probe(Spec spec) {
        ServiceCheck c = spec.check();
        long start = System.nanoTime();
        Map<String, Object> vars = new LinkedHashMap<>();
        vars.put("error", "");
        if (c.getHttp() != null) {
            HttpCheck h = c.getHttp();
            int timeout = Objects.requireNonNullElse(h.getTimeoutSeconds(), 5);
            String host = h.getHost() != null ? h.getHost() : spec.host();
            if (host == null) {
                return new Result(false, 0, "the VM has no address yet", clock.instant());
            }
            String url =
                    (Boolean.TRUE.equals(h.getTls()) ? "https://" : "http://")
                            + (host.contains(":") ? "[" + host + "]" : host)
                            + ":"
                            + h.getPort()
                            + Objects.requireNonNullElse(h.getPath(), "/");
            String method = h.getMethod() == null ? "GET" : h.getMethod().name();
            OkHttpClient client =
                    http.newBuilder().callTimeout(Duration.ofSeconds(timeout)).build();
            Request request =
                    new Request.Builder()
                            .url(url)
                            .method(
                                    method,
                                    "POST".equals(method) ? RequestBody.create(new byte[0]) : null)
                            .header("User-Agent", "pve-ha-operator-check")
                            .header("Connection", "close")
                            .build();
            int status = 0;
            String text = "";
            Map<String, String> headers = new LinkedHashMap<>();
            try (Response response = client.newCall(request).execute()) {
                status = response.code();
                byte[] bytes = response.body() == null ? new byte[0] : response.body().bytes();
                text =
                        new String(
                                bytes,
                                0,
                                Math.min(bytes.length, 65536),
                                java.nio.charset.StandardCharsets.UTF_8);
                for (String name : response.headers().names()) {
                    headers.put(name.toLowerCase(Locale.ROOT), response.header(name));
                }
            } catch (IOException e) {
                vars.put("error", String.valueOf(e.getMessage()));
            }
            long ms = (System.nanoTime() - start) / 1_000_000;
            Object body = dev.cel.common.values.NullValue.NULL_VALUE;
            if (!text.isEmpty()) {
                try {
                    JsonNode node = JSON.readTree(text);
                    body = CheckConditions.celValue(node);
                } catch (IOException notJson) {
                    // body stays null
                }
            }
            vars.put("status", (long) status);
            vars.put("latencyMs", ms);
            vars.put("body", body);
            vars.put("text", text);
            vars.put("headers", headers);
            return judge(
                    spec,
                    vars,
                    ms,
                    status == 0 ? "no answer: " + vars.get("error") : "HTTP " + status);
        }
        if (c.getTcp() != null) {
            int timeout = Objects.requireNonNullElse(c.getTcp().getTimeoutSeconds(), 5);
            String host = c.getTcp().getHost() != null ? c.getTcp().getHost() : spec.host();
            if (host == null) {
                return new Result(false, 0, "the VM has no address yet", clock.instant());
            }
            boolean connected = false;
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, c.getTcp().getPort()), timeout * 1000);
                connected = true;
            } catch (IOException e) {
                vars.put("error", String.valueOf(e.getMessage()));
            }
            long ms = (System.nanoTime() - start) / 1_000_000;
            vars.put("connected", connected);
            vars.put("latencyMs", ms);
            return judge(
                    spec,
                    vars,
                    ms,
                    connected ? "connected" : "connect failed: " + vars.get("error"));
        }
        int timeout =
                c.getGuestAgent() == null
                        ? 5
                        : Objects.requireNonNullElse(c.getGuestAgent().getTimeoutSeconds(), 5);
        boolean responding = false;
        if (spec.node() == null || spec.vmid() == null) {
            vars.put("error", "the VM is not placed yet");
        } else {
            try {
                agent.ping(spec.scope(), spec.node(), spec.vmid(), Duration.ofSeconds(timeout));
                responding = true;
            } catch (Exception e) {
                vars.put("error", String.valueOf(e.getMessage()));
            }
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        vars.put("responding", responding);
        vars.put("latencyMs", ms);
        return judge(
                spec, vars, ms, responding ? "agent responding" : "agent: " + vars.get("error"));
    }

    private Result judge(Spec spec, Map<String, Object> vars, long ms, String what) {
        String failed = CheckConditions.failed(spec.conditions(), vars);
        return failed == null
                ? new Result(true, ms, what, clock.instant())
                : new Result(false, ms, what + "; " + failed, clock.instant());
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        http.dispatcher().executorService().shutdown();
    }
}
