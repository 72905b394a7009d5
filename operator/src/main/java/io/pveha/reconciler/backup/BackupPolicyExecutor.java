package io.pveha.reconciler.backup;

import io.pveha.api.PendingTask;
import io.pveha.api.backup.BackupPolicy;
import io.pveha.api.backup.BackupPolicyStatus;
import io.pveha.api.backup.BackupPolicyStatus.DrillVm;
import io.pveha.api.backup.BackupPolicyStatus.Run;
import io.pveha.cluster.ClusterConnection;
import io.pveha.pve.PveApiException;
import io.pveha.pve.PveBackupApi;
import io.pveha.pve.PveErrorKind;
import io.pveha.pve.Upid;
import io.pveha.reconciler.Redactor;
import io.pveha.reconciler.backup.BackupPolicyPlanner.Action;
import io.pveha.reconciler.backup.BackupPolicyPlanner.DrillTask;
import io.pveha.reconciler.backup.BackupPolicyPlanner.RunPart;
import io.pveha.reconciler.backup.BackupPolicyPlanner.Step;
import io.pveha.reconciler.task.TaskLedger;
import io.pveha.reconciler.vm.VmidAllocator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out a BackupPolicy plan's action. PVE tasks (a run's vzdumps, the drill's restore,
 * config, start, stop, destroy) go through the {@link TaskLedger}: recorded in the status being
 * built and written before PVE is called. Synchronous calls (storage, job) are made and then noted
 * with {@link TaskLedger#acted}, so the next pass waits for a poll that shows their effect. A call
 * PVE refused is recorded in the same status (as the status builder words it) before the next
 * part's record is written.
 */
final class BackupPolicyExecutor {
    private static final Logger LOG = LoggerFactory.getLogger(BackupPolicyExecutor.class);

    private final TaskLedger ledger;
    private final VmidAllocator allocator;

    /**
     * Scratch VMIDs of drills come from the allocator HaVms use, so neither takes the other's VMID.
     */
    BackupPolicyExecutor(TaskLedger ledger, VmidAllocator allocator) {
        this.ledger = ledger;
        this.allocator = allocator;
    }

    /**
     * @param status the status being built: task records and outcomes go into it
     * @param journal writes that status (the write-ahead record)
     * @return true when a task could not start because its node runs as many operator tasks as
     *     allowed
     * @throws PveApiException when PVE failed in a way worth trying again (the pass reports
     *     ApiError)
     */
    boolean act(
            ClusterConnection connection,
            BackupPolicy policy,
            Action action,
            BackupPolicyStatus status,
            BackupPolicyFacts facts,
            TaskLedger.Journal journal) {
        String uid = policy.getMetadata().getUid();
        PveBackupApi backups = new PveBackupApi(connection.client());
        if (action instanceof BackupPolicyPlanner.StartRun run) {
            return startRun(connection, uid, run, status.getPendingRun(), backups, journal);
        }
        if (action instanceof DrillTask task) {
            return drillTask(connection, policy, task, status, facts, journal);
        }
        if (action instanceof BackupPolicyPlanner.CreateStorage create) {
            try {
                backups.createStorage(create.params());
            } catch (PveApiException e) {
                // Defined meanwhile (by another policy or an administrator), or not in the poll
                // yet: it exists.
                if (e.kind() != PveErrorKind.ALREADY_EXISTS
                        && !String.valueOf(e.getMessage()).contains("already defined")) {
                    throw e;
                }
            }
        } else if (action instanceof BackupPolicyPlanner.CreateJob create) {
            Map<String, Object> params = new LinkedHashMap<>(create.options());
            params.put("id", create.jobId());
            backups.createJob(params);
        } else if (action instanceof BackupPolicyPlanner.UpdateJob update) {
            backups.updateJob(update.jobId(), update.params());
        } else if (action instanceof BackupPolicyPlanner.DeleteJob delete) {
            try {
                backups.deleteJob(delete.jobId());
            } catch (PveApiException e) {
                if (e.kind() != PveErrorKind.NOT_FOUND) {
                    throw e;
                }
            }
        }
        ledger.acted(uid, connection);
        return false;
    }

    /**
     * One vzdump per node; a part that could not start is recorded as failed for its VMs (the run
     * is not repeated).
     */
    private boolean startRun(
            ClusterConnection connection,
            String uid,
            BackupPolicyPlanner.StartRun action,
            Run run,
            PveBackupApi backups,
            TaskLedger.Journal journal) {
        boolean noSlot = false;
        for (RunPart part : action.parts()) {
            // PVE names a vzdump task after its VM when it backs up exactly one.
            String taskId = part.vmids().size() == 1 ? String.valueOf(part.vmids().get(0)) : null;
            PendingTask intent = new PendingTask("Backup", part.node(), "vzdump", taskId, null);
            TaskLedger.Slot slot =
                    new TaskLedger.Slot(
                            () ->
                                    run.getTasks().stream()
                                            .filter(t -> part.node().equals(t.getNode()))
                                            .findFirst()
                                            .orElse(null),
                            task -> {
                                run.getTasks().removeIf(t -> part.node().equals(t.getNode()));
                                if (task != null) {
                                    run.getTasks().add(task);
                                }
                            });
            String problem;
            try {
                TaskLedger.Started started =
                        ledger.start(
                                connection,
                                uid,
                                intent,
                                slot,
                                journal,
                                () -> backups.vzdump(part.node(), part.params()));
                problem =
                        switch (started) {
                            case RUNNING -> null;
                            case DONE ->
                                    "PVE found none of them on "
                                            + part.node()
                                            + " when the run started (moved?)";
                            case NO_SLOT ->
                                    "not started: node "
                                            + part.node()
                                            + " runs as many operator tasks as allowed";
                        };
                noSlot |= started == TaskLedger.Started.NO_SLOT;
            } catch (PveApiException e) {
                if (e.kind() == PveErrorKind.OUTCOME_UNKNOWN) {
                    continue; // the intent stays: the ledger finds the task, or learns it never
                    // started
                }
                problem =
                        "PVE refused the vzdump on "
                                + part.node()
                                + ": "
                                + Redactor.scrub(e.describe());
            }
            if (problem != null) {
                LOG.warn("on-demand backup of VMs {}: {}", part.vmids(), problem);
                BackupPolicyStatusBuilder.partNotStarted(run, part.vmids(), problem);
            }
        }
        return noSlot;
    }

    private boolean drillTask(
            ClusterConnection connection,
            BackupPolicy policy,
            DrillTask task,
            BackupPolicyStatus status,
            BackupPolicyFacts facts,
            TaskLedger.Journal journal) {
        DrillVm vm = status.getDrill().getVms().get(task.index());
        if (vm.getScratchVmid() == null) {
            // Recorded with the restore's intent, in the same write: a restarted operator finds
            // what it made.
            vm.setScratchVmid(
                    allocator.allocate(
                            connection,
                            facts.cluster().snapshot(),
                            facts.claimedVmids(),
                            policy.getMetadata().getUid()));
        }
        int scratch = vm.getScratchVmid();
        Map<String, Object> params =
                task.step() == Step.RESTORE
                        ? BackupPolicyPlanner.restoreParams(vm, policy)
                        : task.params();
        TaskLedger.Call call =
                switch (task.step()) {
                    case RESTORE -> () -> Optional.of(connection.vms().create(task.node(), params));
                    case ISOLATE ->
                            () -> connection.vms().updateConfig(task.node(), scratch, params);
                    case START ->
                            () ->
                                    Optional.of(
                                            connection
                                                    .vms()
                                                    .power(
                                                            task.node(),
                                                            scratch,
                                                            "start",
                                                            Map.of()));
                    case STOP ->
                            () ->
                                    Optional.of(
                                            connection
                                                    .vms()
                                                    .power(task.node(), scratch, "stop", Map.of()));
                    case DESTROY ->
                            () ->
                                    Optional.<Upid>of(
                                            connection.vms().destroy(task.node(), scratch, params));
                };
        try {
            if (task.step() == Step.RESTORE) {
                LOG.info(
                        "drill: restoring {} to scratch VM {} on {}",
                        vm.getVolume(),
                        scratch,
                        task.node());
            }
            return ledger.start(
                            connection,
                            policy.getMetadata().getUid(),
                            task.intent(scratch),
                            new TaskLedger.Slot(vm::getTask, vm::setTask),
                            journal,
                            call)
                    == TaskLedger.Started.NO_SLOT;
        } catch (PveApiException e) {
            String message = String.valueOf(e.getMessage());
            boolean cleanup = task.step() == Step.STOP || task.step() == Step.DESTROY;
            if (cleanup
                    && (e.kind() == PveErrorKind.NOT_FOUND
                            || (e.kind() == PveErrorKind.REFUSED
                                    && (message.contains("not running")
                                            || message.contains("is running"))))) {
                // The poll was older than the VM's state (gone, stopped or running): the next pass
                // decides from a newer one.
                LOG.info(
                        "drill: {} of scratch VM {} refused ({}); deciding again from the next poll",
                        task.step().action,
                        scratch,
                        message);
                return false;
            }
            if (e.retryable()) {
                throw e;
            }
            BackupPolicyStatusBuilder.stepRefused(vm, task.step(), Redactor.scrub(e.describe()));
            return false;
        }
    }
}
