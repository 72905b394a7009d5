package io.pveha.simulator.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CalendarEventTest {

    @ParameterizedTest(name = "{0} after {1} is {2}")
    @CsvSource(
            delimiter = '|',
            value = {
                "*-*-* 02:00     | 2024-01-01T01:59:59 | 2024-01-01T02:00:00",
                "*-*-* 02:00     | 2024-01-01T02:00:00 | 2024-01-02T02:00:00",
                "sat 15:00       | 2024-12-25T10:00:00 | 2024-12-28T15:00:00",
                "mon..fri 22:30  | 2024-01-05T23:00:00 | 2024-01-08T22:30:00",
                "06,18:30        | 2024-12-25T07:00:00 | 2024-12-25T18:30:00",
                "*/30            | 2024-01-01T10:31:00 | 2024-01-01T11:00:00",
                "*/5             | 2024-01-01T10:31:00 | 2024-01-01T10:35:00",
                "daily           | 2024-01-01T10:31:00 | 2024-01-02T00:00:00",
                "sat *-1..7 15:00| 2024-01-01T00:00:00 | 2024-01-06T15:00:00",
                "12..13:5/20     | 2024-01-01T12:30:00 | 2024-01-01T12:45:00",
                "monthly         | 2024-01-15T00:00:00 | 2024-02-01T00:00:00",
            })
    void computesTheNextRun(String event, String after, String expected) {
        long from = LocalDateTime.parse(after).toEpochSecond(ZoneOffset.UTC);
        long next = CalendarEvent.parse(event).next(from, ZoneOffset.UTC).orElseThrow();
        assertThat(LocalDateTime.ofEpochSecond(next, 0, ZoneOffset.UTC))
                .isEqualTo(LocalDateTime.parse(expected));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "25:00", "funday 10:00", "*-13-01", "10:61", "1 2 3 4", "*/0"})
    void rejectsBadEvents(String event) {
        assertThatThrownBy(() -> CalendarEvent.parse(event))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unable to parse calendar event");
    }
}
