package io.pveha.validate;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The examples of PVE's "Schedule Format" documentation pass; malformed events say why they fail.
 */
class CalendarEventsTest {
    @ParameterizedTest
    @ValueSource(
            strings = {
                "mon,tue,wed,thu,fri",
                "mon..fri",
                "sat,sun",
                "12:05",
                "*/5",
                "0/5",
                "mon..wed 30/10",
                "mon..fri 8..17,22:0/15",
                "fri 12..13:5/20",
                "12,14,16,18,20,22:5",
                "12/2:5",
                "*",
                "*-05",
                "Sat *-1..7 15:00",
                "2015-10-21",
                "*-*-* 02:00",
                "02:00",
                "sun 04:00",
                "daily",
                "hourly",
                "weekly",
                "monthly",
                "yearly",
                "quarterly",
                "semiannually",
                "12:00:30",
                "Monday 06:00"
            })
    void acceptsWhatPveAccepts(String event) {
        assertThat(CalendarEvents.check(event)).as(event).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "''|event is empty",
                "mon..fry 02:00|unknown weekday 'fry'",
                "25:00|hour 25 out of range 0..23",
                "12:60|minute 60 out of range 0..59",
                "*-13-01|month 13 out of range 1..12",
                "*/0|minute repetition must be at least 1 in '*/0'",
                "10..5:00|hour range '10..5' runs backwards",
                "02:00 mon|unexpected 'mon' (expected [WEEKDAY] [[YYYY-]MM-DD] [HH:MM[:SS]])",
                "1:2:3:4|invalid time '1:2:3:4' (expected HH:MM[:SS])",
                "mon..tue..wed|invalid weekday range 'mon..tue..wed'",
                "a-b-c-d|unknown weekday 'a-b-c-d'",
                "1-2-3-4|invalid date '1-2-3-4' (expected [YYYY-]MM-DD)",
                ",|invalid minute ''",
                "12:|empty minute"
            })
    void explainsWhatIsWrong(String event, String reason) {
        assertThat(CalendarEvents.check(event)).contains(reason);
    }
}
