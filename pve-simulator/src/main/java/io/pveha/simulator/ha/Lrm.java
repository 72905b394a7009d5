package io.pveha.simulator.ha;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One node's local resource manager daemon ({@code pve-ha-lrm}, {@code PVE::HA::LRM}). While
 * services are placed on its node it holds the node's agent lock and watchdog and runs resource
 * agents for the CRM's requests (start, stop, migrate, relocate), reporting their results in {@code
 * lrm_status}. Losing quorum means losing the lock: the watchdog is no longer updated and resets
 * the node.
 *
 * <p>States: {@code wait_for_agent_lock}, {@code active}, {@code maintenance}, {@code
 * lost_agent_lock}; modes: {@code active}, {@code restart} (freeze services), {@code shutdown},
 * {@code maintenance}.
 *
 * <p>A round does its state changes, starts resource agents and returns; while agents run, the
 * caller polls them every second for up to {@link HaTimings#workerWait()} (PVE's {@code
 * run_workers} loop) and then ends the round, which writes the status. Decisions PVE takes after
 * that wait (a shutting-down LRM exits once its agents are done) are taken in the next round.
 */
final class Lrm {
    private final HaEnv env;
    private final VmAgent agent;
    private String state = "startup";
    private long stateChangeMillis;
    private String mode = "active";
    private final Map<String, LrmStatus.LrmResult> results = new TreeMap<>();
    private final Map<String, Integer> restartTries = new HashMap<>();
    private final Map<String, Worker> workers = new TreeMap<>();
    private long shutdownRequestMillis = -1;
    private int shutdownErrors;
    private int activeIdleRounds;
    private boolean wroteStatusAtStartup;
    private final DaemonWatchdog watchdog;
    private Map<String, ServiceStatus> serviceStatus = Map.of();
    private String nodeStatus = "unknown";

    /** The round waits for its workers before writing the status. */
    private boolean statusPending;

    /** A queued or running resource agent command for one service. */
    private static final class Worker {
        final String sid;

        /** Null for the stop jobs of a node shutdown, whose results the CRM does not wait for. */
        final String uid;

        final String command;
        final String target;
        final Integer timeout;

        /** How often {@link #runWorkers} saw this request queued: its place in the queue. */
        int startTries;

        VmAgent.Run run;

        Worker(String sid, String uid, String command, String target, Integer timeout) {
            this.sid = sid;
            this.uid = uid;
            this.command = command;
            this.target = target;
            this.timeout = timeout;
        }
    }

    Lrm(HaEnv env, VmAgent agent) {
        this.env = env;
        this.agent = agent;
        this.watchdog = new DaemonWatchdog(env);
        setState("wait_for_agent_lock");
    }

    String state() {
        return state;
    }

    String mode() {
        return mode;
    }

    boolean shutdownRequested() {
        return shutdownRequestMillis >= 0;
    }

    /**
     * {@code shutdown_request}: the node shuts down or reboots. By the datacenter's shutdown policy
     * the LRM stops its services (to be recovered elsewhere), freezes them (to start again here
     * after the reboot) or enters maintenance (the CRM migrates them away first).
     */
    void shutdownRequest() {
        if (shutdownRequested()) {
            return;
        }
        String target = env.shutdownTarget();
        boolean shutdown = target != null;
        boolean reboot = "reboot".equals(target);
        ShutdownPolicy policy = env.shutdownPolicy();
        if (shutdown) {
            env.log("info", "got shutdown request with shutdown policy '" + policy.pveName() + "'");
        }
        boolean freezeAll =
                switch (policy) {
                    case CONDITIONAL -> reboot;
                    case FREEZE -> true;
                    case FAILOVER, MIGRATE -> false;
                };
        boolean maintenance = policy == ShutdownPolicy.MIGRATE;
        if (!maintenance && shutdown) {
            // always stop the services of a node that goes down, reboot or not
            for (Map.Entry<String, ServiceStatus> e : serviceStatus.entrySet()) {
                if (env.nodename().equals(e.getValue().node)) {
                    queueCommand(e.getKey(), null, "request_stop", null, null);
                }
            }
        }
        if (shutdown) {
            String kind = reboot ? "reboot" : "shutdown";
            if (maintenanceRequested()) {
                env.log(
                        "info",
                        maintenance
                                ? kind
                                        + " LRM, ignore maintenance policy, already in maintenance mode"
                                : kind
                                        + " LRM, ignore "
                                        + policy.pveName()
                                        + " policy as manual maintenance mode is enabled");
            } else if (maintenance) {
                env.log(
                        "info",
                        kind + " LRM, doing maintenance, removing this node from active list");
                mode = "maintenance";
            } else if (freezeAll) {
                env.log("info", kind + " LRM, stop and freeze all services");
                mode = "restart";
            } else {
                env.log("info", "shutdown LRM, stop all services");
                mode = "shutdown";
            }
        } else if (maintenanceRequested()) {
            env.log(
                    "info",
                    "Restarting LRM in maintenance mode may be delayed until all services are moved");
        } else {
            env.log("info", "restart LRM, freeze all services");
            mode = "restart";
        }
        shutdownRequestMillis = env.nowMillis();
        if (!updateLrmStatus()) {
            env.log("err", "unable to update lrm status file - not quorate?");
        }
    }

