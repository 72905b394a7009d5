package io.pveha.simulator.ha;

import io.pveha.simulator.clock.SimClock;
import io.pveha.simulator.model.ClusterState;
import io.pveha.simulator.model.NodeState;
import io.pveha.simulator.model.PveRelease;
import io.pveha.simulator.model.VmState;
import io.pveha.simulator.ops.Qemu;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the HA daemons share, as pmxcfs and the hardware give it to them on a real cluster: the HA
 * config files, the manager and LRM status files, queued CRM commands, cluster locks, watchdogs,
 * the datacenter shutdown policy and pending node shutdowns. Guarded by the cluster state lock,
 * like everything else.
 */
final class HaCluster {
    final ClusterState cluster;
    final SimClock clock;
    final HaTimings timings;
    final HaLog log;
    final Qemu qemu;

    /** {@code /etc/pve/ha/resources.cfg}. */
    final SectionConfig resources = new SectionConfig();

    /** {@code /etc/pve/ha/groups.cfg}; PVE 9 deletes it once migrated to rules. */
    final SectionConfig groups = new SectionConfig();

    /** {@code /etc/pve/ha/rules.cfg} (PVE 9). */
    final SectionConfig rules = new SectionConfig();

    /** {@code /etc/pve/ha/manager_status}. */
    ManagerStatus managerStatus = new ManagerStatus();

    /** {@code /etc/pve/nodes/<node>/lrm_status}. */
    final Map<String, LrmStatus> lrmStatus = new TreeMap<>();

    /** {@code /etc/pve/ha/crm_commands}. */
    final Deque<String> crmCommands = new ArrayDeque<>();

    final ClusterLocks locks;
    final Watchdogs watchdogs;
    ShutdownPolicy shutdownPolicy = ShutdownPolicy.CONDITIONAL;

    /** Nodes shutting down cleanly ({@code shutdown}) or rebooting ({@code reboot}). */
    final Map<String, String> shutdownTargets = new TreeMap<>();

    /**
     * Work that must run after the state lock is released (a node's power changes close its API
     * port, which waits for request threads that may wait for the lock).
     */
    private final List<Runnable> afterUnlock = new ArrayList<>();

    /**
     * True while an LRM's resource agent calls guest operations: those must not be handed back to
     * HA.
     */
    boolean agentActing;

    private long uidCounter;

    HaCluster(
            ClusterState cluster,
            SimClock clock,
            HaTimings timings,
            HaLog log,
            Qemu qemu,
            java.util.function.Consumer<String> watchdogExpiry) {
        this.cluster = cluster;
        this.clock = clock;
        this.timings = timings;
        this.log = log;
        this.qemu = qemu;
        this.locks = new ClusterLocks(timings.lockTimeout().toMillis());
        this.watchdogs = new Watchdogs(clock, timings.watchdogTimeout(), watchdogExpiry);
    }

    long nowMillis() {
        return clock.nowMillis();
    }

    long nowSeconds() {
        return clock.nowEpochSeconds();
    }

    void log(String level, String source, String message) {
        log.add(Instant.ofEpochMilli(clock.nowMillis()), level, source, message.strip());
    }

    /** Nodes in the cluster, in configuration order. */
    List<String> nodeNames() {
        return cluster.nodes().stream().map(NodeState::name).toList();
    }

    /** {@code get_node_info}: which members are in the quorate partition (none without quorum). */
    Map<String, Boolean> nodeInfo() {
        boolean quorate = cluster.quorate();
        Map<String, Boolean> info = new LinkedHashMap<>();
        for (NodeState node : cluster.nodes()) {
            info.put(node.name(), quorate && node.online());
        }
        return info;
    }

    /**
     * Whether {@code node} sees a quorate cluster: it is online and more than half of all nodes
     * are.
     */
    boolean quorate(String node) {
        return cluster.requireNode(node).online() && cluster.quorate();
    }

    /**
     * {@code read_and_check_resources_config}: every resource with defaults and its guest's node.
     */
    TreeMap<String, ServiceConfig> serviceConfig() {
        TreeMap<String, ServiceConfig> result = new TreeMap<>();
        for (SectionConfig.Section section : resources.all()) {
            result.put(section.id(), serviceConfig(section));
        }
        return result;
    }

