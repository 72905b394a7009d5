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
 *
 * <p>A failure is normally answered instead of handling the request (nothing happened); a share
 * {@code after} of them is answered after the request was handled (it took effect, the client is
 * told it failed: a proxy that lost the daemon's answer). A hang holds a share {@code rate} of the
 * matching requests, until the rule is removed or for {@code hold} at most, and then lets them go
 * on: a client that gave up meanwhile never learns that its request took effect.
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

    /**
     * One active rule; {@code method} null matches every method.
     *
     * @param latency the delay of a latency rule; how long a hang holds a request (zero: until the
     *     rule is removed, at most {@link #MAX_HANG})
     * @param rate the share of matching requests a failure or hang rule acts on
     * @param after the share of failures answered after the request took effect
     */
    public record Rule(
            long id,
            Kind kind,
            Pattern path,
            String method,
            Duration latency,
            double rate,
            int status,
            String reason,
            double after) {

        boolean matches(String requestMethod, String requestPath) {
            return (method == null || method.equalsIgnoreCase(requestMethod))
                    && path.matcher(requestPath).find();
        }
    }

    /**
     * A failure to answer with: instead of handling the request, or ({@code afterEffect}) once it
     * was handled.
     */
    public record Failure(int status, String reason, boolean afterEffect) {}

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
                        null,
                        0));
    }

    public Rule failRate(String pathRegex, String method, double rate, int status, String reason) {
        return failRate(pathRegex, method, rate, status, reason, 0);
    }

    /**
     * Fails a share {@code rate} of matching requests; a share {@code after} of those failures is
     * answered after the request took effect.
     */
    public Rule failRate(
            String pathRegex, String method, double rate, int status, String reason, double after) {
        share("rate", rate);
        share("after", after);
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
                        reason,
                        after));
    }

    public Rule hang(String pathRegex, String method) {
        return hang(pathRegex, method, 1, Duration.ZERO);
    }

    /**
     * Holds a share {@code rate} of matching requests for {@code hold} (zero: until the rule is
     * removed), then lets them go on.
     */
    public Rule hang(String pathRegex, String method, double rate, Duration hold) {
        share("rate", rate);
        if (hold.isNegative()) {
            throw new IllegalArgumentException("hold must not be negative: " + hold);
        }
        return add(
                new Rule(
                        ids.incrementAndGet(),
                        Kind.HANG,
                        Pattern.compile(pathRegex),
                        method,
                        hold,
                        rate,
                        0,
                        null,
                        0));
    }

    private static void share(String name, double value) {
        if (value < 0 || value > 1) {
            throw new IllegalArgumentException(name + " must be between 0 and 1: " + value);
        }
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
     * #clear()}, the rule's removal or its hold time), and returns the failure to answer with, if a
     * fail rule fires.
     */
    public Optional<Failure> apply(String method, String path) throws InterruptedException {
        Failure failure = null;
        for (Rule rule : rules) {
            if (!rule.matches(method, path)) {
                continue;
            }
            switch (rule.kind()) {
                case LATENCY -> Thread.sleep(rule.latency().toMillis());
                case HANG -> {
                    if (rule.rate() >= 1
                            || ThreadLocalRandom.current().nextDouble() < rule.rate()) {
                        Duration hold =
                                rule.latency().isZero() || rule.latency().compareTo(MAX_HANG) > 0
                                        ? MAX_HANG
                                        : rule.latency();
                        hangRelease.get().await(hold.toMillis(), TimeUnit.MILLISECONDS);
                    }
                }
                case FAIL -> {
                    if (failure == null && ThreadLocalRandom.current().nextDouble() < rule.rate()) {
                        failure =
                                new Failure(
                                        rule.status(),
                                        rule.reason(),
                                        rule.after() > 0
                                                && ThreadLocalRandom.current().nextDouble()
                                                        < rule.after());
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
