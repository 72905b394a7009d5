package io.pveha.validate;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class CalendarScheduleTest {
    private static Instant next(String event, String after) {
        return CalendarSchedule.next(event, Instant.parse(after), ZoneOffset.UTC).orElseThrow();
    }

    @Test
    void weekdayAndTime() {
        // 2026-11-24 is a Tuesday.
        assertThat(next("sun 04:00", "2026-11-24T10:00:00Z"))
                .isEqualTo(Instant.parse("2026-11-29T04:00:00Z"));
        assertThat(next("sun 04:00", "2026-11-29T04:00:00Z"))
                .as("strictly after")
                .isEqualTo(Instant.parse("2026-12-06T04:00:00Z"));
        assertThat(next("mon..fri 22:30", "2026-11-27T23:00:00Z"))
                .isEqualTo(Instant.parse("2026-11-30T22:30:00Z"));
    }

    @Test
    void repetitionsDatesAndKeywords() {
        assertThat(next("*/15", "2026-11-24T10:07:30Z"))
                .isEqualTo(Instant.parse("2026-11-24T10:15:00Z"));
        assertThat(next("*-*-* 02:00", "2026-11-24T02:00:00Z"))
                .isEqualTo(Instant.parse("2026-11-25T02:00:00Z"));
        assertThat(next("sat *-1..7 15:00", "2026-11-24T00:00:00Z"))
                .isEqualTo(Instant.parse("2026-12-05T15:00:00Z"));
        assertThat(next("daily", "2026-11-24T00:00:00Z"))
                .isEqualTo(Instant.parse("2026-11-25T00:00:00Z"));
        assertThat(next("weekly", "2026-11-24T00:00:00Z"))
                .isEqualTo(Instant.parse("2026-11-30T00:00:00Z"));
        assertThat(next("monthly", "2026-11-24T00:00:00Z"))
                .isEqualTo(Instant.parse("2026-12-01T00:00:00Z"));
        assertThat(next("12,14:5", "2026-11-24T12:06:00Z"))
                .isEqualTo(Instant.parse("2026-11-24T14:05:00Z"));
    }

    @Test
    void matchesWholeMinutesOnlyAndPastDatesNeverFire() {
        assertThat(
                        CalendarSchedule.matches(
                                "sun 04:00", Instant.parse("2026-11-29T04:00:00Z"), ZoneOffset.UTC))
                .isTrue();
        assertThat(
                        CalendarSchedule.matches(
                                "sun 04:00", Instant.parse("2026-11-29T04:00:01Z"), ZoneOffset.UTC))
                .isFalse();
        assertThat(
                        CalendarSchedule.matches(
                                "sat 04:00", Instant.parse("2026-11-29T04:00:00Z"), ZoneOffset.UTC))
                .isFalse();
        assertThat(
                        CalendarSchedule.next(
                                "2015-10-21",
                                Instant.parse("2026-11-24T00:00:00Z"),
                                ZoneOffset.UTC))
                .isEmpty();
        assertThat(
                        CalendarSchedule.next(
                                "not an event",
                                Instant.parse("2026-11-24T00:00:00Z"),
                                ZoneOffset.UTC))
                .isEmpty();
    }
}
