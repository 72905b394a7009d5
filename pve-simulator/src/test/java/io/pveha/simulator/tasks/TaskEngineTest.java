package io.pveha.simulator.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import io.pveha.simulator.clock.SimClock;
import io.pveha.simulator.model.PveException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TaskEngineTest {
    private static final Instant START = Instant.parse("2025-01-01T00:00:00Z");
    private final SimClock clock = new SimClock(START, 0);
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

    /** Nodes booted a day before the test starts. */
    private final TaskEngine engine =
            new TaskEngine(clock, lock, node -> START.minusSeconds(86_400).toEpochMilli());

    @AfterEach
    void stop() {
        clock.close();
    }

    @Test
    void stepsRunAfterTheirDelaysAndTheTaskEndsOk() {
        List<String> done = new ArrayList<>();
        Task task =
                locked(
                        () ->
                                engine.spawn("pve1", "qmstart", "100", "root@pam")
                                        .step(Duration.ZERO, ctx -> ctx.log("first"))
                                        .step(Duration.ofSeconds(3), ctx -> done.add("second"))
                                        .start());
        assertThat(task.upidText())
                .matches("UPID:pve1:[0-9A-F]{8}:[0-9A-F]{8}:67748580:qmstart:100:root@pam:");
        assertThat(task.upid().pstart()).as("clock ticks since boot").isEqualTo(8_640_000 + 1_000);
        clock.advance(Duration.ofSeconds(2));
        assertThat(task.running()).isTrue();
        assertThat(done).isEmpty();
        clock.advance(Duration.ofSeconds(1));
        assertThat(task.exitStatus()).isEqualTo("OK");
        assertThat(task.log()).containsExactly("first", "TASK OK");
        assertThat(task.endTime())
                .isEqualTo(Instant.parse("2025-01-01T00:00:03Z").getEpochSecond());
    }

    @Test
    void errorsEndTheTaskWithTaskErrorAndRunCleanup() {
        List<String> cleaned = new ArrayList<>();
        Task task =
                locked(
                        () ->
                                engine.spawn("pve1", "qmclone", "100", "root@pam")
                                        .step(
                                                Duration.ofSeconds(1),
                                                ctx -> {
                                                    throw PveException.internal(
                                                            "clone failed: no\nspace");
                                                })
                                        .step(Duration.ofSeconds(1), ctx -> cleaned.add("never"))
                                        .onFailure(cleaned::add)
                                        .start());
        clock.advance(Duration.ofSeconds(5));
        assertThat(task.exitStatus()).isEqualTo("clone failed: no space");
        assertThat(task.log()).last().isEqualTo("TASK ERROR: clone failed: no space");
        assertThat(cleaned).containsExactly("clone failed: no space");
    }

    @Test
    void secondTaskOnAVmWaitsForTheFlockAndGivesUpAfterTheTimeout() {
        Task first =
                locked(
                        () ->
                                engine.spawn("pve1", "qmigrate", "100", "root@pam")
                                        .lockVm(100)
                                        .step(Duration.ofSeconds(30), ctx -> {})
                                        .start());
        Task second =
                locked(
                        () ->
                                engine.spawn("pve1", "qmstart", "100", "root@pam")
                                        .lockVm(100)
                                        .step(Duration.ZERO, ctx -> {})
                                        .start());
        Task shortWait =
                locked(
                        () ->
                                engine.spawn("pve1", "qmstop", "101", "root@pam")
                                        .lockVm(101)
                                        .step(Duration.ofSeconds(2), ctx -> {})
                                        .start());
        Task afterShort =
                locked(
                        () ->
                                engine.spawn("pve1", "qmstart", "101", "root@pam")
                                        .lockVm(101)
                                        .step(Duration.ZERO, ctx -> {})
                                        .start());
        clock.advance(Duration.ofSeconds(11));
        assertThat(second.exitStatus())
                .isEqualTo("can't lock file '/var/lock/qemu-server/lock-100.conf' - got timeout");
        assertThat(shortWait.exitStatus()).isEqualTo("OK");
        assertThat(afterShort.exitStatus())
                .as("got the flock when the first task ended")
                .isEqualTo("OK");
        assertThat(first.running()).isTrue();
    }

    @Test
    void sharedFlocksLetSeveralTasksRunTogether() {
        Task a =
                locked(
                        () ->
                                engine.spawn("pve1", "qmclone", "900", "root@pam")
                                        .lockVm(900, false, Duration.ofSeconds(1))
                                        .step(Duration.ofSeconds(5), ctx -> {})
                                        .start());
        Task b =
                locked(
                        () ->
                                engine.spawn("pve1", "qmclone", "900", "root@pam")
                                        .lockVm(900, false, Duration.ofSeconds(1))
                                        .step(Duration.ofSeconds(5), ctx -> {})
                                        .start());
        clock.advance(Duration.ofSeconds(5));
        assertThat(a.exitStatus()).isEqualTo("OK");
        assertThat(b.exitStatus()).isEqualTo("OK");
    }

    @Test
    void injectedFailureHitsOnlyTheNextTaskOfThatType() {
        locked(
                () -> {
                    engine.failNext("qmstart", null, "start failed: injected");
                    return null;
                });
        Task other =
                locked(
                        () ->
                                engine.spawn("pve1", "qmstop", "1", "u@pve")
                                        .step(Duration.ZERO, ctx -> {})
                                        .start());
        Task hit =
                locked(
                        () ->
                                engine.spawn("pve1", "qmstart", "1", "u@pve")
                                        .step(Duration.ZERO, ctx -> {})
                                        .start());
        Task next =
                locked(
                        () ->
                                engine.spawn("pve1", "qmstart", "1", "u@pve")
                                        .step(Duration.ZERO, ctx -> {})
                                        .start());
        clock.advance(Duration.ofSeconds(1));
        assertThat(other.exitStatus()).isEqualTo("OK");
        assertThat(hit.exitStatus()).isEqualTo("start failed: injected");
        assertThat(next.exitStatus()).isEqualTo("OK");
    }

    @Test
    void finishEarlySkipsTheRestAndWarningsAreCounted() {
        Task early =
                locked(
                        () ->
                                engine.spawn("pve1", "qmstop", "1", "u@pve")
                                        .step(Duration.ZERO, TaskEngine.Context::finishEarly)
                                        .step(Duration.ofHours(1), ctx -> {})
                                        .start());
        Task warned =
                locked(
                        () ->
                                engine.spawn("pve1", "qmconfig", "1", "u@pve")
                                        .step(Duration.ZERO, ctx -> ctx.warn("careful"))
                                        .start());
        clock.advance(Duration.ofSeconds(1));
        assertThat(early.exitStatus()).isEqualTo("OK");
        assertThat(warned.exitStatus()).isEqualTo("WARNINGS: 1");
        assertThat(warned.log()).containsExactly("WARN: careful", "TASK WARNINGS: 1");
        assertThat(engine.tasksOf("pve1")).first().isEqualTo(warned);
    }

    private <T> T locked(Supplier<T> action) {
        lock.writeLock().lock();
        try {
            return action.get();
        } finally {
            lock.writeLock().unlock();
        }
    }
}
