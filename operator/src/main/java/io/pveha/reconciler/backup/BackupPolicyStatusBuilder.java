package io.pveha.reconciler.backup;

import io.pveha.api.PendingTask;
import io.pveha.api.backup.BackupPolicy;
import io.pveha.api.backup.BackupPolicyStatus;
import io.pveha.api.backup.BackupPolicyStatus.DrillVm;
import io.pveha.api.backup.BackupPolicyStatus.Run;
import io.pveha.pve.PveApiException;
import io.pveha.reconciler.CommonReason;
import io.pveha.reconciler.Conditions;
import io.pveha.reconciler.Copies;
import io.pveha.reconciler.Reason;
import io.pveha.reconciler.Redactor;
import io.pveha.reconciler.backup.BackupPolicyPlanner.Cond;
import io.pveha.reconciler.backup.BackupPolicyPlanner.Plan;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a BackupPolicy's status in one place: the selection from the facts, the job, storage,
 * backups, runs and drill as the plan decided them, and the conditions. Ready is the plan's;
 * LastRunSucceeded and DrillSucceeded follow the last finished run and drill. It also words what
 * the executor records of a call PVE refused.
 */
final class BackupPolicyStatusBuilder {
    static final String STORAGE_READY = "StorageReady";
    static final String JOB_IN_SYNC = "JobInSync";
    static final String LAST_RUN_SUCCEEDED = "LastRunSucceeded";
    static final String DRILL_SUCCEEDED = "DrillSucceeded";

    private BackupPolicyStatusBuilder() {}

    static BackupPolicyStatus build(
            BackupPolicy policy,
            BackupPolicyStatus previous,
            BackupPolicyFacts facts,
            Plan plan,
            Instant now) {
        BackupPolicyStatus status = Copies.copyOrNew(previous, BackupPolicyStatus.class);
        long generation = generation(policy);
        status.setObservedGeneration(generation);
        if (facts.cluster().usable()) {
            status.setSelectedVmids(new ArrayList<>(facts.selection().vmids()));
            status.setVmCount(facts.selection().vmids().size());
        }
        plan.storage().ifPresent(c -> condition(status, STORAGE_READY, c, generation, now));
        plan.job()
                .ifPresent(
                        job -> {
                            status.setJobId(job.jobId());
                            status.setNextRun(
                                    job.nextRun() == null ? null : job.nextRun().toString());
                            condition(status, JOB_IN_SYNC, job.inSync(), generation, now);
                        });
        plan.report()
                .ifPresent(
                        report -> {
                            status.setVms(new ArrayList<>(report.vms()));
                            status.setNotCovered(new ArrayList<>(report.notCovered()));
                            status.setRetentionPreview(new ArrayList<>(report.retentionPreview()));
                            // Which cluster listed them: a disaster recovery restores only once
                            // the policy has listed its backups on the new cluster.
                            if (facts.cluster().usable()) {
                                status.setPveCluster(facts.cluster().snapshot().identity());
                            }
                        });
        BackupPolicyPlanner.Records records = plan.records();
        status.setHandledBackupNow(records.handledBackupNow());
        status.setPendingRun(Copies.deepCopy(records.pendingRun(), Run.class));
        status.setScheduledRun(Copies.deepCopy(records.scheduledRun(), Run.class));
        status.setLastRun(Copies.deepCopy(records.lastRun(), Run.class));
        status.setDrill(Copies.deepCopy(records.drill(), BackupPolicyStatus.DrillStatus.class));
        Run last = status.getLastRun();
        if (last == null) {
            set(
                    status,
                    LAST_RUN_SUCCEEDED,
                    Conditions.UNKNOWN,
                    BackupPolicyReason.NoRunYet,
                    "no backup run has finished yet",
                    generation,
                    now);
        } else {
            condition(
                    status,
                    LAST_RUN_SUCCEEDED,
                    new Cond(
                            "ok".equals(last.getResult()),
                            "ok".equals(last.getResult())
                                    ? BackupPolicyReason.BackupSucceeded
                                    : BackupPolicyReason.BackupFailed,
                            last.getMessage()),
                    generation,
                    now);
        }
        // DrillSucceeded is about the last finished drill: while one runs it keeps the one before.
        BackupPolicyStatus.DrillStatus drill = status.getDrill();
        if (drill != null
                && ("passed".equals(drill.getResult()) || "failed".equals(drill.getResult()))) {
            boolean passed = "passed".equals(drill.getResult());
            condition(
                    status,
                    DRILL_SUCCEEDED,
                    new Cond(
                            passed,
                            passed
                                    ? BackupPolicyReason.DrillPassed
                                    : BackupPolicyReason.DrillFailed,
                            drill.getMessage()),
                    generation,
                    now);
        }
        Conditions.ready(status, plan.reason(), plan.ready(), plan.message(), generation, now);
        return status;
    }

