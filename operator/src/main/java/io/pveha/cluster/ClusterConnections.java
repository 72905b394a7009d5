package io.pveha.cluster;

import io.pveha.pve.PveClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-cluster layer every reconciler shares: one connection and one bulk poll per
 * ProxmoxCluster. The ProxmoxCluster reconciler {@link #ensure ensures} connections; other
 * reconcilers only read {@link #get}. After each poll the listeners (the event sources of the
 * controllers) are told, so resources are reconciled from fresh facts without any PVE call of their
 * own for observation.
 */
public final class ClusterConnections implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterConnections.class);

    /** Told after every poll, successful or not. */
    public interface Listener {
        void polled(ClusterKey key, PollOutcome previous, PollOutcome current);
    }

    /** Tells which PVE requests a cluster's client makes (metrics, benchmarks). */
    public interface RequestListenerFactory {
        PveClient.RequestListener forCluster(ClusterKey key);
    }

    static final Duration POLL_DEBOUNCE = Duration.ofSeconds(1);

    private final Map<ClusterKey, Entry> entries = new ConcurrentHashMap<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService scheduler;
    private final RequestListenerFactory requestListeners;
    private final Clock clock;

    /** Which clusters have CephPools: only those polls include the pool list. */
    private final Map<ClusterKey, Set<String>> cephPoolUsers = new ConcurrentHashMap<>();

    private static final class Entry {
        volatile ClusterConnection connection;

        /**
         * A requested out-of-schedule poll is pending; further requests join it (one poll serves
         * them all).
         */
        final java.util.concurrent.atomic.AtomicBoolean pollRequested =
                new java.util.concurrent.atomic.AtomicBoolean();

        volatile ScheduledFuture<?> schedule;
        volatile Duration interval;

        /** A poll of this cluster is running. */
        final java.util.concurrent.atomic.AtomicBoolean polling =
                new java.util.concurrent.atomic.AtomicBoolean();

        /** A poll was asked for while one ran: poll again when it ends. */
        final java.util.concurrent.atomic.AtomicBoolean pollAgain =
                new java.util.concurrent.atomic.AtomicBoolean();
    }

    public ClusterConnections(
            int pollThreads, RequestListenerFactory requestListeners, Clock clock) {
        AtomicInteger n = new AtomicInteger();
        ThreadFactory threads =
                r -> {
                    Thread t = new Thread(r, "pve-poll-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                };
        this.scheduler = Executors.newScheduledThreadPool(Math.max(1, pollThreads), threads);
        this.requestListeners = requestListeners == null ? k -> null : requestListeners;
        this.clock = clock;
    }

    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    /**
     * Makes sure a connection with these settings exists and is polled at the settings' interval. A
     * change of settings replaces the client (keeping the last known facts) and polls at once.
     */
    public ClusterConnection ensure(ClusterKey key, ConnectionSettings settings) {
        Entry entry = entries.computeIfAbsent(key, k -> new Entry());
        synchronized (entry) {
            ClusterConnection current = entry.connection;
            if (current != null && current.settings().identity().equals(settings.identity())) {
                current.taskSlots().setPerNode(settings.maxTasksPerNode());
                if (!settings.pollInterval().equals(entry.interval)) {
                    schedule(key, entry, settings.pollInterval(), 0);
                }
                return current;
            }
            // The task slots stay with the cluster: another cluster's tasks hold none here.
            TaskSlots slots =
                    current == null || !sameCluster(current.settings(), settings)
                            ? new TaskSlots(settings.maxTasksPerNode())
                            : current.taskSlots();
            slots.setPerNode(settings.maxTasksPerNode());
            ClusterConnection next =
                    new ClusterConnection(
                            key, settings, requestListeners.forCluster(key), slots, clock);
            next.onPollRequest(() -> requestPoll(key));
            next.wantCephPools(() -> !cephPoolUsers.getOrDefault(key, Set.of()).isEmpty());
            if (current != null) {
                if (sameCluster(current.settings(), settings)) {
                    next.inherit(current.outcome());
                    LOG.info("cluster {}: connection settings changed, reconnecting", key);
                } else {
                    // Other endpoints altogether: another cluster (a disaster-recovery switch).
                    // Nothing the old one showed is true of it.
                    LOG.info(
                            "cluster {}: now reaching {} (was {}); its facts start afresh",
                            key,
                            settings.endpoints(),
                            current.settings().endpoints());
                }
                current.close();
            }
            entry.connection = next;
            schedule(key, entry, settings.pollInterval(), 0);
            return next;
        }
    }

    /** The same cluster when the endpoints overlap (a token rotated, a node added, TLS changed). */
    private static boolean sameCluster(ConnectionSettings a, ConnectionSettings b) {
        return a.endpoints().stream().anyMatch(b.endpoints()::contains);
    }

    /**
     * Records that a CephPool (by UID) refers to a cluster, or no longer does ({@code uses=false});
     * while any does, each poll of the cluster also lists its Ceph pools (one call for all of
     * them).
     */
    public void cephPoolUser(ClusterKey key, String uid, boolean uses) {
        if (uses) {
            cephPoolUsers.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(uid);
        } else {
            cephPoolUsers.computeIfPresent(
                    key,
                    (k, users) -> {
                        users.remove(uid);
                        return users.isEmpty() ? null : users;
                    });
        }
    }

    public Optional<ClusterConnection> get(ClusterKey key) {
        Entry entry = entries.get(key);
        return entry == null ? Optional.empty() : Optional.ofNullable(entry.connection);
    }

    /** Stops polling and forgets the cluster (the ProxmoxCluster was deleted). */
    public void remove(ClusterKey key) {
        Entry entry = entries.remove(key);
        if (entry != null) {
            synchronized (entry) {
                if (entry.schedule != null) {
                    entry.schedule.cancel(false);
                }
                if (entry.connection != null) {
                    entry.connection.close();
                }
            }
        }
    }

    /**
     * Asks for a poll soon (outside the schedule), e.g. right after the operator acted, so the next
     * decision sees fresh facts. Requests within the debounce window share one poll, so a thousand
     * VMs finishing tasks at once cost one poll, not a thousand.
     */
    public void requestPoll(ClusterKey key) {
        Entry entry = entries.get(key);
        if (entry != null && entry.pollRequested.compareAndSet(false, true)) {
            scheduler.schedule(
                    () -> {
                        entry.pollRequested.set(false);
                        pollAndNotify(key, entry);
                    },
                    POLL_DEBOUNCE.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
    }

    private void schedule(ClusterKey key, Entry entry, Duration interval, long initialDelayMillis) {
        if (entry.schedule != null) {
            entry.schedule.cancel(false);
        }
        entry.interval = interval;
        entry.schedule =
                scheduler.scheduleWithFixedDelay(
                        () -> pollAndNotify(key, entry),
                        initialDelayMillis,
                        interval.toMillis(),
                        TimeUnit.MILLISECONDS);
    }

    /**
     * One poll at a time per cluster, without a thread ever waiting on another's network call: a
     * poll asked for while one runs is folded into a second one, made as soon as the first has
     * finished (its facts could predate what the asker needs to see).
     */
    private void pollAndNotify(ClusterKey key, Entry entry) {
        if (!entry.polling.compareAndSet(false, true)) {
            entry.pollAgain.set(true);
            return;
        }
        try {
            do {
                entry.pollAgain.set(false);
                pollOnce(key, entry);
            } while (entry.pollAgain.get());
        } finally {
            entry.polling.set(false);
        }
        // A request that arrived between the last check and the release is not lost: poll once more
        // for it.
        if (entry.pollAgain.getAndSet(false)) {
            pollAndNotify(key, entry);
        }
    }

    private void pollOnce(ClusterKey key, Entry entry) {
        ClusterConnection connection = entry.connection;
        if (connection == null || entries.get(key) != entry) {
            return;
        }
        PollOutcome previous = connection.outcome();
        PollOutcome current = connection.poll();
        if (current.error() != null
                && (previous.error() == null
                        || !previous.error().getMessage().equals(current.error().getMessage()))) {
            LOG.warn("cluster {}: poll failed: {}", key, current.error().describe());
        }
        for (Listener listener : listeners) {
            try {
                listener.polled(key, previous, current);
            } catch (RuntimeException e) {
                LOG.error("cluster {}: poll listener failed", key, e);
            }
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        entries.keySet().forEach(this::remove);
    }
}
