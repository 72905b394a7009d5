package io.pveha.reconciler.ceph;

import io.fabric8.kubernetes.api.model.Condition;
import io.pveha.api.DeletionPolicy;
import io.pveha.api.PendingTask;
import io.pveha.api.Pveha;
import io.pveha.api.ceph.CephPool;
import io.pveha.api.ceph.CephPoolStatus;
import io.pveha.pve.model.CephPoolEntry;
import io.pveha.reconciler.Conditions;
import io.pveha.reconciler.Paused;
import io.pveha.reconciler.Reason;
import io.pveha.reconciler.Reasons;
import io.pveha.reconciler.task.TaskLedger;
import io.pveha.reconciler.task.TaskLedger.TaskFact;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Decides what a CephPool pass does: a pure function of the resource, its status and the observed
 * facts (no I/O, no clock). One action at a time, never while a task is pending; a pool that is not
 * ours is never changed or destroyed.
 */
final class CephPoolPlanner {
    static final Duration BUSY = Duration.ofSeconds(2);
    static final Duration SOON = Duration.ofMillis(500);
    static final Duration WAIT_CLUSTER = Duration.ofSeconds(10);
    static final Duration BLOCKED_RECHECK = Duration.ofSeconds(10);
    static final Duration RETRY_FAILED = Duration.ofSeconds(30);

    /** Ceph checks that make I/O to every pool stop or fail. */
    static final Set<String> BLOCKING_CHECKS = Set.of("PG_AVAILABILITY", "OSD_FULL", "POOL_FULL");

    /** A PVE task for the pool; each runs on an online node. */
    sealed interface Action {
        String node();

        /** PVE's worker type and the action's name in {@code status.pendingTask}. */
        String taskType();

        String name();

        Reason reason();

        String describe(String pool);

        default PendingTask intent(String pool) {
            return new PendingTask(name(), node(), taskType(), pool, null);
        }
    }

    record CreatePool(String node, Map<String, Object> params) implements Action {
        public String taskType() {
            return "cephcreatepool";
        }

        public String name() {
            return "CreatePool";
        }

        public Reason reason() {
            return CephPoolReason.Creating;
        }

        public String describe(String pool) {
            return "creating pool " + pool;
        }
    }

    record UpdatePool(String node, Map<String, Object> changes) implements Action {
        public String taskType() {
            return "cephsetpool";
        }

        public String name() {
            return "UpdatePool";
        }

        public Reason reason() {
            return CephPoolReason.Updating;
        }

        public String describe(String pool) {
            return "changing " + String.join(", ", changes.keySet()) + " of pool " + pool;
        }
    }

    record DestroyPool(String node, Map<String, Object> params, List<String> keptStorages)
            implements Action {
        public String taskType() {
            return "cephdestroypool";
        }

        public String name() {
            return "DestroyPool";
        }

        public Reason reason() {
            return CephPoolReason.Deleting;
        }

        public String describe(String pool) {
            return "destroying pool " + pool;
        }
    }

    /**
     * What a pass does and shows.
     *
     * @param reason the Ready reason (Ready is True only for {@code Synced})
     * @param action the one PVE task to start, if any
     * @param requeue when to look again without an event; empty: only on events
     * @param ended the pending task that ended (or whose intent came to nothing) in this pass: it
     *     leaves status
     * @param claim the pool is ours from now on ({@code status.poolName})
     * @param blocked why a deletion cannot go ahead (the DeletionBlocked condition)
     * @param finished the deletion is done: the finalizer may go
     * @param needsDeletionCheck plan again with {@link CephPoolFacts#deletion()} read
     */
    record Plan(
            Reason reason,
            String message,
            Optional<Action> action,
            Optional<Duration> requeue,
            Optional<TaskFact> ended,
            boolean claim,
            Optional<String> blocked,
            boolean finished,
            boolean needsDeletionCheck) {
        boolean ready() {
            return reason == CephPoolReason.Synced;
        }

        static Plan show(Reason reason, String message, Duration requeue) {
            return new Plan(
                    reason,
                    message,
                    Optional.empty(),
                    Optional.ofNullable(requeue),
                    Optional.empty(),
                    false,
                    Optional.empty(),
                    false,
                    false);
        }

        static Plan act(Action action, String pool, Duration requeue) {
            return new Plan(
                    action.reason(),
                    action.describe(pool),
                    Optional.of(action),
                    Optional.of(requeue),
                    Optional.empty(),
                    false,
                    Optional.empty(),
                    false,
                    false);
        }

        Plan ended(TaskFact task) {
            return new Plan(
                    reason,
                    message,
                    action,
                    requeue,
                    Optional.of(task),
                    claim,
                    blocked,
                    finished,
                    needsDeletionCheck);
        }

        Plan claiming(boolean claimed) {
            return new Plan(
                    reason,
                    message,
                    action,
                    requeue,
                    ended,
                    claim || claimed,
                    blocked,
                    finished,
                    needsDeletionCheck);
        }

        Plan blocking(String why) {
            return new Plan(
                    CephPoolReason.DeletionBlocked,
                    why,
                    Optional.empty(),
                    Optional.of(BLOCKED_RECHECK),
                    ended,
                    claim,
                    Optional.of(why),
                    false,
                    false);
        }

        static Plan done() {
            return new Plan(
                    CephPoolReason.Deleted,
                    "",
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    false,
                    Optional.empty(),
                    true,
                    false);
        }

        static Plan needDeletionCheck() {
            return new Plan(
                    CephPoolReason.Deleting,
                    "",
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    false,
                    Optional.empty(),
                    false,
                    true);
        }
    }

