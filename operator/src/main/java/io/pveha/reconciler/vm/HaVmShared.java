package io.pveha.reconciler.vm;

import io.pveha.cluster.ClusterConnections;
import io.pveha.reconciler.EventRecorder;
import io.pveha.reconciler.SpecValidation;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What every HaVm reconcile shares: the cluster layer, the VMID allocator, events, and small memories
 * that only save PVE calls (losing them on restart costs a call, never correctness).
 */
final class HaVmShared {
    /** How often a VM's full configuration is compared with its spec when nothing hints at drift. */
    static final Duration DRIFT_CHECK = Duration.ofMinutes(30);
    /** How often guest IPs are refreshed once known (also after every restart or move of the VM). */
    static final Duration IP_REFRESH = Duration.ofMinutes(30);
    /** How often guest IPs are asked for while none is known (the VM is booting). */
    static final Duration IP_RETRY = Duration.ofSeconds(15);
    /** An HA migration request is not repeated within this time. */
    static final Duration HA_MIGRATE_PATIENCE = Duration.ofMinutes(3);

    final ClusterConnections connections;
    final VmidAllocator allocator;
    final EventRecorder events;
    final SpecValidation validation;
    final Clock clock;
    /** When the operator last changed each VM (by HaVm UID): snapshots older than that are not planned from. */
    final Map<String, Instant> actedAt = new ConcurrentHashMap<>();
    final Map<String, Instant> configCheckedAt = new ConcurrentHashMap<>();
    final Map<String, Instant> ipsCheckedAt = new ConcurrentHashMap<>();
    final Map<String, Instant> haMigrateRequestedAt = new ConcurrentHashMap<>();
    /** The poll sequence when each HaVm's current task started: later polls' task lists describe it. */
    final Map<String, Long> taskStartedAtPoll = new ConcurrentHashMap<>();
    /** Whether the VM has the QEMU guest agent enabled (from its last config check); IPs are asked only then. */
    final Map<String, Boolean> agentEnabled = new ConcurrentHashMap<>();
    /** Consecutive failures of the guest agent, for backing off. */
    final Map<String, Integer> agentFailures = new ConcurrentHashMap<>();
    /** Uptime and node of each VM at the last IP check: a restart or a move asks for the IPs again. */
    final Map<String, String> bootSeen = new ConcurrentHashMap<>();

    HaVmShared(ClusterConnections connections, VmidAllocator allocator, EventRecorder events, SpecValidation validation, Clock clock) {
        this.connections = connections;
        this.allocator = allocator;
        this.events = events;
        this.validation = validation;
        this.clock = clock;
    }

    void forget(String uid) {
        actedAt.remove(uid);
        configCheckedAt.remove(uid);
        ipsCheckedAt.remove(uid);
        haMigrateRequestedAt.remove(uid);
        bootSeen.remove(uid);
        taskStartedAtPoll.remove(uid);
        agentEnabled.remove(uid);
        agentFailures.remove(uid);
    }
}
