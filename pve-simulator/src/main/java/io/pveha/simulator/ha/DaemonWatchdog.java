package io.pveha.simulator.ha;

/**
 * A daemon's watchdog handle ({@code ha_manager_wd}, {@code ha_agent_wd}): armed the first time the
 * daemon got its lock, updated each time it renews it, closed only when giving it up is safe.
 */
final class DaemonWatchdog {
    private final HaEnv env;
    private String id;

    DaemonWatchdog(HaEnv env) {
        this.env = env;
    }

    /** Arms or feeds the watchdog: call after every successful lock renewal. */
    void update() {
        if (id == null) {
            id = env.watchdogOpen();
        } else {
            env.watchdogUpdate(id);
        }
    }

    /** Disarms it; the node will no longer reset itself for this daemon. */
    void giveUp() {
        if (id != null) {
            env.watchdogClose(id);
            id = null;
        }
    }
}
