package io.pveha.simulator.ha;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The master CRM's work ({@code PVE::HA::Manager}): one {@link #manage()} per round reads node and
 * LRM states and the resource config, moves every service through the CRM state machine, fences
 * nodes that have been away too long and recovers their services, and writes the manager status.
 *
 * <p>Service states: {@code request_start}, {@code started}, {@code request_stop}, {@code stopped},
 * {@code migrate}, {@code relocate}, {@code fence}, {@code recovery}, {@code freeze}, {@code error}
 * ({@code request_start_balance} belongs to the {@code static} scheduler, which is not simulated).
 */
final class Manager {
    /** Locks a fenced node may have left on a guest; safe to drop once the node was reset. */
    static final List<String> REMOVABLE_LOCKS =
            List.of(
                    "backup",
                    "mounted",
                    "migrate",
                    "clone",
                    "rollback",
                    "snapshot",
                    "snapshot-delete",
                    "suspending",
                    "suspended");

    /** The manage loop repeats while states change; a bug must not hang the clock. */
    private static final int MAX_PASSES = 100;

    private final HaEnv env;
    private final NodeStatusTracker ns;
    private final TreeMap<String, ServiceStatus> ss = new TreeMap<>();
    private TreeMap<String, TreeMap<String, Integer>> nodeRequest;
    private Map<String, HaGroup> groups = Map.of();
    private NodeUsage usage;

    /**
     * Becomes master: continues from the last written manager status (not its in-memory fence
     * timers).
     */
    Manager(HaEnv env) {
        this.env = env;
        ManagerStatus old = env.readManagerStatus();
        this.ns = new NodeStatusTracker(env, old.nodeStatus);
        old.serviceStatus.forEach((sid, sd) -> ss.put(sid, sd.copy()));
        this.nodeRequest = old.nodeRequest;
    }

    void manage() {
        Map<String, Boolean> nodeInfo = env.cluster().nodeInfo();
        Map<String, LrmStatus.LrmResult> lrmResults = new HashMap<>();
        Map<String, String> lrmModes = new HashMap<>();
        readLrmStatus(lrmResults, lrmModes);

        ns.update(nodeInfo, lrmModes);
        if (!ns.isOperational(env.nodename())) {
            env.log("info", "master seems offline");
            return;
        }
        TreeMap<String, ServiceConfig> sc = env.cluster().serviceConfig();
        groups = env.cluster().groupConfig();

        for (ServiceConfig cd : sc.values()) {
            if (ss.containsKey(cd.sid()) || cd.state().equals("ignored") || cd.node() == null) {
                continue;
            }
            env.log("info", "adding new service '" + cd.sid() + "' on node '" + cd.node() + "'");
            String state = cd.state().equals("started") ? "request_start" : "request_stop";
            ss.put(cd.sid(), new ServiceStatus(state, cd.node(), env.cluster().newUid("started")));
        }
        for (String sid : new ArrayList<>(ss.keySet())) {
            ServiceConfig cd = sc.get(sid);
            if (cd != null && !cd.state().equals("ignored")) {
                continue;
            }
            String reason = cd != null ? "ignored state requested" : "no config";
            env.log("info", "removing stale service '" + sid + "' (" + reason + ")");
            ss.remove(sid);
        }
        updateCrmCommands();

        for (int pass = 0; pass < MAX_PASSES; pass++) {
            boolean repeat = false;
            recomputeUsage();
            for (String sid : new ArrayList<>(ss.keySet())) {
                ServiceStatus sd = ss.get(sid);
                ServiceConfig cd = sc.getOrDefault(sid, ServiceConfig.removed(sid));
                LrmStatus.LrmResult lrmRes = sd.uid == null ? null : lrmResults.get(sd.uid);
                String lastState = sd.state;
                switch (lastState) {
                    case "stopped" -> nextStateStopped(sid, cd, sd);
                    case "started" -> nextStateStarted(sid, cd, sd, lrmRes);
                    case "request_start" -> changeState(sid, "started", "node", sd.node);
                    case "migrate", "relocate" -> nextStateMigrateRelocate(sid, cd, sd, lrmRes);
                    case "fence" -> {
                        // wait until the node is fenced
                    }
                    case "recovery" -> nextStateRecovery(sid, cd, sd, sc);
                    case "request_stop" -> nextStateRequestStop(sid, sd, lrmRes);
                    case "freeze" -> {
                        if ("active".equals(lrmModes.get(sd.node))) {
                            changeState(
                                    sid, cd.state().equals("started") ? "started" : "request_stop");
                        }
                    }
                    case "error" -> nextStateError(sid, cd, sd);
                    default ->
                            throw new IllegalStateException(
                                    "unknown service state '" + lastState + "'");
                }
                if ("restart".equals(lrmModes.get(sd.node))
                        && List.of("started", "stopped", "request_stop").contains(sd.state)) {
                    changeState(sid, "freeze");
                }
                repeat |= !sd.state.equals(lastState);
            }
            repeat |= handleFencing();
            if (!repeat) {
                break;
            }
        }
        flush();
    }

