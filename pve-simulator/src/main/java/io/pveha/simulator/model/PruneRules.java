package io.pveha.simulator.model;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * PVE's retention ({@code prune-backups}), as {@code PVE::Storage::prune_mark_backup_group} applies
 * it to the backups of one guest: newest first, {@code keep-last} keeps the N newest; then each of
 * {@code keep-hourly/daily/weekly/monthly/yearly} keeps the newest backup of each of the N newest
 * periods (hour, day, ISO week, month, year) that no earlier rule already covers; a backup that
 * loses to a newer one of its period is marked for removal there and then, and later rules skip it.
 * Protected backups are neither kept nor removed by the rules and do not count. With {@code
 * keep-all=1}, or no positive rule, everything is kept. Periods are computed in the node's time
 * zone.
 */
public final class PruneRules {
    public static final List<String> KEYS =
            List.of(
                    "keep-all",
                    "keep-last",
                    "keep-hourly",
                    "keep-daily",
                    "keep-weekly",
                    "keep-monthly",
                    "keep-yearly");

    /** How a backup ends up. */
    public enum Mark {
        KEEP,
        REMOVE,
        PROTECTED
    }

    /** One backup of the group: its volume id, creation time (epoch seconds), protection. */
    public record Entry(String volid, long ctime, boolean protect) {}

    private final Map<String, Integer> keep;

    private PruneRules(Map<String, Integer> keep) {
        this.keep = keep;
    }

    /**
     * Parses a {@code prune-backups} property string ({@code keep-last=3,keep-daily=7}) with PVE's
     * checks.
     *
     * @param param the parameter name for error messages
     */
    public static PruneRules parse(String text, String param) {
        Map<String, String> raw;
        try {
            raw = PropertyString.parse(text, null);
        } catch (RuntimeException e) {
            throw PveException.param(param, "invalid format - " + e.getMessage());
        }
        Map<String, Integer> keep = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : raw.entrySet()) {
            if (!KEYS.contains(e.getKey())) {
                throw PveException.param(
                        param,
                        "invalid format - "
                                + e.getKey()
                                + ": property is not defined in"
                                + " schema and the schema does not allow additional properties");
            }
            int value;
            try {
                value = Integer.parseInt(e.getValue().trim());
            } catch (NumberFormatException ex) {
                throw PveException.param(
                        param,
                        "invalid format - "
                                + e.getKey()
                                + ": type check ('integer') failed"
                                + " - got '"
                                + e.getValue()
                                + "'");
            }
            int min = e.getKey().equals("keep-all") ? 0 : 1;
            if (value < min || (e.getKey().equals("keep-all") && value > 1)) {
                throw PveException.param(
                        param,
                        "invalid format - "
                                + e.getKey()
                                + ": value must have a minimum"
                                + " value of "
                                + min);
            }
            keep.put(e.getKey(), value);
        }
        if (keep.getOrDefault("keep-all", 0) == 1 && keep.size() > 1) {
            throw PveException.param(param, "keep-all cannot be set together with other options.");
        }
        return new PruneRules(keep);
    }

    /** {@code keep-all=1}: the default when neither the job nor the storage says otherwise. */
    public static PruneRules keepAll() {
        return new PruneRules(Map.of("keep-all", 1));
    }

    /** The rules as PVE prints them ({@code keep-all=1} when no positive rule is set). */
    public String print() {
        if (keepsEverything()) {
            return "keep-all=1";
        }
        List<String> parts = new ArrayList<>();
        for (String key : KEYS) {
            if (keep.containsKey(key) && !key.equals("keep-all")) {
                parts.add(key + "=" + keep.get(key));
            }
        }
        return String.join(",", parts);
    }

    /** The rules as the backup job list shows them: an object of integers. */
    public Map<String, Object> asObject() {
        Map<String, Object> result = new LinkedHashMap<>();
        for (String key : KEYS) {
            if (keep.containsKey(key)) {
                result.put(key, keep.get(key));
            }
        }
        return result;
    }

    public boolean keepsEverything() {
        return keep.getOrDefault("keep-all", 0) == 1
                || keep.values().stream().noneMatch(v -> v > 0);
    }

    /** Marks every backup of one guest; the result has one entry per input, in input order. */
    public Map<String, Mark> mark(List<Entry> backups, ZoneId zone) {
        Map<String, Mark> marks = new LinkedHashMap<>();
        for (Entry e : backups) {
            marks.put(e.volid(), e.protect() ? Mark.PROTECTED : null);
        }
        if (keepsEverything()) {
            marks.replaceAll((volid, mark) -> mark == null ? Mark.KEEP : mark);
            return marks;
        }
        List<Entry> newestFirst = new ArrayList<>(backups);
        newestFirst.sort(Comparator.comparingLong(Entry::ctime).reversed());
        markPeriodsById(newestFirst, marks, keep.get("keep-last"), ctime -> Long.toString(ctime));
        markPeriods(
                newestFirst,
                marks,
                keep.get("keep-hourly"),
                t -> t.getYear() + "/" + t.getDayOfYear() + "/" + t.getHour(),
                zone);
        markPeriods(
                newestFirst,
                marks,
                keep.get("keep-daily"),
                t -> t.getYear() + "/" + t.getDayOfYear(),
                zone);
        markPeriods(
                newestFirst,
                marks,
                keep.get("keep-weekly"),
                t ->
                        t.get(IsoFields.WEEK_BASED_YEAR)
                                + "/"
                                + t.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR),
                zone);
        markPeriods(
                newestFirst,
                marks,
                keep.get("keep-monthly"),
                t -> t.getYear() + "/" + t.getMonthValue(),
                zone);
        markPeriods(
                newestFirst,
                marks,
                keep.get("keep-yearly"),
                t -> Integer.toString(t.getYear()),
                zone);
        marks.replaceAll((volid, mark) -> mark == null ? Mark.REMOVE : mark);
        return marks;
    }

    private static void markPeriods(
            List<Entry> newestFirst,
            Map<String, Mark> marks,
            Integer count,
            Function<ZonedDateTime, String> period,
            ZoneId zone) {
        markPeriodsById(
                newestFirst,
                marks,
                count,
                ctime -> period.apply(Instant.ofEpochSecond(ctime).atZone(zone)));
    }

    /**
     * {@code $prune_mark}: the newest unmarked backup of each of the {@code count} newest new
     * periods is kept.
     */
    private static void markPeriodsById(
            List<Entry> newestFirst,
            Map<String, Mark> marks,
            Integer count,
            LongFunction periodOf) {
        if (count == null || count <= 0) {
            return;
        }
        Set<String> alreadyIncluded = new HashSet<>();
        for (Entry e : newestFirst) {
            if (marks.get(e.volid()) == Mark.KEEP) {
                alreadyIncluded.add(periodOf.apply(e.ctime()));
            }
        }
        Set<String> newlyIncluded = new HashSet<>();
        for (Entry e : newestFirst) {
            String id = periodOf.apply(e.ctime());
            if (marks.get(e.volid()) != null || alreadyIncluded.contains(id)) {
                continue;
            }
            if (!newlyIncluded.contains(id)) {
                if (newlyIncluded.size() >= count) {
                    break;
                }
                newlyIncluded.add(id);
                marks.put(e.volid(), Mark.KEEP);
            } else {
                marks.put(e.volid(), Mark.REMOVE);
            }
        }
    }

    @FunctionalInterface
    private interface LongFunction {
        String apply(long value);
    }
}
