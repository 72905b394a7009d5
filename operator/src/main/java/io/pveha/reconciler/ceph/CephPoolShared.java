package io.pveha.reconciler.ceph;

import io.pveha.cluster.ClusterConnections;
import io.pveha.reconciler.EventRecorder;
import io.pveha.reconciler.SpecValidation;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** What every CephPool reconcile shares: the cluster layer, events, validation, and when each pool was last changed. */
final class CephPoolShared {
    final ClusterConnections connections;
    final EventRecorder events;
    final SpecValidation validation;
    final Clock clock;
    /** When the operator last started a task for each CephPool (by UID): older snapshots are not planned from. */
    final Map<String, Instant> actedAt = new ConcurrentHashMap<>();

    CephPoolShared(ClusterConnections connections, EventRecorder events, SpecValidation validation, Clock clock) {
        this.connections = connections;
        this.events = events;
        this.validation = validation;
        this.clock = clock;
    }

    void forget(String uid) {
        actedAt.remove(uid);
    }
}
