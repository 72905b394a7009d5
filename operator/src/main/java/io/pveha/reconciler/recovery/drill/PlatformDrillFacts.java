package io.pveha.reconciler.recovery.drill;

import io.pveha.api.backup.BackupPolicy;
import io.pveha.api.cluster.ProxmoxCluster;
import io.pveha.api.vm.HaVm;
import io.pveha.cluster.ClusterSnapshot;
import io.pveha.reconciler.task.TaskLedger.TaskFact;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the drill's planner decides from, all read before it runs (no call of its own).
 *
 * @param cluster the ProxmoxCluster (spec, UID, annotations)
 * @param standby the standby's latest successful poll, or null when there is none fresh (not
 *     declared, unreachable, settings that do not resolve)
 * @param standbyProblem why there is no poll, for messages
 * @param stale the poll predates the operator's own last drill call: nothing is decided from it
 * @param haVms the HaVms of the cluster
 * @param policies its BackupPolicies (their status lists the backups, tied to HaVms)
 * @param tasks what became of each drilled VM's pending task, by its index in {@code
 *     status.disasterRecovery.drill.vms}
 * @param configs scratch VMs' configs read in this pass, by VMID (empty: the VM does not exist)
 * @param tasksPerNode the operator's task slots per standby node (0: no limit): a pass plans no
 *     more tasks on a node than are free, and reads no config for a step that could not start
 */
public record PlatformDrillFacts(
        ProxmoxCluster cluster,
        ClusterSnapshot standby,
        String standbyProblem,
        boolean stale,
        List<HaVm> haVms,
        List<BackupPolicy> policies,
        Map<Integer, TaskFact> tasks,
        Map<Integer, Optional<Map<String, String>>> configs,
        int tasksPerNode) {

    /** The same facts with scratch VMs' configs read. */
    public PlatformDrillFacts withConfigs(Map<Integer, Optional<Map<String, String>>> read) {
        return new PlatformDrillFacts(
                cluster,
                standby,
                standbyProblem,
                stale,
                haVms,
                policies,
                tasks,
                read,
                tasksPerNode);
    }
}