    private CephPoolPlanner() {}

    // ---------------------------------------------------------------- converge

    static Plan plan(CephPool pool, CephPoolStatus status, CephPoolFacts facts) {
        if (facts.cluster().blocked().isPresent()) {
            var blocked = facts.cluster().blocked().get();
            return Plan.show(blocked.reason(), blocked.message(), WAIT_CLUSTER);
        }
        if (!facts.poolsKnown()) {
            return Plan.show(
                    CephPoolReason.PoolsUnknown, "waiting for the cluster's Ceph pool list", BUSY);
        }
        String name = CephPoolSettings.poolName(pool);
        Optional<TaskFact> ended = Optional.empty();
        if (facts.task().isPresent()) {
            TaskFact task = facts.task().get();
            Plan waiting = whileTaskPending(task, name);
            if (waiting != null) {
                return waiting;
            }
            ended = Optional.of(task);
            if (task.state() == TaskLedger.State.FAILED) {
                return failed(task, generation(pool)).claiming(createdPool(task, facts));
            }
            if (!task.current()) {
                // Learned from PVE directly: the poll at hand may predate the task's effects.
                return Plan.show(
                                task.task().getAction().equals("DestroyPool")
                                        ? CephPoolReason.Deleting
                                        : CephPoolReason.Updating,
                                "waiting for a poll after the task",
                                SOON)
                        .ended(task)
                        .claiming(createdPool(task, facts));
            }
        } else if (facts.stale()) {
            return keepShowing(status, SOON);
        }
        boolean claim = ended.map(t -> createdPool(t, facts)).orElse(false);
        Plan plan = converge(pool, status, facts, name, claim || owned(pool, status));
        plan = plan.claiming(claim);
        return ended.map(plan::ended).orElse(plan);
    }

    private static Plan converge(
            CephPool pool, CephPoolStatus status, CephPoolFacts facts, String name, boolean owned) {
        long generation = generation(pool);
        Optional<CephPoolEntry> observed = facts.pool();
        if (observed.isEmpty()) {
            if (refusedThisGeneration(status, generation)) {
                return keepRefused(status);
            }
            Optional<String> node = facts.onlineNode();
            if (node.isEmpty()) {
                return Plan.show(
                        io.pveha.reconciler.CommonReason.ClusterUnreachable,
                        "no node is online",
                        WAIT_CLUSTER);
            }
            return Plan.act(
                    new CreatePool(node.get(), CephPoolSettings.createParams(pool)), name, BUSY);
        }
        if (!owned) {
            return Plan.show(
                    CephPoolReason.PoolNotOwned,
                    "Ceph pool "
                            + name
                            + " exists and was not created by this CephPool; "
                            + "nothing is changed. Annotate "
                            + Pveha.ANNOTATION_ADOPT
                            + "=true to manage it",
                    null);
        }
        if (refusedThisGeneration(status, generation)) {
            return keepRefused(status).claiming(true);
        }
        Map<String, Object> changes = CephPoolSettings.changes(pool.getSpec(), observed.get());
        if (!changes.isEmpty()) {
            Optional<String> node = facts.onlineNode();
            if (node.isPresent()) {
                return Plan.act(new UpdatePool(node.get(), changes), name, BUSY).claiming(true);
            }
        }
        return summarize(pool, facts, observed.get(), name).claiming(true);
    }