    /** One loop iteration up to its resource agents; false when the LRM exits. */
    boolean round() {
        statusPending = false;
        if (!wroteStatusAtStartup) {
            if (!updateLrmStatus()) {
                return !shutdownRequested();
            }
            wroteStatusAtStartup = true;
        }
        updateServiceStatus();
        boolean fenceRequest = fenceRequested();
        switch (state) {
            case "wait_for_agent_lock" -> {
                if (!fenceRequest
                        && activeServiceCount() > 0
                        && env.quorate()
                        && protectedAgentLock()) {
                    setState("active");
                }
            }
            case "lost_agent_lock" -> {
                if (!fenceRequest && env.quorate() && protectedAgentLock()) {
                    setState("active");
                }
            }
            case "active" -> activeStateChange(fenceRequest);
            case "maintenance" -> maintenanceStateChange(fenceRequest);
            default -> throw new IllegalStateException("unexpected LRM state " + state);
        }
        return work();
    }

    private void activeStateChange(boolean fenceRequest) {
        if (fenceRequest) {
            env.log("err", "node need to be fenced - releasing agent_lock");
            setState("lost_agent_lock");
        } else if (!protectedAgentLock()) {
            setState("lost_agent_lock");
        } else if (maintenanceRequested()) {
            setState("maintenance");
        } else if (!hasConfiguredServiceOnLocalNode() && runWorkers() == 0) {
            if (++activeIdleRounds > HaTimings.LRM_IDLE_ROUNDS) {
                env.log(
                        "info",
                        "node had no service configured for "
                                + HaTimings.LRM_IDLE_ROUNDS
                                + " rounds, going idle.");
                env.releaseAgentLock();
                giveUpWatchdog();
                setState("wait_for_agent_lock");
                activeIdleRounds = 0;
            }
        } else {
            activeIdleRounds = 0;
        }
    }

    private void maintenanceStateChange(boolean fenceRequest) {
        if (fenceRequest) {
            env.log("err", "node need to be fenced during maintenance mode - releasing agent_lock");
            setState("lost_agent_lock");
        } else if (activeServiceCount() > 0 || runWorkers() > 0) {
            // keep lock and watchdog until every service left the node
            if (!protectedAgentLock()) {
                setState("lost_agent_lock");
            }
        } else if (!maintenanceRequested()) {
            setState(protectedAgentLock() ? "active" : "lost_agent_lock");
        }
    }

    private boolean work() {
        switch (state) {
            case "wait_for_agent_lock" -> {
                if (shutdownRequested()) {
                    return false;
                }
                updateLrmStatus();
                return true;
            }
            case "active" -> {
                boolean exit = false;
                updateServiceStatus();
                if (shutdownRequested()) {
                    exit = shutdownWhenDone();
                } else {
                    manageResources();
                }
                return endOrWait(exit);
            }
            case "lost_agent_lock" -> {
                if (!shutdownRequested()) {
                    return true;
                }
                int count = activeServiceCount();
                if (count == 0) {
                    // every service is stopped: the watchdog may go
                    giveUpWatchdog();
                    return false;
                }
                env.log(
                        "err",
                        "get shutdown request in state 'lost_agent_lock' - detected "
                                + count
                                + " running services");
                if (mode.equals("restart") && env.nowMillis() - stateChangeMillis > 90_000) {
                    env.log(
                            "err",
                            "lost agent lock and restart request for over 90 seconds - giving up!");
                    return false;
                }
                return true;
            }
            case "maintenance" -> {
                updateServiceStatus();
                boolean exit = false;
                if (activeServiceCount() == 0 && runWorkers() == 0) {
                    // every active service moved away: safe to give up watchdog and lock
                    giveUpWatchdog();
                    exit = shutdownRequested();
                    env.releaseAgentLock();
                }
                if (!exit) {
                    manageResources();
                }
                return endOrWait(exit);
            }
            default -> throw new IllegalStateException("unexpected LRM state " + state);
        }
    }

