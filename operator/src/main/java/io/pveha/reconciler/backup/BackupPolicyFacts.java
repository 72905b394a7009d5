package io.pveha.reconciler.backup;

import io.pveha.reconciler.ClusterView;
import io.pveha.reconciler.task.TaskLedger.TaskFact;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the observer found for one BackupPolicy: everything the planner decides from. The facts that
 * cost calls ({@code jobs}, {@code backups}, {@code scratch}, {@code summaries}) are read only when
 * a plan asks for them ({@link BackupPolicyPlanner.Needs}); empty means "not read in this pass",
 * not "none".
 *
 * @param cluster the cluster and its latest poll (tasks are listed in it while the policy has a run
 *     or drill in flight)
 * @param stale the poll began before the operator's own last change for this policy
 * @param tokenUser the operator's API token: tasks it started are ours, vzdump tasks of anyone else
 *     are PVE's job runs
 * @param pollInterval how often the cluster is polled: a steady policy is looked at as often
 * @param selection the VMs the selection resolves to now
 * @param claimedVmids VMIDs the cluster's HaVms hold in spec or status (a drill's scratch VMID is
 *     never one of them)
 * @param runTasks the on-demand run's tasks as the ledger sees them, in the order of {@code
 *     pendingRun.tasks}
 * @param drillTask the task of the drilled VM's current phase, as the ledger sees it
 * @param summaries what finished vzdump tasks' logs say, by UPID
 * @param jobs the job list ({@code GET /cluster/backup}): the policy's job in it, if PVE has one
 * @param backups the storage's backup list ({@code GET .../content?content=backup})
 * @param scratch the drilled VM's scratch VM config ({@code GET .../config}); empty inside when it
 *     does not exist
 */
record BackupPolicyFacts(
        ClusterView cluster,
        boolean stale,
        String tokenUser,
        Duration pollInterval,
        Selection selection,
        Set<Integer> claimedVmids,
        List<TaskFact> runTasks,
        Optional<TaskFact> drillTask,
        Map<String, VzdumpSummary> summaries,
        Optional<JobRead> jobs,
        Optional<BackupsRead> backups,
        Optional<ScratchRead> scratch) {

    /**
     * The VMIDs the policy selects now, the HaVm name of each HaVm VM (for status), whether it is
     * "all", and the HaVm of each VM name of the cluster's HaVms (the name backups' notes carry).
     */
    record Selection(
            Set<Integer> vmids,
            Map<Integer, String> haVmNames,
            boolean all,
            Map<String, String> byVmName) {
        Selection(Set<Integer> vmids, Map<Integer, String> haVmNames, boolean all) {
            this(vmids, haVmNames, all, Map.of());
        }

        boolean nothing() {
            return !all && vmids.isEmpty();
        }

        boolean covers(int vmid) {
            return all || vmids.contains(vmid);
        }
    }

    /** The job list was read: the policy's own job in it, if any. */
    record JobRead(Optional<ObservedJob> job) {}

    /**
     * The managed options of the policy's job as PVE lists them, and its next run (PVE's clock).
     */
    record ObservedJob(Map<String, String> options, Optional<Instant> nextRun) {}

    /** The storage's backups, or why they could not be listed. */
    record BackupsRead(List<StoredBackup> backups, Optional<String> unavailable) {}

    /** One backup volume of the storage, with the first line of its notes. */
    record StoredBackup(
            int vmid, String volid, long ctime, long sizeBytes, boolean protect, String notes) {
        StoredBackup(int vmid, String volid, long ctime, long sizeBytes, boolean protect) {
            this(vmid, volid, ctime, sizeBytes, protect, null);
        }
    }

    /** The config of scratch VM {@code vmid}; empty when the VM does not exist. */
    record ScratchRead(int vmid, Optional<Map<String, String>> config) {}

    BackupPolicyFacts withJobs(JobRead read) {
        return new BackupPolicyFacts(
                cluster,
                stale,
                tokenUser,
                pollInterval,
                selection,
                claimedVmids,
                runTasks,
                drillTask,
                summaries,
                Optional.of(read),
                backups,
                scratch);
    }

    BackupPolicyFacts withBackups(BackupsRead read) {
        return new BackupPolicyFacts(
                cluster,
                stale,
                tokenUser,
                pollInterval,
                selection,
                claimedVmids,
                runTasks,
                drillTask,
                summaries,
                jobs,
                Optional.of(read),
                scratch);
    }

    BackupPolicyFacts withScratch(ScratchRead read) {
        return new BackupPolicyFacts(
                cluster,
                stale,
                tokenUser,
                pollInterval,
                selection,
                claimedVmids,
                runTasks,
                drillTask,
                summaries,
                jobs,
                backups,
                Optional.of(read));
    }

    BackupPolicyFacts withSummaries(Map<String, VzdumpSummary> more) {
        Map<String, VzdumpSummary> all = new HashMap<>(summaries);
        all.putAll(more);
        return new BackupPolicyFacts(
                cluster,
                stale,
                tokenUser,
                pollInterval,
                selection,
                claimedVmids,
                runTasks,
                drillTask,
                Map.copyOf(all),
                jobs,
                backups,
                scratch);
    }
}