    ServiceConfig serviceConfig(SectionConfig.Section section) {
        Map<String, String> o = section.options();
        String state = o.getOrDefault("state", "started");
        if (state.equals("enabled")) {
            state = "started";
        }
        int vmid = Integer.parseInt(section.name());
        String node =
                section.type().equals("vm")
                        ? cluster.vm(vmid).map(VmState::node).orElse(null)
                        : null;
        return new ServiceConfig(
                section.id(),
                section.type(),
                vmid,
                state,
                o.get("group"),
                Integer.parseInt(o.getOrDefault("max_restart", "1")),
                Integer.parseInt(o.getOrDefault("max_relocate", "1")),
                o.get("comment"),
                node,
                !"0".equals(o.get("failback")));
    }

    /** The release {@code node} runs (its API and its HA daemons). */
    PveRelease release(String node) {
        return cluster.releaseOf(node);
    }

    /**
     * {@code have_groups_been_migrated}: PVE 9 deems groups migrated when groups.cfg holds none (so
     * also on a cluster that never had any).
     */
    boolean groupsMigrated() {
        return groups.isEmpty();
    }

    /** The stored rules in file order. */
    List<HaRule> ruleList() {
        return rules.all().stream().map(HaRule::of).toList();
    }

    /**
     * {@code $get_full_rules_config}: the stored rules plus the groups still in groups.cfg as PVE 9
     * migrates them in memory ({@code ha-group-<group>}, replacing a stored rule of that id).
     */
    List<HaRule> fullRules() {
        Map<String, HaRule> byId = new LinkedHashMap<>();
        ruleList().forEach(r -> byId.put(r.id(), r));
        if (!groups.isEmpty()) {
            Map<String, String> groupOf = new TreeMap<>();
            Map<String, String> comments = new TreeMap<>();
            resources.all().forEach(s -> groupOf.put(s.id(), s.options().get("group")));
            groups.all().forEach(g -> comments.put(g.id(), g.options().get("comment")));
            HaRules.fromGroups(groupConfig(), groupOf, comments)
                    .forEach(
                            r -> {
                                byId.remove(r.id());
                                byId.put(r.id(), r);
                            });
        }
        return new ArrayList<>(byId.values());
    }

    Map<String, HaGroup> groupConfig() {
        Map<String, HaGroup> result = new TreeMap<>();
        groups.all().forEach(section -> result.put(section.id(), HaGroup.of(section)));
        return result;
    }

    /**
     * {@code update_service_config}: the CRM rewrites a resource's requested state (CRM {@code
     * stop}).
     */
    void updateServiceState(String sid, String state) {
        resources
                .get(sid)
                .ifPresent(
                        section -> {
                            Map<String, String> options = new LinkedHashMap<>(section.options());
                            options.put("state", state);
                            resources.put(
                                    new SectionConfig.Section(
                                            section.type(), section.id(), options));
                        });
    }

    /**
     * {@code steal_service}: moves the guest's config to {@code to} (only the master does this, for
     * a fenced node). The guest's process died with the fenced node; what clients see of it now
     * comes from the new node.
     */
    void stealService(String sid, String to) {
        vm(sid).ifPresent(
                        vm -> {
                            vm.markStopped();
                            vm.setReportedRunning(null);
                            vm.moveTo(to);
                        });
    }

    Optional<VmState> vm(String sid) {
        if (!sid.startsWith("vm:")) {
            return Optional.empty();
        }
        try {
            return cluster.vm(Integer.parseInt(sid.substring(3)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** {@code compute_new_uuid}: a fresh 22-character id for each service state change. */
    String newUid(String state) {
        uidCounter++;
        try {
            byte[] md5 =
                    MessageDigest.getInstance("MD5")
                            .digest(
                                    (state + ":" + clock.nowMillis() + ":" + uidCounter)
                                            .getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().withoutPadding().encodeToString(md5);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is part of every JRE", e);
        }
    }

    void afterUnlock(Runnable action) {
        afterUnlock.add(action);
    }

    /**
     * Takes the work queued by {@link #afterUnlock}; call while still holding the lock, run it
     * after.
     */
    List<Runnable> drainAfterUnlock() {
        List<Runnable> drained = new ArrayList<>(afterUnlock);
        afterUnlock.clear();
        return drained;
    }
}
