package io.pveha.simulator.ha;

import java.time.Duration;

/**
 * The clocks of the HA stack, in simulated time. The defaults are those of a real PVE cluster
 * ({@code Env/PVE2.pm}, {@code NodeStatus.pm}, {@code watchdog-mux.c}); pve-ha-manager's own
 * regression simulator runs 20 s rounds instead of 10 s, which {@link #withRound} reproduces.
 *
 * @param round one CRM or LRM loop iteration ({@code max_time = 10})
 * @param fenceDelay how long the master waits after it last saw a node online before it fences it
 * @param lockTimeout cluster locks ({@code ha_manager_lock}, {@code ha_agent_<node>_lock}) expire
 *     this long after their last renewal
 * @param watchdogTimeout a node whose armed watchdog was not updated for this long resets itself
 * @param workerWait how long an LRM round waits for its resource agents before it writes its status
 * @param deadAfter an LRM or master status older than this reads as {@code old timestamp - dead?}
 */
public record HaTimings(
        Duration round,
        Duration fenceDelay,
        Duration lockTimeout,
        Duration watchdogTimeout,
        Duration workerWait,
        Duration deadAfter) {

    /**
     * The daemons' default {@code max_active_idle_rounds}: an LRM without services gives up its
     * lock.
     */
    static final int LRM_IDLE_ROUNDS = 60;

    /** A master without configured services goes idle after this many rounds. */
    static final int CRM_IDLE_ROUNDS = 90;

    /**
     * {@code get_max_workers}: resource agents an LRM runs at once (datacenter {@code
     * max_workers}).
     */
    static final int MAX_WORKERS = 4;

    public HaTimings {
        if (round.isNegative() || round.isZero()) {
            throw new IllegalArgumentException("an HA round must be longer than 0: " + round);
        }
    }

    /** Real PVE: 10 s rounds, 60 s fence delay, 120 s lock timeout, 60 s watchdog. */
    public static HaTimings defaults() {
        return new HaTimings(
                Duration.ofSeconds(10),
                Duration.ofSeconds(60),
                Duration.ofSeconds(120),
                Duration.ofSeconds(60),
                Duration.ofSeconds(8),
                Duration.ofSeconds(30));
    }

    /** The same timings with another loop length (pve-ha-manager's test simulator uses 20 s). */
    public HaTimings withRound(Duration newRound) {
        return new HaTimings(
                newRound, fenceDelay, lockTimeout, watchdogTimeout, workerWait, deadAfter);
    }
}
