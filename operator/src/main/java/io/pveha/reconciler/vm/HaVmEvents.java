package io.pveha.reconciler.vm;

import io.fabric8.kubernetes.api.model.Condition;
import io.pveha.api.vm.HaVmStatus;
import io.pveha.reconciler.CommonReason;
import io.pveha.reconciler.Conditions;
import io.pveha.reconciler.Note;
import io.pveha.reconciler.task.TaskLedger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The Events of a HaVm pass: the plan's own (adopted, registered, ...), what its ended task did, a
 * move of the VM that the operator did not make (the HA manager recovered it), and problems when
 * they appear or change.
 */
final class HaVmEvents {
    /** Ready reasons that get a Warning Event when they appear or their message changes. */
    private static final Set<String> WARN_ON_CHANGE =
            Set.of(CommonReason.ApiError.name(), CommonReason.SecretNotFound.name());

    private HaVmEvents() {}

    static List<Note> between(
            HaVmStatus before, HaVmStatus after, HaVmPlan plan, boolean deleting) {
        List<Note> notes = new ArrayList<>(plan.notes());
        if (!deleting) {
            plan.ended().ifPresent(task -> taskNote(task, after).ifPresent(notes::add));
        }
        String was = before == null ? null : before.getNode();
        boolean operatorMoved =
                (before != null && before.getPendingTask() != null) || plan.ended().isPresent();
        if (was != null
                && after.getNode() != null
                && !was.equals(after.getNode())
                && !operatorMoved) {
            notes.add(
                    Note.normal(
                            HaVmReason.VmMoved,
                            "VM "
                                    + after.getVmid()
                                    + " moved from "
                                    + was
                                    + " to "
                                    + after.getNode()
                                    + (after.getHaState() != null
                                            ? " (HA: " + after.getHaState() + ")"
                                            : "")));
        }
        Optional<Condition> placement =
                Conditions.find(after.getConditions(), HaVmPlanner.Names.PLACEMENT);
        if (placement.isPresent()
                && HaVmReason.PlacementViolated.name().equals(placement.get().getReason())
                && Conditions.changed(
                        before == null ? null : before.getConditions(),
                        after.getConditions(),
                        HaVmPlanner.Names.PLACEMENT)) {
            notes.add(Note.warning(HaVmReason.PlacementViolated, placement.get().getMessage()));
        }
        Optional<Condition> ready = Conditions.find(after.getConditions(), Conditions.READY);
        if (ready.isPresent()
                && WARN_ON_CHANGE.contains(ready.get().getReason())
                && Conditions.changed(
                        before == null ? null : before.getConditions(),
                        after.getConditions(),
                        Conditions.READY)) {
            notes.add(
                    Note.warning(
                            io.pveha.reconciler.Reasons.find(
                                            HaVmReason.class, ready.get().getReason())
                                    .orElse(CommonReason.ApiError),
                            ready.get().getMessage()));
        }
        return notes;
    }

    private static Optional<Note> taskNote(TaskLedger.TaskFact task, HaVmStatus after) {
        String action = task.task().getAction();
        return switch (task.state()) {
            case SUCCEEDED ->
                    Optional.of(
                            Note.normal(
                                    HaVmReason.succeeded(action),
                                    action
                                            + " of VM "
                                            + after.getVmid()
                                            + " finished ("
                                            + task.exitStatus()
                                            + ")"));
            case FAILED ->
                    Optional.of(
                            Note.warning(
                                    CommonReason.TaskFailed,
                                    action
                                            + " of VM "
                                            + after.getVmid()
                                            + " failed: "
                                            + task.describe()));
            default -> Optional.empty();
        };
    }
}
