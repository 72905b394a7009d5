package io.pveha.simulator.ha;

import com.fasterxml.jackson.databind.JsonNode;
import io.pveha.simulator.api.Json;
import io.pveha.simulator.clock.SimClock;
import io.pveha.simulator.model.ClusterState;
import io.pveha.simulator.model.NodeState;
import io.pveha.simulator.model.PveException;
import io.pveha.simulator.model.PveRelease;
import io.pveha.simulator.model.VmState;
import io.pveha.simulator.ops.Caller;
import io.pveha.simulator.ops.GuestHooks;
import io.pveha.simulator.ops.NodeControl;
import io.pveha.simulator.spi.ModuleContext;
import io.pveha.simulator.tasks.Task;
import io.pveha.simulator.tasks.TaskEngine;
import io.pveha.simulator.tasks.TaskError;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The simulated PVE HA stack: a CRM and an LRM daemon per node, driven by the simulated clock, plus
 * the guest hooks that turn start/stop/shutdown/migrate of HA-managed guests into HA requests.
 * Tests and the simulator's own API reach it as {@code sim.ha()}.
 *
 * <p>Every daemon runs one round per {@link HaTimings#round()} as a clock event, at a fixed phase
 * per node (node {@code i}: CRM at {@code 1 + 2i} s, LRM one second later, modulo the round), the
 * way the daemons of pve-ha-manager's simulator take turns. A round takes the cluster state write
 * lock; node power changes it causes (watchdog resets, the end of a clean shutdown) run after the
 * lock is released. While no HA resource was ever configured the daemons sleep, so a cluster
 * without HA pays nothing.
 */
public final class HaManager {
    private final ClusterState cluster;
    private final SimClock clock;
    private final TaskEngine tasks;
    private final NodeControl nodes;
    private final HaLog log = new HaLog();
    private final HaCluster ha;
    private final HaApi api;
    private final VmAgent agent;
    private final Map<String, Daemons> daemons = new HashMap<>();

    /** One daemon of a node and the boot it belongs to: a reboot starts a fresh one. */
    private static final class Slot<T> {
        T daemon;
        long boot = Long.MIN_VALUE;

        /** The daemon of this boot, started at its first round; null once it exited. */
        T forBoot(long bootedAt, Supplier<T> start) {
            if (boot != bootedAt) {
                boot = bootedAt;
                daemon = start.get();
            }
            return daemon;
        }

        boolean runningIn(long bootedAt) {
            return daemon != null && boot == bootedAt;
        }

        /** The next round starts a fresh daemon. */
        void restart() {
            boot = Long.MIN_VALUE;
        }
    }

    /** The CRM and LRM of one node. */
    private static final class Daemons {
        final Slot<Crm> crm = new Slot<>();
        final Slot<Lrm> lrm = new Slot<>();
    }

    public HaManager(ModuleContext context, HaTimings timings) {
        this.cluster = context.state();
        this.clock = context.clock();
        this.tasks = context.tasks();
        this.nodes = context.nodes();
        this.ha =
                new HaCluster(cluster, clock, timings, log, context.qemu(), this::watchdogExpired);
        this.api = new HaApi(ha);
        this.agent = new VmAgent(ha);
        context.ops().addHooks(new Hooks());
        context.nodes().addListener(this::onlineChanged);
        scheduleDaemons();
    }

    /** The HA API's semantics ({@code /cluster/ha/...}), for the HTTP routes. */
    public HaApi api() {
        return api;
    }

    public HaTimings timings() {
        return ha.timings;
    }

    /** The HA log, oldest first. */
    public List<HaLogEntry> log() {
        return log.entries();
    }

    /** HA log lines at or after {@code since}. */
    public List<HaLogEntry> logSince(Instant since) {
        return log.since(since);
    }

    /** The manager status as the last master wrote it, with each node's LRM state. */
    public HaStatusView status() {
        return cluster.read(
                () -> {
                    ManagerStatus ms = ha.managerStatus;
                    Map<String, HaServiceView> services = new TreeMap<>();
                    ms.serviceStatus.forEach(
                            (sid, sd) ->
                                    services.put(
                                            sid,
                                            new HaServiceView(
                                                    sid,
                                                    sd.state,
                                                    sd.node,
                                                    sd.target,
                                                    sd.running,
                                                    sd.failedNodes == null
                                                            ? List.of()
                                                            : List.copyOf(sd.failedNodes))));
                    Map<String, String> lrm = new TreeMap<>();
                    ha.lrmStatus.forEach((node, status) -> lrm.put(node, status.state()));
                    return new HaStatusView(
                            Optional.ofNullable(ms.masterNode),
                            Collections.unmodifiableMap(new TreeMap<>(ms.nodeStatus)),
                            Collections.unmodifiableMap(services),
                            Collections.unmodifiableMap(lrm),
                            ms.timestamp == null ? 0 : ms.timestamp);
                });
    }

    public Optional<String> masterNode() {
        return status().masterNode();
    }

    /** The CRM state of {@code sid} ({@code vm:100}), if the CRM has it. */
    public Optional<String> serviceState(String sid) {
        return Optional.ofNullable(status().services().get(sid)).map(HaServiceView::state);
    }

    /** The master's state of {@code node}: online, maintenance, unknown, fence or gone. */
    public Optional<String> nodeState(String node) {
        return Optional.ofNullable(status().nodeStates().get(node));
    }

    public ShutdownPolicy shutdownPolicy() {
        return cluster.read(() -> ha.shutdownPolicy);
    }

    /** Datacenter {@code ha: shutdown_policy}. */
    public void setShutdownPolicy(ShutdownPolicy policy) {
        cluster.write(
                () -> {
                    ha.shutdownPolicy = policy;
                });
    }

    /**
     * Adds an HA resource as {@code POST /cluster/ha/resources} does ({@code state}, {@code group},
     * ...).
     */
    public void addResource(String sid, Map<String, String> options) {
        Map<String, String> params = new LinkedHashMap<>(options);
        params.put("sid", sid);
        apiCall(() -> api.createResource(params));
    }

    /**
     * Adds an HA group as {@code POST /cluster/ha/groups} does ({@code nodes}, {@code restricted},
     * ...).
     */
    public void addGroup(String group, Map<String, String> options) {
        Map<String, String> params = new LinkedHashMap<>(options);
        params.put("group", group);
        apiCall(() -> api.createGroup(params));
    }

    /**
     * Adds an HA rule as {@code POST /cluster/ha/rules} does (PVE 9): {@code type} {@code
     * node-affinity} with {@code nodes} (and {@code strict}), or {@code resource-affinity} with
     * {@code affinity} {@code positive|negative}; {@code resources} in both.
     */
    public void addRule(String rule, String type, Map<String, String> options) {
        Map<String, String> params = new LinkedHashMap<>(options);
        params.put("rule", rule);
        params.put("type", type);
        apiCall(() -> api.createRule(params));
    }

    /** {@code PUT /cluster/ha/rules/{rule}}. */
    public void setRule(String rule, Map<String, String> options) {
        apiCall(() -> api.updateRule(rule, options));
    }

    public void removeRule(String rule) {
        apiCall(() -> api.deleteRule(rule));
    }

    /** The rules as {@code GET /cluster/ha/rules} lists them (errors included). */
    public List<Map<String, Object>> rules() {
        return cluster.read(() -> api.rules(null, null));
    }

    /** Whether PVE 9 migrated the HA groups to rules (or never had any). */
    public boolean groupsMigrated() {
        return cluster.read(ha::groupsMigrated);
    }

    /**
     * Changes an HA resource as {@code PUT /cluster/ha/resources/{sid}} ({@code ha-manager set})
     * does.
     */
    public void setResource(String sid, Map<String, String> options) {
        apiCall(() -> api.updateResource(sid, options));
    }

    /** {@code ha-manager remove <sid>}: the guest stays as it is, no longer managed. */
    public void removeResource(String sid) {
        apiCall(() -> api.deleteResource(sid));
    }

    /** {@code ha-manager migrate <sid> <node>}: queues a live migration for the CRM. */
    public void migrate(String sid, String node) {
        apiCall(() -> api.queueMove("migrate", sid, node));
    }

    /** {@code ha-manager relocate <sid> <node>}: stop, move, start. */
    public void relocate(String sid, String node) {
        apiCall(() -> api.queueMove("relocate", sid, node));
    }

    /**
     * {@code ha-manager crm-command stop <sid> <timeout>}: 0 is a hard stop; the requested state
     * becomes stopped.
     */
    public void stop(String sid, int timeout) {
        apiCall(() -> api.queueStop(sid, timeout));
    }

    /**
     * A clean shutdown of {@code node}: its LRM handles its services by the shutdown policy, then
     * the LRM and the CRM stop and the node powers off.
     */
    public void shutdownNode(String node) {
        requestShutdown(node, "shutdown");
    }

    /** A clean reboot: like {@link #shutdownNode}, then the node boots again. */
    public void rebootNode(String node) {
        requestShutdown(node, "reboot");
    }

    /** {@code ha-manager crm-command node-maintenance enable <node>}. */
    public void enableMaintenance(String node) {
        apiCall(() -> api.nodeMaintenance(node, true));
    }

    /** {@code ha-manager crm-command node-maintenance disable <node>}. */
    public void disableMaintenance(String node) {
        apiCall(() -> api.nodeMaintenance(node, false));
    }

    /**
     * Forgets pending clean shutdowns (fault reset): the affected nodes' daemons restart fresh at
     * their next round instead of powering the node off.
     */
    public void cancelShutdowns() {
        cluster.write(
                () -> {
                    for (String node : ha.shutdownTargets.keySet()) {
                        daemons(node).crm.restart();
                        daemons(node).lrm.restart();
                    }
                    ha.shutdownTargets.clear();
                });
    }

    /** The HA state for the state file; call under the read lock. */
    public HaSnapshot snapshot() {
        Map<String, JsonNode> lrm = new TreeMap<>();
        ha.lrmStatus.forEach(
                (node, status) -> lrm.put(node, Json.MAPPER.valueToTree(status.toJson())));
        Map<String, HaSnapshot.LockRecord> locks = new TreeMap<>();
        ha.locks
                .snapshot()
                .forEach(
                        (name, lock) ->
                                locks.put(
                                        name,
                                        new HaSnapshot.LockRecord(
                                                lock.node(), lock.renewedMillis())));
        return new HaSnapshot(
                sections(ha.resources),
                sections(ha.groups),
                sections(ha.rules),
                Json.MAPPER.valueToTree(ha.managerStatus.toJson()),
                lrm,
                new ArrayList<>(ha.crmCommands),
                locks,
                ha.shutdownPolicy.pveName());
    }

    /** Restores a saved HA state; call under the write lock. The daemons start afresh. */
    public void restore(HaSnapshot saved) {
        restoreSections(ha.resources, saved.resources());
        restoreSections(ha.groups, saved.groups());
        restoreSections(ha.rules, saved.rules());
        ha.managerStatus = ManagerStatus.fromJson(saved.managerStatus());
        ha.lrmStatus.clear();
        if (saved.lrmStatus() != null) {
            saved.lrmStatus()
                    .forEach((node, json) -> ha.lrmStatus.put(node, LrmStatus.fromJson(json)));
        }
        ha.crmCommands.clear();
        if (saved.crmCommands() != null) {
            ha.crmCommands.addAll(saved.crmCommands());
        }
        Map<String, ClusterLocks.Lock> locks = new LinkedHashMap<>();
        if (saved.locks() != null) {
            saved.locks()
                    .forEach(
                            (name, lock) ->
                                    locks.put(
                                            name,
                                            new ClusterLocks.Lock(
                                                    lock.node(), lock.renewedMillis())));
        }
        ha.locks.restore(locks);
        if (saved.shutdownPolicy() != null) {
            ha.shutdownPolicy = ShutdownPolicy.fromPve(saved.shutdownPolicy());
        }
    }

    // ---- daemons -----------------------------------------------------------------------------

    private void scheduleDaemons() {
        List<String> names = cluster.read(ha::nodeNames);
        long round = ha.timings.round().toMillis();
        for (int i = 0; i < names.size(); i++) {
            String node = names.get(i);
            long crmPhase = 1000 + (2000L * i) % round;
            everyRound(Duration.ofMillis(crmPhase), () -> crmRound(node));
            everyRound(Duration.ofMillis(crmPhase + 1000), () -> lrmRound(node));
        }
    }

    /**
     * Runs {@code round} under the state lock every HA round from {@code first} on, unless HA is
     * dormant.
     */
    private void everyRound(Duration first, Runnable round) {
        clock.schedule(
                first,
                () -> {
                    everyRound(ha.timings.round(), round);
                    if (!cluster.read(this::dormant)) {
                        locked(round);
                    }
                });
    }

    private void crmRound(String node) {
        Crm crm = crm(node);
        if (crm != null && !crm.round()) {
            ha.log("info", node + "/crm", "exit (loop end)");
            daemons(node).crm.daemon = null;
            String target = ha.shutdownTargets.get(node);
            if (target != null) {
                powerDown(node, target);
            }
        }
    }

    private void lrmRound(String node) {
        Lrm lrm = lrm(node);
        if (lrm == null) {
            return;
        }
        if (!lrm.round()) {
            ha.log("info", node + "/lrm", "exit (loop end)");
            lrmExited(node);
        } else if (lrm.waitingForWorkers()) {
            pollWorkers(node, lrm, clock.nowMillis());
        }
    }

    /**
     * PVE's {@code run_workers} loop: look at the resource agents every second, at most {@code
     * workerWait}.
     */
    private void pollWorkers(String node, Lrm lrm, long roundStart) {
        clock.schedule(
                Duration.ofSeconds(1),
                () ->
                        locked(
                                () -> {
                                    if (daemons(node).lrm.daemon != lrm) {
                                        return;
                                    }
                                    boolean more = lrm.pollWorkers();
                                    if (more
                                            && clock.nowMillis() - roundStart
                                                    < ha.timings.workerWait().toMillis()) {
                                        pollWorkers(node, lrm, roundStart);
                                    } else {
                                        lrm.endRound();
                                    }
                                }));
    }

    /** After its LRM stopped, a shutting-down node stops its CRM, then powers off. */
    private void lrmExited(String node) {
        Daemons d = daemons(node);
        d.lrm.daemon = null;
        String target = ha.shutdownTargets.get(node);
        if (target == null) {
            return;
        }
        if (d.crm.daemon != null) {
            d.crm.daemon.shutdownRequest();
        } else {
            powerDown(node, target);
        }
    }

    private void requestShutdown(String node, String target) {
        locked(
                () -> {
                    NodeState state =
                            cluster.node(node)
                                    .orElseThrow(
                                            () ->
                                                    new IllegalArgumentException(
                                                            "no such node: " + node));
                    if (state.power() != NodeState.Power.ON) {
                        throw new IllegalStateException("node '" + node + "' is not running");
                    }
                    if (ha.shutdownTargets.containsKey(node)) {
                        return;
                    }
                    ha.shutdownTargets.put(node, target);
                    Daemons d = daemons(node);
                    if (d.lrm.runningIn(state.bootedAtMillis())) {
                        d.lrm.daemon.shutdownRequest();
                    } else if (d.crm.runningIn(state.bootedAtMillis())) {
                        d.crm.daemon.shutdownRequest();
                    } else {
                        powerDown(node, target);
                    }
                });
    }

    private void powerDown(String node, String target) {
        ha.shutdownTargets.remove(node);
        boolean reboot = target.equals("reboot");
        ha.log(
                "info",
                "hardware",
                "node '"
                        + node
                        + "' "
                        + (reboot ? "reboots" : "powers off")
                        + " after a clean "
                        + target);
        ha.afterUnlock(
                () -> {
                    nodes.powerOff(node);
                    if (reboot) {
                        nodes.powerOn(node);
                    }
                });
    }

    /**
     * Arms a node's reset when one of its watchdogs expired (it lost quorum with active services).
     */
    private void watchdogExpired(String watchdogId) {
        locked(
                () -> {
                    String node = ha.watchdogs.fire(watchdogId);
                    if (node == null || cluster.requireNode(node).power() != NodeState.Power.ON) {
                        return;
                    }
                    ha.log(
                            "info",
                            "watchdog",
                            "watchdog of node '"
                                    + node
                                    + "' expired - resetting node '"
                                    + node
                                    + "'");
                    killDaemons(node);
                    ha.afterUnlock(
                            () -> {
                                nodes.powerOff(node);
                                nodes.powerOn(node);
                            });
                });
    }

    /** Power loss kills the daemons at once; a network loss leaves them running without quorum. */
    private void onlineChanged(String node, boolean online) {
        if (!online) {
            cluster.write(
                    () -> {
                        if (cluster.requireNode(node).power() == NodeState.Power.OFF) {
                            killDaemons(node);
                        }
                    });
        }
    }

    private void killDaemons(String node) {
        Daemons d = daemons(node);
        if (d.crm.daemon != null) {
            ha.log("info", node + "/crm", "killed by poweroff");
            d.crm.daemon = null;
        }
        if (d.lrm.daemon != null) {
            ha.log("info", node + "/lrm", "killed by poweroff");
            d.lrm.daemon = null;
        }
        ha.watchdogs.resetNode(node);
        ha.shutdownTargets.remove(node);
    }

    /**
     * The node's CRM, started when the node has booted since the last one; null while down or
     * exited.
     */
    private Crm crm(String node) {
        NodeState state = poweredOn(node);
        return state == null
                ? null
                : daemons(node)
                        .crm
                        .forBoot(state.bootedAtMillis(), () -> new Crm(new HaEnv(ha, node, "crm")));
    }

    private Lrm lrm(String node) {
        NodeState state = poweredOn(node);
        return state == null
                ? null
                : daemons(node)
                        .lrm
                        .forBoot(
                                state.bootedAtMillis(),
                                () -> new Lrm(new HaEnv(ha, node, "lrm"), agent));
    }

    /**
     * The node if it has power; otherwise its daemons are gone (a power loss the listener did not
     * see).
     */
    private NodeState poweredOn(String node) {
        NodeState state = cluster.requireNode(node);
        if (state.power() != NodeState.Power.ON) {
            killDaemons(node);
            return null;
        }
        return state;
    }

    private Daemons daemons(String node) {
        return daemons.computeIfAbsent(node, n -> new Daemons());
    }

    /** Nothing was ever configured: no daemon has anything to do. */
    private boolean dormant() {
        return ha.resources.isEmpty()
                && ha.crmCommands.isEmpty()
                && !ha.managerStatus.written()
                && ha.shutdownTargets.isEmpty();
    }

    /** Runs {@code work} under the state write lock, then the power changes it queued. */
    private void locked(Runnable work) {
        List<Runnable> after = new ArrayList<>();
        try {
            cluster.write(
                    () -> {
                        try {
                            work.run();
                        } finally {
                            after.addAll(ha.drainAfterUnlock());
                        }
                    });
        } finally {
            after.forEach(Runnable::run);
        }
    }

    /**
     * A change through the HA API for Java callers: PVE's refusals become IllegalStateExceptions.
     */
    private void apiCall(Runnable call) {
        cluster.write(
                () -> {
                    try {
                        call.run();
                    } catch (PveException e) {
                        throw new IllegalStateException(e.reasonPhrase(), e);
                    }
                });
    }

    private static List<HaSnapshot.SectionRecord> sections(SectionConfig config) {
        return config.snapshot().stream()
                .map(
                        s ->
                                new HaSnapshot.SectionRecord(
                                        s.type(), s.id(), new LinkedHashMap<>(s.options())))
                .toList();
    }

    private static void restoreSections(
            SectionConfig config, List<HaSnapshot.SectionRecord> saved) {
        config.clear();
        if (saved != null) {
            saved.forEach(
                    s -> config.put(new SectionConfig.Section(s.type(), s.id(), s.options())));
        }
    }

    /**
     * HA-managed guests: power and migration requests become {@code hastart}/{@code hastop}/{@code
     * hamigrate} tasks that only queue the request (as qemu-server runs {@code ha-manager});
     * destroy needs {@code purge}; the HA state shows in {@code /cluster/resources} and {@code
     * status/current}.
     */
    private final class Hooks implements GuestHooks {
        @Override
        public Optional<Task> intercept(
                Action action, VmState vm, Map<String, String> params, Caller caller) {
            String sid = "vm:" + vm.vmid();
            if (ha.agentActing || !api.managed(sid)) {
                return Optional.empty();
            }
            String id = vm.vmidText();
            return Optional.of(
                    switch (action) {
                        case START ->
                                request(
                                        caller,
                                        "hastart",
                                        id,
                                        "Requesting HA start for VM " + id,
                                        "ha-manager set " + sid + " --state started",
                                        () -> api.updateResource(sid, Map.of("state", "started")));
                        case STOP -> {
                            if (params.containsKey("overrule-shutdown")) {
                                throw PveException.param(
                                        "overrule-shutdown", "Not applicable for HA resources.");
                            }
                            yield request(
                                    caller,
                                    "hastop",
                                    id,
                                    "Requesting HA stop for VM " + id,
                                    "ha-manager crm-command stop " + sid + " 0",
                                    () -> api.queueStop(sid, 0));
                        }
                        case SHUTDOWN -> {
                            int timeout = Integer.parseInt(params.getOrDefault("timeout", "60"));
                            yield request(
                                    caller,
                                    "hastop",
                                    id,
                                    "Requesting HA stop for VM " + id,
                                    "ha-manager crm-command stop " + sid + " " + timeout,
                                    () -> api.queueStop(sid, timeout));
                        }
                        case MIGRATE -> {
                            String target = params.get("target");
                            yield request(
                                    caller,
                                    "hamigrate",
                                    id,
                                    "Requesting HA migration for VM " + id + " to node " + target,
                                    "ha-manager migrate " + sid + " " + target,
                                    () -> api.queueMove("migrate", sid, target));
                        }
                    });
        }

        /** A task that runs one {@code ha-manager} command and ends at once. */
        private Task request(
                Caller caller,
                String type,
                String id,
                String line,
                String command,
                Runnable request) {
            return tasks.spawn(caller.node(), type, id, caller.user())
                    .step(
                            Duration.ZERO,
                            ctx -> {
                                ctx.log(line);
                                try {
                                    request.run();
                                } catch (PveException e) {
                                    ctx.log(e.getMessage().strip());
                                    throw new TaskError(
                                            "command '" + command + "' failed: exit code 255");
                                }
                            })
                    .start();
        }

        @Override
        public boolean addHaResource(VmState vm, boolean started, Caller caller) {
            String sid = "vm:" + vm.vmid();
            Map<String, String> params = new LinkedHashMap<>();
            params.put("sid", sid);
            params.put("state", started ? "started" : "stopped");
            PveRelease release = cluster.releaseOf(caller.node());
            if (api.configured(sid)) {
                params.remove("sid");
                api.updateResource(sid, params, release);
            } else {
                api.createResource(params, release);
            }
            return true;
        }

        @Override
        public void beforeDestroy(VmState vm, boolean purge) {
            if (!purge && api.configured("vm:" + vm.vmid())) {
                throw PveException.internal(
                        "unable to remove VM "
                                + vm.vmid()
                                + " - used in HA resources and purge parameter not set.");
            }
        }

        @Override
        public void destroyed(int vmid, boolean purge) {
            if (purge) {
                ha.resources.remove("vm:" + vmid);
                // PVE 9: delete_service_from_config(sid, purge) also purges the rules
                api.purgeFromRules("vm:" + vmid);
            }
        }

        @Override
        public Optional<String> haState(int vmid) {
            return Optional.ofNullable(api.guestHaState(vmid));
        }

        @Override
        public Optional<Map<String, Object>> haStatus(int vmid) {
            return Optional.ofNullable(api.guestHaStatus(vmid));
        }

        @Override
        public Optional<String> nodeHaState(String node) {
            return Optional.ofNullable(ha.managerStatus.nodeStatus.get(node));
        }
    }
}
