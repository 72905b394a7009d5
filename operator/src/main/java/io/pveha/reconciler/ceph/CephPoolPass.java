package io.pveha.reconciler.ceph;

import io.fabric8.kubernetes.api.model.Condition;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.pveha.api.DeletionPolicy;
import io.pveha.api.Pveha;
import io.pveha.api.ceph.CephPool;
import io.pveha.api.ceph.CephPoolStatus;
import io.pveha.cluster.ClusterConnection;
import io.pveha.cluster.ClusterKey;
import io.pveha.cluster.ClusterSnapshot;
import io.pveha.cluster.PollOutcome;
import io.pveha.pve.PveApiException;
import io.pveha.pve.PveErrorKind;
import io.pveha.pve.Upid;
import io.pveha.pve.model.CephPoolEntry;
import io.pveha.pve.model.StorageConfig;
import io.pveha.pve.model.TaskStatus;
import io.pveha.reconciler.Conditions;
import io.pveha.reconciler.Copies;
import io.pveha.reconciler.Paused;
import io.pveha.reconciler.ReconcileGate;
import io.pveha.reconciler.Redactor;
import io.pveha.reconciler.StatusWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One reconcile (or one deletion step) of a CephPool: observe the pool in the cluster's shared poll, then
 * create it, bring declared settings to the spec, or destroy it, one PVE task at a time. The task's UPID (or,
 * just before the call, an intent) is written to status first, so a restarted operator follows the same task.
 * Values Ceph refuses are reported as {@code Refused} and not tried again until the spec changes.
 */
final class CephPoolPass {
    private static final Logger LOG = LoggerFactory.getLogger(CephPoolPass.class);
    static final Duration BUSY = Duration.ofSeconds(2);
    static final Duration SOON = Duration.ofMillis(500);
    static final Duration WAIT_CLUSTER = Duration.ofSeconds(10);
    static final Duration BLOCKED_RECHECK = Duration.ofSeconds(10);
    static final String DELETION_BLOCKED = "DeletionBlocked";

    static final String SYNCED = "Synced";
    static final String CREATING = "Creating";
    static final String UPDATING = "Updating";
    static final String DELETING = "Deleting";
    static final String REFUSED = "Refused";
    static final String TASK_FAILED = "TaskFailed";
    static final String FOREIGN_POOL = "PoolNotOwned";
    static final String CLUSTER_NOT_READY = "ClusterNotReady";
    static final String CLUSTER_UNREACHABLE = "ClusterUnreachable";
    static final String POOLS_UNKNOWN = "PoolsUnknown";
    static final String STORAGE_MISSING = "StorageMissing";
    static final String API_ERROR = "ApiError";
    static final String DEGRADED = "Degraded";
    /** Ceph checks that make I/O to every pool stop or fail. */
    private static final Set<String> BLOCKING_CHECKS = Set.of("PG_AVAILABILITY", "OSD_FULL", "POOL_FULL");
    /** Cluster-wide checks that concern every pool; reported on each CephPool. */
    private static final Set<String> POOL_CHECKS = Set.of("PG_AVAILABILITY", "PG_DEGRADED", "OSD_NEARFULL",
            "OSD_BACKFILLFULL", "OSD_FULL", "POOL_NEARFULL", "POOL_BACKFILLFULL", "POOL_FULL", "POOL_TOO_FEW_PGS",
            "POOL_TOO_MANY_PGS", "POOL_TARGET_SIZE_BYTES_OVERCOMMITTED", "OSD_DOWN", "OSD_HOST_DOWN");
    /** Written to status.pendingTask just before a call that starts a task, replaced by the UPID after it. */
    private static final String INTENT = "intent:";

    private final CephPoolShared shared;
    private final Context<CephPool> context;
    private final CephPool pool;
    private final String uid;
    private final long generation;
    private final String poolName;
    private final CephPoolStatus status;
    private CephPool stored;
    private ClusterConnection connection;
    private ClusterSnapshot snapshot;

    CephPoolPass(CephPoolShared shared, CephPool pool, Context<CephPool> context) {
        this.shared = shared;
        this.context = context;
        this.pool = pool;
        this.stored = pool;
        this.uid = pool.getMetadata().getUid();
        this.generation = pool.getMetadata().getGeneration() == null ? 0 : pool.getMetadata().getGeneration();
        this.poolName = CephPoolPlan.poolName(pool);
        CephPoolStatus copy = Copies.deepCopy(pool.getStatus(), CephPoolStatus.class);
        this.status = copy == null ? new CephPoolStatus() : copy;
    }

