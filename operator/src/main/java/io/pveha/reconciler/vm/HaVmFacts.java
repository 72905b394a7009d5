package io.pveha.reconciler.vm;

import io.pveha.api.backup.BackupPolicy;
import io.pveha.api.cluster.ProxmoxCluster;
import io.pveha.api.cluster.ProxmoxClusterSpec;
import io.pveha.api.vm.HaVm;
import io.pveha.pve.model.ClusterResource;
import io.pveha.pve.model.HaGroup;
import io.pveha.pve.model.HaStatusEntry;
import io.pveha.pve.model.VmConfig;
import io.pveha.reconciler.ClusterView;
import io.pveha.reconciler.task.TaskLedger;
import java.util.List;
import java.util.Optional;

/**
 * What the observer found for one HaVm: everything its planner decides from.
 *
 * @param cluster the cluster and its latest poll
 * @param vmid the VMID in status, else the one the spec declares; null before one is allocated
 * @param vm the VM as the poll lists it
 * @param ha the VM's HA service as the poll lists it
 * @param config the VM's configuration, read this pass only when a plan needs it ({@link
 *     HaVmPlanner#configDue})
 * @param pending keys PVE applies at the next restart, read with the configuration of a running VM
 * @param task what became of the pending task
 * @param stale the poll began before the operator's own last change to this VM
 * @param source the clone source HaVm or the BackupPolicy to restore from, from the informer caches
 * @param secrets the cloud-init Secrets, from the informer cache
 * @param addresses the guest agent's answer, asked this pass only when due ({@link
 *     HaVmPlanner#addressesDue})
 * @param haGroups PVE's HA groups, read only when the VM's preferred-node group may need a change
 * @param memory what the operator remembers of earlier passes (only saves calls)
 * @param placement the cluster's placement policies and the other HaVms of the cluster, from the
 *     informer caches
 */
record HaVmFacts(
        ClusterView cluster,
        Integer vmid,
        Optional<ClusterResource> vm,
        Optional<HaStatusEntry> ha,
        Optional<VmConfig> config,
        Optional<List<String>> pending,
        Optional<TaskLedger.TaskFact> task,
        boolean stale,
        Sources source,
        CloudInitSecrets.Read secrets,
        Optional<Addresses> addresses,
        Optional<List<HaGroup>> haGroups,
        VmMemory memory,
        Placement placement) {

    HaVmFacts(
            ClusterView cluster,
            Integer vmid,
            Optional<ClusterResource> vm,
            Optional<HaStatusEntry> ha,
            Optional<VmConfig> config,
            Optional<List<String>> pending,
            Optional<TaskLedger.TaskFact> task,
            boolean stale,
            Sources source,
            CloudInitSecrets.Read secrets,
            Optional<Addresses> addresses,
            Optional<List<HaGroup>> haGroups,
            VmMemory memory) {
        this(
                cluster,
                vmid,
                vm,
                ha,
                config,
                pending,
                task,
                stale,
                source,
                secrets,
                addresses,
                haGroups,
                memory,
                Placement.NONE);
    }

    /**
     * What placement needs beyond the poll: the ProxmoxCluster's spec (its placement policies), if
     * the cache has it, and the other HaVms of the same cluster (partners to keep apart or
     * together); for disaster recovery also the cluster's BackupPolicies (the backups they list are
     * what a HaVm is rebuilt from, and the order and restore slots come from the neighbours).
     */
    record Placement(
            Optional<ProxmoxCluster> cluster, List<HaVm> neighbours, List<BackupPolicy> policies) {
        static final Placement NONE = new Placement(Optional.empty(), List.of(), List.of());

        Placement(Optional<ProxmoxCluster> cluster, List<HaVm> neighbours) {
            this(cluster, neighbours, List.of());
        }

        Optional<ProxmoxClusterSpec> clusterSpec() {
            return cluster.map(ProxmoxCluster::getSpec);
        }

        /** The groups or rules the ProxmoxCluster reported keeping, empty before it did. */
        List<String> renderedObjects() {
            return cluster.map(
                            c ->
                                    c.getStatus() == null
                                            ? List.<String>of()
                                            : c.getStatus().getPlacementObjects())
                    .orElse(List.of());
        }
    }

    HaVmFacts withPlacement(Placement newPlacement) {
        return new HaVmFacts(
                cluster,
                vmid,
                vm,
                ha,
                config,
                pending,
                task,
                stale,
                source,
                secrets,
                addresses,
                haGroups,
                memory,
                newPlacement);
    }

    /**
     * The HaVm a clone is made from (by reference) and the BackupPolicy a restore takes its backup
     * from.
     */
    record Sources(Optional<HaVm> templateHaVm, Optional<BackupPolicy> backupPolicy) {
        static final Sources NONE = new Sources(Optional.empty(), Optional.empty());
    }

    /**
     * The guest agent's addresses, or that it did not answer; {@code boot} identifies the boot they
     * belong to.
     */
    record Addresses(List<String> ips, boolean failed, String boot) {}

    /** Facts of a cluster nothing can be planned on (not connected, unreachable). */
    static HaVmFacts clusterOnly(ClusterView cluster, Integer vmid, VmMemory memory) {
        return new HaVmFacts(
                cluster,
                vmid,
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                false,
                Sources.NONE,
                CloudInitSecrets.Read.NONE,
                Optional.empty(),
                Optional.empty(),
                memory);
    }
}
