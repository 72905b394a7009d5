package io.pveha.simulator.model;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Everything the cluster file system and the nodes know: members, guests, storages. One read/write
 * lock guards it all; API reads take the read lock, changes and task steps the write lock. A single
 * lock keeps every answer consistent (a VM is never on two nodes) and is cheap at the sizes
 * simulated here.
 */
public final class ClusterState {
    /** How long pmxcfs keeps status data of a node that stopped sending it (rrd_entry_is_old). */
    public static final long STATUS_STALE_AFTER_MILLIS = 5 * 60 * 1000L;

    private final VersionedLock lock = new VersionedLock();
    private final String clusterName;
    private final Map<String, NodeState> nodes = new LinkedHashMap<>();
    private final TreeMap<Integer, VmState> vms = new TreeMap<>();
    private final Storages storages;

    public ClusterState(
            String clusterName,
            List<NodeState> members,
            List<StorageDefinition> storageDefinitions) {
        this(clusterName, members, storageDefinitions, new NfsServer());
    }

    /** With the NFS servers its NFS storages mount (shared with other simulators, or not). */
    public ClusterState(
            String clusterName,
            List<NodeState> members,
            List<StorageDefinition> storageDefinitions,
            NfsServer nfs) {
        this.clusterName = clusterName;
        members.forEach(n -> nodes.put(n.name(), n));
        this.storages = new Storages(storageDefinitions, members, nfs);
    }

    public VersionedLock lock() {
        return lock;
    }

    public <T> T read(Supplier<T> action) {
        lock.readLock().lock();
        try {
            return action.get();
        } finally {
            lock.readLock().unlock();
        }
    }

    public <T> T write(Supplier<T> action) {
        lock.writeLock().lock();
        try {
            return action.get();
        } finally {
            lock.writeLock().unlock();
        }
    }

    public void write(Runnable action) {
        lock.writeLock().lock();
        try {
            action.run();
        } finally {
            lock.writeLock().unlock();
        }
    }

    public String clusterName() {
        return clusterName;
    }

    public Collection<NodeState> nodes() {
        return nodes.values();
    }

    public Optional<NodeState> node(String name) {
        return Optional.ofNullable(nodes.get(name));
    }

    public NodeState requireNode(String name) {
        NodeState node = nodes.get(name);
        if (node == null) {
            throw new IllegalArgumentException("no such node: " + name);
        }
        return node;
    }

    public Storages storages() {
        return storages;
    }

    /** Guests by VMID, in VMID order. */
    public Collection<VmState> vms() {
        return vms.values();
    }

    public Optional<VmState> vm(int vmid) {
        return Optional.ofNullable(vms.get(vmid));
    }

    public List<VmState> vmsOn(String node) {
        List<VmState> result = new ArrayList<>();
        for (VmState vm : vms.values()) {
            if (vm.node().equals(node)) {
                result.add(vm);
            }
        }
        return result;
    }

    public void addVm(VmState vm) {
        if (vms.putIfAbsent(vm.vmid(), vm) != null) {
            throw new IllegalStateException("VMID " + vm.vmid() + " is taken");
        }
    }

    public void removeVm(int vmid) {
        vms.remove(vmid);
    }

    /** Corosync quorum: more than half of all members are online. */
    /** The oldest release any member runs (a cluster mid-upgrade speaks both dialects). */
    public PveRelease oldestRelease() {
        return nodes.values().stream()
                .map(NodeState::release)
                .min(java.util.Comparator.naturalOrder())
                .orElse(PveRelease.PVE9);
    }

    /** The release of the node that answers a request. */
    public PveRelease releaseOf(String node) {
        return node(node).map(NodeState::release).orElse(oldestRelease());
    }

    public boolean quorate() {
        long online = nodes.values().stream().filter(NodeState::online).count();
        return online * 2 > nodes.size();
    }

    /**
     * What a node carries: host memory in use (the host itself plus running guests) and running
     * guests.
     */
    public record NodeLoad(long memoryUsed, int runningGuests) {}

    /** The load of every node, in one pass over the guests. */
    public Map<String, NodeLoad> nodeLoads() {
        Map<String, long[]> sums = new LinkedHashMap<>();
        nodes.keySet().forEach(name -> sums.put(name, new long[] {NodeState.HOST_MEMORY_USED, 0}));
        for (VmState vm : vms.values()) {
            long[] sum = sums.get(vm.node());
            if (vm.running() && sum != null) {
                sum[0] += vm.memoryBytes();
                sum[1]++;
            }
        }
        Map<String, NodeLoad> loads = new LinkedHashMap<>();
        sums.forEach((name, sum) -> loads.put(name, new NodeLoad(sum[0], (int) sum[1])));
        return loads;
    }

    /** Host memory in use on {@code node}: the host itself plus every running guest. */
    public long memoryUsed(String node) {
        return nodeLoads().get(node).memoryUsed();
    }

    /** Whether status data about {@code node} is too old for pmxcfs to report it. */
    public boolean statusStale(NodeState node, long nowMillis) {
        return !node.online() && nowMillis - node.offlineSinceMillis() > STATUS_STALE_AFTER_MILLIS;
    }

