package io.pveha.reconciler.task;

import io.pveha.api.PendingTask;
import io.pveha.cluster.ClusterConnection;
import io.pveha.cluster.ClusterSnapshot;
import io.pveha.pve.PveApiException;
import io.pveha.pve.PveErrorKind;
import io.pveha.pve.Upid;
import io.pveha.pve.model.TaskEntry;
import io.pveha.pve.model.TaskStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one implementation of write-ahead for PVE tasks, shared by every kind.
 *
 * <p><b>Start</b> ({@link #start}): take a task slot on the node, put the intent into the
 * resource's status and write it; only when that write succeeded is PVE called. A failed write (a
 * conflict or anything else) means no call. The task id is put into the same record after the call;
 * the caller's status write stores it.
 *
 * <p><b>Follow</b> ({@link #observe}): a task's end is learned from the cluster's bulk poll, whose
 * {@code /cluster/tasks} list is one call per poll whatever the number of tasks in flight. Only a
 * task that a poll taken after its start no longer lists costs a call of its own ({@code
 * /tasks/{upid}/status}).
 *
 * <p><b>Resume</b>: everything needed is in status. An intent without a task id (the operator
 * stopped, or PVE's answer was lost, between recording and answering) is looked up among PVE's
 * recent tasks of our API token; if no poll taken well after the intent shows one, the call never
 * took effect and the planner plans again from the facts (a create that did happen shows as the VM
 * or pool it made).
 *
 * <p>Besides tasks the ledger remembers when it last acted for a resource (also for synchronous
 * calls), so a planner is never fed a snapshot older than the operator's own last change ({@link
 * #isStale}). That memory only saves work: after a restart the first poll is newer than anything
 * the old process did.
 */
public final class TaskLedger {
    private static final Logger LOG = LoggerFactory.getLogger(TaskLedger.class);

    /**
     * How long after an intent a poll must be taken before "no such task" means the call never
     * reached PVE.
     */
    static final Duration INTENT_GRACE = Duration.ofSeconds(30);

    /**
     * PVE's clock and ours may differ: a recovered task may have started this much before the
     * intent.
     */
    static final Duration CLOCK_SKEW = Duration.ofMinutes(2);

    /**
     * Writes the resource's status as it stands now (intent included); throws when it was not
     * written.
     */
    @FunctionalInterface
    public interface Journal {
        void write();
    }

    /** The PVE call that starts the task; empty when PVE did the work synchronously. */
    @FunctionalInterface
    public interface Call {
        Optional<Upid> start();
    }

    /**
     * What the poll itself shows of a task's end, for a task its task list no longer holds (PVE
     * lists only the last few finished tasks per node): e.g. the VM a clone made, present and no
     * longer locked. True saves the task's own status call.
     */
    @FunctionalInterface
    public interface Evidence {
        boolean endedWell(ClusterSnapshot snapshot);

        Evidence NONE = snapshot -> false;
    }

    /** Where a resource's status keeps its pending task (the status object being built). */
    public record Slot(Supplier<PendingTask> get, Consumer<PendingTask> set) {}

    /** What {@link #start} did. */
    public enum Started {
        /** The task runs; its UPID is in the slot. */
        RUNNING,
        /** PVE answered without a task (the work is done); the slot is empty. */
        DONE,
        /**
         * The node already runs as many operator tasks as allowed; nothing was recorded or called.
         */
        NO_SLOT
    }

    /** A pending task as observed. */
    public enum State {
        RUNNING,
        SUCCEEDED,
        FAILED,
        /** An intent whose call never took effect: plan again. */
        NOT_STARTED,
        /** Not known yet (no poll since the task started): look again after the next poll. */
        UNKNOWN
    }

    /**
     * @param task the pending task (with its UPID filled in when an interrupted task was found)
     * @param current the snapshot that reported the end also reflects the task's effects (the task
     *     list is read before the resources in every poll); false after a direct status read
     * @param exitStatus PVE's exit status of a finished task
     * @param log the last lines of a failed task's log
     */
    public record TaskFact(
            State state, PendingTask task, boolean current, String exitStatus, List<String> log) {
        public boolean finished() {
            return state == State.SUCCEEDED || state == State.FAILED;
        }

        /** "OK", "WARNINGS: 1", or the failure with the log's last lines. */
        public String describe() {
            String tail =
                    log == null || log.isEmpty() ? "" : " (log: " + String.join(" | ", log) + ")";
            return exitStatus + tail;
        }
    }

    private final Clock clock;
    private final Map<String, Instant> actedAt = new ConcurrentHashMap<>();

    public TaskLedger(Clock clock) {
        this.clock = clock;
    }

    /**
     * Records {@code intent} in the slot, writes it, and only then calls PVE.
     *
     * @param holder a stable key of the resource (its UID): holds the node's task slot until the
     *     task ends
     * @throws PveApiException when PVE refused or failed; the intent is kept when the outcome is
     *     unknown (the task may run: the next pass looks for it), removed otherwise
     */
    public Started start(
            ClusterConnection connection,
            String holder,
            PendingTask intent,
            Slot slot,
            Journal journal,
            Call call) {
        if (!connection.taskSlots().tryAcquire(intent.getNode(), holder)) {
            return Started.NO_SLOT;
        }
        intent.setStartedAt(now().toString());
        slot.set().accept(intent);
        try {
            journal.write();
        } catch (RuntimeException e) {
            // Record, then act: a record that failed means no call.
            slot.set().accept(null);
            connection.taskSlots().release(holder);
            throw e;
        }
        Optional<Upid> upid;
        try {
            upid = call.start();
        } catch (PveApiException e) {
            if (e.kind() != PveErrorKind.OUTCOME_UNKNOWN) {
                slot.set().accept(null);
                connection.taskSlots().release(holder);
            }
            acted(holder, connection);
            throw e;
        }
        acted(holder, connection);
        if (upid.isEmpty()) {
            slot.set().accept(null);
            connection.taskSlots().release(holder);
            return Started.DONE;
        }
        PendingTask running = copy(intent);
        running.setUpid(upid.get().value());
        // From here on, "started" means when PVE answered: a poll begun later lists the task.
        running.setStartedAt(now().toString());
        slot.set().accept(running);
        LOG.info("{} started: {}", intent.getAction(), upid.get());
        return Started.RUNNING;
    }

    /**
     * What became of a pending task, from the snapshot (no call) or, for a task the snapshot should
     * list but does not, from PVE (one call; one more for the log of a failed task). Reads only.
     */
    public TaskFact observe(
            ClusterConnection connection,
            String holder,
            PendingTask task,
            ClusterSnapshot snapshot) {
        return observe(connection, holder, task, snapshot, Evidence.NONE);
    }

    /**
     * Like {@link #observe(ClusterConnection, String, PendingTask, ClusterSnapshot)}, with what the
     * poll shows of the task's end.
     */
    public TaskFact observe(
            ClusterConnection connection,
            String holder,
            PendingTask task,
            ClusterSnapshot snapshot,
            Evidence evidence) {
        // A task in flight holds its node's slot, also after a restart, so polls keep listing
        // tasks.
        connection.taskSlots().hold(task.getNode(), holder);
        if (!snapshot.tasksPolled()) {
            // This poll ran while no task was in flight (e.g. the first one after a restart): wait
            // for one that lists them.
            connection.requestPoll();
            return new TaskFact(State.UNKNOWN, task, true, null, List.of());
        }
        PendingTask followed = task;
        if (!task.started()) {
            Optional<TaskEntry> found =
                    recover(task, snapshot, connection.settings().token().tokenId());
            if (found.isEmpty()) {
                boolean settled =
                        snapshot.polledAt()
                                .isAfter(instant(task.getStartedAt()).plus(INTENT_GRACE));
                if (!settled) {
                    connection.requestPoll();
                }
                return new TaskFact(
                        settled ? State.NOT_STARTED : State.UNKNOWN, task, true, null, List.of());
            }
            followed = copy(task);
            followed.setUpid(found.get().upid());
            LOG.info("found task {} of the interrupted {}", found.get().upid(), task.getAction());
        }
        Optional<TaskEntry> listed = snapshot.task(followed.getUpid());
        if (listed.isPresent()) {
            TaskEntry entry = listed.get();
            if (entry.status() == null) {
                connection.requestPoll();
                return new TaskFact(State.RUNNING, followed, true, null, List.of());
            }
            return finished(connection, followed, entry.status(), true);
        }
        if (!snapshot.polledAt().isAfter(instant(followed.getStartedAt()))) {
            // The last poll began before PVE answered: it cannot list the task yet.
            connection.requestPoll();
            return new TaskFact(State.UNKNOWN, followed, true, null, List.of());
        }
        if (evidence.endedWell(snapshot)) {
            return new TaskFact(State.SUCCEEDED, followed, true, "OK", List.of());
        }
        Upid upid = Upid.parse(followed.getUpid());
        TaskStatus status = connection.api().taskStatus(upid);
        if (status.running()) {
            connection.requestPoll();
            return new TaskFact(State.RUNNING, followed, false, null, List.of());
        }
        return finished(connection, followed, status.exitstatus(), false);
    }

    /**
     * The task ended (or never started): frees its node's slot; the caller clears it from status.
     */
    public void complete(ClusterConnection connection, String holder) {
        if (connection != null) {
            connection.taskSlots().release(holder);
        }
    }

    /**
     * Notes that the operator changed something in PVE for {@code holder} without a task (an HA
     * resource, a synchronous config change), and asks for a poll.
     */
    public void acted(String holder, ClusterConnection connection) {
        actedAt.put(holder, now());
        connection.requestPoll();
    }

    /**
     * True when {@code snapshot} began before the operator's own last change for {@code holder}.
     */
    public boolean isStale(String holder, ClusterSnapshot snapshot) {
        Instant acted = actedAt.get(holder);
        return acted != null && !snapshot.polledAt().isAfter(acted);
    }

    /** Forgets a resource that is gone. */
    public void forget(ClusterConnection connection, String holder) {
        actedAt.remove(holder);
        if (connection != null) {
            connection.taskSlots().release(holder);
        }
    }

    private TaskFact finished(
            ClusterConnection connection, PendingTask task, String exitStatus, boolean current) {
        boolean ok =
                exitStatus != null
                        && (exitStatus.equals("OK") || exitStatus.startsWith("WARNINGS"));
        if (ok) {
            return new TaskFact(State.SUCCEEDED, task, current, exitStatus, List.of());
        }
        List<String> log;
        try {
            log = connection.api().taskLog(Upid.parse(task.getUpid()), 3);
        } catch (PveApiException e) {
            log = List.of();
        }
        return new TaskFact(State.FAILED, task, current, exitStatus, log);
    }

    /**
     * The task an interrupted intent started, if PVE lists exactly one that fits: same node, worker
     * type and id, started by our API token, not before the intent (less clock skew). Two
     * candidates (e.g. two clones of one template interrupted together) are not guessed between:
     * the facts decide then.
     */
    private static Optional<TaskEntry> recover(
            PendingTask intent, ClusterSnapshot snapshot, String tokenId) {
        Instant since = instant(intent.getStartedAt()).minus(CLOCK_SKEW);
        List<TaskEntry> candidates =
                snapshot.tasksByUpid().values().stream()
                        .filter(t -> Upid.isUpid(t.upid()))
                        .filter(t -> intent.getNode() == null || intent.getNode().equals(t.node()))
                        .filter(
                                t ->
                                        intent.getTaskType() == null
                                                || intent.getTaskType().equals(t.type()))
                        .filter(
                                t ->
                                        intent.getTaskId() == null
                                                || intent.getTaskId().equals(t.id()))
                        .filter(t -> tokenId.equals(Upid.parse(t.upid()).user()))
                        .filter(
                                t ->
                                        t.starttime() == null
                                                || !Instant.ofEpochSecond(t.starttime())
                                                        .isBefore(since))
                        .toList();
        return candidates.size() == 1 ? Optional.of(candidates.get(0)) : Optional.empty();
    }

    private static Instant instant(String text) {
        try {
            return text == null ? Instant.EPOCH : Instant.parse(text);
        } catch (DateTimeParseException e) {
            return Instant.EPOCH;
        }
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    private static PendingTask copy(PendingTask t) {
        PendingTask c =
                new PendingTask(
                        t.getAction(),
                        t.getNode(),
                        t.getTaskType(),
                        t.getTaskId(),
                        t.getStartedAt());
        c.setUpid(t.getUpid());
        return c;
    }
}
