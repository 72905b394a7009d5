package io.pveha.cluster;

import io.pveha.pve.model.CephHealth;
import io.pveha.pve.model.CephPoolEntry;
import io.pveha.pve.model.ClusterResource;
import io.pveha.pve.model.ClusterStatusEntry;
import io.pveha.pve.model.HaStatusEntry;
import io.pveha.pve.model.PveVersion;
import io.pveha.pve.model.TaskEntry;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Everything one bulk poll learned about a cluster. Immutable; every reconciler of the cluster
 * reads the same snapshot, so the number of PVE calls does not grow with the number of VMs.
 */
public record ClusterSnapshot(
        long sequence,
        Instant polledAt,
        String endpoint,
        PveVersion version,
        List<ClusterStatusEntry> status,
        List<ClusterResource> resources,
        List<HaStatusEntry> ha,
        CephHealth ceph,
        Map<Integer, ClusterResource> vmsById,
        Map<Integer, HaStatusEntry> haByVmid,
        Map<String, TaskEntry> tasksByUpid,
        boolean tasksPolled,
        List<CephPoolEntry> cephPools) {

    public static ClusterSnapshot of(
            long sequence,
            Instant polledAt,
            String endpoint,
            PveVersion version,
            List<ClusterStatusEntry> status,
            List<ClusterResource> resources,
            List<HaStatusEntry> ha,
            CephHealth ceph) {
        return of(sequence, polledAt, endpoint, version, status, resources, ha, ceph, List.of());
    }

    /**
     * With the recent tasks ({@code /cluster/tasks}), polled while the operator has tasks in
     * flight; null: not polled.
     */
    public static ClusterSnapshot of(
            long sequence,
            Instant polledAt,
            String endpoint,
            PveVersion version,
            List<ClusterStatusEntry> status,
            List<ClusterResource> resources,
            List<HaStatusEntry> ha,
            CephHealth ceph,
            List<TaskEntry> tasks) {
        return of(sequence, polledAt, endpoint, version, status, resources, ha, ceph, tasks, null);
    }

    /**
     * With the Ceph pools, polled (one call) while at least one CephPool refers to the cluster;
     * null when not polled.
     */
    public static ClusterSnapshot of(
            long sequence,
            Instant polledAt,
            String endpoint,
            PveVersion version,
            List<ClusterStatusEntry> status,
            List<ClusterResource> resources,
            List<HaStatusEntry> ha,
            CephHealth ceph,
            List<TaskEntry> tasks,
            List<CephPoolEntry> cephPools) {
        Map<Integer, ClusterResource> vms =
                resources.stream()
                        .filter(r -> r.isQemu() && r.vmid() != null)
                        .collect(
                                Collectors.toUnmodifiableMap(
                                        ClusterResource::vmid, Function.identity(), (a, b) -> a));
        Map<Integer, HaStatusEntry> services =
                ha.stream()
                        .filter(e -> e.isService() && e.vmid() != null)
                        .collect(
                                Collectors.toUnmodifiableMap(
                                        HaStatusEntry::vmid, Function.identity(), (a, b) -> a));
        Map<String, TaskEntry> byUpid =
                tasks == null
                        ? Map.of()
                        : tasks.stream()
                                .filter(t -> t.upid() != null)
                                .collect(
                                        Collectors.toUnmodifiableMap(
                                                TaskEntry::upid, Function.identity(), (a, b) -> a));
        return new ClusterSnapshot(
                sequence,
                polledAt,
                endpoint,
                version,
                List.copyOf(status),
                List.copyOf(resources),
                List.copyOf(ha),
                ceph,
                vms,
                services,
                byUpid,
                tasks != null,
                cephPools == null ? null : List.copyOf(cephPools));
    }

    /**
     * A Ceph pool by name, from the last poll of the pools (empty also when pools were not polled).
     */
    public Optional<CephPoolEntry> cephPool(String name) {
        return cephPools == null
                ? Optional.empty()
                : cephPools.stream().filter(p -> name.equals(p.poolName())).findFirst();
    }

    public Optional<ClusterStatusEntry> cluster() {
        return status.stream().filter(ClusterStatusEntry::isCluster).findFirst();
    }

    /**
     * Which PVE cluster this is: its name in /cluster/status, or {@code node:<name>} for a single
     * node without a cluster. A VM's VMID means something only together with this.
     */
    public String identity() {
        return cluster()
                .map(ClusterStatusEntry::name)
                .filter(n -> n != null && !n.isBlank())
                .orElseGet(
                        () ->
                                "node:"
                                        + nodeMembers().stream()
                                                .map(ClusterStatusEntry::name)
                                                .findFirst()
                                                .orElse("?"));
    }

    /**
     * Quorate as /cluster/status says; a single node without a cluster is quorate by definition.
     */
    public boolean quorate() {
        return cluster().map(c -> Boolean.TRUE.equals(c.quorate())).orElse(true);
    }

    public List<ClusterStatusEntry> nodeMembers() {
        return status.stream().filter(ClusterStatusEntry::isNode).toList();
    }

    public List<ClusterResource> nodes() {
        return resources.stream().filter(ClusterResource::isNode).toList();
    }

    public List<ClusterResource> storages() {
        return resources.stream().filter(ClusterResource::isStorage).toList();
    }

    public Optional<ClusterResource> vm(int vmid) {
        return Optional.ofNullable(vmsById.get(vmid));
    }

    /**
     * A task as the poll listed it (tasks are polled only while the operator has tasks in flight:
     * see {@link #tasksPolled}).
     */
    public Optional<TaskEntry> task(String upid) {
        return Optional.ofNullable(tasksByUpid.get(upid));
    }

    public Optional<HaStatusEntry> haService(int vmid) {
        return Optional.ofNullable(haByVmid.get(vmid));
    }

    public Optional<HaStatusEntry> haMaster() {
        return ha.stream().filter(HaStatusEntry::isMaster).findFirst();
    }

    /**
     * HA node states from the LRM entries, e.g. pve1 → active; the CRM's node view needs
     * manager_status.
     */
    public Map<String, String> lrmStates() {
        return Collections.unmodifiableMap(
                ha.stream()
                        .filter(HaStatusEntry::isLrm)
                        .collect(
                                Collectors.toMap(
                                        HaStatusEntry::node,
                                        e -> lrmState(e.status()),
                                        (a, b) -> a)));
    }

    public boolean nodeOnline(String node) {
        return nodeMembers().stream()
                .anyMatch(n -> node.equals(n.name()) && Boolean.TRUE.equals(n.online()));
    }

    /** "pve1 (active, Mon Nov 23 ...)" → "active". */
    private static String lrmState(String status) {
        if (status == null) {
            return "unknown";
        }
        int open = status.indexOf('(');
        int comma = status.indexOf(',', open);
        int close = status.indexOf(')', open);
        int end = comma > 0 ? comma : close;
        return open >= 0 && end > open ? status.substring(open + 1, end).trim() : status;
    }
}
