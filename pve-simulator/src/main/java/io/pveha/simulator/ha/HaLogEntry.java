package io.pveha.simulator.ha;

import java.time.Instant;

/**
 * One line of the HA stack's log, as pve-ha-manager writes it: {@code info <time> node1/crm:
 * message}.
 *
 * @param time simulated time of the event
 * @param level {@code info}, {@code notice}, {@code warning}, {@code err} or {@code email} (fence
 *     notifications)
 * @param source {@code <node>/crm}, {@code <node>/lrm} or {@code watchdog}
 * @param message e.g. {@code service 'vm:103': state changed from 'started' to 'fence'}
 */
public record HaLogEntry(Instant time, String level, String source, String message) {

    /**
     * {@code info 2025-01-01T10:02:00Z pve1/crm: node 'pve3': state changed from 'online' =>
     * 'unknown'}.
     */
    public String line() {
        return String.format("%-6s %s %12s: %s", level, time, source, message);
    }

    @Override
    public String toString() {
        return line();
    }
}
