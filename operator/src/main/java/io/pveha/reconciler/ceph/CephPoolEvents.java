package io.pveha.reconciler.ceph;

import io.fabric8.kubernetes.api.model.Condition;
import io.pveha.api.ceph.CephPoolStatus;
import io.pveha.reconciler.CommonReason;
import io.pveha.reconciler.Conditions;
import io.pveha.reconciler.Note;
import io.pveha.reconciler.task.TaskLedger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The Events of a CephPool pass: what its task did, and problems when they appear or change (not
 * every pass).
 */
final class CephPoolEvents {
    private CephPoolEvents() {}

    static List<Note> between(
            CephPoolStatus before, CephPoolStatus after, CephPoolPlanner.Plan plan, String pool) {
        List<Note> notes = new ArrayList<>();
        plan.ended()
                .ifPresent(
                        task -> {
                            String action = task.task().getAction();
                            if (task.state() == TaskLedger.State.SUCCEEDED) {
                                switch (action) {
                                    case "CreatePool" ->
                                            notes.add(
                                                    Note.normal(
                                                            CephPoolReason.PoolCreated,
                                                            "pool " + pool + " created"));
                                    case "UpdatePool" ->
                                            notes.add(
                                                    Note.normal(
                                                            CephPoolReason.PoolUpdated,
                                                            "pool " + pool + " changed"));
                                    default -> {} // a destroy is reported when the pool is seen
                                        // gone
                                }
                            } else if (task.state() == TaskLedger.State.FAILED) {
                                boolean refused = plan.reason() == CephPoolReason.Refused;
                                notes.add(
                                        Note.warning(
                                                refused
                                                        ? CephPoolReason.Refused
                                                        : CommonReason.TaskFailed,
                                                action
                                                        + " of pool "
                                                        + pool
                                                        + " failed: "
                                                        + task.describe()));
                            }
                        });
        if (plan.finished()) {
            if (plan.reason() == CephPoolReason.Deleted) {
                notes.add(Note.normal(CephPoolReason.Deleted, "pool " + pool + " was destroyed"));
            } else if (before != null && before.getPoolName() != null) {
                notes.add(Note.normal(CephPoolReason.Retained, plan.message()));
            }
        }
        if (plan.action().orElse(null) instanceof CephPoolPlanner.DestroyPool destroy
                && !destroy.keptStorages().isEmpty()) {
            notes.add(
                    Note.warning(
                            CephPoolReason.StorageKept,
                            "PVE storages "
                                    + destroy.keptStorages()
                                    + " use pool "
                                    + pool
                                    + " and are left in place"));
        }
        Optional<Condition> ready = Conditions.find(after.getConditions(), Conditions.READY);
        if (ready.filter(c -> CommonReason.ApiError.name().equals(c.getReason())).isPresent()
                && changed(before, after, Conditions.READY)) {
            notes.add(Note.warning(CommonReason.ApiError, ready.get().getMessage()));
        }
        Optional<Condition> blocked =
                Conditions.find(after.getConditions(), CephPoolStatusBuilder.DELETION_BLOCKED);
        if (blocked.filter(c -> Conditions.TRUE.equals(c.getStatus())).isPresent()
                && changed(before, after, CephPoolStatusBuilder.DELETION_BLOCKED)) {
            notes.add(Note.warning(CephPoolReason.DeletionBlocked, blocked.get().getMessage()));
        }
        return notes;
    }

    private static boolean changed(CephPoolStatus before, CephPoolStatus after, String type) {
        return Conditions.changed(
                before == null ? null : before.getConditions(), after.getConditions(), type);
    }
}