    /** LRM results by uid and LRM modes, for every node the master knows. */
    private void readLrmStatus(
            Map<String, LrmStatus.LrmResult> results, Map<String, String> modes) {
        for (String node : ns.nodes()) {
            LrmStatus status = env.readLrmStatus(node);
            modes.put(node, status == null ? "active" : status.mode());
            if (status != null) {
                status.results().forEach(results::putIfAbsent);
            }
        }
    }

    /** Fences nodes with services in {@code fence} and recovers those services once fenced. */
    private boolean handleFencing() {
        boolean repeat = false;
        Map<String, Boolean> fenced = new HashMap<>();
        for (String sid : new ArrayList<>(ss.keySet())) {
            ServiceStatus sd = ss.get(sid);
            if (!sd.state.equals("fence")) {
                continue;
            }
            boolean done = fenced.computeIfAbsent(sd.node, ns::fence);
            if (done) {
                changeState(sid, "recovery");
                repeat = true;
            }
        }
        for (String node : new ArrayList<>(ns.status().keySet())) {
            if (fenced.containsKey(node) || !ns.state(node).equals(NodeStatusTracker.FENCE)) {
                continue;
            }
            env.log(
                    "notice",
                    "node '"
                            + node
                            + "' in fence state but no services to-fence! admin interference?!");
            repeat |= ns.fence(node);
        }
        return repeat;
    }

    private void flush() {
        ManagerStatus ms = new ManagerStatus();
        ms.masterNode = env.nodename();
        ms.nodeStatus.putAll(ns.status());
        ss.forEach((sid, sd) -> ms.serviceStatus.put(sid, sd.copy()));
        ms.nodeRequest = nodeRequest;
        ms.timestamp = env.nowSeconds();
        env.writeManagerStatus(ms);
    }

    private void updateCrmCommands() {
        for (String cmd : env.readCrmCommands()) {
            String[] words = cmd.trim().split("\\s+");
            if (words.length == 3 && (words[0].equals("migrate") || words[0].equals("relocate"))) {
                ServiceStatus sd = ss.get(words[1]);
                if (sd == null) {
                    env.log("err", "crm command error - no such service: " + cmd);
                } else if (!ns.isOnline(words[2])) {
                    env.log("err", "crm command error - node not online: " + cmd);
                } else if (words[2].equals(sd.node)) {
                    env.log("info", "ignore crm command - service already on target node: " + cmd);
                } else {
                    env.log("info", "got crm command: " + cmd);
                    sd.cmd = new ArrayList<>(List.of(words[0], words[2]));
                }
            } else if (words.length == 3 && words[0].equals("stop")) {
                ServiceStatus sd = ss.get(words[1]);
                if (sd == null) {
                    env.log("err", "crm command error - no such service: " + cmd);
                } else {
                    env.log("info", "got crm command: " + cmd);
                    sd.cmd = new ArrayList<>(List.of("stop", words[2]));
                }
            } else if (words.length == 2 && words[0].equals("enable-node-maintenance")) {
                String state = ns.state(words[1]);
                if (state.equals(NodeStatusTracker.ONLINE)) {
                    if (nodeRequest == null) {
                        nodeRequest = new TreeMap<>();
                    }
                    nodeRequest
                            .computeIfAbsent(words[1], n -> new TreeMap<>())
                            .put("maintenance", 1);
                } else if (state.equals(NodeStatusTracker.MAINTENANCE)) {
                    env.log(
                            "info",
                            "ignoring crm command - node "
                                    + words[1]
                                    + " is already in maintenance state");
                } else {
                    env.log("err", "crm command error - node not online: " + cmd);
                }
            } else if (words.length == 2 && words[0].equals("disable-node-maintenance")) {
                String state = ns.state(words[1]);
                if (!state.equals(NodeStatusTracker.MAINTENANCE)) {
                    env.log(
                            "warn",
                            "clearing maintenance of node "
                                    + words[1]
                                    + " requested, but it's in state "
                                    + state);
                }
                if (nodeRequest != null && nodeRequest.containsKey(words[1])) {
                    nodeRequest.get(words[1]).remove("maintenance");
                }
            } else {
                env.log("err", "unable to parse crm command: " + cmd);
            }
        }
    }