    private static Plan summarize(
            CephPool pool, CephPoolFacts facts, CephPoolEntry p, String name) {
        if (Boolean.TRUE.equals(pool.getSpec().getAddStorage()) && !facts.rbdStorage()) {
            return Plan.show(
                    CephPoolReason.StorageMissing,
                    "pool "
                            + name
                            + " has no PVE storage named "
                            + name
                            + "; the operator adds it only when it creates the pool (add it with pvesm add rbd "
                            + name
                            + " --pool "
                            + name
                            + " --content images,rootdir)",
                    null);
        }
        String used = CephPoolStatusBuilder.percent(p.percentUsed());
        String text =
                "pool "
                        + name
                        + " (id "
                        + p.poolId()
                        + "): size "
                        + p.size()
                        + "/"
                        + p.minSize()
                        + ", "
                        + p.pgNum()
                        + " PGs, "
                        + used
                        + " used; Ceph "
                        + facts.cephStatus()
                        + (facts.healthChecks().isEmpty() ? "" : " " + facts.healthChecks());
        boolean blocking = facts.healthChecks().stream().anyMatch(BLOCKING_CHECKS::contains);
        return Plan.show(blocking ? CephPoolReason.Degraded : CephPoolReason.Synced, text, null);
    }

    // ---------------------------------------------------------------- deletion

    /** One deletion step: Retain leaves the pool; Delete destroys it once confirmed and empty. */
    static Plan planDeletion(CephPool pool, CephPoolStatus status, CephPoolFacts facts) {
        String name = CephPoolSettings.poolName(pool);
        DeletionPolicy policy =
                pool.getSpec().getDeletionPolicy() == null
                        ? DeletionPolicy.Retain
                        : pool.getSpec().getDeletionPolicy();
        if (policy != DeletionPolicy.Delete
                || status == null
                || status.getPoolName() == null
                || Paused.isPaused(pool)) {
            // Retain, a pool we never created, or paused: the pool stays as it is.
            return new Plan(
                    CephPoolReason.Retained,
                    "pool "
                            + name
                            + " is kept (deletionPolicy "
                            + policy
                            + (Paused.isPaused(pool) ? ", reconciliation paused" : "")
                            + ")",
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    false,
                    Optional.empty(),
                    true,
                    false);
        }
        if (facts.cluster().blocked().isPresent()) {
            var blocked = facts.cluster().blocked().get();
            return Plan.show(
                    blocked.reason(),
                    "waiting for the cluster to delete pool " + name + ": " + blocked.message(),
                    WAIT_CLUSTER);
        }
        if (!facts.poolsKnown()) {
            return Plan.show(
                    CephPoolReason.PoolsUnknown, "waiting for the cluster's Ceph pool list", BUSY);
        }
        Optional<TaskFact> ended = Optional.empty();
        if (facts.task().isPresent()) {
            TaskFact task = facts.task().get();
            Plan waiting = whileTaskPending(task, name);
            if (waiting != null) {
                return waiting;
            }
            ended = Optional.of(task);
            if (task.state() == TaskLedger.State.FAILED) {
                String failure = task.describe();
                if (failure.contains("still in use by storage")) {
                    // PVE's own check found RBD images (e.g. made outside PVE's storage layer)
                    // after ours did not.
                    return Plan.show(CephPoolReason.Deleting, "", null)
                            .ended(task)
                            .blocking("PVE refused to destroy pool " + name + ": " + failure);
                }
                return failed(task, generation(pool));
            }
            if (!task.current()) {
                return Plan.show(CephPoolReason.Deleting, "waiting for a poll after the task", SOON)
                        .ended(task);
            }
        } else if (facts.stale()) {
            return Plan.show(
                    CephPoolReason.Deleting, "waiting for a poll after the last change", SOON);
        }
        Plan step = deletionStep(pool, facts, name);
        return ended.map(step::ended).orElse(step);
    }

    private static Plan deletionStep(CephPool pool, CephPoolFacts facts, String name) {
        if (facts.pool().isEmpty()) {
            return Plan.done();
        }
        String confirm =
                pool.getMetadata().getAnnotations() == null
                        ? null
                        : pool.getMetadata().getAnnotations().get(Pveha.ANNOTATION_CONFIRM_DELETE);
        if (!name.equals(confirm)) {
            return Plan.show(CephPoolReason.Deleting, "", null)
                    .blocking(
                            "deletionPolicy is Delete, but the annotation "
                                    + Pveha.ANNOTATION_CONFIRM_DELETE
                                    + " does not name the pool; set it to '"
                                    + name
                                    + "' to destroy the pool");
        }
        Optional<String> node = facts.onlineNode();
        if (node.isEmpty()) {
            return Plan.show(
                    io.pveha.reconciler.CommonReason.ClusterUnreachable,
                    "no node is online",
                    WAIT_CLUSTER);
        }
        if (facts.deletion().isEmpty()) {
            return Plan.needDeletionCheck();
        }
        CephPoolFacts.DeletionCheck check = facts.deletion().get();
        if (!check.images().isEmpty()) {
            return Plan.show(CephPoolReason.Deleting, "", null)
                    .blocking(
                            "VM disks live in pool "
                                    + name
                                    + ": "
                                    + String.join(", ", check.images())
                                    + " (VMs "
                                    + vmids(check.images())
                                    + "); move or delete them first");
        }
        // Remove the PVE storage too only when it is the one this CephPool made (named like the
        // pool) and the only one.
        boolean removeStorage =
                Boolean.TRUE.equals(pool.getSpec().getAddStorage())
                        && check.storages().equals(List.of(name));
        Map<String, Object> params = removeStorage ? Map.of("remove_storages", 1) : Map.of();
        return Plan.act(
                new DestroyPool(node.get(), params, removeStorage ? List.of() : check.storages()),
                name,
                BUSY);
    }

