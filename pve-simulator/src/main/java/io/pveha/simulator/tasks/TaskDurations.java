package io.pveha.simulator.tasks;

import java.time.Duration;

/**
 * How long simulated work takes, in simulated time. The defaults are in the range of a small real
 * cluster (local NVMe, 10 GbE); a test that wants fast tasks either speeds the clock up or uses
 * {@link #scaledBy(double)}.
 *
 * @param create qmcreate: config write plus allocating the disks
 * @param config qmconfig (asynchronous config update)
 * @param start qmstart until the QEMU process runs
 * @param stop qmstop (hard stop)
 * @param shutdown qmshutdown: the guest OS powering off after ACPI
 * @param reboot qmreboot
 * @param linkedClone qmclone of a template without copying data
 * @param fullClonePerGib qmclone with full copy, per GiB of disk copied (at least {@code
 *     linkedClone})
 * @param template qmtemplate
 * @param migrate qmigrate fixed part (checks, config move)
 * @param migratePerGib qmigrate per GiB of RAM transferred (online) or local disk copied
 * @param destroy qmdestroy
 * @param nodeBoot a powered-on node until it is back online
 */
public record TaskDurations(
        Duration create,
        Duration config,
        Duration start,
        Duration stop,
        Duration shutdown,
        Duration reboot,
        Duration linkedClone,
        Duration fullClonePerGib,
        Duration template,
        Duration migrate,
        Duration migratePerGib,
        Duration destroy,
        Duration nodeBoot) {

    public static TaskDurations defaults() {
        return new TaskDurations(
                Duration.ofSeconds(2),
                Duration.ofSeconds(1),
                Duration.ofSeconds(3),
                Duration.ofSeconds(2),
                Duration.ofSeconds(8),
                Duration.ofSeconds(10),
                Duration.ofSeconds(2),
                Duration.ofSeconds(1),
                Duration.ofSeconds(2),
                Duration.ofSeconds(3),
                Duration.ofSeconds(1),
                Duration.ofSeconds(2),
                Duration.ofSeconds(30));
    }

    /** Every duration multiplied by {@code factor} (0 makes every task finish at once). */
    public TaskDurations scaledBy(double factor) {
        if (factor < 0) {
            throw new IllegalArgumentException("factor must be >= 0");
        }
        return new TaskDurations(
                scale(create, factor),
                scale(config, factor),
                scale(start, factor),
                scale(stop, factor),
                scale(shutdown, factor),
                scale(reboot, factor),
                scale(linkedClone, factor),
                scale(fullClonePerGib, factor),
                scale(template, factor),
                scale(migrate, factor),
                scale(migratePerGib, factor),
                scale(destroy, factor),
                scale(nodeBoot, factor));
    }

    /** Full clone time for {@code bytes} of disk data. */
    public Duration fullClone(long bytes) {
        Duration copy = perGib(fullClonePerGib, bytes);
        return copy.compareTo(linkedClone) < 0 ? linkedClone : copy;
    }

    /** Migration time when {@code bytes} (RAM or local disks) have to be moved. */
    public Duration migrate(long bytes) {
        return migrate.plus(perGib(migratePerGib, bytes));
    }

    public TaskDurations withNodeBoot(Duration value) {
        return new TaskDurations(
                create,
                config,
                start,
                stop,
                shutdown,
                reboot,
                linkedClone,
                fullClonePerGib,
                template,
                migrate,
                migratePerGib,
                destroy,
                value);
    }

    private static Duration perGib(Duration unit, long bytes) {
        double gib = bytes / (double) (1L << 30);
        return Duration.ofNanos((long) (unit.toNanos() * gib));
    }

    private static Duration scale(Duration d, double factor) {
        return Duration.ofNanos((long) (d.toNanos() * factor));
    }
}
