package io.pveha.reconciler.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pveha.api.PendingTask;
import io.pveha.cluster.ClusterConnection;
import io.pveha.cluster.ClusterKey;
import io.pveha.cluster.ConnectionSettings;
import io.pveha.cluster.PollOutcome;
import io.pveha.pve.PveApiException;
import io.pveha.pve.PveErrorKind;
import io.pveha.pve.PveTls;
import io.pveha.pve.PveToken;
import io.pveha.pve.Upid;
import io.pveha.simulator.PveSimulator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The write-ahead ledger against the simulator on its manual clock: PVE tasks end only when the
 * test advances time, and the operator's own clock is a second hand-moved clock, so every rule is
 * checked at a chosen instant.
 */
class TaskLedgerTest {
    static final String HOLDER = "uid-1";

    PveSimulator sim;
    ClusterConnection connection;
    final MovableClock clock = new MovableClock(Instant.parse("2026-12-01T10:00:00Z"));
    TaskLedger ledger;
    final AtomicReference<PendingTask> slot = new AtomicReference<>();
    final TaskLedger.Slot slotAccess = new TaskLedger.Slot(slot::get, slot::set);

    /** What the journal wrote, in order (copies of the slot at each write). */
    final List<PendingTask> journal = new ArrayList<>();

    @BeforeEach
    void start() {
        sim =
                PveSimulator.builder()
                        .nodes(2)
                        .manualClock()
                        .authFailureDelay(Duration.ZERO)
                        .build()
                        .start();
        sim.cluster()
                .createTemplate(
                        "pve1", 9000, Map.of("name", "tpl", "memory", "512", "scsi0", "ceph-vm:4"));
        ConnectionSettings settings =
                ConnectionSettings.of(
                        List.of(sim.url()),
                        new PveToken(sim.apiTokenId(), sim.apiTokenSecret()),
                        "x",
                        PveTls.pinned(sim.fingerprintSha256()),
                        1000,
                        Duration.ofSeconds(20),
                        Duration.ofSeconds(15),
                        2);
        connection = ClusterConnection.open(new ClusterKey("store", "main"), settings, clock);
        ledger = new TaskLedger(clock);
        assertThat(connection.pollOnce().error()).isNull();
    }

    @AfterEach
    void stop() {
        connection.close();
        sim.close();
    }

    TaskLedger.Journal recording() {
        return () -> journal.add(copy(slot.get()));
    }

    TaskLedger.Call cloneOf9000(int newId) {
        return () ->
                Optional.of(
                        connection
                                .vms()
                                .cloneVm(
                                        "pve1",
                                        9000,
                                        Map.of("newid", newId, "name", "vm-" + newId)));
    }

    PendingTask intent() {
        return new PendingTask("Clone", "pve1", "qmclone", "9000", null);
    }

    PollOutcome poll() {
        clock.move(Duration.ofSeconds(1));
        return connection.pollOnce();
    }

    @Test
    void theIntentIsWrittenBeforePveIsCalledAndTheTaskIdAfter() {
        long before = clones();
        TaskLedger.Call call =
                () -> {
                    assertThat(journal).as("the intent is stored before the call").hasSize(1);
                    assertThat(journal.get(0).getUpid()).isNull();
                    return cloneOf9000(200).start();
                };

        assertThat(ledger.start(connection, HOLDER, intent(), slotAccess, recording(), call))
                .isEqualTo(TaskLedger.Started.RUNNING);

        assertThat(slot.get().getUpid()).startsWith("UPID:pve1:").contains(":qmclone:9000:");
        assertThat(clones()).isEqualTo(before + 1);
        assertThat(connection.taskSlots().inUse("pve1")).isEqualTo(1);
    }

    @Test
    void aRecordThatFailsMeansNoCall() {
        TaskLedger.Journal failing =
                () -> {
                    throw new IllegalStateException("409 Conflict");
                };
        boolean[] called = {false};

        assertThatThrownBy(
                        () ->
                                ledger.start(
                                        connection,
                                        HOLDER,
                                        intent(),
                                        slotAccess,
                                        failing,
                                        () -> {
                                            called[0] = true;
                                            return Optional.empty();
                                        }))
                .hasMessageContaining("409");

        assertThat(called[0]).isFalse();
        assertThat(slot.get()).isNull();
        assertThat(connection.taskSlots().inUse()).isZero();
        assertThat(sim.cluster().vm(200)).isEmpty();
    }

    @Test
    void aTaskEndIsLearnedFromTheBulkPollWithoutAStatusCall() {
        ledger.start(connection, HOLDER, intent(), slotAccess, recording(), cloneOf9000(201));
        PendingTask task = slot.get();

        TaskLedger.TaskFact running = ledger.observe(connection, HOLDER, task, poll().snapshot());
        assertThat(running.state()).isEqualTo(TaskLedger.State.RUNNING);

        sim.clock().advance(Duration.ofMinutes(1));
        long statusCalls = statusCalls();
        TaskLedger.TaskFact done = ledger.observe(connection, HOLDER, task, poll().snapshot());

        assertThat(done.state()).isEqualTo(TaskLedger.State.SUCCEEDED);
        assertThat(done.exitStatus()).isEqualTo("OK");
        assertThat(done.current()).as("the poll listing the end also shows its effects").isTrue();
        assertThat(statusCalls()).as("no per-task status call").isEqualTo(statusCalls);
        ledger.complete(connection, HOLDER);
        assertThat(connection.taskSlots().inUse()).isZero();
    }

