package io.pveha.reconciler.ceph;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.fabric8.kubernetes.api.model.Condition;
import io.pveha.api.DeletionPolicy;
import io.pveha.api.ObjectRef;
import io.pveha.api.PendingTask;
import io.pveha.api.Pveha;
import io.pveha.api.ceph.CephPool;
import io.pveha.api.ceph.CephPoolSpec;
import io.pveha.api.ceph.CephPoolStatus;
import io.pveha.cluster.ClusterKey;
import io.pveha.cluster.ClusterSnapshot;
import io.pveha.pve.PveApiException;
import io.pveha.pve.PveErrorKind;
import io.pveha.pve.model.CephPoolEntry;
import io.pveha.reconciler.ClusterView;
import io.pveha.reconciler.CommonReason;
import io.pveha.reconciler.Conditions;
import io.pveha.reconciler.task.TaskLedger;
import io.pveha.reconciler.task.TaskLedger.State;
import io.pveha.testing.Snapshots;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The CephPool planner, decision by decision, without a network. */
class CephPoolPlannerTest {
    static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
    static final String UPID =
            Snapshots.upid("pve1", "cephsetpool", "vm-pool", NOW.getEpochSecond());

    // ---------------------------------------------------------------- fixtures

    static CephPool pool(Consumer<CephPoolSpec> spec) {
        CephPool pool = new CephPool();
        pool.getMetadata().setName("vm-pool");
        pool.getMetadata().setNamespace("store");
        pool.getMetadata().setUid("uid-1");
        pool.getMetadata().setGeneration(3L);
        pool.setSpec(new CephPoolSpec());
        pool.getSpec().setClusterRef(new ObjectRef("main"));
        spec.accept(pool.getSpec());
        return pool;
    }

    static CephPoolStatus ours() {
        CephPoolStatus status = new CephPoolStatus();
        status.setPoolName("vm-pool");
        return status;
    }

    static CephPoolEntry entry(int size, int minSize) {
        return new CephPoolEntry(
                "3",
                "vm-pool",
                size,
                minSize,
                128,
                "on",
                "replicated_rule",
                JsonNodeFactory.instance
                        .objectNode()
                        .set("rbd", JsonNodeFactory.instance.objectNode()),
                100L,
                0.06,
                null,
                null);
    }

    static ClusterSnapshot cluster(CephPoolEntry... pools) {
        Snapshots s =
                Snapshots.at(NOW)
                        .node("pve1")
                        .node("pve2")
                        .storage("pve1", "vm-pool", "rbd")
                        .poolsListed();
        for (CephPoolEntry p : pools) {
            s.pool(p);
        }
        return s.build();
    }

    static CephPoolFacts facts(ClusterSnapshot snapshot) {
        return facts(snapshot, null);
    }

    static CephPoolFacts facts(ClusterSnapshot snapshot, TaskLedger.TaskFact task) {
        ClusterView view = new ClusterView(new ClusterKey("store", "main"), null, snapshot, null);
        return new CephPoolFacts(
                view,
                snapshot.cephPool("vm-pool"),
                snapshot.cephPools() != null,
                snapshot.storages().stream().anyMatch(s -> "vm-pool".equals(s.storage())),
                snapshot.ceph().status(),
                snapshot.ceph().checks().stream()
                        .filter(CephPoolObserver.POOL_CHECKS::contains)
                        .toList(),
                Optional.ofNullable(task),
                false,
                Optional.empty());
    }

    static TaskLedger.TaskFact task(String action, State state, String exit) {
        PendingTask t = new PendingTask(action, "pve1", "cephsetpool", "vm-pool", NOW.toString());
        t.setUpid(UPID);
        return new TaskLedger.TaskFact(state, t, true, exit, List.of());
    }

    static CephPoolStatus withReady(CephPoolStatus status, String reason, long generation) {
        List<Condition> c =
                Conditions.set(
                        status.getConditions(),
                        Conditions.READY,
                        Conditions.FALSE,
                        reason,
                        "no",
                        generation,
                        NOW);
        status.setConditions(c);
        return status;
    }

    // ---------------------------------------------------------------- converge

    @Test
    void aMissingPoolIsCreatedWithOnlyTheDeclaredFields() {
        CephPool pool = pool(s -> s.setSize(3));
        CephPoolPlanner.Plan plan = CephPoolPlanner.plan(pool, null, facts(cluster()));

        assertThat(plan.action()).containsInstanceOf(CephPoolPlanner.CreatePool.class);
        CephPoolPlanner.CreatePool create = (CephPoolPlanner.CreatePool) plan.action().get();
        assertThat(create.params()).isEqualTo(Map.of("name", "vm-pool", "size", 3));
        assertThat(create.node()).isEqualTo("pve1");
        assertThat(plan.reason()).isEqualTo(CephPoolReason.Creating);
    }

