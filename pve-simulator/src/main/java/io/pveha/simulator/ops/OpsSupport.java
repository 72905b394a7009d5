package io.pveha.simulator.ops;

import io.pveha.simulator.clock.SimClock;
import io.pveha.simulator.model.ClusterState;
import io.pveha.simulator.model.NodeState;
import io.pveha.simulator.model.PveException;
import io.pveha.simulator.model.StorageType;
import io.pveha.simulator.model.VmState;
import io.pveha.simulator.tasks.Task;
import io.pveha.simulator.tasks.TaskDurations;
import io.pveha.simulator.tasks.TaskEngine;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What every guest operation needs: state, tasks, clock, durations, hooks, and PVE's common checks.
 */
public final class OpsSupport {
    /** QEMU version of PVE 8.4, reported in {@code meta} and {@code running-qemu}. */
    public static final String QEMU_VERSION = "9.2.0";

    public static final String MACHINE = "pc-i440fx-9.2+pve1";

    /**
     * Proxmox's OUI; PVE 8.1+ generates MACs with it (datacenter.cfg {@code mac_prefix} default).
     */
    private static final String MAC_PREFIX = "BC:24:11";

    private static final DateTimeFormatter LOG_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT)
                    .withZone(ZoneId.systemDefault());

    private final ClusterState cluster;
    private final TaskEngine tasks;
    private final SimClock clock;
    private final AtomicReference<TaskDurations> durations;
    private final List<GuestHooks> hooks = new CopyOnWriteArrayList<>();

    public OpsSupport(
            ClusterState cluster,
            TaskEngine tasks,
            SimClock clock,
            AtomicReference<TaskDurations> durations) {
        this.cluster = cluster;
        this.tasks = tasks;
        this.clock = clock;
        this.durations = durations;
    }

    public ClusterState cluster() {
        return cluster;
    }

    public TaskEngine tasks() {
        return tasks;
    }

    public SimClock clock() {
        return clock;
    }

    public TaskDurations durations() {
        return durations.get();
    }

    public void addHooks(GuestHooks hook) {
        hooks.add(hook);
    }

    public List<GuestHooks> hooks() {
        return hooks;
    }

    /** The first hook that takes over {@code action}, if any. */
    Optional<Task> intercept(
            GuestHooks.Action action, VmState vm, Map<String, String> params, Caller caller) {
        for (GuestHooks hook : hooks) {
            Optional<Task> task = hook.intercept(action, vm, params, caller);
            if (task.isPresent()) {
                return task;
            }
        }
        return Optional.empty();
    }

    public long nowEpoch() {
        return clock.nowEpochSeconds();
    }

    /** {@code PVE::QemuConfig->load_config}: the config must live on the executing node. */
    public VmState loadConfig(int vmid, String node) {
        return cluster.vm(vmid)
                .filter(vm -> vm.node().equals(node))
                .orElseThrow(
                        () ->
                                PveException.internal(
                                        "Configuration file 'nodes/"
                                                + node
                                                + "/qemu-server/"
                                                + vmid
                                                + ".conf' does not exist"));
    }

    /** {@code assert_config_exists_on_node}, used by {@code check_running}. */
    VmState assertConfigOnNode(int vmid, String node) {
        return cluster.vm(vmid)
                .filter(vm -> vm.node().equals(node))
                .orElseThrow(
                        () ->
                                PveException.internal(
                                        "unable to find configuration file for VM "
                                                + vmid
                                                + " on node '"
                                                + node
                                                + "'"));
    }

    /** {@code PVE::AbstractConfig::check_lock}. */
    public static void checkLock(VmState vm) {
        vm.lock()
                .ifPresent(
                        lock -> {
                            throw PveException.internal("VM is locked (" + lock + ")");
                        });
    }

    /** {@code PVE::Cluster::check_cfs_quorum}: writes need a quorate cluster. */
    public void checkQuorum() {
        if (!cluster.quorate()) {
            throw PveException.internal("cluster not ready - no quorum?");
        }
    }

    /** {@code PVE::Cluster::check_node_exists}. */
    void checkNodeExists(String node) {
        if (cluster.node(node).isEmpty()) {
            throw PveException.internal("no such cluster node '" + node + "'");
        }
    }

    public static String newMac() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return String.format(
                Locale.ROOT,
                "%s:%02X:%02X:%02X",
                MAC_PREFIX,
                random.nextInt(256),
                random.nextInt(256),
                random.nextInt(256));
    }

    public static String newUuid() {
        return UUID.randomUUID().toString();
    }

    /** A line in the style of PVE's migration log ({@code 2024-01-15 10:00:00 text}). */
    String timestamped(String text) {
        return LOG_TIME.format(Instant.ofEpochMilli(clock.nowMillis())) + " " + text;
    }

    /** A PID for a new QEMU process on {@code node}. */
    long newPid() {
        return ThreadLocalRandom.current().nextLong(1_000, 4_000_000);
    }

    /** LVM prints this when it creates a volume; it shows up in PVE task logs. */
    static Optional<String> allocationLogLine(StorageType type, String volid) {
        if (type != StorageType.LVMTHIN) {
            return Optional.empty();
        }
        String volname = volid.substring(volid.indexOf(':') + 1);
        return Optional.of("  Logical volume \"" + volname + "\" created.");
    }

    static Optional<String> removalLogLine(StorageType type, String volid) {
        if (type != StorageType.LVMTHIN) {
            return Optional.empty();
        }
        String volname = volid.substring(volid.indexOf(':') + 1);
        return Optional.of("  Logical volume \"" + volname + "\" successfully removed.");
    }

    /** Free host memory on {@code node}, as the kernel would have it for a new QEMU process. */
    long freeMemory(NodeState node) {
        return node.memoryTotal() - cluster.memoryUsed(node.name());
    }

    /** The message QEMU/KVM prints when the host cannot back the guest's RAM. */
    static String kvmOutOfMemoryLine() {
        return "kvm: cannot set up guest memory 'pc.ram': Cannot allocate memory";
    }
}
