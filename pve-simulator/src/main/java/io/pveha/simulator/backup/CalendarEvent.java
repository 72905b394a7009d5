package io.pveha.simulator.backup;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.BitSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A PVE calendar event (the systemd subset {@code pvescheduler} runs backup jobs on): {@code
 * [WEEKDAY] [[YYYY-]MM-DD] [HH:MM[:SS] | MINUTE]} or a keyword ({@code daily}, {@code hourly}...).
 * Every number is {@code *}, a value, a range {@code a..b}, with an optional repetition {@code
 * /step}, or a comma list of those; weekdays are names or ranges of names. Omitted parts: any
 * weekday, any date, time 00:00. The operator has its own syntax check; the simulator cannot depend
 * on it, so this is a second small parser that also computes the next run.
 */
public final class CalendarEvent {
    private static final Map<String, String> KEYWORDS =
            Map.of(
                    "minutely",
                    "*-*-* *:*:00",
                    "hourly",
                    "*-*-* *:00:00",
                    "daily",
                    "*-*-* 00:00:00",
                    "weekly",
                    "mon *-*-* 00:00:00",
                    "monthly",
                    "*-*-01 00:00:00",
                    "yearly",
                    "*-01-01 00:00:00",
                    "annually",
                    "*-01-01 00:00:00",
                    "quarterly",
                    "*-01,04,07,10-01 00:00:00",
                    "semiannually",
                    "*-01,07-01 00:00:00",
                    "semi-annually",
                    "*-01,07-01 00:00:00");
    private static final Map<String, Integer> WEEKDAYS =
            Map.ofEntries(
                    Map.entry("mon", 1),
                    Map.entry("monday", 1),
                    Map.entry("tue", 2),
                    Map.entry("tuesday", 2),
                    Map.entry("wed", 3),
                    Map.entry("wednesday", 3),
                    Map.entry("thu", 4),
                    Map.entry("thursday", 4),
                    Map.entry("fri", 5),
                    Map.entry("friday", 5),
                    Map.entry("sat", 6),
                    Map.entry("saturday", 6),
                    Map.entry("sun", 7),
                    Map.entry("sunday", 7));

    /** How far ahead the next run is searched (a date in the past never runs again). */
    private static final int SEARCH_DAYS = 366 * 5;

    private final BitSet weekdays;
    private final BitSet years;
    private final BitSet months;
    private final BitSet days;
    private final BitSet hours;
    private final BitSet minutes;
    private final BitSet seconds;

    private CalendarEvent(
            BitSet weekdays,
            BitSet years,
            BitSet months,
            BitSet days,
            BitSet hours,
            BitSet minutes,
            BitSet seconds) {
        this.weekdays = weekdays;
        this.years = years;
        this.months = months;
        this.days = days;
        this.hours = hours;
        this.minutes = minutes;
        this.seconds = seconds;
    }

    /**
     * Parses an event.
     *
     * @throws IllegalArgumentException with PVE's text ({@code unable to parse calendar event}) and
     *     a detail
     */
    public static CalendarEvent parse(String text) {
        String event = text.trim().toLowerCase(Locale.ROOT);
        if (event.isEmpty() || event.length() > 128) {
            throw new IllegalArgumentException("unable to parse calendar event");
        }
        event = KEYWORDS.getOrDefault(event, event);
        String[] tokens = event.split("\\s+");
        int i = 0;
        BitSet weekdays = all(1, 7);
        BitSet years = all(1970, 9999);
        BitSet months = all(1, 12);
        BitSet days = all(1, 31);
        BitSet hours = single(0);
        BitSet minutes = single(0);
        BitSet seconds = single(0);
        if (Character.isLetter(tokens[i].charAt(0))) {
            weekdays = weekdays(tokens[i++]);
        }
        if (i < tokens.length && tokens[i].contains("-")) {
            String[] parts = tokens[i++].split("-", -1);
            if (parts.length == 3) {
                years = field(parts[0], 1970, 9999);
                months = field(parts[1], 1, 12);
                days = field(parts[2], 1, 31);
            } else if (parts.length == 2) {
                months = field(parts[0], 1, 12);
                days = field(parts[1], 1, 31);
            } else {
                throw new IllegalArgumentException("unable to parse calendar event");
            }
        }
        if (i < tokens.length) {
            String[] parts = tokens[i++].split(":", -1);
            switch (parts.length) {
                case 1 -> {
                    // A lone number is the minute: '*/30' runs every half hour.
                    hours = all(0, 23);
                    minutes = field(parts[0], 0, 59);
                }
                case 2, 3 -> {
                    hours = field(parts[0], 0, 23);
                    minutes = field(parts[1], 0, 59);
                    if (parts.length == 3) {
                        seconds = field(parts[2], 0, 59);
                    }
                }
                default -> throw new IllegalArgumentException("unable to parse calendar event");
            }
        }
        if (i < tokens.length) {
            throw new IllegalArgumentException("unable to parse calendar event");
        }
        return new CalendarEvent(weekdays, years, months, days, hours, minutes, seconds);
    }

