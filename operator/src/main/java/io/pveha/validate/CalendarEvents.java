package io.pveha.validate;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Syntax check of PVE calendar events (the systemd subset PVE schedules backup jobs with): {@code
 * [WEEKDAY] [[YYYY-]MM-DD] [HH:MM[:SS] | MINUTE]} or one of the keywords minutely, hourly, daily,
 * weekly, monthly, yearly, annually, quarterly, semiannually. Each number may be {@code *}, a
 * value, a range {@code a..b}, a repetition {@code start/step} (start may be {@code *} or a range),
 * or a comma list of those; weekdays are names or ranges of names ({@code mon..fri}). Examples that
 * pass: {@code 02:00}, {@code *-*-* 02:00}, {@code mon..fri 22:30}, {@code sat *-1..7 15:00},
 * {@code *}{@code /15}, {@code 12,14:5}, {@code fri 12..13:5/20}, {@code 2015-10-21}. The schema
 * pattern already keeps all other characters out; this checks the structure and the value ranges.
 */
final class CalendarEvents {
    private static final Set<String> KEYWORDS =
            Set.of(
                    "minutely",
                    "hourly",
                    "daily",
                    "weekly",
                    "monthly",
                    "yearly",
                    "annually",
                    "quarterly",
                    "semiannually",
                    "semi-annually");
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

    private CalendarEvents() {}

    /** Why {@code event} is not a calendar event PVE accepts, or empty when it is one. */
    static Optional<String> check(String event) {
        try {
            parse(event.trim());
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
    }

    private static void parse(String event) {
        if (event.isEmpty()) {
            throw new IllegalArgumentException("event is empty");
        }
        String[] tokens = event.split("\\s+");
        if (tokens.length == 1 && KEYWORDS.contains(tokens[0].toLowerCase(Locale.ROOT))) {
            return;
        }
        int i = 0;
        if (Character.isLetter(tokens[i].charAt(0))) {
            weekdays(tokens[i++]);
        }
        if (i < tokens.length && tokens[i].contains("-")) {
            date(tokens[i++]);
        }
        if (i < tokens.length) {
            time(tokens[i++]);
        }
        if (i < tokens.length) {
            throw new IllegalArgumentException(
                    "unexpected '"
                            + tokens[i]
                            + "' (expected [WEEKDAY] [[YYYY-]MM-DD] [HH:MM[:SS]])");
        }
    }

    private static void weekdays(String spec) {
        for (String part : spec.split(",", -1)) {
            String[] range = part.split("\\.\\.", -1);
            if (range.length > 2) {
                throw new IllegalArgumentException("invalid weekday range '" + part + "'");
            }
            for (String day : range) {
                if (!WEEKDAYS.containsKey(day.toLowerCase(Locale.ROOT))) {
                    throw new IllegalArgumentException("unknown weekday '" + day + "'");
                }
            }
        }
    }

    private static void date(String spec) {
        String[] parts = spec.split("-", -1);
        if (parts.length == 3) {
            component(parts[0], "year", 1970, 9999);
            component(parts[1], "month", 1, 12);
            component(parts[2], "day", 1, 31);
        } else if (parts.length == 2) {
            component(parts[0], "month", 1, 12);
            component(parts[1], "day", 1, 31);
        } else {
            throw new IllegalArgumentException(
                    "invalid date '" + spec + "' (expected [YYYY-]MM-DD)");
        }
    }

    private static void time(String spec) {
        String[] parts = spec.split(":", -1);
        switch (parts.length) {
            case 1 -> component(parts[0], "minute", 0, 59);
            case 2 -> {
                component(parts[0], "hour", 0, 23);
                component(parts[1], "minute", 0, 59);
            }
            case 3 -> {
                component(parts[0], "hour", 0, 23);
                component(parts[1], "minute", 0, 59);
                component(parts[2], "second", 0, 59);
            }
            default ->
                    throw new IllegalArgumentException(
                            "invalid time '" + spec + "' (expected HH:MM[:SS])");
        }
    }

    /** One field: a comma list of '*', N, A..B, each optionally followed by /STEP. */
    private static void component(String spec, String what, int min, int max) {
        if (spec.isEmpty()) {
            throw new IllegalArgumentException("empty " + what);
        }
        for (String item : spec.split(",", -1)) {
            String base = item;
            int slash = item.indexOf('/');
            if (slash >= 0) {
                base = item.substring(0, slash);
                int step = number(item.substring(slash + 1), what + " repetition");
                if (step < 1) {
                    throw new IllegalArgumentException(
                            what + " repetition must be at least 1 in '" + item + "'");
                }
            }
            if (base.equals("*")) {
                continue;
            }
            String[] range = base.split("\\.\\.", -1);
            if (range.length > 2) {
                throw new IllegalArgumentException("invalid " + what + " range '" + base + "'");
            }
            int previous = Integer.MIN_VALUE;
            for (String bound : range) {
                int value = number(bound, what);
                if (value < min || value > max) {
                    throw new IllegalArgumentException(
                            what + " " + value + " out of range " + min + ".." + max);
                }
                if (value < previous) {
                    throw new IllegalArgumentException(
                            what + " range '" + base + "' runs backwards");
                }
                previous = value;
            }
        }
    }

    private static int number(String text, String what) {
        if (text.isEmpty() || text.length() > 4 || !text.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("invalid " + what + " '" + text + "'");
        }
        return Integer.parseInt(text);
    }
}