    /**
     * A shutting-down LRM exits once its stop (or freeze) jobs are done, releasing its lock if it
     * may.
     */
    private boolean shutdownWhenDone() {
        if (mode.equals("restart")) {
            int running = runWorkers();
            if (activeServiceCount() == 0 && running == 0) {
                giveUpWatchdog();
                env.releaseAgentLock();
                return true;
            }
            return false;
        }
        if (runWorkers() == 0) {
            if (shutdownErrors == 0) {
                giveUpWatchdog();
                env.releaseAgentLock();
            }
            return true;
        }
        return false;
    }

    /** Writes the status now, or leaves it to {@link #endRound()} when agents are still running. */
    private boolean endOrWait(boolean exit) {
        if (!exit && !workers.isEmpty()) {
            statusPending = true;
            return true;
        }
        updateLrmStatus();
        return !exit;
    }

    /** Whether the round started agents that the caller should poll before {@link #endRound()}. */
    boolean waitingForWorkers() {
        return statusPending;
    }

    /** Reaps finished agents and starts queued ones; true while any are left. */
    boolean pollWorkers() {
        return runWorkers() > 0;
    }

    void endRound() {
        if (statusPending) {
            statusPending = false;
            updateLrmStatus();
        }
    }

    private void manageResources() {
        restartTries.keySet().removeIf(sid -> !serviceStatus.containsKey(sid));
        for (Map.Entry<String, ServiceStatus> e : serviceStatus.entrySet()) {
            ServiceStatus sd = e.getValue();
            if (sd.node == null
                    || sd.uid == null
                    || !sd.node.equals(env.nodename())
                    || sd.state == null) {
                continue;
            }
            // recovery is the master's; frozen services wait; request_start is only an intermediate
            // step
            if (List.of("recovery", "freeze", "request_start").contains(sd.state)) {
                continue;
            }
            queueCommand(e.getKey(), sd.uid, sd.state, sd.target, sd.timeout);
        }
        runWorkers();
    }

    /**
     * {@code queue_resource_command}. Each round queues every request of the CRM again, replacing
     * queued workers that did not get to run. LRM.pm starts each replacement at {@code start_tries
     * => 0}, which undoes its fair sorter (commit 65c1fba, "lrm: avoid job starvation on huge
     * workloads"): every running service asks for a worker again after each confirmation (the CRM
     * renews its uid once it read the result), so with more of them than a round's workers can
     * confirm (4 at a time, one look a second, about 36 a round) the lowest sids took every slot
     * and new services were never started. Here a request that is still the same (same uid and
     * command) keeps the turns it waited, so the longest waiting request runs first, as that commit
     * means it to.
     */
    private void queueCommand(
            String sid, String uid, String command, String target, Integer timeout) {
        // never run the same request twice: the CRM may not have read the first result yet
        if (!command.equals("stopped") && uid != null && results.containsKey(uid)) {
            return;
        }
        Worker existing = workers.get(sid);
        int waited = 0;
        if (existing != null) {
            if (existing.run != null) {
                return;
            }
            workers.remove(sid);
            if (Objects.equals(existing.uid, uid) && existing.command.equals(command)) {
                // the same request, still waiting: it keeps its place in the queue
                waited = existing.startTries;
            }
        }
        Worker worker = new Worker(sid, uid, command, target, timeout);
        worker.startTries = waited;
        workers.put(sid, worker);
    }

    /**
     * {@code run_workers} without its wait: reap finished agents, start queued ones (at most 4 at
     * once).
     */
    private int runWorkers() {
        reapWorkers();
        int running = (int) workers.values().stream().filter(w -> w.run != null).count();
        List<Worker> queued =
                new ArrayList<>(workers.values().stream().filter(w -> w.run == null).toList());
        // PVE's fair sorter: the longest-waiting requests first, then by sid; every look counts as
        // a turn
        queued.sort(Comparator.comparingInt((Worker w) -> -w.startTries).thenComparing(w -> w.sid));
        Map<String, ServiceConfig> config = env.cluster().serviceConfig();
        for (Worker w : queued) {
            w.startTries++;
            if (running >= HaTimings.MAX_WORKERS) {
                continue;
            }
            w.run = agent.exec(env, w.sid, config.get(w.sid), w.command, w.target, w.timeout);
            running++;
        }
        reapWorkers();
        return workers.size();
    }