    // ---------------------------------------------------------------- tasks

    /** A plan that waits for the pending task, or null when it ended (or never started). */
    private static Plan whileTaskPending(TaskFact task, String pool) {
        return switch (task.state()) {
            case RUNNING, UNKNOWN ->
                    Plan.show(
                            reasonOf(task.task().getAction()),
                            describe(task.task().getAction(), pool)
                                    + (task.task().started()
                                            ? " (task " + task.task().getUpid() + ")"
                                            : ""),
                            BUSY);
            default -> null;
        };
    }

    private static Plan failed(TaskFact task, long generation) {
        String message = task.task().getAction() + " failed: " + task.describe();
        if (CephPoolSettings.refusal(task.exitStatus())) {
            // Ceph said no to a value of this generation: asking again would only repeat the
            // refusal.
            return Plan.show(CephPoolReason.Refused, message, null).ended(task);
        }
        return Plan.show(io.pveha.reconciler.CommonReason.TaskFailed, message, RETRY_FAILED)
                .ended(task);
    }

    /**
     * A create that reached PVE made the pool ours, even if a setting then failed: PVE creates the
     * pool before applying settings. An intent that came to nothing counts when the pool exists now
     * (the call did happen).
     */
    private static boolean createdPool(TaskFact task, CephPoolFacts facts) {
        return "CreatePool".equals(task.task().getAction())
                && (task.state() != TaskLedger.State.NOT_STARTED || facts.pool().isPresent());
    }

    private static Reason reasonOf(String action) {
        return switch (action) {
            case "CreatePool" -> CephPoolReason.Creating;
            case "DestroyPool" -> CephPoolReason.Deleting;
            default -> CephPoolReason.Updating;
        };
    }

    private static String describe(String action, String pool) {
        return switch (action) {
            case "CreatePool" -> "creating pool " + pool;
            case "DestroyPool" -> "destroying pool " + pool;
            default -> "changing pool " + pool;
        };
    }

    // ---------------------------------------------------------------- helpers

    /**
     * Ours when we created it ({@code status.poolName} is set only then) or when the user asked to
     * adopt it.
     */
    static boolean owned(CephPool pool, CephPoolStatus status) {
        String name = CephPoolSettings.poolName(pool);
        if (status != null && name.equals(status.getPoolName())) {
            return true;
        }
        if (status != null
                && status.getPendingTask() != null
                && "CreatePool".equals(status.getPendingTask().getAction())) {
            return true;
        }
        Map<String, String> annotations = pool.getMetadata().getAnnotations();
        return annotations != null && "true".equals(annotations.get(Pveha.ANNOTATION_ADOPT));
    }

    private static boolean refusedThisGeneration(CephPoolStatus status, long generation) {
        Optional<Condition> ready =
                status == null
                        ? Optional.empty()
                        : Conditions.find(status.getConditions(), Conditions.READY);
        return ready.isPresent()
                && CephPoolReason.Refused.name().equals(ready.get().getReason())
                && Objects.equals(ready.get().getObservedGeneration(), generation);
    }

    private static Plan keepRefused(CephPoolStatus status) {
        String message =
                Conditions.find(status.getConditions(), Conditions.READY)
                        .map(Condition::getMessage)
                        .orElse("");
        return Plan.show(CephPoolReason.Refused, message, null);
    }

    /**
     * Shows the Ready condition as it is (used while waiting for a poll newer than the operator's
     * own change).
     */
    private static Plan keepShowing(CephPoolStatus status, Duration requeue) {
        Optional<Condition> ready =
                status == null
                        ? Optional.empty()
                        : Conditions.find(status.getConditions(), Conditions.READY);
        Reason reason =
                ready.flatMap(c -> Reasons.find(CephPoolReason.class, c.getReason()))
                        .orElse(CephPoolReason.Updating);
        return Plan.show(
                reason,
                ready.map(Condition::getMessage).orElse("waiting for a poll after the last change"),
                requeue);
    }

    private static long generation(CephPool pool) {
        return pool.getMetadata().getGeneration() == null ? 0 : pool.getMetadata().getGeneration();
    }

    private static String vmids(List<String> volids) {
        return String.join(
                ", ",
                volids.stream()
                        .map(v -> v.replaceAll("^.*?(?:vm|base)-(\\d+)-.*$", "$1"))
                        .distinct()
                        .toList());
    }
}
