package io.pveha.simulator.ha;

import io.pveha.simulator.clock.SimClock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code watchdog-mux}: the CRM master and an active LRM each hold a watchdog on their node and
 * update it every round while they have quorum and their lock. If a held watchdog is not updated
 * for {@code watchdogTimeout}, the node resets itself (self-fencing), so the master may safely take
 * its agent lock and recover its services once that lock has expired. Guarded by the cluster state
 * lock.
 */
final class Watchdogs {
    private record Handle(String node, long updatedMillis, SimClock.Cancellable expiry) {}

    private final SimClock clock;
    private final Duration timeout;

    /**
     * Called as a clock event, without the state lock, with the id of a watchdog that may have
     * expired.
     */
    private final Consumer<String> onExpiry;

    private final Map<String, Handle> handles = new HashMap<>();
    private long counter;

    Watchdogs(SimClock clock, Duration timeout, Consumer<String> onExpiry) {
        this.clock = clock;
        this.timeout = timeout;
        this.onExpiry = onExpiry;
    }

    /** Arms a new watchdog on {@code node}; returns its handle id. */
    String open(String node) {
        String id = "WD:" + node + ":" + (++counter);
        arm(id, node);
        return id;
    }

    void update(String id) {
        Handle handle = handles.get(id);
        if (handle != null) {
            handle.expiry().cancel();
            arm(id, handle.node());
        }
    }

    /** Disarms a watchdog (a clean stop of its daemon). */
    void close(String id) {
        Handle handle = handles.remove(id);
        if (handle != null) {
            handle.expiry().cancel();
        }
    }

    /** The node went down: its watchdogs are gone with it. */
    void resetNode(String node) {
        handles.entrySet()
                .removeIf(
                        e -> {
                            if (e.getValue().node().equals(node)) {
                                e.getValue().expiry().cancel();
                                return true;
                            }
                            return false;
                        });
    }

    private void arm(String id, String node) {
        long now = clock.nowMillis();
        SimClock.Cancellable expiry = clock.schedule(timeout, () -> onExpiry.accept(id));
        handles.put(id, new Handle(node, now, expiry));
    }

    /**
     * Under the state lock: if watchdog {@code id} is still armed and overdue, drops every watchdog
     * of its node and returns the node, which must now reset; otherwise null.
     */
    String fire(String id) {
        Handle handle = handles.get(id);
        if (handle == null || clock.nowMillis() - handle.updatedMillis() < timeout.toMillis()) {
            return null;
        }
        resetNode(handle.node());
        return handle.node();
    }
}
