package io.pveha.simulator.clock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class SimClockTest {
    private static final Instant START = Instant.parse("2025-01-01T00:00:00Z");

    @Test
    void manualModeRunsDueEventsInOrderAtTheirTime() {
        try (SimClock clock = new SimClock(START, 0)) {
            List<String> seen = new CopyOnWriteArrayList<>();
            clock.schedule(Duration.ofSeconds(5), () -> seen.add("b@" + clock.now()));
            clock.schedule(
                    Duration.ofSeconds(2),
                    () -> {
                        seen.add("a@" + clock.now());
                        clock.schedule(Duration.ofSeconds(1), () -> seen.add("a2@" + clock.now()));
                    });
            clock.schedule(Duration.ofSeconds(30), () -> seen.add("late"));
            clock.advance(Duration.ofSeconds(10));
            assertThat(seen)
                    .containsExactly(
                            "a@2025-01-01T00:00:02Z",
                            "a2@2025-01-01T00:00:03Z",
                            "b@2025-01-01T00:00:05Z");
            assertThat(clock.now()).isEqualTo(START.plusSeconds(10));
            assertThat(clock.pendingEvents()).isEqualTo(1);
        }
    }

    @Test
    void timeStandsStillInManualModeButZeroDelayEventsRun() {
        try (SimClock clock = new SimClock(START, 0)) {
            List<String> seen = new CopyOnWriteArrayList<>();
            clock.schedule(Duration.ZERO, () -> seen.add("now"));
            await().atMost(Duration.ofSeconds(2)).until(() -> seen.contains("now"));
            assertThat(clock.now()).isEqualTo(START);
        }
    }

    @Test
    void scaledModeRunsEventsAfterScaledRealTimeAndScaleCanChange() {
        try (SimClock clock = new SimClock(START, 1000)) {
            List<String> seen = new CopyOnWriteArrayList<>();
            clock.schedule(Duration.ofSeconds(60), () -> seen.add("minute"));
            await().atMost(Duration.ofSeconds(3)).until(() -> seen.contains("minute"));
            clock.setScale(0);
            Instant frozen = clock.now();
            assertThat(clock.now()).isEqualTo(frozen);
            assertThat(clock.isManual()).isTrue();
        }
    }

    @Test
    void cancelledEventsDoNotRun() {
        try (SimClock clock = new SimClock(START, 0)) {
            List<String> seen = new CopyOnWriteArrayList<>();
            clock.schedule(Duration.ofSeconds(1), () -> seen.add("x")).cancel();
            clock.advance(Duration.ofSeconds(2));
            assertThat(seen).isEmpty();
        }
    }
}