    @Test
    void aPoolThatIsNotOursIsNeverChanged() {
        CephPool pool = pool(s -> s.setSize(4));
        CephPoolPlanner.Plan plan = CephPoolPlanner.plan(pool, null, facts(cluster(entry(3, 2))));

        assertThat(plan.action()).isEmpty();
        assertThat(plan.reason()).isEqualTo(CephPoolReason.PoolNotOwned);
        assertThat(plan.claim()).isFalse();
    }

    @Test
    void theAdoptAnnotationMakesAForeignPoolOurs() {
        CephPool pool = pool(s -> s.setSize(4));
        pool.getMetadata().setAnnotations(Map.of(Pveha.ANNOTATION_ADOPT, "true"));
        CephPoolPlanner.Plan plan = CephPoolPlanner.plan(pool, null, facts(cluster(entry(3, 2))));

        assertThat(plan.action()).containsInstanceOf(CephPoolPlanner.UpdatePool.class);
        assertThat(plan.claim()).isTrue();
    }

    @Test
    void onlyDeclaredFieldsThatDifferAreChanged() {
        CephPool pool =
                pool(
                        s -> {
                            s.setSize(3);
                            s.setMinSize(2);
                        });
        assertThat(CephPoolPlanner.plan(pool, ours(), facts(cluster(entry(3, 2)))).action())
                .isEmpty();

        CephPoolPlanner.Plan plan =
                CephPoolPlanner.plan(pool(s -> s.setSize(4)), ours(), facts(cluster(entry(3, 2))));
        assertThat(plan.action())
                .get()
                .isEqualTo(new CephPoolPlanner.UpdatePool("pve1", Map.of("size", 4)));
    }

    @Test
    void aPoolInSyncIsReadyWithItsFacts() {
        CephPoolPlanner.Plan plan =
                CephPoolPlanner.plan(pool(s -> s.setSize(3)), ours(), facts(cluster(entry(3, 2))));

        assertThat(plan.reason()).isEqualTo(CephPoolReason.Synced);
        assertThat(plan.ready()).isTrue();
        assertThat(plan.message()).contains("size 3/2", "128 PGs", "6.0% used", "HEALTH_OK");
        assertThat(plan.requeue()).isEmpty();
    }

    @Test
    void blockingCephChecksMakeThePoolDegraded() {
        ClusterSnapshot snapshot =
                Snapshots.at(NOW)
                        .node("pve1")
                        .storage("pve1", "vm-pool", "rbd")
                        .pool(entry(3, 2))
                        .ceph("HEALTH_ERR", "PG_AVAILABILITY", "OSD_DOWN")
                        .build();
        CephPoolPlanner.Plan plan = CephPoolPlanner.plan(pool(s -> {}), ours(), facts(snapshot));

        assertThat(plan.reason()).isEqualTo(CephPoolReason.Degraded);
        assertThat(plan.message()).contains("PG_AVAILABILITY", "OSD_DOWN");
    }

    @Test
    void addStorageWithoutTheStorageIsReportedNotCreated() {
        ClusterSnapshot snapshot = Snapshots.at(NOW).node("pve1").pool(entry(3, 2)).build();
        CephPoolPlanner.Plan plan =
                CephPoolPlanner.plan(pool(s -> s.setAddStorage(true)), ours(), facts(snapshot));

        assertThat(plan.reason()).isEqualTo(CephPoolReason.StorageMissing);
        assertThat(plan.action()).isEmpty();
    }

    @Test
    void aRefusalOfThisGenerationIsNotRetriedUntilTheSpecChanges() {
        CephPool pool = pool(s -> s.setSize(4));
        CephPoolStatus refused = withReady(ours(), CephPoolReason.Refused.name(), 3);

        assertThat(CephPoolPlanner.plan(pool, refused, facts(cluster(entry(3, 2)))).action())
                .isEmpty();
        pool.getMetadata().setGeneration(4L);
        assertThat(CephPoolPlanner.plan(pool, refused, facts(cluster(entry(3, 2)))).action())
                .isPresent();
    }