    /**
     * {@code change_service_state}: keeps node, failed nodes and maintenance node, drops everything
     * else, applies {@code params} (pairs of name and value) and gives the service a new uid, so
     * the LRM runs the new request.
     */
    private void changeState(String sid, String newState, String... params) {
        ServiceStatus sd = ss.get(sid);
        String oldState = sd.state;
        if (oldState.equals(newState)) {
            throw new IllegalStateException("no state change for " + sid);
        }
        sd.state = newState;
        sd.running = false;
        sd.target = null;
        sd.cmd = null;
        sd.timeout = null;
        TreeMap<String, String> sorted = new TreeMap<>();
        for (int i = 0; i < params.length; i += 2) {
            sorted.put(params[i], params[i + 1]);
        }
        sorted.forEach(
                (key, value) -> {
                    switch (key) {
                        case "node" -> sd.node = value;
                        case "target" -> sd.target = value;
                        case "timeout" -> sd.timeout = Integer.valueOf(value);
                        default ->
                                throw new IllegalArgumentException(
                                        "unknown service status key " + key);
                    }
                });
        recomputeUsage();
        sd.uid = env.cluster().newUid(newState);
        StringBuilder text = new StringBuilder();
        sorted.forEach(
                (key, value) ->
                        text.append(text.length() == 0 ? "" : ", ")
                                .append(key)
                                .append(" = ")
                                .append(value));
        env.log(
                "info",
                "service '"
                        + sid
                        + "': state changed from '"
                        + oldState
                        + "' to '"
                        + newState
                        + "'"
                        + (text.length() == 0 ? "" : "  (" + text + ")"));
    }

    private void recomputeUsage() {
        usage = new NodeUsage(env, ns.onlineNodes());
        for (Map.Entry<String, ServiceStatus> e : ss.entrySet()) {
            ServiceStatus sd = e.getValue();
            String sid = e.getKey();
            if (usage.contains(sd.node)) {
                switch (sd.state) {
                    case "started", "request_stop", "fence", "freeze", "error", "recovery" ->
                            usage.addServiceUsage(sd.node, sid);
                    case "migrate", "relocate" -> {
                        usage.addServiceUsage(sd.node, sid);
                        if (usage.contains(sd.target)) {
                            usage.addServiceUsage(sd.target, sid);
                        }
                    }
                    default -> {
                        // stopped and request_start put no load on a node
                    }
                }
            } else if (sd.target != null
                    && usage.contains(sd.target)
                    && (sd.state.equals("migrate") || sd.state.equals("relocate"))) {
                // a dead source: count the target, the aborted migration may still hold resources
                // there
                usage.addServiceUsage(sd.target, sid);
            }
        }
    }

    private void nextStateRequestStop(String sid, ServiceStatus sd, LrmStatus.LrmResult lrmRes) {
        if (lrmRes != null) {
            if (lrmRes.exitCode() == ExitCode.SUCCESS) {
                changeState(sid, "stopped");
            } else {
                env.log(
                        "err",
                        "service '" + sid + "' stop failed (exit code " + lrmRes.exitCode() + ")");
                changeState(sid, "error");
            }
            return;
        }
        if (ns.isOfflineDelayed(sd.node)) {
            changeState(sid, "fence");
        }
    }

    private void nextStateMigrateRelocate(
            String sid, ServiceConfig cd, ServiceStatus sd, LrmStatus.LrmResult lrmRes) {
        if (lrmRes != null) {
            String requested = cd.state().equals("started") ? "started" : "request_stop";
            int code = lrmRes.exitCode();
            if (code == ExitCode.SUCCESS) {
                changeState(sid, requested, "node", sd.target);
            } else if (code == ExitCode.EWRONG_NODE) {
                env.log(
                        "err",
                        "service '"
                                + sid
                                + "' - migration failed: service registered on wrong node!");
                changeState(sid, "error");
            } else {
                env.log("err", "service '" + sid + "' - migration failed (exit code " + code + ")");
                changeState(sid, requested, "node", sd.node);
            }
            return;
        }
        if (ns.isOfflineDelayed(sd.node)) {
            changeState(sid, "fence");
        }
    }

