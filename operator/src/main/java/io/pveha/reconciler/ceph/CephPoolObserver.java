package io.pveha.reconciler.ceph;

import io.pveha.api.ceph.CephPool;
import io.pveha.api.ceph.CephPoolStatus;
import io.pveha.cluster.ClusterConnections;
import io.pveha.cluster.ClusterKey;
import io.pveha.cluster.ClusterSnapshot;
import io.pveha.pve.model.StorageConfig;
import io.pveha.reconciler.ClusterView;
import io.pveha.reconciler.task.TaskLedger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads what a CephPool's plan needs, without changing anything. The pool, Ceph's health and the
 * storages come from the cluster's shared poll (its pool list is one call per poll for all
 * CephPools of the cluster); a pending task is followed through the {@link TaskLedger}. Only a
 * deletion that would otherwise go ahead reads more: the storage configuration and the images of
 * the storages that use the pool.
 */
final class CephPoolObserver {
    /** Cluster-wide checks that concern every pool; reported on each CephPool. */
    static final Set<String> POOL_CHECKS =
            Set.of(
                    "PG_AVAILABILITY",
                    "PG_DEGRADED",
                    "OSD_NEARFULL",
                    "OSD_BACKFILLFULL",
                    "OSD_FULL",
                    "POOL_NEARFULL",
                    "POOL_BACKFILLFULL",
                    "POOL_FULL",
                    "POOL_TOO_FEW_PGS",
                    "POOL_TOO_MANY_PGS",
                    "POOL_TARGET_SIZE_BYTES_OVERCOMMITTED",
                    "OSD_DOWN",
                    "OSD_HOST_DOWN");

    private final ClusterConnections connections;
    private final TaskLedger ledger;

    CephPoolObserver(ClusterConnections connections, TaskLedger ledger) {
        this.connections = connections;
        this.ledger = ledger;
    }

    static ClusterKey clusterKey(CephPool pool) {
        return new ClusterKey(
                pool.getMetadata().getNamespace(), pool.getSpec().getClusterRef().getName());
    }

    CephPoolFacts observe(CephPool pool, CephPoolStatus status) {
        ClusterKey key = clusterKey(pool);
        // While a CephPool refers to the cluster, its polls include the pool list.
        connections.cephPoolUser(key, pool.getMetadata().getUid(), true);
        ClusterView cluster = ClusterView.of(connections, key);
        ClusterSnapshot snapshot = cluster.snapshot();
        if (!cluster.usable()) {
            return new CephPoolFacts(
                    cluster,
                    Optional.empty(),
                    false,
                    false,
                    null,
                    List.of(),
                    Optional.empty(),
                    false,
                    Optional.empty());
        }
        String name = CephPoolSettings.poolName(pool);
        boolean poolsKnown = snapshot.cephPools() != null;
        if (!poolsKnown) {
            cluster.connection().requestPoll();
        }
        List<String> checks =
                snapshot.ceph().checks().stream().filter(POOL_CHECKS::contains).sorted().toList();
        boolean storage = snapshot.storages().stream().anyMatch(s -> name.equals(s.storage()));
        String uid = pool.getMetadata().getUid();
        Optional<TaskLedger.TaskFact> task =
                status == null || status.getPendingTask() == null
                        ? Optional.empty()
                        : Optional.of(
                                ledger.observe(
                                        cluster.connection(),
                                        uid,
                                        status.getPendingTask(),
                                        snapshot));
        return new CephPoolFacts(
                cluster,
                snapshot.cephPool(name),
                poolsKnown,
                storage,
                snapshot.ceph().status(),
                checks,
                task,
                ledger.isStale(uid, snapshot),
                Optional.empty());
    }

    /**
     * The storages that use the pool and the VM disks in them (two calls, or more with several
     * storages).
     */
    CephPoolFacts.DeletionCheck deletionCheck(CephPoolFacts facts, String poolName, String node) {
        var api = facts.cluster().connection();
        List<String> storages =
                api.api().storageConfigs().stream()
                        .filter(
                                s ->
                                        "rbd".equals(s.type())
                                                && poolName.equals(
                                                        s.pool() == null ? "rbd" : s.pool()))
                        .map(StorageConfig::storage)
                        .toList();
        List<String> images = new ArrayList<>();
        for (String storage : storages) {
            images.addAll(api.ceph().images(node, storage));
        }
        return new CephPoolFacts.DeletionCheck(storages, images);
    }

    void forget(CephPool pool) {
        ClusterKey key = clusterKey(pool);
        connections.cephPoolUser(key, pool.getMetadata().getUid(), false);
        ledger.forget(connections.get(key).orElse(null), pool.getMetadata().getUid());
    }
}