    @Test
    void aPollFromBeforeTheTaskStartedNeverCountsAsAnAnswer() {
        PollOutcome older = poll();
        clock.move(Duration.ofSeconds(1));
        ledger.start(connection, HOLDER, intent(), slotAccess, recording(), cloneOf9000(202));

        TaskLedger.TaskFact fact = ledger.observe(connection, HOLDER, slot.get(), older.snapshot());

        assertThat(fact.state()).isEqualTo(TaskLedger.State.UNKNOWN);
    }

    @Test
    void aTaskThePollNoLongerListsCostsOneStatusCall() {
        ledger.start(connection, HOLDER, intent(), slotAccess, recording(), cloneOf9000(203));
        PendingTask task = slot.get();
        sim.clock().advance(Duration.ofMinutes(1));
        // 30 more finished tasks push ours out of the node's list (PVE lists the last 25 finished
        // per node).
        for (int i = 0; i < 30; i++) {
            connection.vms().cloneVm("pve1", 9000, Map.of("newid", 300 + i, "name", "filler-" + i));
        }
        sim.clock().advance(Duration.ofMinutes(1));
        long statusCalls = statusCalls();

        TaskLedger.TaskFact done = ledger.observe(connection, HOLDER, task, poll().snapshot());

        assertThat(done.state()).isEqualTo(TaskLedger.State.SUCCEEDED);
        assertThat(done.current())
                .as("learned from PVE directly: the poll may predate the effects")
                .isFalse();
        assertThat(statusCalls()).isEqualTo(statusCalls + 1);
    }

    @Test
    void anInterruptedIntentIsMatchedWithTheOneTaskItStarted() {
        // The operator wrote the intent and called PVE, then stopped before storing the task id.
        PendingTask intent = intent();
        intent.setStartedAt(clock.instant().toString());
        Upid made = connection.vms().cloneVm("pve1", 9000, Map.of("newid", 204, "name", "vm-204"));
        connection.taskSlots().hold("pve1", HOLDER);

        TaskLedger.TaskFact found = ledger.observe(connection, HOLDER, intent, poll().snapshot());

        assertThat(found.task().getUpid()).isEqualTo(made.value());
        assertThat(found.state()).isEqualTo(TaskLedger.State.RUNNING);
    }

    @Test
    void anIntentWithNoTaskIsNotStartedOnlyAfterTheGrace() {
        PendingTask intent = intent();
        intent.setStartedAt(clock.instant().toString());
        connection.taskSlots().hold("pve1", HOLDER);

        assertThat(ledger.observe(connection, HOLDER, intent, poll().snapshot()).state())
                .isEqualTo(TaskLedger.State.UNKNOWN);

        clock.move(TaskLedger.INTENT_GRACE);
        assertThat(ledger.observe(connection, HOLDER, intent, poll().snapshot()).state())
                .isEqualTo(TaskLedger.State.NOT_STARTED);
    }

    @Test
    void anUnknownOutcomeKeepsTheIntentAndARefusalDropsIt() {
        PveApiException timeout =
                new PveApiException(
                        PveErrorKind.OUTCOME_UNKNOWN,
                        0,
                        "POST",
                        "/clone",
                        "read timed out",
                        null,
                        null);
        assertThatThrownBy(
                        () ->
                                ledger.start(
                                        connection,
                                        HOLDER,
                                        intent(),
                                        slotAccess,
                                        recording(),
                                        () -> {
                                            throw timeout;
                                        }))
                .isSameAs(timeout);
        assertThat(slot.get()).as("the task may run: looked for next pass").isNotNull();

        slot.set(null);
        connection.taskSlots().release(HOLDER);
        PveApiException refused =
                new PveApiException(
                        PveErrorKind.VALIDATION, 400, "POST", "/clone", "bad value", null, null);
        assertThatThrownBy(
                        () ->
                                ledger.start(
                                        connection,
                                        HOLDER,
                                        intent(),
                                        slotAccess,
                                        recording(),
                                        () -> {
                                            throw refused;
                                        }))
                .isSameAs(refused);
        assertThat(slot.get()).isNull();
        assertThat(connection.taskSlots().inUse()).isZero();
    }

    @Test
    void aFullNodeRecordsNothing() {
        ledger.start(
                connection,
                "a",
                intent(),
                new TaskLedger.Slot(() -> null, t -> {}),
                () -> {},
                cloneOf9000(205));
        ledger.start(
                connection,
                "b",
                intent(),
                new TaskLedger.Slot(() -> null, t -> {}),
                () -> {},
                cloneOf9000(206));

        assertThat(
                        ledger.start(
                                connection,
                                HOLDER,
                                intent(),
                                slotAccess,
                                recording(),
                                cloneOf9000(207)))
                .isEqualTo(TaskLedger.Started.NO_SLOT);
        assertThat(journal).isEmpty();
        assertThat(sim.cluster().vm(207)).isEmpty();
    }

    @Test
    void aSnapshotOlderThanTheOperatorsOwnChangeIsStale() {
        PollOutcome older = poll();
        ledger.acted(HOLDER, connection);
        assertThat(ledger.isStale(HOLDER, older.snapshot())).isTrue();
        assertThat(ledger.isStale(HOLDER, poll().snapshot())).isFalse();
    }

    long statusCalls() {
        return sim.requestStats().count("GET /nodes/{node}/tasks/{upid}/status");
    }

    long clones() {
        return sim.requestStats().count("POST /nodes/{node}/qemu/{vmid}/clone");
    }

    static PendingTask copy(PendingTask t) {
        if (t == null) {
            return null;
        }
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

    /** The operator's clock, moved by hand. */
    static final class MovableClock extends Clock {
        private volatile Instant now;

        MovableClock(Instant start) {
            this.now = start;
        }

        void move(Duration by) {
            now = now.plus(by);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
