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

    /** The rules the scheduler applies (PVE 8: the groups, in the same form). */
    private HaRules.Compiled compiled = HaRules.Compiled.NONE;

    /** What {@link #compiled} was compiled from: recompiled (and drops logged) when it changes. */
    private String compiledFrom;

    /** Whether this master runs pve-ha-manager 5 (PVE 9): rules, failback, group migration. */
    private boolean pve9;

    /**
     * Rounds until the next try to migrate the HA groups to rules ({@code group_migration_round}).
     */
    private int groupMigrationRound = 3;

    /** Where {@code select_service_node} prefers to put a service. */
    enum Preference {
        /** Stay on the current node if possible. */
        NONE,
        /** The best-scored node (recovery on PVE 9). */
        BEST_SCORE,
        /** The best-scored node where the service has not failed yet (relocation policy). */
        TRY_NEXT
    }

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
        pve9 = env.release().hasHaRules();
        if (pve9) {
            tryPersistentGroupMigration();
        }
        TreeMap<String, ServiceConfig> sc = env.cluster().serviceConfig();
        groups = env.cluster().groupConfig();
        // migrate_groups_to_resources (PVE 9, in memory) is what nofailback always meant on PVE 8
        sc.replaceAll(
                (sid, cd) ->
                        cd.group() == null
                                ? cd
                                : cd.withFailback(
                                        !groups.containsKey(cd.group())
                                                || !groups.get(cd.group()).nofailback()));
        compileRules();

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
                    queueResourceMotion(cmd, words[0], words[1], words[2]);
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
     * {@code queue_resource_motion}: a migration onto a node where a service it must be kept apart
     * from is (or goes) is refused; services kept together with it move along.
     */
    private void queueResourceMotion(String cmd, String task, String sid, String target) {
        for (String other : compiled.apart(sid)) {
            ServiceStatus o = ss.get(other);
            if (o == null
                    || (o.node != null && !o.node.equals(target))
                    || (o.target != null && !o.target.equals(target))) {
                continue;
            }
            env.log(
                    "err",
                    "crm command '"
                            + cmd
                            + "' error - service '"
                            + other
                            + "' on node '"
                            + target
                            + "' in negative affinity with service '"
                            + sid
                            + "'");
            return;
        }
        env.log("info", "got crm command: " + cmd);
        ss.get(sid).cmd = new ArrayList<>(List.of(task, target));
        for (String other : compiled.together(sid)) {
            ServiceStatus o = ss.get(other);
            if (o == null
                    || (o.node != null && o.node.equals(target))
                    || (o.target != null && o.target.equals(target))) {
                continue;
            }
            env.log(
                    "info",
                    "crm command '"
                            + cmd
                            + "' - "
                            + task
                            + " service '"
                            + other
                            + "' to node '"
                            + target
                            + "' (service '"
                            + other
                            + "' in positive affinity with service '"
                            + sid
                            + "')");
            o.cmd = new ArrayList<>(List.of(task, target));
        }
    }

    /**
     * The rules the scheduler applies, recompiled when rules, groups, resources or the node list
     * changed. PVE 9: rules.cfg plus the groups not yet migrated (as {@code ha-group-<group>}
     * rules), infeasible rules dropped with PVE's log line; PVE 8: the groups alone, which mean the
     * same to the scheduler.
     */
    private void compileRules() {
        HaCluster cluster = env.cluster();
        List<String> nodes = ns.nodes();
        String from =
                pve9
                        + "|"
                        + (pve9 ? cluster.rules.digest() : "")
                        + "|"
                        + cluster.groups.digest()
                        + "|"
                        + cluster.resources.digest()
                        + "|"
                        + nodes;
        if (from.equals(compiledFrom)) {
            return;
        }
        compiledFrom = from;
        List<HaRule> rules;
        if (pve9) {
            rules = cluster.fullRules();
        } else {
            Map<String, String> groupOf = new TreeMap<>();
            cluster.resources.all().forEach(s -> groupOf.put(s.id(), s.options().get("group")));
            rules = HaRules.fromGroups(groups, groupOf, Map.of());
        }
        List<String> dropped = new ArrayList<>();
        compiled = HaRules.compile(rules, nodes, dropped);
        dropped.forEach(line -> env.log("info", line));
    }

    /**
     * {@code try_persistent_group_migration}: on PVE 9, a few rounds after becoming master and then
     * every six rounds until it worked, the HA groups become rules, the resources lose their group
     * (and get {@code failback 0} where the group had {@code nofailback}), and groups.cfg goes.
     * Only when every node is online, runs PVE 9 and its LRM is active (or idle) in mode active.
     */
    private void tryPersistentGroupMigration() {
        HaCluster cluster = env.cluster();
        if (cluster.groupsMigrated()) {
            return;
        }
        if (--groupMigrationRound > 0) {
            return;
        }
        groupMigrationRound = 6;
        env.log("notice", "start ha group migration...");
        try {
            assertClusterCanMigrateGroups();
            Map<String, String> groupOf = new TreeMap<>();
            Map<String, String> comments = new TreeMap<>();
            cluster.resources.all().forEach(s -> groupOf.put(s.id(), s.options().get("group")));
            cluster.groups.all().forEach(g -> comments.put(g.id(), g.options().get("comment")));
            Map<String, HaGroup> current = cluster.groupConfig();
            for (HaRule rule : HaRules.fromGroups(current, groupOf, comments)) {
                cluster.rules.put(rule.section());
            }
            env.log("notice", "ha groups migration: migration to rules config successful");
            for (SectionConfig.Section resource : cluster.resources.all()) {
                String group = resource.options().get("group");
                if (group == null) {
                    continue;
                }
                Map<String, String> options = new LinkedHashMap<>(resource.options());
                options.remove("group");
                HaGroup g = current.get(group);
                if (g != null && g.nofailback()) {
                    options.put("failback", "0");
                }
                cluster.resources.put(
                        new SectionConfig.Section(resource.type(), resource.id(), options));
            }
            env.log("notice", "ha groups migration: migration to resources config successful");
            cluster.groups.clear();
            env.log("notice", "ha groups migration: group config deletion successful");
            env.log("notice", "ha groups migration successful");
        } catch (IllegalStateException e) {
            env.log("err", "abort ha groups migration: " + e.getMessage());
            env.log("err", "ha groups migration failed");
            env.log("notice", "retry ha groups migration in 6 rounds (~ 60 seconds)");
        }
    }

    private void assertClusterCanMigrateGroups() {
        if (!env.quorate()) {
            throw new IllegalStateException("cluster is not quorate");
        }
        List<String> nodes = ns.nodes().stream().sorted().toList();
        if (nodes.isEmpty()) {
            throw new IllegalStateException("node list is empty");
        }
        for (String node : nodes) {
            String state = ns.state(node);
            env.log(
                    "notice",
                    "ha groups migration: node '" + node + "' is in state '" + state + "'");
            if (!state.equals(NodeStatusTracker.ONLINE)) {
                throw new IllegalStateException("node '" + node + "' is not online");
            }
            LrmStatus lrm = env.readLrmStatus(node);
            if (lrm == null || lrm.state() == null || lrm.mode() == null) {
                throw new IllegalStateException("could not retrieve state for lrm '" + node + "'");
            }
            env.log(
                    "notice",
                    "ha groups migration: lrm '"
                            + node
                            + "' is in state '"
                            + lrm.state()
                            + "' and mode '"
                            + lrm.mode()
                            + "'");
            boolean idle = lrm.state().equals("wait_for_agent_lock") && activeServices(node) == 0;
            if (!lrm.state().equals("active") && !idle) {
                throw new IllegalStateException(
                        "lrm '" + node + "' is not in state 'active' or 'idle'");
            }
            if (!lrm.mode().equals("active")) {
                throw new IllegalStateException("lrm '" + node + "' is not in mode 'active'");
            }
            var release = env.cluster().release(node);
            env.log(
                    "notice",
                    "ha groups migration: node '"
                            + node
                            + "' has version '"
                            + release.version()
                            + "'");
            if (!release.hasHaRules()) {
                throw new IllegalStateException(
                        "node '" + node + "' needs at least pve-manager version '9.0.0~16'");
            }
        }
    }

    /** {@code count_active_services}: services on the node neither stopped nor frozen. */
    private int activeServices(String node) {
        int count = 0;
        for (ServiceStatus sd : ss.values()) {
            if (node.equals(sd.node)
                    && sd.state != null
                    && !sd.state.equals("stopped")
                    && !sd.state.equals("freeze")) {
                count++;
            }
        }
        return count;
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
                selectServiceNode(
                        sid,
                        cd,
                        sd.node,
                        tryNext ? Preference.TRY_NEXT : Preference.NONE,
                        sd.failedNodes,
                        sd.maintenanceNode);
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
        // PVE 9 recovers to the best-scored node (its maintenance node if that is allowed); PVE 8
        // stays on the fenced node if it is back and allowed
        String recoveryNode =
                pve9
                        ? selectServiceNode(
                                sid, cd, sd.node, Preference.BEST_SCORE, null, sd.maintenanceNode)
                        : selectServiceNode(sid, cd, sd.node, Preference.NONE, null, null);
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
     * {@code select_service_node}: among the online nodes of the highest priority the service's
     * node affinity allows (every online node without one), minus nodes where services it must be
     * kept apart from are, narrowed to the node where most services it must be kept together with
     * are; staying put where allowed ({@link Preference#NONE}, or anywhere allowed without {@code
     * failback}), else the least loaded, ties by name. Null: no node is allowed (recovery waits).
     */
    private String selectServiceNode(
            String sid,
            ServiceConfig cd,
            String currentNode,
            Preference preference,
            List<String> triedNodes,
            String maintenanceFallback) {
        Set<String> online = usage.nodes();
        Map<String, Integer> affinity = compiled.nodeAffinity().get(sid);
        Set<String> allowed = new TreeSet<>();
        Set<String> preferred = new TreeSet<>();
        if (affinity == null) {
            allowed.addAll(online);
            preferred.addAll(online);
        } else {
            TreeMap<Integer, Set<String>> byPriority = new TreeMap<>(Comparator.reverseOrder());
            affinity.forEach(
                    (node, priority) -> {
                        if (online.contains(node)) {
                            allowed.add(node);
                            byPriority.computeIfAbsent(priority, p -> new TreeSet<>()).add(node);
                        }
                    });
            if (!byPriority.isEmpty()) {
                preferred.addAll(byPriority.firstEntry().getValue());
            }
        }
        if (preferred.isEmpty()) {
            return null;
        }
        Map<String, Integer> together = new TreeMap<>();
        Set<String> separate = new TreeSet<>();
        resourceAffinity(sid, online, together, separate);
        if (preference == Preference.NONE
                && !cd.failback()
                && allowed.contains(currentNode)
                && (together.containsKey(currentNode) || !separate.contains(currentNode))) {
            return currentNode;
        }
        if (preference == Preference.TRY_NEXT && triedNodes != null) {
            preferred.removeAll(triedNodes);
        }
        preferred.removeAll(separate);
        together.keySet().retainAll(preferred);
        if (!together.isEmpty()) {
            String majority =
                    together.entrySet().stream()
                            .sorted(
                                    Map.Entry.<String, Integer>comparingByValue()
                                            .reversed()
                                            .thenComparing(Map.Entry.comparingByKey()))
                            .findFirst()
                            .orElseThrow()
                            .getKey();
            preferred.retainAll(Set.of(majority));
        }
        if (maintenanceFallback != null && preferred.contains(maintenanceFallback)) {
            return maintenanceFallback;
        }
        if (preference == Preference.NONE && preferred.contains(currentNode)) {
            return currentNode;
        }
        List<String> nodes = new ArrayList<>(preferred);
        nodes.sort(Comparator.comparingInt(usage::score).thenComparing(Comparator.naturalOrder()));
        if (nodes.isEmpty()) {
            return null;
        }
        int found = nodes.indexOf(currentNode);
        if (preference == Preference.TRY_NEXT && found >= 0 && found < nodes.size() - 1) {
            return nodes.get(found + 1);
        }
        return nodes.get(0);
    }

    /**
     * {@code get_resource_affinity}: for the services {@code sid} is kept together with, how many
     * are on (or move to) each online node; the online nodes where services it is kept apart from
     * are or move to.
     */
    private void resourceAffinity(
            String sid, Set<String> online, Map<String, Integer> together, Set<String> separate) {
        for (String other : compiled.together(sid)) {
            ServiceStatus o = ss.get(other);
            if (o == null) {
                continue;
            }
            String target = usedTarget(o, online);
            String node = target != null ? target : usedCurrent(o, online);
            if (node != null) {
                together.merge(node, 1, Integer::sum);
            }
        }
        for (String other : compiled.apart(sid)) {
            ServiceStatus o = ss.get(other);
            if (o == null) {
                continue;
            }
            String current = usedCurrent(o, online);
            String target = usedTarget(o, online);
            if (current != null) {
                separate.add(current);
            }
            if (target != null) {
                separate.add(target);
            }
        }
    }

    /** {@code get_used_service_nodes}, current node. */
    private static String usedCurrent(ServiceStatus sd, Set<String> online) {
        return switch (sd.state) {
            case "started",
                    "request_stop",
                    "fence",
                    "freeze",
                    "error",
                    "recovery",
                    "migrate",
                    "relocate" ->
                    online.contains(sd.node) ? sd.node : null;
            default -> null;
        };
    }

    /** {@code get_used_service_nodes}, target node. */
    private static String usedTarget(ServiceStatus sd, Set<String> online) {
        return (sd.state.equals("migrate") || sd.state.equals("relocate"))
                        && sd.target != null
                        && online.contains(sd.target)
                ? sd.target
                : null;
    }
}
