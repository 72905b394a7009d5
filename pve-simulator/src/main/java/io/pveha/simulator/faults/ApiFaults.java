package io.pveha.simulator.faults;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

/**
 * Misbehaviour of the API itself, per path pattern: extra latency, failures at a given rate with a
 * chosen status and reason, and hangs. Patterns are Java regular expressions searched in the
 * request path relative to {@code /api2/json} (e.g. {@code ^/cluster/resources}, {@code
 * /status/start$}). Latency and hangs are real time: they model the network and daemons, not the
 * simulated cluster.
 */
public final class ApiFaults {
    /**
     * A hang is released after this long at the latest, so a forgotten fault cannot pin threads
     * forever.
     */
    private static final Duration MAX_HANG = Duration.ofMinutes(10);

    /** What a rule does. */
    public enum Kind {
        LATENCY,
        FAIL,
        HANG
    }

    /** One active rule; {@code method} null matches every method. */
    public record Rule(
            long id,
            Kind kind,
            Pattern path,
            String method,
            Duration latency,
            double rate,
            int status,
            String reason) {

        boolean matches(String requestMethod, String requestPath) {
            return (method == null || method.equalsIgnoreCase(requestMethod))
                    && path.matcher(requestPath).find();
        }
    }

    /** A failure to answer with instead of handling the request. */
    public record Failure(int status, String reason) {}

    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final AtomicLong ids = new AtomicLong();
    private final AtomicReference<CountDownLatch> hangRelease =
            new AtomicReference<>(new CountDownLatch(1));

    public Rule latency(String pathRegex, String method, Duration latency) {
        return add(
                new Rule(
                        ids.incrementAndGet(),
                        Kind.LATENCY,
                        Pattern.compile(pathRegex),
                        method,
                        latency,
                        0,
                        0,
                        null));
    }

    public Rule failRate(String pathRegex, String method, double rate, int status, String reason) {
        if (rate < 0 || rate > 1) {
            throw new IllegalArgumentException("rate must be between 0 and 1: " + rate);
        }
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException(
                    "status must be an error status (400-599): " + status);
        }
        return add(
                new Rule(
                        ids.incrementAndGet(),
                        Kind.FAIL,
                        Pattern.compile(pathRegex),
                        method,
                        Duration.ZERO,
                        rate,
                        status,
                        reason));
    }

    public Rule hang(String pathRegex, String method) {
        return add(
                new Rule(
                        ids.incrementAndGet(),
                        Kind.HANG,
                        Pattern.compile(pathRegex),
                        method,
                        Duration.ZERO,
                        0,
                        0,
                        null));
    }

    public List<Rule> rules() {
        return List.copyOf(rules);
    }

    /** Removes one rule; removing a hang lets the requests it holds go on. */
    public boolean remove(long id) {
        boolean hang = rules.stream().anyMatch(r -> r.id() == id && r.kind() == Kind.HANG);
        boolean removed = rules.removeIf(r -> r.id() == id);
        if (hang) {
            hangRelease.getAndSet(new CountDownLatch(1)).countDown();
        }
        return removed;
    }

    /** Removes every rule and lets hanging requests go on. */
    public void clear() {
        rules.clear();
        hangRelease.getAndSet(new CountDownLatch(1)).countDown();
    }

    /**
     * Applies the rules matching a request: sleeps for latency, blocks for hangs (until {@link
     * #clear()}), and returns the failure to answer with, if a fail rule fires.
     */
    public Optional<Failure> apply(String method, String path) throws InterruptedException {
        Failure failure = null;
        for (Rule rule : rules) {
            if (!rule.matches(method, path)) {
                continue;
            }
            switch (rule.kind()) {
                case LATENCY -> Thread.sleep(rule.latency().toMillis());
                case HANG -> hangRelease.get().await(MAX_HANG.toMillis(), TimeUnit.MILLISECONDS);
                case FAIL -> {
                    if (failure == null && ThreadLocalRandom.current().nextDouble() < rule.rate()) {
                        failure = new Failure(rule.status(), rule.reason());
                    }
                }
            }
        }
        return Optional.ofNullable(failure);
    }

    private Rule add(Rule rule) {
        rules.add(rule);
        return rule;
    }
}