    private void nextStateStopped(String sid, ServiceConfig cd, ServiceStatus sd) {
        if (cd.node() != null && !sd.node.equals(cd.node())) {
            // can happen if a node with active migrations was fenced
            env.log(
                    "info",
                    "fixup service '" + sid + "' location (" + sd.node + " => " + cd.node() + ")");
            sd.node = cd.node();
        }
        if (sd.cmd != null) {
            String cmd = sd.cmd.get(0);
            if (cmd.equals("migrate") || cmd.equals("relocate")) {
                String target = sd.cmd.get(1);
                if (!ns.isOnline(target)) {
                    env.log(
                            "err",
                            "ignore service '"
                                    + sid
                                    + "' "
                                    + cmd
                                    + " request - node '"
                                    + target
                                    + "' not online");
                } else if (sd.node.equals(target)) {
                    env.log(
                            "info",
                            "ignore service '"
                                    + sid
                                    + "' "
                                    + cmd
                                    + " request - service already on node '"
                                    + target
                                    + "'");
                } else {
                    changeState(sid, cmd, "node", sd.node, "target", target);
                    return;
                }
            } else if (cmd.equals("stop")) {
                env.log(
                        "info",
                        "ignore service '"
                                + sid
                                + "' "
                                + cmd
                                + " request - service already stopped");
            } else {
                env.log("err", "unknown command '" + cmd + "' for service '" + sid + "'");
            }
            sd.cmd = null;
        }
        if (cd.state().equals("disabled")) {
            return;
        }
        if (ns.isOfflineDelayed(sd.node)
                && !ns.state(sd.node).equals(NodeStatusTracker.MAINTENANCE)) {
            changeState(sid, "fence");
            return;
        }
        if (cd.state().equals("stopped")) {
            // like disabled, but the service is still recovered when its node fails
            return;
        }
        if (cd.state().equals("started")) {
            changeState(sid, "request_start", "node", sd.node);
            return;
        }
        env.log(
                "err",
                "service '"
                        + sid
                        + "' - unknown state '"
                        + cd.state()
                        + "' in service configuration");
    }

