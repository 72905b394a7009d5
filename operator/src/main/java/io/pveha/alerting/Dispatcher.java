package io.pveha.alerting;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.pveha.monitoring.Outgoing;
import io.pveha.monitoring.Text;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers messages, one lane per (cluster, receiver), off the reconcile threads: each lane keeps
 * its provider's rate limits (WeCom and DingTalk 20 per minute per robot, Feishu 5 per second and
 * 100 per minute), merges what queued up meanwhile into one message instead of dropping it, retries
 * transient failures with backoff (1 s, 2 s, 4 s), and tells its health to listeners. A message a
 * receiver finally refuses goes to the fallback receiver.
 */
public final class Dispatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

    public static final String NOTIFICATIONS = "pveha.alert.notifications";
    public static final String DELIVERY = "pveha.alert.delivery";

    /** Told when a lane's health changes, and after each delivery (a tap: the demo prints). */
    public interface Listener {
        default void healthChanged(String scope, String receiver, Health health) {}

        default void delivered(
                String scope, String receiver, Outgoing message, String rendered, Duration took) {}
    }

    /** A receiver's delivery health. */
    public record Health(
            boolean healthy, String lastError, Instant failingSince, Instant lastDelivered) {
        static final Health UNKNOWN = new Health(true, null, null, null);
    }

    /** Limits of one provider: at most {@code count} messages per {@code window}, per robot. */
    record Limit(int count, Duration window) {}

    static List<Limit> limits(String kind) {
        return switch (kind) {
            case "wecom", "dingtalk" -> List.of(new Limit(20, Duration.ofMinutes(1)));
            case "feishu" ->
                    List.of(
                            new Limit(5, Duration.ofSeconds(1)),
                            new Limit(100, Duration.ofMinutes(1)));
            case "slack" -> List.of(new Limit(1, Duration.ofSeconds(1)));
            case "email" -> List.of(new Limit(30, Duration.ofMinutes(1)));
            default -> List.of(new Limit(10, Duration.ofSeconds(1)));
        };
    }

    record Job(Outgoing message, MessageFormats.Style style, boolean rerouted) {}

    private final class Lane {
        final String scope;
        final String name;
        volatile ReceiverConfig config;
        final Deque<Job> queue = new ArrayDeque<>();
        final Deque<Instant> sent = new ArrayDeque<>();
        boolean draining;
        volatile Health health = Health.UNKNOWN;

        Lane(String scope, String name) {
            this.scope = scope;
            this.name = name;
        }
    }

    private final Sender sender;
    private final Clock clock;
    private final MeterRegistry registry;
    private final Map<String, Lane> lanes = new ConcurrentHashMap<>();
    private final Map<String, String> fallbacks = new ConcurrentHashMap<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final ExecutorService workers;
    private final Duration[] backoff;

    public Dispatcher(Sender sender, Clock clock, MeterRegistry registry) {
        this(
                sender,
                clock,
                registry,
                new Duration[] {
                    Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4)
                });
    }

    Dispatcher(Sender sender, Clock clock, MeterRegistry registry, Duration[] backoff) {
        this.sender = sender;
        this.clock = clock;
        this.registry = registry;
        this.backoff = backoff;
        AtomicInteger n = new AtomicInteger();
        this.workers =
                Executors.newCachedThreadPool(
                        r -> {
                            Thread t = new Thread(r, "alert-delivery-" + n.incrementAndGet());
                            t.setDaemon(true);
                            return t;
                        });
    }

    public void addListener(Listener l) {
        listeners.add(l);
    }

    /** The receivers of one scope (a ProxmoxCluster) as its spec and Secrets say now. */
    public void configure(String scope, List<ReceiverConfig> receivers, String fallback) {
        for (ReceiverConfig r : receivers) {
            lanes.computeIfAbsent(key(scope, r.name()), k -> new Lane(scope, r.name())).config = r;
        }
        List<String> names = receivers.stream().map(ReceiverConfig::name).toList();
        lanes.values().removeIf(l -> l.scope.equals(scope) && !names.contains(l.name) && idle(l));
        if (fallback == null) {
            fallbacks.remove(scope);
        } else {
            fallbacks.put(scope, fallback);
        }
    }

    /** Forgets a scope (its ProxmoxCluster was deleted). */
    public void forget(String scope) {
        lanes.values().removeIf(l -> l.scope.equals(scope));
        fallbacks.remove(scope);
    }

    public Optional<Health> health(String scope, String receiver) {
        Lane lane = lanes.get(key(scope, receiver));
        return lane == null ? Optional.empty() : Optional.of(lane.health);
    }

    /** Queues a message for each of its receivers; returns at once. */
    public void submit(String scope, Outgoing message, MessageFormats.Style style) {
        for (String receiver : message.receivers()) {
            enqueue(scope, receiver, new Job(message, style, false));
        }
    }

    private void enqueue(String scope, String receiver, Job job) {
        Lane lane = lanes.get(key(scope, receiver));
        if (lane == null || lane.config == null) {
            LOG.warn("alert for unknown receiver {} of {} dropped", receiver, scope);
            count(receiver, job.message(), "unknown-receiver");
            return;
        }
        boolean start;
        synchronized (lane) {
            lane.queue.add(job);
            start = !lane.draining;
            lane.draining = true;
        }
        if (start) {
            workers.execute(() -> drain(lane));
        }
    }

    private static boolean idle(Lane l) {
        synchronized (l) {
            return !l.draining && l.queue.isEmpty();
        }
    }

    private void drain(Lane lane) {
        while (true) {
            Duration wait = waitFor(lane);
            if (!wait.isZero()) {
                sleep(wait);
                continue;
            }
            List<Job> batch = new ArrayList<>();
            synchronized (lane) {
                batch.addAll(lane.queue);
                lane.queue.clear();
                if (batch.isEmpty()) {
                    lane.draining = false;
                    return;
                }
            }
            Job job = batch.size() == 1 ? batch.get(0) : merge(batch);
            deliver(lane, job);
        }
    }

    /** How long the lane must wait before its next message keeps every limit. */
    private Duration waitFor(Lane lane) {
        Instant now = clock.instant();
        Duration wait = Duration.ZERO;
        synchronized (lane) {
            for (Limit limit : limits(lane.config.kind())) {
                List<Instant> inWindow =
                        lane.sent.stream()
                                .filter(t -> t.plus(limit.window()).isAfter(now))
                                .toList();
                if (inWindow.size() >= limit.count()) {
                    Instant free =
                            inWindow.get(inWindow.size() - limit.count()).plus(limit.window());
                    Duration d = Duration.between(now, free);
                    if (d.compareTo(wait) > 0) {
                        wait = d;
                    }
                }
            }
            while (lane.sent.size() > 200) {
                lane.sent.removeFirst();
            }
        }
        return wait;
    }

    /** Several queued messages as one, so a rate limit delays and merges instead of dropping. */
    static Job merge(List<Job> jobs) {
        Outgoing first = jobs.get(0).message();
        List<Text> lines = new ArrayList<>();
        List<Outgoing.AlertRef> alerts = new ArrayList<>();
        io.pveha.api.monitoring.Severity severity = io.pveha.api.monitoring.Severity.info;
        for (Job j : jobs) {
            Outgoing m = j.message();
            lines.add(Text.of("■ " + m.title().zh(), "■ " + m.title().en()));
            lines.addAll(m.lines());
            alerts.addAll(m.alerts());
            if (m.severity().ordinal() < severity.ordinal()) {
                severity = m.severity();
            }
        }
        Outgoing merged =
                new Outgoing(
                        first.kind(),
                        severity,
                        Text.of(
                                jobs.size() + " 条告警消息（限流合并）",
                                jobs.size() + " alert messages (merged: rate limit)"),
                        lines,
                        first.receivers(),
                        alerts,
                        jobs.get(jobs.size() - 1).message().at());
        return new Job(merged, jobs.get(0).style(), jobs.stream().allMatch(Job::rerouted));
    }

    private void deliver(Lane lane, Job job) {
        ReceiverConfig config = lane.config;
        DeliveryException last = null;
        Instant started = clock.instant();
        for (int attempt = 0; attempt <= backoff.length; attempt++) {
            if (attempt > 0) {
                sleep(backoff[attempt - 1]);
            }
            synchronized (lane) {
                lane.sent.add(clock.instant());
            }
            try {
                String answer = sender.send(config, job.message(), job.style());
                Duration took = Duration.between(started, clock.instant());
                count(lane.name, job.message(), "sent");
                if (registry != null) {
                    Timer.builder(DELIVERY)
                            .description("time from a message's creation to its delivery")
                            .tag("receiver", lane.name)
                            .register(registry)
                            .record(Duration.between(job.message().at(), clock.instant()).abs());
                }
                LOG.info(
                        "alert {} delivered to {} ({}) in {} ms",
                        job.message().kind(),
                        lane.name,
                        config.kind(),
                        took.toMillis());
                setHealth(lane, new Health(true, null, null, clock.instant()));
                for (Listener l : listeners) {
                    l.delivered(lane.scope, lane.name, job.message(), answer, took);
                }
                return;
            } catch (DeliveryException e) {
                last = e;
                LOG.warn(
                        "alert delivery to {} ({}) failed (attempt {}): {}",
                        lane.name,
                        config.kind(),
                        attempt + 1,
                        e.getMessage());
                if (!e.isTransient()) {
                    break;
                }
            } catch (RuntimeException e) {
                last =
                        new DeliveryException(
                                e.getClass().getSimpleName() + ": " + e.getMessage(), false);
                break;
            }
        }
        count(lane.name, job.message(), "failed");
        Health was = lane.health;
        setHealth(
                lane,
                new Health(
                        false,
                        last.getMessage(),
                        was.healthy() || was.failingSince() == null
                                ? clock.instant()
                                : was.failingSince(),
                        was.lastDelivered()));
        String fallback = fallbacks.get(lane.scope);
        if (fallback != null && !fallback.equals(lane.name) && !job.rerouted()) {
            enqueue(lane.scope, fallback, new Job(job.message(), job.style(), true));
        }
    }

    private void setHealth(Lane lane, Health health) {
        Health was = lane.health;
        lane.health = health;
        if (was.healthy() != health.healthy()
                || !java.util.Objects.equals(was.lastError(), health.lastError())) {
            for (Listener l : listeners) {
                l.healthChanged(lane.scope, lane.name, health);
            }
        }
    }

    private void count(String receiver, Outgoing m, String outcome) {
        if (registry != null) {
            Counter.builder(NOTIFICATIONS)
                    .description("alert messages by receiver, kind and outcome")
                    .tag("receiver", receiver)
                    .tag("kind", m.kind().name().toLowerCase(java.util.Locale.ROOT))
                    .tag("outcome", outcome)
                    .register(registry)
                    .increment();
        }
    }

    private static String key(String scope, String receiver) {
        return scope + "/" + receiver;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(Math.max(1, d.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public void close() {
        workers.shutdownNow();
    }
}
