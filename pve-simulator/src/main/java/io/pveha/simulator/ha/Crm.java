package io.pveha.simulator.ha;

/**
 * One node's cluster resource manager daemon ({@code pve-ha-crm}, {@code PVE::HA::CRM}). Every CRM
 * tries for the manager lock while services are configured; the one holding it is the master and
 * runs the {@link Manager}. A master that loses quorum loses the lock and goes back to waiting; the
 * lock then has to expire before another CRM can take over.
 *
 * <p>States: {@code wait_for_quorum}, {@code master}, {@code lost_manager_lock}, {@code slave}.
 */
final class Crm {
    private final HaEnv env;
    private String state = "startup";
    private Manager manager;
    private final DaemonWatchdog watchdog;
    private boolean shutdownRequested;
    private int activeIdleRounds;

    Crm(HaEnv env) {
        this.env = env;
        this.watchdog = new DaemonWatchdog(env);
        setState("wait_for_quorum");
    }

    String state() {
        return state;
    }

    void shutdownRequest() {
        if (!shutdownRequested) {
            env.log("info", "server received shutdown request");
        }
        shutdownRequested = true;
    }

    /** One loop iteration; false when the daemon exits. */
    boolean round() {
        switch (state) {
            case "wait_for_quorum" -> {
                if (canGetActive(false)) {
                    setState(protectedManagerLock() ? "master" : "slave");
                }
            }
            case "slave" -> {
                if (canGetActive(false)) {
                    if (protectedManagerLock()) {
                        setState("master");
                    }
                } else {
                    setState("wait_for_quorum");
                }
            }
            case "lost_manager_lock" -> {
                if (canGetActive(true) && protectedManagerLock()) {
                    setState("master");
                }
            }
            case "master" -> masterStateChange();
            default -> throw new IllegalStateException("unexpected CRM state " + state);
        }
        return work();
    }

    private void masterStateChange() {
        if (!protectedManagerLock()) {
            setState("lost_manager_lock");
        } else if (allowedToGetIdle()) {
            if (++activeIdleRounds > HaTimings.CRM_IDLE_ROUNDS) {
                activeIdleRounds = 0;
                env.log(
                        "info",
                        "cluster had no service configured for "
                                + HaTimings.CRM_IDLE_ROUNDS
                                + " rounds, going idle.");
                env.releaseManagerLock();
                giveUpWatchdog();
                setState("wait_for_quorum");
            }
        } else {
            activeIdleRounds = 0;
        }
    }

    private boolean work() {
        switch (state) {
            case "wait_for_quorum", "slave" -> {
                return !shutdownRequested;
            }
            case "master" -> {
                if (shutdownRequested) {
                    giveUpWatchdog();
                    env.log("info", "voluntary release CRM lock");
                    if (!env.releaseManagerLock()) {
                        env.log("notice", "CRM lock release failed, let the lock timeout");
                    }
                    return false;
                }
                manager.manage();
                return true;
            }
            case "lost_manager_lock" -> {
                giveUpWatchdog();
                if (shutdownRequested) {
                    return false;
                }
                setState("wait_for_quorum");
                return true;
            }
            default -> throw new IllegalStateException("unexpected CRM state " + state);
        }
    }

    private void setState(String newState) {
        if (state.equals(newState)) {
            return;
        }
        env.log("info", "status change " + state + " => " + newState);
        state = newState;
        manager = newState.equals("master") ? new Manager(env) : null;
    }

    /** The manager lock, with this node's watchdog armed while it is held. */
    private boolean protectedManagerLock() {
        if (!env.getManagerLock()) {
            return false;
        }
        watchdog.update();
        return true;
    }

    /** Safe only when the manager state is no longer touched (leaving master). */
    private void giveUpWatchdog() {
        watchdog.giveUp();
    }

    /** Quorum, no services of this node to be fenced, and something to manage. */
    private boolean canGetActive(boolean allowNoService) {
        if (!healthy()) {
            return false;
        }
        if (allowNoService || !env.cluster().resources.isEmpty()) {
            return true;
        }
        ManagerStatus ms = env.cluster().managerStatus;
        String master = ms.masterNode;
        if (master == null
                || !"online".equals(ms.nodeStatus.get(master))
                || master.equals(env.nodename())) {
            for (var e : ms.nodeStatus.entrySet()) {
                if (e.getValue().equals("maintenance") && !ms.maintenanceRequested(e.getKey())) {
                    return true;
                }
            }
            // process pending CRM commands (e.g. node maintenance) even without services
            return env.anyPendingCrmCommand();
        }
        return false;
    }

    private boolean allowedToGetIdle() {
        return healthy() && env.cluster().resources.isEmpty();
    }

    private boolean healthy() {
        if (!env.quorate()) {
            return false;
        }
        for (ServiceStatus sd : env.cluster().managerStatus.serviceStatus.values()) {
            if (env.nodename().equals(sd.node) && "fence".equals(sd.state)) {
                return false;
            }
        }
        return true;
    }
}
