package io.pveha.testing;

import io.pveha.cluster.ClusterSnapshot;
import io.pveha.pve.model.CephHealth;
import io.pveha.pve.model.CephPoolEntry;
import io.pveha.pve.model.ClusterResource;
import io.pveha.pve.model.ClusterStatusEntry;
import io.pveha.pve.model.HaStatusEntry;
import io.pveha.pve.model.PveVersion;
import io.pveha.pve.model.TaskEntry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds {@link ClusterSnapshot}s for planner tests: a cluster's bulk poll described in a few
 * lines, e.g. {@code Snapshots.at(now).node("pve1").node("pve2", false).vm(100, "pve1",
 * "running").build()}.
 */
public final class Snapshots {
    private final Instant polledAt;
    private final List<ClusterStatusEntry> status = new ArrayList<>();
    private final List<ClusterResource> resources = new ArrayList<>();
    private final List<HaStatusEntry> ha = new ArrayList<>();
    private List<TaskEntry> tasks;
    private List<CephPoolEntry> pools;
    private CephHealth ceph = new CephHealth("HEALTH_OK", List.of(), List.of());
    private long sequence = 1;
    private PveVersion version = new PveVersion("8.4.1", "8.4", "abcdef0123456789");

    private Snapshots(Instant polledAt) {
        this.polledAt = polledAt;
    }

    /** A poll that began at {@code polledAt}. */
    public static Snapshots at(Instant polledAt) {
        return new Snapshots(polledAt);
    }

    public Snapshots sequence(long value) {
        this.sequence = value;
        return this;
    }

    public Snapshots node(String name) {
        return node(name, true);
    }

    public Snapshots node(String name, boolean online) {
        status.add(
                new ClusterStatusEntry(
                        "node",
                        "node/" + name,
                        name,
                        null,
                        null,
                        null,
                        status.size() + 1,
                        "10.0.0." + (status.size() + 1),
                        status.isEmpty(),
                        online,
                        ""));
        resources.add(
                new ClusterResource(
                        "node/" + name,
                        "node",
                        null,
                        name,
                        null,
                        online ? "online" : "offline",
                        null,
                        8,
                        0.05,
                        64L << 30,
                        8L << 30,
                        100L << 30,
                        10L << 30,
                        1000L,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        ""));
        return this;
    }

    /** A VM with no tags, no lock. */
    public Snapshots vm(int vmid, String node, String state) {
        return vm(vmid, node, state, null, null, false);
    }

    public Snapshots vm(
            int vmid, String node, String state, String tags, String lock, boolean template) {
        resources.add(
                new ClusterResource(
                        "qemu/" + vmid,
                        "qemu",
                        vmid,
                        node,
                        "vm-" + vmid,
                        state,
                        template,
                        2,
                        0.0,
                        2L << 30,
                        1L << 30,
                        32L << 30,
                        0L,
                        "running".equals(state) ? 100L : 0L,
                        lock,
                        tags,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null));
        return this;
    }

    /** Any resource as PVE lists it. */
    public Snapshots resource(ClusterResource resource) {
        resources.add(resource);
        return this;
    }

    public Snapshots storage(String node, String storage, String type) {
        resources.add(
                new ClusterResource(
                        "storage/" + node + "/" + storage,
                        "storage",
                        null,
                        node,
                        null,
                        "available",
                        null,
                        null,
                        null,
                        null,
                        null,
                        100L << 30,
                        10L << 30,
                        null,
                        null,
                        null,
                        null,
                        storage,
                        type,
                        true,
                        "images",
                        null,
                        null));
        return this;
    }

    /** An HA service {@code vm:<vmid>} in the CRM state given. */
    public Snapshots haService(int vmid, String node, String crmState, String requestState) {
        ha.add(
                new HaStatusEntry(
                        "service:vm:" + vmid,
                        "service",
                        node,
                        crmState,
                        "vm:" + vmid,
                        crmState,
                        crmState,
                        requestState,
                        null,
                        null,
                        1,
                        1,
                        null,
                        null));
        return this;
    }

    public Snapshots haEntry(HaStatusEntry entry) {
        ha.add(entry);
        return this;
    }

    /** The poll listed tasks (the operator had tasks in flight); add entries with {@link #task}. */
    public Snapshots tasksListed() {
        if (tasks == null) {
            tasks = new ArrayList<>();
        }
        return this;
    }

    /**
     * A task entry; {@code status} null while it runs, else the exit status ("OK", "WARNINGS: 1",
     * an error).
     */
    public Snapshots task(String upid, String status) {
        tasksListed();
        String[] p = upid.split(":");
        tasks.add(
                new TaskEntry(
                        upid,
                        p[1],
                        p[5],
                        p[6],
                        p[7],
                        Long.parseLong(p[4], 16),
                        status == null ? null : Long.parseLong(p[4], 16) + 1,
                        status));
        return this;
    }

    /** The poll listed the cluster's Ceph pools; add entries with {@link #pool}. */
    public Snapshots poolsListed() {
        if (pools == null) {
            pools = new ArrayList<>();
        }
        return this;
    }

    public Snapshots pool(CephPoolEntry entry) {
        poolsListed();
        pools.add(entry);
        return this;
    }

    public Snapshots ceph(String health, String... checks) {
        this.ceph = new CephHealth(health, List.of(checks), List.of());
        return this;
    }

    public Snapshots quorate(boolean quorate) {
        status.add(
                0,
                new ClusterStatusEntry(
                        "cluster",
                        "cluster",
                        "pve",
                        status.size(),
                        quorate,
                        3,
                        null,
                        null,
                        null,
                        null,
                        null));
        return this;
    }

    /** The cluster's name in /cluster/status (its identity, {@link ClusterSnapshot#identity()}). */
    public Snapshots clusterName(String name) {
        status.add(
                0,
                new ClusterStatusEntry(
                        "cluster",
                        "cluster",
                        name,
                        status.size(),
                        true,
                        3,
                        null,
                        null,
                        null,
                        null,
                        null));
        return this;
    }

    /** The version {@code /version} reports, e.g. {@code 9.1.1} (default 8.4.1). */
    public Snapshots version(String value) {
        this.version =
                new PveVersion(
                        value, value.substring(0, value.lastIndexOf('.')), "0123456789abcdef");
        return this;
    }

    public ClusterSnapshot build() {
        return ClusterSnapshot.of(
                sequence,
                polledAt,
                "https://pve1:8006",
                version,
                status,
                resources,
                ha,
                ceph,
                tasks,
                pools);
    }

    /**
     * A UPID as PVE makes them, for {@code node}, {@code type} and {@code id}, started at {@code
     * start} (epoch seconds).
     */
    public static String upid(String node, String type, String id, long start) {
        return upid(node, type, id, start, "root@pam!operator");
    }

    /**
     * A UPID of a task {@code user} started, e.g. {@code root@pam} for what PVE's scheduler runs.
     */
    public static String upid(String node, String type, String id, long start, String user) {
        return String.format(
                "UPID:%s:%08X:%08X:%08X:%s:%s:%s:", node, 4242, 123456, start, type, id, user);
    }
}