    private void reapWorkers() {
        for (Worker w : new ArrayList<>(workers.values())) {
            Integer exitCode = w.run == null ? null : w.run.poll();
            if (exitCode == null) {
                continue;
            }
            workers.remove(w.sid);
            if (w.uid == null) {
                if (exitCode != ExitCode.SUCCESS) {
                    shutdownErrors++;
                }
            } else {
                resourceCommandFinished(w, exitCode);
            }
        }
    }

    private void resourceCommandFinished(Worker w, int exitCode) {
        int code = handleExitCode(w.sid, w.command, exitCode);
        if (code == ExitCode.ETRY_AGAIN) {
            return;
        }
        results.put(w.uid, new LrmStatus.LrmResult(w.sid, w.command, code));
        // keep only results the CRM can still ask for
        results.keySet().retainAll(serviceStatus.values().stream().map(sd -> sd.uid).toList());
    }

    /**
     * {@code handle_service_exitcode}: a failed start is retried locally {@code max_restart} times
     * first.
     */
    private int handleExitCode(String sid, String command, int exitCode) {
        if (!command.equals("started")) {
            return exitCode;
        }
        if (exitCode == ExitCode.SUCCESS) {
            restartTries.put(sid, 0);
            return exitCode;
        }
        if (exitCode != ExitCode.ERROR) {
            return exitCode;
        }
        ServiceConfig cd = env.cluster().serviceConfig().get(sid);
        int maxRestart = cd == null ? 0 : cd.maxRestart();
        int tries = restartTries.getOrDefault(sid, 0);
        if (tries >= maxRestart) {
            env.log(
                    "err",
                    "unable to start service "
                            + sid
                            + " on local node after "
                            + tries
                            + " retries");
            restartTries.put(sid, 0);
            return ExitCode.ERROR;
        }
        restartTries.put(sid, tries + 1);
        env.log(
                "warning",
                "restart policy: retry number " + (tries + 1) + " for service '" + sid + "'");
        return ExitCode.ETRY_AGAIN;
    }

    private void updateServiceStatus() {
        ManagerStatus ms = env.readManagerStatus();
        serviceStatus = new LinkedHashMap<>(ms.serviceStatus);
        nodeStatus = ms.nodeStatus.getOrDefault(env.nodename(), "unknown");
        if (!shutdownRequested()) {
            if (ms.maintenanceRequested(env.nodename())) {
                mode = "maintenance";
            } else if (mode.equals("maintenance")) {
                mode = "active";
            }
        }
    }

    private boolean updateLrmStatus() {
        if (!env.quorate()) {
            return false;
        }
        env.writeLrmStatus(new LrmStatus(state, mode, results, env.nowSeconds()));
        return true;
    }

    private void setState(String newState) {
        if (state.equals(newState)) {
            return;
        }
        env.log("info", "status change " + state + " => " + newState);
        state = newState;
        stateChangeMillis = env.nowMillis();
    }

    /** The node's agent lock, with its watchdog armed while it is held. */
    private boolean protectedAgentLock() {
        if (!env.getAgentLock(env.nodename())) {
            return false;
        }
        watchdog.update();
        return true;
    }

    /**
     * Disables self-fencing: only with no active services (clean shutdown, idle, maintenance done).
     */
    private void giveUpWatchdog() {
        watchdog.giveUp();
    }

    private boolean maintenanceRequested() {
        return mode.equals("maintenance");
    }

    private boolean hasConfiguredServiceOnLocalNode() {
        return serviceStatus.values().stream().anyMatch(sd -> env.nodename().equals(sd.node));
    }

    private boolean fenceRequested() {
        boolean fenced =
                serviceStatus.values().stream()
                        .anyMatch(sd -> env.nodename().equals(sd.node) && "fence".equals(sd.state));
        return fenced || nodeStatus.equals("fence");
    }

    /**
     * Services this LRM must keep running or act on (not stopped, frozen, in error or about to
     * start).
     */
    private int activeServiceCount() {
        int count = 0;
        for (ServiceStatus sd : serviceStatus.values()) {
            if (env.nodename().equals(sd.node)
                    && sd.state != null
                    && !List.of("stopped", "freeze", "error", "request_start").contains(sd.state)) {
                count++;
            }
        }
        return count;
    }
}