    @Test
    void nothingIsPlannedWhileTheClusterIsUnreachableOrItsPoolsAreUnknown() {
        ClusterView unreachable =
                new ClusterView(
                        new ClusterKey("store", "main"),
                        null,
                        cluster(),
                        new PveApiException(
                                PveErrorKind.CONNECTION,
                                0,
                                "GET",
                                "/cluster/resources",
                                "connection refused",
                                null,
                                null));
        CephPoolFacts facts =
                new CephPoolFacts(
                        unreachable,
                        Optional.empty(),
                        true,
                        false,
                        null,
                        List.of(),
                        Optional.empty(),
                        false,
                        Optional.empty());
        CephPoolPlanner.Plan plan = CephPoolPlanner.plan(pool(s -> {}), ours(), facts);
        assertThat(plan.action()).isEmpty();
        assertThat(plan.reason()).isEqualTo(CommonReason.ClusterUnreachable);

        ClusterSnapshot noPools = Snapshots.at(NOW).node("pve1").build();
        assertThat(CephPoolPlanner.plan(pool(s -> {}), null, facts(noPools)).reason())
                .isEqualTo(CephPoolReason.PoolsUnknown);
        assertThat(CephPoolPlanner.plan(pool(s -> {}), null, facts(noPools)).action()).isEmpty();
    }

    @Test
    void nothingIsPlannedFromAPollOlderThanTheOperatorsOwnChange() {
        CephPoolFacts base = facts(cluster(entry(3, 2)));
        CephPoolFacts stale =
                new CephPoolFacts(
                        base.cluster(),
                        base.pool(),
                        true,
                        true,
                        "HEALTH_OK",
                        List.of(),
                        Optional.empty(),
                        true,
                        Optional.empty());
        CephPoolPlanner.Plan plan = CephPoolPlanner.plan(pool(s -> s.setSize(4)), ours(), stale);

        assertThat(plan.action()).isEmpty();
        assertThat(plan.requeue()).contains(CephPoolPlanner.SOON);
    }

    // ---------------------------------------------------------------- tasks

    @Test
    void nothingIsStartedWhileATaskIsPendingOrItsStateUnknown() {
        for (State state : List.of(State.RUNNING, State.UNKNOWN)) {
            CephPoolPlanner.Plan plan =
                    CephPoolPlanner.plan(
                            pool(s -> s.setSize(4)),
                            ours(),
                            facts(cluster(entry(3, 2)), task("UpdatePool", state, null)));
            assertThat(plan.action()).as(state.name()).isEmpty();
            assertThat(plan.reason()).isEqualTo(CephPoolReason.Updating);
            assertThat(plan.ended()).isEmpty();
        }
    }

    @Test
    void aTaskCephRefusedEndsRefusedAndAFailedOneIsRetriedLater() {
        CephPoolPlanner.Plan refused =
                CephPoolPlanner.plan(
                        pool(s -> s.setMinSize(5)),
                        ours(),
                        facts(
                                cluster(entry(3, 2)),
                                task("UpdatePool", State.FAILED, "Could not set: min_size")));
        assertThat(refused.reason()).isEqualTo(CephPoolReason.Refused);
        assertThat(refused.requeue()).isEmpty();
        assertThat(refused.ended()).isPresent();

        CephPoolPlanner.Plan failed =
                CephPoolPlanner.plan(
                        pool(s -> s.setMinSize(5)),
                        ours(),
                        facts(
                                cluster(entry(3, 2)),
                                task("UpdatePool", State.FAILED, "got timeout")));
        assertThat(failed.reason()).isEqualTo(CommonReason.TaskFailed);
        assertThat(failed.requeue()).contains(CephPoolPlanner.RETRY_FAILED);
        assertThat(failed.action()).isEmpty();
    }

    @Test
    void aFinishedTaskIsClearedAndTheNextStepPlannedFromTheSamePoll() {
        CephPoolPlanner.Plan plan =
                CephPoolPlanner.plan(
                        pool(s -> s.setSize(3)),
                        ours(),
                        facts(cluster(entry(3, 2)), task("UpdatePool", State.SUCCEEDED, "OK")));

        assertThat(plan.ended()).isPresent();
        assertThat(plan.reason()).isEqualTo(CephPoolReason.Synced);
    }

    @Test
    void anInterruptedCreateWhosePoolExistsMakesThePoolOurs() {
        PendingTask intent =
                new PendingTask("CreatePool", "pve1", "cephcreatepool", "vm-pool", NOW.toString());
        CephPoolStatus status = new CephPoolStatus();
        status.setPendingTask(intent);
        TaskLedger.TaskFact nothing =
                new TaskLedger.TaskFact(State.NOT_STARTED, intent, true, null, List.of());

        CephPoolPlanner.Plan plan =
                CephPoolPlanner.plan(pool(s -> {}), status, facts(cluster(entry(3, 2)), nothing));
        assertThat(plan.claim()).isTrue();
        assertThat(plan.reason()).isEqualTo(CephPoolReason.Synced);

        CephPoolPlanner.Plan again =
                CephPoolPlanner.plan(pool(s -> {}), status, facts(cluster(), nothing));
        assertThat(again.action())
                .as("the create never happened: create again")
                .containsInstanceOf(CephPoolPlanner.CreatePool.class);
    }

