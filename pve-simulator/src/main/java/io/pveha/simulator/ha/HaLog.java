package io.pveha.simulator.ha;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HA stack's log (what {@code journalctl -u pve-ha-crm -u pve-ha-lrm} shows on a real cluster).
 * Kept in memory, the newest {@value #CAPACITY} lines, so tests and demos can show and assert the
 * sequence of state changes; also written to SLF4J at debug level.
 */
final class HaLog {
    private static final Logger LOG = LoggerFactory.getLogger(HaLog.class);
    private static final int CAPACITY = 20_000;

    private final Deque<HaLogEntry> entries = new ArrayDeque<>();

    synchronized void add(Instant time, String level, String source, String message) {
        HaLogEntry entry = new HaLogEntry(time, level, source, message);
        entries.addLast(entry);
        if (entries.size() > CAPACITY) {
            entries.removeFirst();
        }
        LOG.debug("{}", entry);
    }

    /** Every kept line, oldest first. */
    synchronized List<HaLogEntry> entries() {
        return new ArrayList<>(entries);
    }

    /** Lines at or after {@code since}, oldest first. */
    synchronized List<HaLogEntry> since(Instant since) {
        return entries.stream().filter(e -> !e.time().isBefore(since)).toList();
    }
}