    /**
     * Cuts the power: guests die at once, but the cluster keeps reporting their last state for a
     * while.
     */
    public void powerOff(String name, long nowMillis) {
        NodeState node = requireNode(name);
        freezeReportedState(node);
        for (VmState vm : vmsOn(name)) {
            vm.markStopped();
        }
        node.setPower(NodeState.Power.OFF, nowMillis);
    }

    /** Power returns: the node boots; it is online once {@link #bootFinished} is called. */
    public void powerOn(String name, long nowMillis) {
        NodeState node = requireNode(name);
        if (node.power() == NodeState.Power.OFF) {
            node.setPower(NodeState.Power.BOOTING, nowMillis);
        }
    }

    public void bootFinished(String name, long nowMillis) {
        NodeState node = requireNode(name);
        if (node.power() == NodeState.Power.BOOTING) {
            node.setPower(NodeState.Power.ON, nowMillis);
            thawReportedState(node);
        }
    }

    /** The node's network is cut: its guests keep running, but nobody hears from them. */
    public void networkOff(String name, long nowMillis) {
        NodeState node = requireNode(name);
        freezeReportedState(node);
        node.setNetworkUp(false, nowMillis);
    }

    public void networkOn(String name, long nowMillis) {
        NodeState node = requireNode(name);
        node.setNetworkUp(true, nowMillis);
        if (node.online()) {
            thawReportedState(node);
        }
    }

    /** Captures the state for saving; call under the read lock. */
    public ClusterSnapshot snapshot() {
        List<ClusterSnapshot.NodeRecord> nodeRecords = new ArrayList<>();
        for (NodeState n : nodes.values()) {
            nodeRecords.add(
                    new ClusterSnapshot.NodeRecord(
                            n.name(),
                            n.power().name(),
                            n.networkUp(),
                            n.bootedAtMillis(),
                            n.offlineSinceMillis(),
                            n.release().major()));
        }
        List<ClusterSnapshot.VmRecord> vmRecords = new ArrayList<>();
        for (VmState vm : vms.values()) {
            vmRecords.add(
                    new ClusterSnapshot.VmRecord(
                            vm.vmid(),
                            vm.node(),
                            new TreeMap<>(vm.config()),
                            new TreeMap<>(vm.pending()),
                            new ArrayList<>(vm.pendingDelete()),
                            vm.running(),
                            vm.startedAtMillis(),
                            vm.pid(),
                            vm.reportedRunning().orElse(null)));
        }
        List<ClusterSnapshot.VolumeRecord> volumes = new ArrayList<>();
        List<ClusterSnapshot.FillerRecord> fillers = new ArrayList<>();
        for (StoragePool pool : storages.pools()) {
            if (storages.addedAtRuntime(pool.definition().id())) {
                // Not in the state file (the definition is not saved): a reload must not meet
                // unknown storages.
                continue;
            }
            for (Volume volume : pool.volumes()) {
                volumes.add(
                        new ClusterSnapshot.VolumeRecord(
                                pool.definition().id(), pool.node(), volume));
            }
            if (pool.filler() > 0) {
                fillers.add(
                        new ClusterSnapshot.FillerRecord(
                                pool.definition().id(), pool.node(), pool.filler()));
            }
        }
        return new ClusterSnapshot(nodeRecords, vmRecords, volumes, fillers);
    }

    /** Replaces guests, volumes and node states with saved ones; call under the write lock. */
    public void restore(ClusterSnapshot snapshot) {
        for (ClusterSnapshot.NodeRecord record : snapshot.nodes()) {
            NodeState node = nodes.get(record.name());
            if (node != null) {
                node.restore(
                        NodeState.Power.valueOf(record.power()),
                        record.networkUp(),
                        record.bootedAt(),
                        record.offlineSince());
                node.setRelease(
                        PveRelease.ofMajor(record.pveMajor() == null ? 8 : record.pveMajor()));
            }
        }
        for (StoragePool pool : storages.pools()) {
            new ArrayList<>(pool.volumes()).forEach(v -> pool.remove(v.volname()));
        }
        for (ClusterSnapshot.VolumeRecord record : snapshot.volumes()) {
            storages.pool(record.storage(), record.node()).put(record.volume());
        }
        for (ClusterSnapshot.FillerRecord record : snapshot.fillers()) {
            storages.pool(record.storage(), record.node()).restoreFiller(record.bytes());
        }
        vms.clear();
        for (ClusterSnapshot.VmRecord record : snapshot.vms()) {
            VmState vm = new VmState(record.vmid(), record.node());
            vm.config().putAll(record.config());
            vm.pending().putAll(record.pending());
            vm.pendingDelete().addAll(record.pendingDelete());
            if (record.running()) {
                vm.markRunning(record.startedAt(), record.pid());
            }
            vm.setReportedRunning(record.reportedRunning());
            vms.put(vm.vmid(), vm);
        }
    }

    private void freezeReportedState(NodeState node) {
        if (!node.online()) {
            return;
        }
        for (VmState vm : vmsOn(node.name())) {
            vm.setReportedRunning(vm.running());
        }
    }

    private void thawReportedState(NodeState node) {
        for (VmState vm : vmsOn(node.name())) {
            vm.setReportedRunning(null);
        }
    }
}
