package io.pveha.reconciler.backup;

import io.fabric8.kubernetes.api.model.Condition;
import io.pveha.api.PendingTask;
import io.pveha.api.backup.BackupPolicy;
import io.pveha.api.backup.BackupPolicyStatus;
import io.pveha.api.backup.BackupPolicyStatus.DrillStatus;
import io.pveha.api.backup.BackupPolicyStatus.DrillVm;
import io.pveha.api.backup.BackupPolicyStatus.Run;
import io.pveha.reconciler.CommonReason;
import io.pveha.reconciler.Conditions;
import io.pveha.reconciler.Note;
import io.pveha.reconciler.backup.BackupPolicyPlanner.Action;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The Events of a BackupPolicy pass, derived from what the pass did and from the previous and the
 * new status: a run's or a drilled VM's end is reported when it appears in status, a problem when
 * it appears or changes.
 */
final class BackupPolicyEvents {
    private BackupPolicyEvents() {}

    /**
     * @param done the plan's action went through (PVE did not refuse it)
     */
    static List<Note> between(
            BackupPolicy policy,
            BackupPolicyStatus before,
            BackupPolicyStatus after,
            Optional<Action> done) {
        List<Note> notes = new ArrayList<>();
        done.ifPresent(action -> acted(policy, action, after, notes));
        Run last = after.getLastRun();
        if (last != null && !sameRun(before == null ? null : before.getLastRun(), last)) {
            if ("ok".equals(last.getResult())) {
                notes.add(
                        Note.normal(
                                BackupPolicyReason.BackupSucceeded,
                                last.getTrigger() + " backup finished: " + last.getMessage()));
            } else {
                notes.add(
                        Note.warning(
                                BackupPolicyReason.BackupFailed,
                                last.getTrigger()
                                        + " backup "
                                        + last.getResult()
                                        + ": "
                                        + last.getMessage()));
            }
        }
        drill(before == null ? null : before.getDrill(), after.getDrill(), notes);
        condition(
                        before,
                        after,
                        BackupPolicyStatusBuilder.STORAGE_READY,
                        BackupPolicyReason.StorageUnavailable.name())
                .ifPresent(
                        c ->
                                notes.add(
                                        Note.warning(
                                                BackupPolicyReason.StorageUnavailable,
                                                c.getMessage())));
        condition(before, after, Conditions.READY, CommonReason.ApiError.name())
                .ifPresent(c -> notes.add(Note.warning(CommonReason.ApiError, c.getMessage())));
        return notes;
    }

    private static void acted(
            BackupPolicy policy, Action action, BackupPolicyStatus after, List<Note> notes) {
        if (action instanceof BackupPolicyPlanner.CreateStorage create) {
            var nfs = policy.getSpec().getStorage().getNfs();
            notes.add(
                    Note.normal(
                            BackupPolicyReason.StorageCreated,
                            "created NFS storage "
                                    + create.storage()
                                    + " ("
                                    + nfs.getServer()
                                    + ":"
                                    + nfs.getExport()
                                    + ")"));
        } else if (action instanceof BackupPolicyPlanner.CreateJob create) {
            notes.add(
                    Note.normal(
                            BackupPolicyReason.JobCreated,
                            "created PVE backup job "
                                    + create.jobId()
                                    + " ("
                                    + create.options().entrySet().stream()
                                            .filter(e -> !e.getKey().equals("comment"))
                                            .map(e -> e.getKey() + "=" + e.getValue())
                                            .collect(Collectors.joining(" "))
                                    + ")"));
        } else if (action instanceof BackupPolicyPlanner.UpdateJob update) {
            notes.add(
                    Note.normal(
                            BackupPolicyReason.JobUpdated,
                            "updated PVE backup job " + update.jobId() + ": " + update.change()));
        } else if (action instanceof BackupPolicyPlanner.DeleteJob delete) {
            notes.add(
                    Note.normal(
                            BackupPolicyReason.JobDeleted,
                            "deleted PVE backup job "
                                    + delete.jobId()
                                    + "; existing backups are kept"));
        } else if (action instanceof BackupPolicyPlanner.StartRun
                && after.getPendingRun() != null) {
            List<String> nodes =
                    after.getPendingRun().getTasks().stream().map(PendingTask::getNode).toList();
            if (!nodes.isEmpty()) {
                notes.add(
                        Note.normal(
                                BackupPolicyReason.BackupStarted,
                                "on-demand backup started on " + String.join(", ", nodes)));
            }
        }
    }

    /**
     * A drill that started, and each drilled VM that finished (per VM: passed or failed, with why).
     */
    private static void drill(DrillStatus before, DrillStatus after, List<Note> notes) {
        if (after == null || after.getLastRun() == null) {
            return;
        }
        boolean sameDrill =
                before != null && Objects.equals(before.getLastRun(), after.getLastRun());
        if (!sameDrill && "running".equals(after.getResult())) {
            notes.add(
                    Note.normal(
                            BackupPolicyReason.DrillStarted,
                            after.getTrigger()
                                    + " restore drill of "
                                    + after.getVms().size()
                                    + " VM(s): "
                                    + after.getVms().stream()
                                            .map(DrillVm::getVolume)
                                            .collect(Collectors.joining(", "))));
        }
        if (!sameDrill && after.getVms().isEmpty() && "failed".equals(after.getResult())) {
            notes.add(
                    Note.warning(
                            BackupPolicyReason.DrillFailed,
                            after.getTrigger() + " restore drill: " + after.getMessage()));
        }
        for (int i = 0; i < after.getVms().size(); i++) {
            DrillVm vm = after.getVms().get(i);
            boolean wasDone =
                    sameDrill
                            && i < before.getVms().size()
                            && BackupPolicyPlanner.DONE.equals(before.getVms().get(i).getPhase());
            if (BackupPolicyPlanner.DONE.equals(vm.getPhase()) && !wasDone) {
                String who =
                        "VM "
                                + vm.getVmid()
                                + (vm.getHaVm() == null ? "" : " (HaVm " + vm.getHaVm() + ")")
                                + ": "
                                + vm.getReason();
                notes.add(
                        BackupPolicyPlanner.PASSED.equals(vm.getResult())
                                ? Note.normal(BackupPolicyReason.DrillPassed, who)
                                : Note.warning(BackupPolicyReason.DrillFailed, who));
            }
        }
    }

    /**
     * The condition of {@code type} when it newly has {@code reason} (or a new message with it).
     */
    private static Optional<Condition> condition(
            BackupPolicyStatus before, BackupPolicyStatus after, String type, String reason) {
        Optional<Condition> now =
                Conditions.find(after.getConditions(), type)
                        .filter(c -> reason.equals(c.getReason()));
        return now.isPresent()
                        && Conditions.changed(
                                before == null ? null : before.getConditions(),
                                after.getConditions(),
                                type)
                ? now
                : Optional.empty();
    }

    private static boolean sameRun(Run a, Run b) {
        return a != null
                && Objects.equals(a.getTrigger(), b.getTrigger())
                && Objects.equals(a.getStartedAt(), b.getStartedAt())
                && Objects.equals(a.getUpids(), b.getUpids())
                && Objects.equals(a.getResult(), b.getResult())
                && Objects.equals(a.getMessage(), b.getMessage());
    }
}