    private void nextStateStarted(
            String sid, ServiceConfig cd, ServiceStatus sd, LrmStatus.LrmResult lrmRes) {
        if (!ns.isOnline(sd.node)) {
            if (ns.isOfflineDelayed(sd.node)) {
                changeState(sid, "fence");
            }
            if (!ns.state(sd.node).equals(NodeStatusTracker.MAINTENANCE)) {
                return;
            }
            // remember where it ran, to come back when the node leaves maintenance
            sd.maintenanceNode = sd.node;
        }
        if (cd.state().equals("disabled") || cd.state().equals("stopped")) {
            changeState(sid, "request_stop");
            return;
        }
        if (!cd.state().equals("started")) {
            env.log(
                    "err",
                    "service '"
                            + sid
                            + "' - unknown state '"
                            + cd.state()
                            + "' in service configuration");
            return;
        }
        if (sd.cmd != null) {
            runCommand(sid, sd);
            return;
        }
        boolean tryNext = false;
        if (lrmRes != null) {
            int code = lrmRes.exitCode();
            if (code == ExitCode.SUCCESS) {
                if (sd.failedNodes != null) {
                    env.log(
                            "info",
                            "relocation policy successful for '"
                                    + sid
                                    + "' on node '"
                                    + sd.node
                                    + "', failed nodes: "
                                    + String.join(", ", sd.failedNodes));
                }
                sd.failedNodes = null;
                sd.running = true;
            } else if (code == ExitCode.ERROR || code == ExitCode.EWRONG_NODE) {
                sd.running = false;
                recordFailedOn(sd);
                if (sd.failedNodes.size() <= cd.maxRelocate()) {
                    tryNext = true;
                    env.log(
                            "warning",
                            "starting service "
                                    + sid
                                    + " on node '"
                                    + sd.node
                                    + "' failed, relocating service.");
                } else {
                    env.log(
                            "err",
                            "recovery policy for service "
                                    + sid
                                    + " failed, entering error state. "
                                    + "Failed nodes: "
                                    + String.join(", ", sd.failedNodes));
                    changeState(sid, "error");
                    return;
                }
            } else {
                recordFailedOn(sd);
                env.log(
                        "err",
                        "service '" + sid + "' got unrecoverable error (exit code " + code + "))");
                changeState(sid, "error");
                return;
            }
        }
        String node =
                selectServiceNode(sid, cd, sd.node, tryNext, sd.failedNodes, sd.maintenanceNode);
        if (node != null && !sd.node.equals(node)) {
            usage.addServiceUsage(node, sid);
            String fallback = sd.maintenanceNode;
            if (fallback != null) {
                if (node.equals(fallback)) {
                    env.log(
                            "info",
                            "moving service '"
                                    + sid
                                    + "' back to '"
                                    + fallback
                                    + "', node came back from maintenance.");
                    sd.maintenanceNode = null;
                } else if (!sd.node.equals(fallback)) {
                    env.log(
                            "info",
                            "dropping maintenance fallback node '"
                                    + fallback
                                    + "' for '"
                                    + sid
                                    + "'");
                    sd.maintenanceNode = null;
                }
            }
            if (cd.type().equals("vm")) {
                env.log("info", "migrate service '" + sid + "' to node '" + node + "' (running)");
                changeState(sid, "migrate", "node", sd.node, "target", node);
            } else {
                env.log("info", "relocate service '" + sid + "' to node '" + node + "'");
                changeState(sid, "relocate", "node", sd.node, "target", node);
            }
            return;
        }
        if (tryNext && node == null) {
            env.log(
                    "warning",
                    "Start Error Recovery: Tried all available nodes for service '"
                            + sid
                            + "', retry start on current node. Tried nodes: "
                            + String.join(", ", sd.failedNodes));
        }
        if (sd.maintenanceNode != null
                && sd.node.equals(sd.maintenanceNode)
                && ns.isOnline(sd.node)) {
            env.log(
                    "info",
                    "service '"
                            + sid
                            + "': clearing stale maintenance node '"
                            + sd.maintenanceNode
                            + "' setting (is current node)");
            sd.maintenanceNode = null;
        }
        if (lrmRes != null) {
            // start it again should it go down unexpectedly, but lose no LRM result
            sd.uid = env.cluster().newUid(sd.state);
        }
    }

    /** A queued CRM command for a started service: migrate, relocate or stop. */
    private void runCommand(String sid, ServiceStatus sd) {
        String cmd = sd.cmd.get(0);
        String arg = sd.cmd.get(1);
        if (cmd.equals("migrate") || cmd.equals("relocate")) {
            if (!ns.isOnline(arg)) {
                env.log(
                        "err",
                        "ignore service '"
                                + sid
                                + "' "
                                + cmd
                                + " request - node '"
                                + arg
                                + "' not online");
            } else if (sd.node.equals(arg)) {
                env.log(
                        "info",
                        "ignore service '"
                                + sid
                                + "' "
                                + cmd
                                + " request - service already on node '"
                                + arg
                                + "'");
            } else {
                env.log("info", cmd + " service '" + sid + "' to node '" + arg + "'");
                changeState(sid, cmd, "node", sd.node, "target", arg);
            }
        } else if (cmd.equals("stop")) {
            if (Integer.parseInt(arg) == 0) {
                env.log("info", "request immediate service hard-stop for service '" + sid + "'");
            } else {
                env.log(
                        "info",
                        "request graceful stop with timeout '"
                                + arg
                                + "' for service '"
                                + sid
                                + "'");
            }
            changeState(sid, "request_stop", "timeout", arg);
            env.cluster().updateServiceState(sid, "stopped");
        } else {
            env.log("err", "unknown command '" + cmd + "' for service '" + sid + "'");
        }
        sd.cmd = null;
    }

    private static void recordFailedOn(ServiceStatus sd) {
        if (sd.failedNodes == null) {
            sd.failedNodes = new ArrayList<>();
        }
        sd.failedNodes.add(sd.node);
    }

    private void nextStateError(String sid, ServiceConfig cd, ServiceStatus sd) {
        if (cd.state().equals("disabled")) {
            sd.failedNodes = null;
            changeState(sid, "stopped");
        }
    }

