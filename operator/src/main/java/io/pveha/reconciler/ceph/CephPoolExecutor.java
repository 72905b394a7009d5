package io.pveha.reconciler.ceph;

import io.pveha.api.ceph.CephPool;
import io.pveha.api.ceph.CephPoolStatus;
import io.pveha.cluster.ClusterConnection;
import io.pveha.pve.Upid;
import io.pveha.reconciler.task.TaskLedger;
import java.util.Optional;

/** Carries out a CephPool plan's action: one PVE task, started through the {@link TaskLedger}. */
final class CephPoolExecutor {
    private final TaskLedger ledger;

    CephPoolExecutor(TaskLedger ledger) {
        this.ledger = ledger;
    }

    /**
     * @param status the status being built: the ledger puts the intent, then the task, into it
     * @param journal writes that status (the write-ahead record)
     */
    TaskLedger.Started act(
            ClusterConnection connection,
            CephPool pool,
            CephPoolPlanner.Action action,
            CephPoolStatus status,
            TaskLedger.Journal journal) {
        String name = CephPoolSettings.poolName(pool);
        return ledger.start(
                connection,
                pool.getMetadata().getUid(),
                action.intent(name),
                new TaskLedger.Slot(status::getPendingTask, status::setPendingTask),
                journal,
                () -> call(connection, action, name));
    }

    private static Optional<Upid> call(
            ClusterConnection connection, CephPoolPlanner.Action action, String pool) {
        if (action instanceof CephPoolPlanner.CreatePool create) {
            // PVE's create silently re-configures a pool that already exists, and the shared poll
            // may predate a pool
            // someone made meanwhile: one fresh look first (only before a create).
            if (connection.ceph().pools(create.node()).stream()
                    .anyMatch(p -> pool.equals(p.poolName()))) {
                connection.requestPoll();
                return Optional.empty();
            }
            return Optional.of(connection.ceph().createPool(create.node(), create.params()));
        }
        if (action instanceof CephPoolPlanner.UpdatePool update) {
            return Optional.of(connection.ceph().updatePool(update.node(), pool, update.changes()));
        }
        CephPoolPlanner.DestroyPool destroy = (CephPoolPlanner.DestroyPool) action;
        return Optional.of(connection.ceph().deletePool(destroy.node(), pool, destroy.params()));
    }
}
