package io.pveha.reconciler.backup;

import io.pveha.api.backup.BackupPolicySpec;
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
 * PVE's keep-* retention ({@code PVE::Storage::prune_mark_backup_group}), to show in status which
 * backups the next prune will remove. Only a preview: PVE prunes (the job's {@code prune-backups});
 * the operator never deletes a backup. Rules, per VM, newest first: {@code keep-last} keeps the N
 * newest; then each of hourly, daily, weekly (ISO week), monthly and yearly keeps the newest backup
 * of each of the N newest periods not already covered by a kept backup, and marks the older backups
 * of a period it took for removal; protected backups are never removed and do not count.
 *
 * @param keep rule name ({@code keep-last}...) to count; empty means keep everything
 */
public record Retention(Map<String, Integer> keep) {
    public static final List<String> RULES =
            List.of(
                    "keep-last",
                    "keep-hourly",
                    "keep-daily",
                    "keep-weekly",
                    "keep-monthly",
                    "keep-yearly");

    /** One backup of a VM. */
    public record Backup(String volid, long ctime, boolean protect) {}

    /**
     * The rules a policy sends to PVE: its keep* values, with keep-last raised to {@code
     * minGoodBackups} (default 1), so the newest N backups are never pruned whatever the other
     * rules say. Only successful backups leave an archive, so the newest N archives are N good
     * backups.
     */
    public static Retention of(BackupPolicySpec.Retention spec) {
        Map<String, Integer> keep = new LinkedHashMap<>();
        if (spec == null || Boolean.TRUE.equals(spec.getKeepAll())) {
            return new Retention(keep);
        }
        int floor = spec.getMinGoodBackups() == null ? 1 : spec.getMinGoodBackups();
        Integer last = spec.getKeepLast();
        if (floor > 0 && (last == null || last < floor)) {
            last = floor;
        }
        put(keep, "keep-last", last);
        put(keep, "keep-hourly", spec.getKeepHourly());
        put(keep, "keep-daily", spec.getKeepDaily());
        put(keep, "keep-weekly", spec.getKeepWeekly());
        put(keep, "keep-monthly", spec.getKeepMonthly());
        put(keep, "keep-yearly", spec.getKeepYearly());
        return new Retention(keep);
    }

    private static void put(Map<String, Integer> keep, String rule, Integer value) {
        if (value != null && value > 0) {
            keep.put(rule, value);
        }
    }

    public boolean keepsAll() {
        return keep.isEmpty();
    }

    /** The {@code prune-backups} property string ({@code keep-all=1} when there is no rule). */
    public String propertyString() {
        if (keepsAll()) {
            return "keep-all=1";
        }
        List<String> parts = new ArrayList<>();
        for (String rule : RULES) {
            if (keep.containsKey(rule)) {
                parts.add(rule + "=" + keep.get(rule));
            }
        }
        return String.join(",", parts);
    }

    /** The volids the rules remove from one VM's backups; periods are computed in {@code zone}. */
    public List<String> removals(List<Backup> backups, ZoneId zone) {
        if (keepsAll()) {
            return List.of();
        }
        List<Backup> newestFirst = new ArrayList<>(backups);
        newestFirst.sort(Comparator.comparingLong(Backup::ctime).reversed());
        Map<String, Boolean> kept = new LinkedHashMap<>();
        for (Backup b : newestFirst) {
            if (b.protect()) {
                // Protected: decided already, neither kept by a rule nor removable.
                kept.put(b.volid(), null);
            }
        }
        Function<Long, ZonedDateTime> at = ctime -> Instant.ofEpochSecond(ctime).atZone(zone);
        apply(newestFirst, kept, keep.get("keep-last"), b -> Long.toString(b.ctime()));
        apply(
                newestFirst,
                kept,
                keep.get("keep-hourly"),
                b -> {
                    ZonedDateTime t = at.apply(b.ctime());
                    return t.getYear() + "/" + t.getDayOfYear() + "/" + t.getHour();
                });
        apply(
                newestFirst,
                kept,
                keep.get("keep-daily"),
                b -> {
                    ZonedDateTime t = at.apply(b.ctime());
                    return t.getYear() + "/" + t.getDayOfYear();
                });
        apply(
                newestFirst,
                kept,
                keep.get("keep-weekly"),
                b -> {
                    ZonedDateTime t = at.apply(b.ctime());
                    return t.get(IsoFields.WEEK_BASED_YEAR)
                            + "/"
                            + t.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR);
                });
        apply(
                newestFirst,
                kept,
                keep.get("keep-monthly"),
                b -> {
                    ZonedDateTime t = at.apply(b.ctime());
                    return t.getYear() + "/" + t.getMonthValue();
                });
        apply(
                newestFirst,
                kept,
                keep.get("keep-yearly"),
                b -> Integer.toString(at.apply(b.ctime()).getYear()));
        List<String> removed = new ArrayList<>();
        for (Backup b : newestFirst) {
            if (!b.protect() && !Boolean.TRUE.equals(kept.get(b.volid()))) {
                removed.add(b.volid());
            }
        }
        return removed;
    }

    /**
     * One rule: {@code kept} maps a volid to TRUE (kept), FALSE (removed) or null (protected);
     * absent means not yet decided.
     */
    private static void apply(
            List<Backup> newestFirst,
            Map<String, Boolean> kept,
            Integer count,
            Function<Backup, String> period) {
        if (count == null || count <= 0) {
            return;
        }
        Set<String> covered = new HashSet<>();
        for (Backup b : newestFirst) {
            if (Boolean.TRUE.equals(kept.get(b.volid()))) {
                covered.add(period.apply(b));
            }
        }
        Set<String> taken = new HashSet<>();
        for (Backup b : newestFirst) {
            String id = period.apply(b);
            if (kept.containsKey(b.volid()) || covered.contains(id)) {
                continue;
            }
            if (taken.add(id)) {
                if (taken.size() > count) {
                    break;
                }
                kept.put(b.volid(), Boolean.TRUE);
            } else {
                kept.put(b.volid(), Boolean.FALSE);
            }
        }
    }
}
