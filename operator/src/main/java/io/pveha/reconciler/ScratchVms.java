package io.pveha.reconciler;

import io.pveha.api.DrillStep;
import io.pveha.validate.CalendarSchedule;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What the two restore drills do alike with the scratch VMs they restore and destroy: a
 * BackupPolicy's drill (one VM at a time, on its own cluster) and the ProxmoxCluster's
 * whole-platform drill (on the standby). One set of marks, so that neither drill's cleanup can
 * mistake a VM of the platform for its own, and one way to cut a restored VM off the network.
 */
public final class ScratchVms {
    /** The PVE tag every scratch VM carries. */
    public static final String TAG = "pveha-drill";

    /** In a scratch VM's notes, followed by the UID of the resource whose drill made it. */
    public static final String MARKER = "pveha.io/drill-of=";

    /** The step vocabulary of both drills ({@link DrillStep#getPhase()}, its result). */
    public static final String RESTORING = "Restoring";

    public static final String CONFIGURING = "Configuring";
    public static final String STARTING = "Starting";
    public static final String BOOTING = "Booting";
    public static final String CLEANING_UP = "CleaningUp";
    public static final String DONE = "Done";
    public static final String PASSED = "Passed";
    public static final String FAILED = "Failed";

    private ScratchVms() {}

    /** The VM's drill is over (passed or failed): nothing in flight, nothing to wait for. */
    public static void done(DrillStep vm, Instant now) {
        vm.setPhase(DONE);
        vm.setTask(null);
        vm.setBootDeadline(null);
        vm.setFinishedAt(now.toString());
    }

    /**
     * Cleanup cannot go on: the VM is done, failed, with the reason its scratch VM is left (added
     * to the reason it failed for, if it had failed already).
     */
    public static void leave(DrillStep vm, String why, Instant now) {
        vm.setReason(
                vm.getReason() == null || !FAILED.equals(vm.getResult())
                        ? why
                        : vm.getReason() + "; " + why);
        vm.setResult(FAILED);
        done(vm, now);
    }

    /**
     * True when the config just read carries the drill's tag and the marker of the resource with
     * {@code ownerUid}: the only VMs a drill ever stops or destroys.
     */
    public static boolean ownedBy(Map<String, String> config, String ownerUid) {
        String description = config.get("description");
        String tags = config.get("tags");
        return description != null
                && description.contains(MARKER + ownerUid)
                && tags != null
                && List.of(tags.split("[;, ]+")).contains(TAG);
    }

    /**
     * The config change that isolates a restored VM before its first start: {@code link_down=1} on
     * each NIC, no {@code onboot}. Empty once the config says both.
     */
    public static Map<String, Object> isolation(Map<String, String> config) {
        Map<String, Object> change = new LinkedHashMap<>();
        config.forEach(
                (key, value) -> {
                    if (key.matches("net\\d+")
                            && !List.of(value.split(",")).contains("link_down=1")) {
                        String without =
                                Stream.of(value.split(","))
                                        .filter(o -> !o.startsWith("link_down="))
                                        .collect(Collectors.joining(","));
                        change.put(key, without + ",link_down=1");
                    }
                });
        if (config.containsKey("onboot")) {
            change.put("delete", "onboot");
        }
        return change;
    }

    /**
     * The stored next run while it still matches the schedule (so it comes due even if passes are
     * late), else the next match from now (first pass, or the schedule changed).
     */
    public static Optional<Instant> nextRun(String schedule, String stored, Instant now) {
        if (stored != null) {
            Instant at = Instant.parse(stored);
            if (CalendarSchedule.matches(schedule, at, ZoneOffset.UTC)) {
                return Optional.of(at);
            }
        }
        return CalendarSchedule.next(schedule, now, ZoneOffset.UTC);
    }
}
