package io.pveha.validate;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * When a PVE calendar event (checked by {@link CalendarEvents}) fires, to the minute: for schedules
 * the operator runs itself (the BackupPolicy restore drill), where PVE computes nothing. Seconds
 * are ignored (PVE's scheduler also works per minute). An event that does not parse never fires.
 */
public final class CalendarSchedule {
    private static final Map<String, String> KEYWORDS =
            Map.of(
                    "minutely",
                    "*:*",
                    "hourly",
                    "*:00",
                    "daily",
                    "00:00",
                    "weekly",
                    "mon 00:00",
                    "monthly",
                    "*-01 00:00",
                    "yearly",
                    "01-01 00:00",
                    "annually",
                    "01-01 00:00",
                    "quarterly",
                    "01,04,07,10-01 00:00",
                    "semiannually",
                    "01,07-01 00:00",
                    "semi-annually",
                    "01,07-01 00:00");
    private static final Map<String, Integer> WEEKDAYS =
            Map.of("mon", 1, "tue", 2, "wed", 3, "thu", 4, "fri", 5, "sat", 6, "sun", 7);

    /** How far ahead a match is searched: a fixed date in the past never fires again. */
    private static final long SEARCH_MINUTES = 366L * 24 * 60 * 2;

    private final BitSet weekdays = new BitSet();
    private final BitSet years = new BitSet();
    private final BitSet months = new BitSet();
    private final BitSet days = new BitSet();
    private final BitSet hours = new BitSet();
    private final BitSet minutes = new BitSet();

    private CalendarSchedule(String event) {
        String text = KEYWORDS.getOrDefault(event.trim().toLowerCase(Locale.ROOT), event.trim());
        String[] tokens = text.split("\\s+");
        int i = 0;
        if (Character.isLetter(tokens[i].charAt(0))) {
            for (String part : tokens[i++].toLowerCase(Locale.ROOT).split(",")) {
                String[] range = part.split("\\.\\.");
                weekdays.set(weekday(range[0]), weekday(range[range.length - 1]) + 1);
            }
        } else {
            weekdays.set(1, 8);
        }
        String[] date =
                i < tokens.length && tokens[i].contains("-")
                        ? tokens[i++].split("-")
                        : new String[] {"*", "*"};
        field(years, date.length == 3 ? date[0] : "*", 1970, 9999);
        field(months, date[date.length - 2], 1, 12);
        field(days, date[date.length - 1], 1, 31);
        String[] time = i < tokens.length ? tokens[i].split(":") : new String[] {"00", "00"};
        // A single number is the minute of every hour ('*/15'); otherwise HH:MM[:SS].
        field(hours, time.length == 1 ? "*" : time[0], 0, 23);
        field(minutes, time.length == 1 ? time[0] : time[1], 0, 59);
    }

    private static int weekday(String name) {
        Integer day = WEEKDAYS.get(name.length() > 3 ? name.substring(0, 3) : name);
        if (day == null) {
            throw new IllegalArgumentException("unknown weekday " + name);
        }
        return day;
    }

    /**
     * Sets the values one field allows: a comma list of '*', N or A..B, each with an optional
     * /STEP.
     */
    private static void field(BitSet into, String spec, int min, int max) {
        for (String item : spec.split(",")) {
            String[] stepped = item.split("/");
            int step = stepped.length > 1 ? Integer.parseInt(stepped[1]) : 1;
            String base = stepped[0];
            int from;
            int to;
            if (base.equals("*")) {
                from = min;
                to = max;
            } else {
                String[] range = base.split("\\.\\.");
                from = Integer.parseInt(range[0]);
                // 'start/step' repeats up to the maximum; a plain value is just itself.
                to =
                        range.length > 1
                                ? Integer.parseInt(range[1])
                                : stepped.length > 1 ? max : from;
            }
            for (int v = from; v <= to; v += step) {
                into.set(v);
            }
        }
    }

    private static Optional<CalendarSchedule> parse(String event) {
        if (event == null || event.isBlank() || CalendarEvents.check(event).isPresent()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new CalendarSchedule(event));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private boolean matches(ZonedDateTime t) {
        return minutes.get(t.getMinute())
                && hours.get(t.getHour())
                && days.get(t.getDayOfMonth())
                && months.get(t.getMonthValue())
                && years.get(t.getYear())
                && weekdays.get(t.getDayOfWeek().getValue());
    }

    /** True when {@code at} is a whole minute the event fires at. */
    public static boolean matches(String event, Instant at, ZoneId zone) {
        ZonedDateTime t = at.atZone(zone);
        return t.getSecond() == 0
                && t.getNano() == 0
                && parse(event).map(s -> s.matches(t)).orElse(false);
    }

    /**
     * The first minute strictly after {@code after} the event fires at; empty if none within two
     * years.
     */
    public static Optional<Instant> next(String event, Instant after, ZoneId zone) {
        Optional<CalendarSchedule> schedule = parse(event);
        if (schedule.isEmpty()) {
            return Optional.empty();
        }
        ZonedDateTime t = after.atZone(zone).truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
        for (long i = 0; i < SEARCH_MINUTES; i++, t = t.plusMinutes(1)) {
            if (!schedule.get().days.get(t.getDayOfMonth())
                    || !schedule.get().weekdays.get(t.getDayOfWeek().getValue())) {
                // Skip the rest of a day that cannot match.
                ZonedDateTime nextDay = t.truncatedTo(ChronoUnit.DAYS).plusDays(1);
                i += ChronoUnit.MINUTES.between(t, nextDay) - 1;
                t = nextDay.minusMinutes(1);
                continue;
            }
            if (schedule.get().matches(t)) {
                return Optional.of(t.toInstant());
            }
        }
        return Optional.empty();
    }
}
