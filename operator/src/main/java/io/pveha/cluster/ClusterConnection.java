package io.pveha.cluster;

import io.pveha.pve.PveApi;
import io.pveha.pve.PveApiException;
import io.pveha.pve.PveCephApi;
import io.pveha.pve.PveClient;
import io.pveha.pve.PveErrorKind;
import io.pveha.pve.PveVmApi;
import io.pveha.pve.model.CephHealth;
import io.pveha.pve.model.CephPoolEntry;
import io.pveha.pve.model.ClusterResource;
import io.pveha.pve.model.ClusterStatusEntry;
import io.pveha.pve.model.HaStatusEntry;
import io.pveha.pve.model.PveVersion;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * One connected cluster: its client, the latest poll outcome, and the task slots. A bulk poll is
 * four calls whatever the number of VMs ({@code /cluster/resources}, {@code /cluster/status},
 * {@code /cluster/ha/status/current}, {@code /cluster/ceph/status}), a fifth ({@code
 * /cluster/tasks}) while the operator has tasks in flight, a sixth ({@code
 * /nodes/{node}/ceph/pool}) while CephPools refer to the cluster; the version and the token's
 * privileges are re-read every {@link #SLOW_REFRESH}.
 */
public final class ClusterConnection implements AutoCloseable {
    static final Duration SLOW_REFRESH = Duration.ofMinutes(10);

    private final ClusterKey key;
    private final ConnectionSettings settings;
    private final PveClient client;
    private final PveApi api;
    private final PveVmApi vms;
    private final PveCephApi ceph;
    private final TaskSlots taskSlots;
    private final Clock clock;
    private final AtomicReference<PollOutcome> outcome = new AtomicReference<>(PollOutcome.NONE);
    private final AtomicLong sequence = new AtomicLong();
    private volatile Instant slowRefreshedAt = Instant.EPOCH;
    private volatile Runnable pollRequester = () -> {};
    private volatile BooleanSupplier cephPoolsWanted = () -> false;

    ClusterConnection(
            ClusterKey key,
            ConnectionSettings settings,
            PveClient.RequestListener listener,
            TaskSlots slots,
            Clock clock) {
        this.key = key;
        this.settings = settings;
        this.client = new PveClient(settings.clientConfig(), listener);
        this.api = new PveApi(client);
        this.vms = new PveVmApi(client);
        this.ceph = new PveCephApi(client);
        this.taskSlots = slots;
        this.clock = clock;
    }

    /** A connection outside the operator (the doctor command); poll it with {@link #pollOnce()}. */
    public static ClusterConnection open(ClusterKey key, ConnectionSettings settings, Clock clock) {
        return new ClusterConnection(
                key, settings, null, new TaskSlots(settings.maxTasksPerNode()), clock);
    }

    /** Polls once, exactly as the operator does. */
    public PollOutcome pollOnce() {
        return poll();
    }

    /**
     * Asks for a poll soon (debounced by {@link ClusterConnections}); no-op outside the operator.
     */
    public void requestPoll() {
        pollRequester.run();
    }

    /**
     * Reads the version (and privileges) again at the next poll, which is asked for now: PVE said
     * something only another version says (an upgrade).
     */
    public void refreshVersion() {
        slowRefreshedAt = Instant.EPOCH;
        requestPoll();
    }

    void onPollRequest(Runnable requester) {
        this.pollRequester = requester;
    }

    public ClusterKey key() {
        return key;
    }

    public ConnectionSettings settings() {
        return settings;
    }

    public PveApi api() {
        return api;
    }

    public PveVmApi vms() {
        return vms;
    }

    public PveCephApi ceph() {
        return ceph;
    }

    /** Whether polls should include the Ceph pool list (asked before every poll). */
    void wantCephPools(BooleanSupplier wanted) {
        this.cephPoolsWanted = wanted;
    }

    public PveClient client() {
        return client;
    }

    public TaskSlots taskSlots() {
        return taskSlots;
    }

    public PollOutcome outcome() {
        return outcome.get();
    }

    /**
     * Carries the previous connection's facts over when settings change, so status never goes
     * blank.
     */
    void inherit(PollOutcome previous) {
        // The first poll of the new connection re-reads version and privileges (slowRefreshedAt is
        // EPOCH).
        outcome.set(
                new PollOutcome(
                        previous.snapshot(), null, null, previous.missingPrivileges(), false));
    }

    /**
     * One bulk poll. Never throws: failures are recorded in the outcome with the last good facts
     * kept.
     */
    PollOutcome poll() {
        PollOutcome before = outcome.get();
        // The snapshot is dated when the poll began: every fact in it is at least that new.
        Instant began = clock.instant();
        try {
            ClusterSnapshot previous = before.snapshot();
            boolean slow =
                    previous == null
                            || Duration.between(slowRefreshedAt, began).compareTo(SLOW_REFRESH)
                                    >= 0;
            // While the operator's tasks run, one call lists them all, instead of one status call
            // per task. It is
            // read first, so a task it shows finished has its effects in the resources read after
            // it.
            List<io.pveha.pve.model.TaskEntry> tasks =
                    taskSlots.tasksWanted() ? optional(api::clusterTasks, null) : null;
            List<ClusterResource> resources = api.clusterResources();
            List<ClusterStatusEntry> status = api.clusterStatus();
            // HA and Ceph are reported, not required: a failure there keeps the last known facts.
            List<HaStatusEntry> ha =
                    optional(api::haStatus, previous == null ? List.of() : previous.ha());
            CephHealth ceph =
                    optional(api::cephHealth, previous == null ? CephHealth.NONE : previous.ceph());
            PveVersion version = slow || previous == null ? api.version() : previous.version();
            List<RequiredPrivileges.Requirement> missing = before.missingPrivileges();
            boolean checked = before.privilegesChecked();
            if (slow) {
                slowRefreshedAt = began;
                try {
                    Map<String, Set<String>> granted = api.permissions();
                    missing = RequiredPrivileges.missing(granted);
                    checked = true;
                } catch (PveApiException e) {
                    if (!e.retryable() && e.kind() != PveErrorKind.NOT_IMPLEMENTED) {
                        throw e;
                    }
                    // The check is unavailable (older or partial API): privileges stay unknown, not
                    // missing.
                    checked = false;
                }
            }
            List<CephPoolEntry> pools =
                    cephPoolsWanted.getAsBoolean() ? cephPools(status, previous) : null;
            ClusterSnapshot next =
                    ClusterSnapshot.of(
                            sequence.incrementAndGet(),
                            began,
                            client.activeEndpoint(),
                            version,
                            status,
                            resources,
                            ha,
                            ceph,
                            tasks,
                            pools);
            PollOutcome after = before.succeeded(next, missing, checked);
            outcome.set(after);
            return after;
        } catch (PveApiException e) {
            PollOutcome after = before.failed(e, clock.instant());
            outcome.set(after);
            return after;
        } catch (RuntimeException e) {
            PveApiException wrapped =
                    new PveApiException(
                            PveErrorKind.PROTOCOL,
                            0,
                            "GET",
                            "poll",
                            "poll failed: "
                                    + e.getClass().getSimpleName()
                                    + (e.getMessage() == null ? "" : ": " + e.getMessage()),
                            null,
                            e);
            PollOutcome after = before.failed(wrapped, clock.instant());
            outcome.set(after);
            return after;
        }
    }

    /**
     * The pool list, asked of an online node (one call for all CephPools of the cluster). A failure
     * keeps the last known list; with no list ever seen, null tells the CephPools that pools are
     * unknown, not absent.
     */
    private List<CephPoolEntry> cephPools(
            List<ClusterStatusEntry> status, ClusterSnapshot previous) {
        List<CephPoolEntry> fallback = previous == null ? null : previous.cephPools();
        String node =
                status.stream()
                        .filter(ClusterStatusEntry::isNode)
                        .filter(n -> Boolean.TRUE.equals(n.online()))
                        .map(ClusterStatusEntry::name)
                        .findFirst()
                        .orElse(null);
        if (node == null) {
            return fallback;
        }
        return optional(() -> ceph.pools(node), fallback);
    }

    private static <T> T optional(java.util.function.Supplier<T> call, T fallback) {
        try {
            return call.get();
        } catch (PveApiException e) {
            if (e.kind() == PveErrorKind.CONNECTION
                    || e.kind() == PveErrorKind.AUTHENTICATION
                    || e.kind() == PveErrorKind.TLS) {
                throw e;
            }
            return fallback;
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