    // ---------------------------------------------------------------- deletion

    static CephPool deletable(String confirm) {
        CephPool pool =
                pool(
                        s -> {
                            s.setDeletionPolicy(DeletionPolicy.Delete);
                            s.setAddStorage(true);
                        });
        Map<String, String> annotations = new HashMap<>();
        if (confirm != null) {
            annotations.put(Pveha.ANNOTATION_CONFIRM_DELETE, confirm);
        }
        pool.getMetadata().setAnnotations(annotations);
        return pool;
    }

    @Test
    void retainOrAPoolWeNeverCreatedFinishesAtOnce() {
        CephPoolPlanner.Plan retain =
                CephPoolPlanner.planDeletion(pool(s -> {}), ours(), facts(cluster(entry(3, 2))));
        assertThat(retain.finished()).isTrue();
        assertThat(retain.action()).isEmpty();

        CephPoolPlanner.Plan foreign =
                CephPoolPlanner.planDeletion(
                        deletable("vm-pool"), new CephPoolStatus(), facts(cluster(entry(3, 2))));
        assertThat(foreign.finished()).isTrue();
        assertThat(foreign.action()).as("never destroy a pool we did not create").isEmpty();
    }

    @Test
    void deletionWaitsForTheConfirmationNamingThePool() {
        CephPoolPlanner.Plan plan =
                CephPoolPlanner.planDeletion(
                        deletable("other"), ours(), facts(cluster(entry(3, 2))));

        assertThat(plan.action()).isEmpty();
        assertThat(plan.blocked())
                .get()
                .asString()
                .contains("pveha.io/confirm-delete", "'vm-pool'");
        assertThat(plan.finished()).isFalse();
    }

    @Test
    void deletionReadsTheImagesFirstAndWaitsForThemToGo() {
        CephPool pool = deletable("vm-pool");
        CephPoolFacts facts = facts(cluster(entry(3, 2)));
        assertThat(CephPoolPlanner.planDeletion(pool, ours(), facts).needsDeletionCheck()).isTrue();

        CephPoolPlanner.Plan blocked =
                CephPoolPlanner.planDeletion(
                        pool,
                        ours(),
                        facts.withDeletion(
                                new CephPoolFacts.DeletionCheck(
                                        List.of("vm-pool"),
                                        List.of(
                                                "vm-pool:vm-700-disk-0",
                                                "vm-pool:vm-700-disk-1"))));
        assertThat(blocked.action()).isEmpty();
        assertThat(blocked.blocked())
                .get()
                .asString()
                .contains("vm-pool:vm-700-disk-0", "(VMs 700)");
    }

    @Test
    void anEmptyConfirmedPoolIsDestroyedWithItsOwnStorageOnly() {
        CephPool pool = deletable("vm-pool");
        CephPoolFacts facts = facts(cluster(entry(3, 2)));
        CephPoolPlanner.Plan own =
                CephPoolPlanner.planDeletion(
                        pool,
                        ours(),
                        facts.withDeletion(
                                new CephPoolFacts.DeletionCheck(List.of("vm-pool"), List.of())));
        assertThat(own.action())
                .get()
                .isEqualTo(
                        new CephPoolPlanner.DestroyPool(
                                "pve1", Map.of("remove_storages", 1), List.of()));

        CephPoolPlanner.Plan shared =
                CephPoolPlanner.planDeletion(
                        pool,
                        ours(),
                        facts.withDeletion(
                                new CephPoolFacts.DeletionCheck(
                                        List.of("vm-pool", "other"), List.of())));
        assertThat(shared.action())
                .get()
                .isEqualTo(
                        new CephPoolPlanner.DestroyPool(
                                "pve1", Map.of(), List.of("vm-pool", "other")));
    }

    @Test
    void aDestroyPveRefusesBecauseOfImagesBlocksTheDeletion() {
        CephPoolPlanner.Plan plan =
                CephPoolPlanner.planDeletion(
                        deletable("vm-pool"),
                        ours(),
                        facts(
                                cluster(entry(3, 2)),
                                task(
                                        "DestroyPool",
                                        State.FAILED,
                                        "ceph pool 'vm-pool' still in use by storage 'vm-pool'")));

        assertThat(plan.blocked()).isPresent();
        assertThat(plan.action()).isEmpty();
        assertThat(plan.ended()).isPresent();
    }

    @Test
    void thePoolGoneFinishesTheDeletion() {
        CephPoolPlanner.Plan plan =
                CephPoolPlanner.planDeletion(deletable("vm-pool"), ours(), facts(cluster()));
        assertThat(plan.finished()).isTrue();
        assertThat(plan.reason()).isEqualTo(CephPoolReason.Deleted);
    }
}