    /**
     * The first time strictly after {@code afterEpoch} the event fires, in {@code zone}; empty if
     * never.
     */
    public Optional<Long> next(long afterEpoch, ZoneId zone) {
        ZonedDateTime after = java.time.Instant.ofEpochSecond(afterEpoch).atZone(zone);
        LocalDate day = after.toLocalDate();
        for (int d = 0; d < SEARCH_DAYS; d++, day = day.plusDays(1)) {
            if (!matches(day)) {
                continue;
            }
            boolean sameDay = d == 0;
            for (int h = hours.nextSetBit(0); h >= 0; h = hours.nextSetBit(h + 1)) {
                for (int m = minutes.nextSetBit(0); m >= 0; m = minutes.nextSetBit(m + 1)) {
                    for (int s = seconds.nextSetBit(0); s >= 0; s = seconds.nextSetBit(s + 1)) {
                        LocalDateTime candidate = day.atTime(h, m, s);
                        if (sameDay && !candidate.isAfter(after.toLocalDateTime())) {
                            continue;
                        }
                        return Optional.of(candidate.atZone(zone).toEpochSecond());
                    }
                }
            }
        }
        return Optional.empty();
    }

    private boolean matches(LocalDate day) {
        return weekdays.get(day.getDayOfWeek().getValue())
                && years.get(day.getYear())
                && months.get(day.getMonthValue())
                && days.get(day.getDayOfMonth());
    }

    private static BitSet weekdays(String spec) {
        BitSet result = new BitSet();
        for (String part : spec.split(",", -1)) {
            String[] range = part.split("\\.\\.", -1);
            if (range.length > 2) {
                throw new IllegalArgumentException("unable to parse calendar event");
            }
            int from = weekday(range[0]);
            int to = weekday(range[range.length - 1]);
            // 'fri..mon' wraps around the week end, as in systemd.
            for (int d = from; ; d = d % 7 + 1) {
                result.set(d);
                if (d == to) {
                    break;
                }
            }
        }
        return result;
    }

    private static int weekday(String name) {
        Integer day = WEEKDAYS.get(name);
        if (day == null) {
            throw new IllegalArgumentException("unable to parse calendar event");
        }
        return day;
    }

    /** A comma list of {@code *}, {@code N}, {@code A..B}, each with an optional {@code /STEP}. */
    private static BitSet field(String spec, int min, int max) {
        BitSet result = new BitSet();
        for (String item : spec.split(",", -1)) {
            String base = item;
            int step = 1;
            int slash = item.indexOf('/');
            if (slash >= 0) {
                base = item.substring(0, slash);
                step = number(item.substring(slash + 1));
                if (step < 1) {
                    throw new IllegalArgumentException("unable to parse calendar event");
                }
            }
            int from;
            int to;
            if (base.equals("*")) {
                from = min;
                to = max;
            } else {
                String[] range = base.split("\\.\\.", -1);
                if (range.length > 2) {
                    throw new IllegalArgumentException("unable to parse calendar event");
                }
                from = number(range[0]);
                to = range.length == 2 ? number(range[1]) : (slash >= 0 ? max : from);
            }
            if (from < min || to > max || from > to) {
                throw new IllegalArgumentException("unable to parse calendar event");
            }
            for (int v = from; v <= to; v += step) {
                result.set(v);
            }
        }
        return result;
    }

    private static int number(String text) {
        if (text.isEmpty() || text.length() > 4 || !text.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("unable to parse calendar event");
        }
        return Integer.parseInt(text);
    }

    private static BitSet all(int from, int to) {
        BitSet set = new BitSet();
        set.set(from, to + 1);
        return set;
    }

    private static BitSet single(int value) {
        BitSet set = new BitSet();
        set.set(value);
        return set;
    }
}