    /** Creates or converges; returns when to look again (null: on events only). */
    Duration reconcile() {
        Duration next;
        try {
            next = converge();
        } catch (PveApiException e) {
            next = apiFailure(e);
        }
        status.setObservedGeneration(generation);
        persist();
        return next;
    }

    /** One deletion step; null when the finalizer may go. */
    Duration delete() {
        Duration next;
        try {
            next = destroy();
        } catch (PveApiException e) {
            next = apiFailure(e);
        }
        if (next != null) {
            persist();
        }
        return next;
    }

    // ---------------------------------------------------------------- reconcile

    private Duration converge() {
        Optional<ReconcileGate.Stop> stop = ReconcileGate.check(pool, status.getConditions(), shared.validation, shared.events);
        if (stop.isPresent()) {
            ready(Conditions.FALSE, stop.get().reason(), stop.get().message());
            return null;
        }
        Duration wait = observeCluster();
        if (wait != null) {
            return wait;
        }
        if (status.getPendingTask() != null) {
            return followTask();
        }
        Instant acted = shared.actedAt.get(uid);
        if (acted != null && snapshot.polledAt().isBefore(acted)) {
            // The last poll predates our own change: plan only from facts that include it.
            connection.requestPoll();
            return SOON;
        }
        Optional<CephPoolEntry> observed = snapshot.cephPool(poolName);
        if (observed.isEmpty() && !owned()) {
            // The shared poll may predate a pool made meanwhile by someone else; PVE's create would then
            // silently re-configure that pool. One fresh look before creating (never per poll).
            String node = onlineNode();
            if (node != null) {
                observed = connection.ceph().pools(node).stream().filter(p -> poolName.equals(p.poolName())).findFirst();
            }
        }
        if (observed.isEmpty()) {
            status.setPoolId(null);
            status.setObserved(null);
            status.setUsage(null);
            if (refusedThisGeneration()) {
                return null;
            }
            return startTask(CREATING, "creating pool " + poolName,
                    node -> connection.ceph().createPool(node, CephPoolPlan.createParams(pool)));
        }
        if (!owned()) {
            ready(Conditions.FALSE, FOREIGN_POOL, "Ceph pool " + poolName + " exists and was not created by this CephPool; "
                    + "nothing is changed. Annotate " + Pveha.ANNOTATION_ADOPT + "=true to manage it");
            return null;
        }
        status.setPoolName(poolName);
        observe(observed.get());
        Map<String, Object> changes = CephPoolPlan.changes(pool.getSpec(), observed.get());
        if (!changes.isEmpty() && !refusedThisGeneration()) {
            return startTask(UPDATING, "changing " + String.join(", ", changes.keySet()) + " of pool " + poolName,
                    node -> connection.ceph().updatePool(node, poolName, changes));
        }
        if (refusedThisGeneration()) {
            return null;
        }
        return summarize(observed.get());
    }

    private Duration observeCluster() {
        ClusterKey key = new ClusterKey(pool.getMetadata().getNamespace(), pool.getSpec().getClusterRef().getName());
        shared.connections.cephPoolUser(key, uid, true);
        connection = shared.connections.get(key).orElse(null);
        PollOutcome outcome = connection == null ? null : connection.outcome();
        snapshot = outcome == null ? null : outcome.snapshot();
        if (snapshot == null) {
            ready(Conditions.FALSE, CLUSTER_NOT_READY, "ProxmoxCluster " + key + " is not connected yet");
            return WAIT_CLUSTER;
        }
        if (outcome.error() != null) {
            ready(Conditions.FALSE, CLUSTER_UNREACHABLE, "cannot act while the cluster is unreachable: "
                    + outcome.error().getMessage() + "; showing facts from " + snapshot.polledAt());
            return WAIT_CLUSTER;
        }
        if (snapshot.cephPools() == null) {
            // The first poll after this CephPool appeared did not list pools yet (or Ceph did not answer).
            ready(Conditions.FALSE, POOLS_UNKNOWN, "waiting for the cluster's Ceph pool list");
            connection.requestPoll();
            return Duration.ofSeconds(2);
        }
        return null;
    }