    /**
     * After its node was fenced: steal the guest's config to the chosen node and start it there.
     */
    private void nextStateRecovery(
            String sid, ServiceConfig cd, ServiceStatus sd, Map<String, ServiceConfig> sc) {
        String fencedNode = sd.node;
        recomputeUsage();
        String recoveryNode = selectServiceNode(sid, cd, sd.node, false, null, null);
        if (recoveryNode == null) {
            env.log(
                    "err",
                    "recovering service '"
                            + sid
                            + "' from fenced node '"
                            + fencedNode
                            + "' failed, no recovery node found");
            if (cd.state().equals("disabled")) {
                // the only way out of recovery without a node: an admin disables the service
                sd.failedNodes = null;
                changeState(sid, "stopped");
            }
            return;
        }
        if (recoveryNode.equals(fencedNode)) {
            env.log(
                    "info",
                    "recover service '"
                            + sid
                            + "' to previous failed and fenced node '"
                            + fencedNode
                            + "' again");
        } else {
            env.log(
                    "info",
                    "recover service '"
                            + sid
                            + "' from fenced node '"
                            + fencedNode
                            + "' to node '"
                            + recoveryNode
                            + "'");
        }
        env.cluster()
                .vm(sid)
                .ifPresent(
                        vm -> {
                            String lock = vm.lock().orElse(null);
                            if (lock != null && REMOVABLE_LOCKS.contains(lock)) {
                                vm.set("lock", null);
                                env.log(
                                        "warning",
                                        "removed leftover lock '"
                                                + lock
                                                + "' from recovered service '"
                                                + sid
                                                + "' to allow its start.");
                            }
                        });
        env.cluster().stealService(sid, recoveryNode);
        usage.addServiceUsage(recoveryNode, sid);
        sc.put(sid, cd.withNode(recoveryNode));
        sd.node = recoveryNode;
        changeState(
                sid,
                cd.state().equals("started") ? "started" : "request_stop",
                "node",
                recoveryNode);
    }

    /**
     * {@code select_service_node}: the highest-priority group members that are online (all online
     * nodes for an unrestricted group without one), staying put where possible, else the least
     * loaded, ties by name.
     */
    private String selectServiceNode(
            String sid,
            ServiceConfig cd,
            String currentNode,
            boolean tryNext,
            List<String> triedNodes,
            String maintenanceFallback) {
        HaGroup group = cd.group() == null ? null : groups.get(cd.group());
        TreeMap<Integer, Set<String>> priorities = new TreeMap<>(Comparator.reverseOrder());
        Map<String, Integer> members = new LinkedHashMap<>();
        if (group == null) {
            for (String node : usage.nodes()) {
                priorities.computeIfAbsent(0, p -> new TreeSet<>()).add(node);
                members.put(node, 0);
            }
        } else {
            group.nodes()
                    .forEach(
                            (node, priority) -> {
                                if (usage.contains(node)) {
                                    priorities
                                            .computeIfAbsent(priority, p -> new TreeSet<>())
                                            .add(node);
                                    members.put(node, priority);
                                }
                            });
            if (!group.restricted()) {
                for (String node : usage.nodes()) {
                    if (!members.containsKey(node)) {
                        priorities.computeIfAbsent(-1, p -> new TreeSet<>()).add(node);
                        members.put(node, -1);
                    }
                }
            }
        }
        if (priorities.isEmpty()) {
            return null;
        }
        if (!tryNext && group != null && group.nofailback() && members.containsKey(currentNode)) {
            return currentNode;
        }
        Set<String> top = new TreeSet<>(priorities.firstEntry().getValue());
        if (tryNext && triedNodes != null) {
            top.removeAll(triedNodes);
        }
        if (maintenanceFallback != null && top.contains(maintenanceFallback)) {
            return maintenanceFallback;
        }
        if (!tryNext && top.contains(currentNode)) {
            return currentNode;
        }
        List<String> nodes = new ArrayList<>(top);
        nodes.sort(Comparator.comparingInt(usage::score).thenComparing(Comparator.naturalOrder()));
        if (nodes.isEmpty()) {
            return null;
        }
        int found = nodes.indexOf(currentNode);
        if (tryNext && found >= 0 && found < nodes.size() - 1) {
            return nodes.get(found + 1);
        }
        return nodes.get(0);
    }
}
