package io.pveha.simulator;

import io.pveha.simulator.model.ClusterState;
import io.pveha.simulator.model.NodeState;
import io.pveha.simulator.model.StoragePool;
import io.pveha.simulator.model.VmState;
import io.pveha.simulator.ops.Qemu;
import io.pveha.simulator.tasks.Task;
import io.pveha.simulator.tasks.TaskEngine;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Read access to the simulated cluster for assertions, and seeding helpers that create guests
 * directly (no HTTP, no task). Returned objects are snapshots.
 */
public final class SimCluster {
    private final ClusterState state;
    private final TaskEngine tasks;
    private final Qemu qemu;

    SimCluster(ClusterState state, TaskEngine tasks, Qemu qemu) {
        this.state = state;
        this.tasks = tasks;
        this.qemu = qemu;
    }

    /** Space on a storage, in bytes. */
    public record StorageUsage(long used, long total) {}

    public String clusterName() {
        return state.clusterName();
    }

    /** The PVE version the oldest node reports, e.g. {@code 9.1.1}. */
    public String pveVersionText() {
        return state.read(() -> state.oldestRelease().version());
    }

    public boolean quorate() {
        return state.read(state::quorate);
    }

    public List<NodeView> nodes() {
        return state.read(() -> state.nodes().stream().map(this::view).toList());
    }

    public NodeView node(String name) {
        return state.read(() -> view(state.requireNode(name)));
    }

    public List<VmView> vms() {
        return state.read(() -> state.vms().stream().map(SimCluster::view).toList());
    }

    public Optional<VmView> vm(int vmid) {
        return state.read(() -> state.vm(vmid).map(SimCluster::view));
    }

    /** Every task, oldest first. */
    public List<TaskView> tasks() {
        return state.read(() -> tasks.allTasks().stream().map(SimCluster::view).toList());
    }

    public Optional<TaskView> task(String upid) {
        return state.read(() -> tasks.find(upid).map(SimCluster::view));
    }

    /** Bytes used and total of a storage on a node (any node for shared storages). */
    public StorageUsage storageUsage(String storage, String node) {
        return state.read(
                () -> {
                    StoragePool pool = state.storages().pool(storage, node);
                    return new StorageUsage(pool.used(), pool.total());
                });
    }

    /**
     * Creates a stopped VM on {@code node} at once. {@code settings} use the API's formats, e.g.
     * {@code name=web1, memory=2048, cores=2, scsi0=local-lvm:32, net0=virtio,bridge=vmbr0}.
     */
    public VmView createVm(String node, int vmid, Map<String, String> settings) {
        return state.write(() -> view(qemu.createNow(node, vmid, settings, false)));
    }

    /** Creates a running VM at once. */
    public VmView createRunningVm(String node, int vmid, Map<String, String> settings) {
        return state.write(() -> view(qemu.createNow(node, vmid, settings, true)));
    }

    /** Creates a template (disks as base volumes) at once. */
    public VmView createTemplate(String node, int vmid, Map<String, String> settings) {
        Map<String, String> withTemplate = new LinkedHashMap<>(settings);
        withTemplate.put("template", "1");
        return state.write(() -> view(qemu.createNow(node, vmid, withTemplate, false)));
    }

    private NodeView view(NodeState node) {
        return new NodeView(
                node.name(),
                node.power().name().toLowerCase(Locale.ROOT),
                node.networkUp(),
                node.online(),
                node.cpus(),
                node.memoryTotal(),
                state.memoryUsed(node.name()));
    }

    private static VmView view(VmState vm) {
        return new VmView(
                vm.vmid(),
                vm.node(),
                vm.name(),
                vm.running() ? "running" : "stopped",
                vm.isTemplate(),
                vm.lock(),
                Map.copyOf(vm.config()),
                Map.copyOf(vm.pending()));
    }

    private static TaskView view(Task task) {
        return new TaskView(
                task.upidText(),
                task.upid().node(),
                task.upid().type(),
                task.upid().id(),
                task.upid().user(),
                task.running(),
                task.exitStatus(),
                task.log());
    }
}