    /** Ours when we created it (status.poolName is set only then) or when the user asked to adopt it. */
    private boolean owned() {
        if (poolName.equals(status.getPoolName())) {
            return true;
        }
        Map<String, String> annotations = pool.getMetadata().getAnnotations();
        return annotations != null && "true".equals(annotations.get(Pveha.ANNOTATION_ADOPT));
    }

    private void observe(CephPoolEntry p) {
        status.setPoolId(p.poolId());
        CephPoolStatus.Observed o = new CephPoolStatus.Observed();
        o.setSize(p.size());
        o.setMinSize(p.minSize());
        o.setPgNum(p.pgNum());
        o.setPgAutoscaleMode(p.pgAutoscaleMode());
        o.setApplication(p.applications().isEmpty() ? null : String.join(",", p.applications()));
        o.setCrushRule(p.crushRuleName());
        o.setTargetSize(p.targetSize() == null ? null : p.targetSize().toString());
        o.setTargetSizeRatio(p.targetSizeRatio() == null ? null : p.targetSizeRatio().toString());
        status.setObserved(o);
        CephPoolStatus.Usage usage = new CephPoolStatus.Usage();
        usage.setBytesUsed(p.bytesUsed() == null ? 0L : p.bytesUsed());
        usage.setPercentUsed(String.format(Locale.ROOT, "%.1f%%", p.percentUsed() == null ? 0.0 : p.percentUsed() * 100));
        status.setUsage(usage);
        List<String> checks = snapshot.ceph().checks().stream().filter(POOL_CHECKS::contains).sorted().toList();
        status.setHealthChecks(new ArrayList<>(checks));
        status.setStorage(rbdStorageExists() ? poolName : null);
    }

    private Duration summarize(CephPoolEntry p) {
        if (Boolean.TRUE.equals(pool.getSpec().getAddStorage()) && !rbdStorageExists()) {
            ready(Conditions.FALSE, STORAGE_MISSING, "pool " + poolName + " has no PVE storage named " + poolName
                    + "; the operator adds it only when it creates the pool (add it with pvesm add rbd " + poolName
                    + " --pool " + poolName + " --content images,rootdir)");
            return null;
        }
        List<String> blocking = status.getHealthChecks().stream().filter(BLOCKING_CHECKS::contains).toList();
        String facts = "pool " + poolName + " (id " + p.poolId() + "): size " + p.size() + "/" + p.minSize() + ", "
                + p.pgNum() + " PGs, " + status.getUsage().getPercentUsed() + " used; Ceph " + snapshot.ceph().status()
                + (status.getHealthChecks().isEmpty() ? "" : " " + status.getHealthChecks());
        if (!blocking.isEmpty()) {
            ready(Conditions.FALSE, DEGRADED, facts);
        } else {
            ready(Conditions.TRUE, SYNCED, facts);
        }
        return null;
    }

    /** Whether PVE's cluster resources list the RBD storage named like the pool. */
    private boolean rbdStorageExists() {
        return snapshot.storages().stream().anyMatch(s -> poolName.equals(s.storage()));
    }

    private boolean refusedThisGeneration() {
        Optional<Condition> readyNow = Conditions.find(status.getConditions(), Conditions.READY);
        return readyNow.isPresent() && REFUSED.equals(readyNow.get().getReason())
                && Objects.equals(readyNow.get().getObservedGeneration(), generation);
    }

    // ---------------------------------------------------------------- tasks

    @FunctionalInterface
    private interface TaskCall {
        Upid start(String node);
    }

    private Duration startTask(String reason, String message, TaskCall call) {
        String node = onlineNode();
        if (node == null) {
            ready(Conditions.FALSE, CLUSTER_UNREACHABLE, "no node is online");
            return WAIT_CLUSTER;
        }
        status.setPendingTask(INTENT + reason + ":" + now());
        ready(Conditions.FALSE, reason, message);
        persist();
        Upid upid;
        try {
            upid = call.start(node);
        } catch (PveApiException e) {
            if (e.kind() != PveErrorKind.OUTCOME_UNKNOWN) {
                status.setPendingTask(null);
            }
            throw e;
        }
        status.setPendingTask(upid.value());
        if (CREATING.equals(reason)) {
            // PVE creates the pool before applying settings: from here on the pool is ours even if a setting fails.
            status.setPoolName(poolName);
        }
        ready(Conditions.FALSE, reason, message + " (task " + upid.value() + ")");
        acted();
        LOG.info("{}: {} started: {}", poolName, reason, upid);
        return BUSY;
    }