    /**
     * The status of a pass that stopped before observing (paused, invalid spec) or failed on the
     * Kubernetes side.
     */
    static BackupPolicyStatus stopped(
            BackupPolicy policy,
            BackupPolicyStatus previous,
            Reason reason,
            String message,
            Instant now) {
        BackupPolicyStatus status = Copies.copyOrNew(previous, BackupPolicyStatus.class);
        status.setObservedGeneration(generation(policy));
        Conditions.ready(status, reason, false, message, generation(policy), now);
        return status;
    }

    /** PVE refused or failed a call of this pass: said in Ready, the rest of the status stays. */
    static BackupPolicyStatus apiError(
            BackupPolicy policy, BackupPolicyStatus built, PveApiException e, Instant now) {
        BackupPolicyStatus status = Copies.copyOrNew(built, BackupPolicyStatus.class);
        Conditions.ready(
                status, CommonReason.ApiError, false, e.describe(), generation(policy), now);
        return status;
    }

    /**
     * The task ids users read beside the write-ahead records: {@code pendingRun.upids} lists every
     * vzdump of the run PVE has started, {@code drill.vms[].upid} the current phase's task.
     */
    static BackupPolicyStatus withTaskIds(BackupPolicyStatus status) {
        Run run = status.getPendingRun();
        if (run != null) {
            run.getTasks().stream()
                    .filter(PendingTask::started)
                    .map(PendingTask::getUpid)
                    .filter(u -> !run.getUpids().contains(u))
                    .forEach(run.getUpids()::add);
            run.setUpid(run.getUpids().isEmpty() ? null : run.getUpids().get(0));
        }
        if (status.getDrill() != null) {
            for (DrillVm vm : status.getDrill().getVms()) {
                vm.setUpid(vm.getTask() == null ? null : vm.getTask().getUpid());
            }
        }
        return status;
    }

    /**
     * A status an older operator wrote: a run or drill task it knew only by its UPID becomes a task
     * record, so it is followed to its end rather than started again.
     */
    static BackupPolicyStatus upgraded(BackupPolicyStatus status) {
        BackupPolicyStatus copy = Copies.deepCopy(status, BackupPolicyStatus.class);
        if (copy == null) {
            return null;
        }
        Run run = copy.getPendingRun();
        if (run != null && run.getTasks().isEmpty() && "running".equals(run.getResult())) {
            run.getUpids().forEach(u -> run.getTasks().add(PendingTask.fromLegacyString(u)));
        }
        if (copy.getDrill() != null) {
            copy.getDrill().getVms().stream()
                    .filter(v -> v.getTask() == null && v.getUpid() != null)
                    .forEach(v -> v.setTask(PendingTask.fromLegacyString(v.getUpid())));
        }
        return copy;
    }

    /**
     * A part of an on-demand run that did not start: its VMs failed in this run (the run is not
     * repeated).
     */
    static void partNotStarted(Run run, List<Integer> vmids, String why) {
        vmids.forEach(v -> run.getVms().add(BackupPolicyPlanner.outcome(v, "failed", null, why)));
    }

    /**
     * PVE refused a drill step and would refuse it again: the VM fails the drill, its scratch VM is
     * cleaned up.
     */
    static void stepRefused(DrillVm vm, BackupPolicyPlanner.Step step, String why) {
        String what =
                switch (step) {
                    case RESTORE -> "restoring " + vm.getVolume();
                    case ISOLATE -> "disconnecting the NICs of scratch VM " + vm.getScratchVmid();
                    case START -> "starting scratch VM " + vm.getScratchVmid();
                    case STOP -> "stopping scratch VM " + vm.getScratchVmid();
                    case DESTROY -> "destroying scratch VM " + vm.getScratchVmid();
                };
        BackupPolicyPlanner.fail(vm, what + " was refused: " + why);
    }

    private static void condition(
            BackupPolicyStatus status, String type, Cond c, long generation, Instant now) {
        set(
                status,
                type,
                c.ok() ? Conditions.TRUE : Conditions.FALSE,
                c.reason(),
                c.message(),
                generation,
                now);
    }

    private static void set(
            BackupPolicyStatus status,
            String type,
            String value,
            Reason reason,
            String message,
            long generation,
            Instant now) {
        status.setConditions(
                Conditions.set(
                        status.getConditions(),
                        type,
                        value,
                        reason.name(),
                        Redactor.scrub(message),
                        generation,
                        now));
    }

    private static long generation(BackupPolicy policy) {
        return policy.getMetadata().getGeneration() == null
                ? 0
                : policy.getMetadata().getGeneration();
    }
}
