package io.pveha.reconciler.ceph;

import io.pveha.pve.model.CephPoolEntry;
import io.pveha.reconciler.ClusterView;
import io.pveha.reconciler.task.TaskLedger;
import java.util.List;
import java.util.Optional;

/**
 * What the observer found for one CephPool: everything the planner decides from.
 *
 * @param cluster the cluster and its latest poll
 * @param pool the pool's entry in the poll's pool list (empty also while {@code poolsKnown} is
 *     false)
 * @param poolsKnown the poll listed the cluster's pools
 * @param rbdStorage PVE has a storage named like the pool
 * @param healthChecks Ceph's cluster-wide checks that concern pools
 * @param task what became of the pending task, if there is one
 * @param stale the poll began before the operator's own last change to this pool
 * @param deletion the storages using the pool and the images in them: read only when a deletion
 *     would otherwise go ahead
 */
record CephPoolFacts(
        ClusterView cluster,
        Optional<CephPoolEntry> pool,
        boolean poolsKnown,
        boolean rbdStorage,
        String cephStatus,
        List<String> healthChecks,
        Optional<TaskLedger.TaskFact> task,
        boolean stale,
        Optional<DeletionCheck> deletion) {

    /** The PVE RBD storages backed by the pool and the volumes they hold. */
    record DeletionCheck(List<String> storages, List<String> images) {}

    /** A first online node, where pool tasks are sent (any node of the Ceph cluster will do). */
    Optional<String> onlineNode() {
        return cluster.snapshot().nodeMembers().stream()
                .filter(n -> Boolean.TRUE.equals(n.online()))
                .map(n -> n.name())
                .findFirst();
    }

    CephPoolFacts withDeletion(DeletionCheck check) {
        return new CephPoolFacts(
                cluster,
                pool,
                poolsKnown,
                rbdStorage,
                cephStatus,
                healthChecks,
                task,
                stale,
                Optional.of(check));
    }
}