    private Duration followTask() {
        String pending = status.getPendingTask();
        if (pending.startsWith(INTENT)) {
            return resolveIntent(pending);
        }
        Upid upid = Upid.parse(pending);
        TaskStatus state = connection.api().taskStatus(upid);
        if (state.running()) {
            return BUSY;
        }
        status.setPendingTask(null);
        acted();
        if (state.succeeded()) {
            shared.events.normal(pool, upid.type() + "Succeeded", upid.type() + " of pool " + poolName + " finished");
            return SOON;
        }
        String tail = String.join(" | ", tail(upid));
        String message = upid.type() + " failed: " + state.exitstatus() + (tail.isEmpty() ? "" : " (log: " + tail + ")");
        shared.events.warning(pool, refusal(state.exitstatus()) ? REFUSED : TASK_FAILED, message);
        if (refusal(state.exitstatus())) {
            // Ceph said no to a value of this generation: asking again would only repeat the refusal.
            ready(Conditions.FALSE, REFUSED, message);
            return null;
        }
        ready(Conditions.FALSE, TASK_FAILED, message);
        return Duration.ofSeconds(30);
    }

    /** The operator stopped between writing the intent and recording the UPID: look at the facts again. */
    private Duration resolveIntent(String intent) {
        if (intent.startsWith(INTENT + CREATING) && snapshot.cephPool(poolName).isPresent()) {
            // The create reached PVE: the pool it made is ours.
            status.setPoolName(poolName);
        }
        status.setPendingTask(null);
        LOG.info("{}: no task id recorded for {}; planning again from the facts", poolName, intent);
        connection.requestPoll();
        return SOON;
    }

    /**
     * Failures that are Ceph's verdict on a value ({@code set_pool} names the settings it could not set; an
     * application already enabled; the monitor's range checks), as opposed to a transient failure.
     */
    static boolean refusal(String exitStatus) {
        return exitStatus != null && (exitStatus.startsWith("Could not set:")
                || exitStatus.contains("already has an enabled application")
                || exitStatus.contains("would mean") || exitStatus.contains("must be between"));
    }

    private List<String> tail(Upid upid) {
        try {
            return connection.api().taskLog(upid, 4);
        } catch (PveApiException e) {
            return List.of();
        }
    }

    // ---------------------------------------------------------------- deletion

    private Duration destroy() {
        ClusterKey key = new ClusterKey(pool.getMetadata().getNamespace(), pool.getSpec().getClusterRef().getName());
        DeletionPolicy policy = pool.getSpec().getDeletionPolicy() == null ? DeletionPolicy.Retain : pool.getSpec().getDeletionPolicy();
        if (policy != DeletionPolicy.Delete || status.getPoolName() == null || Paused.isPaused(pool)) {
            // Retain, a pool we never created, or paused: the pool stays as it is.
            if (status.getPoolName() != null) {
                shared.events.normal(pool, "Retained", "pool " + poolName + " is kept (deletionPolicy " + policy
                        + (Paused.isPaused(pool) ? ", reconciliation paused" : "") + ")");
            }
            shared.connections.cephPoolUser(key, uid, false);
            shared.forget(uid);
            return null;
        }
        Duration wait = observeCluster();
        if (wait != null) {
            return wait;
        }
        if (status.getPendingTask() != null) {
            Duration step = followTask();
            if (status.getPendingTask() != null) {
                return step;
            }
            String failure = Conditions.find(status.getConditions(), Conditions.READY)
                    .filter(c -> TASK_FAILED.equals(c.getReason())).map(Condition::getMessage).orElse("");
            if (failure.contains("still in use by storage")) {
                // PVE's own check found RBD images (e.g. made outside PVE's storage layer) after ours did not.
                return blocked("PVE refused to destroy pool " + poolName + ": " + failure);
            }
        }
        Instant acted = shared.actedAt.get(uid);
        if (acted != null && snapshot.polledAt().isBefore(acted)) {
            // Decide from a poll made after our last task ended, never from one that still shows the pool.
            connection.requestPoll();
            return SOON;
        }
        if (snapshot.cephPool(poolName).isEmpty()) {
            shared.events.normal(pool, "Deleted", "pool " + poolName + " was destroyed");
            shared.connections.cephPoolUser(key, uid, false);
            shared.forget(uid);
            return null;
        }
        String confirm = pool.getMetadata().getAnnotations() == null ? null
                : pool.getMetadata().getAnnotations().get(Pveha.ANNOTATION_CONFIRM_DELETE);
        if (!poolName.equals(confirm)) {
            return blocked("deletionPolicy is Delete, but the annotation " + Pveha.ANNOTATION_CONFIRM_DELETE
                    + " does not name the pool; set it to '" + poolName + "' to destroy the pool");
        }
        List<String> storages = connection.api().storageConfigs().stream()
                .filter(s -> "rbd".equals(s.type()) && poolName.equals(s.pool() == null ? "rbd" : s.pool()))
                .map(StorageConfig::storage).toList();
        String node = onlineNode();
        if (node == null) {
            ready(Conditions.FALSE, CLUSTER_UNREACHABLE, "no node is online");
            return WAIT_CLUSTER;
        }
        List<String> images = new ArrayList<>();
        for (String storage : storages) {
            images.addAll(connection.ceph().images(node, storage));
        }
        if (!images.isEmpty()) {
            return blocked("VM disks live in pool " + poolName + ": " + String.join(", ", images)
                    + " (VMs " + vmids(images) + "); move or delete them first");
        }
        status.setConditions(Conditions.set(status.getConditions(), DELETION_BLOCKED, Conditions.FALSE, DELETING,
                "nothing blocks the deletion", generation, now()));
        // Remove the PVE storage too only when it is the one this CephPool made (named like the pool) and the only one.
        boolean removeStorage = Boolean.TRUE.equals(pool.getSpec().getAddStorage()) && storages.equals(List.of(poolName));
        if (!removeStorage && !storages.isEmpty()) {
            shared.events.warning(pool, "StorageKept", "PVE storages " + storages + " use pool " + poolName
                    + " and are left in place");
        }
        Map<String, Object> params = removeStorage ? Map.of("remove_storages", 1) : Map.of();
        return startTask(DELETING, "destroying pool " + poolName, n -> connection.ceph().deletePool(n, poolName, params));
    }

    private Duration blocked(String message) {
        Optional<Condition> before = Conditions.find(status.getConditions(), DELETION_BLOCKED);
        if (before.isEmpty() || !Objects.equals(before.get().getMessage(), message)) {
            shared.events.warning(pool, DELETION_BLOCKED, message);
        }
        status.setConditions(Conditions.set(status.getConditions(), DELETION_BLOCKED, Conditions.TRUE, DELETION_BLOCKED,
                message, generation, now()));
        ready(Conditions.FALSE, DELETION_BLOCKED, message);
        return BLOCKED_RECHECK;
    }

    private static String vmids(List<String> volids) {
        return String.join(", ", volids.stream().map(v -> v.replaceAll("^.*?(?:vm|base)-(\\d+)-.*$", "$1"))
                .distinct().toList());
    }

    // ---------------------------------------------------------------- helpers

    private String onlineNode() {
        return snapshot.nodeMembers().stream().filter(n -> Boolean.TRUE.equals(n.online())).map(n -> n.name())
                .findFirst().orElse(null);
    }

    private Duration apiFailure(PveApiException e) {
        String message = Redactor.scrub(e.describe());
        if (!isReady(API_ERROR) || !Objects.equals(readyMessage(), message)) {
            shared.events.warning(pool, API_ERROR, message);
        }
        ready(Conditions.FALSE, API_ERROR, message);
        LOG.warn("{}: PVE refused or failed: {}", poolName, e.describe());
        return e.retryable() ? Duration.ofSeconds(10) : Duration.ofSeconds(60);
    }

    private boolean isReady(String reason) {
        return Conditions.find(status.getConditions(), Conditions.READY).map(c -> reason.equals(c.getReason())).orElse(false);
    }

    private String readyMessage() {
        return Conditions.find(status.getConditions(), Conditions.READY).map(Condition::getMessage).orElse(null);
    }

    private void ready(String value, String reason, String message) {
        status.setConditions(Conditions.set(status.getConditions(), Conditions.READY, value, reason,
                Redactor.scrub(message), generation, now()));
    }

    private void acted() {
        shared.actedAt.put(uid, now());
        if (connection != null) {
            connection.requestPoll();
        }
    }

    private Instant now() {
        return shared.clock.instant().truncatedTo(ChronoUnit.SECONDS);
    }

    private void persist() {
        try {
            stored = StatusWriter.writeAndGet(stored, stored.getStatus(), status, context);
        } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
            if (!StatusWriter.isHarmless(e)) {
                throw e;
            }
        }
    }

}
