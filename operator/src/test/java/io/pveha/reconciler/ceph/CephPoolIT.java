package io.pveha.reconciler.ceph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Condition;
import io.pveha.api.DeletionPolicy;
import io.pveha.api.ObjectRef;
import io.pveha.api.Pveha;
import io.pveha.api.ceph.CephPool;
import io.pveha.api.ceph.CephPoolSpec;
import io.pveha.pve.PveClient;
import io.pveha.reconciler.Conditions;
import io.pveha.testing.SimHarness;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * CephPool end to end against the simulator's in-memory Ceph: mock API server + PVE simulator + the
 * operator.
 */
class CephPoolIT {
    static SimHarness h;
    static PveClient admin;

    @BeforeAll
    static void start() {
        h = new SimHarness();
        admin = h.pveAsAdmin();
    }

    @AfterAll
    static void stop() {
        admin.close();
        h.close();
    }

    @Test
    void createWithAddStorageThenResize() {
        create(
                "apps",
                spec -> {
                    spec.setSize(3);
                    spec.setMinSize(2);
                    spec.setPgNum(32);
                    spec.setAddStorage(true);
                });
        CephPool ready = awaitReady("apps");
        assertThat(ready.getStatus().getPoolName()).isEqualTo("apps");
        assertThat(ready.getStatus().getPoolId()).isNotNull();
        assertThat(ready.getStatus().getObserved().getSize()).isEqualTo(3);
        assertThat(ready.getStatus().getObserved().getPgNum()).isEqualTo(32);
        assertThat(ready.getStatus().getObserved().getApplication()).isEqualTo("rbd");
        assertThat(ready.getStatus().getUsage().getPercentUsed()).isEqualTo("0.0%");
        assertThat(ready.getStatus().getStorage()).isEqualTo("apps");
        JsonNode storage = admin.get("/storage/apps");
        assertThat(storage.get("type").asText()).isEqualTo("rbd");
        assertThat(storage.get("pool").asText()).isEqualTo("apps");

        edit(
                "apps",
                p -> {
                    p.getSpec().setSize(2);
                    p.getSpec().setMinSize(1);
                });
        await().atMost(Duration.ofSeconds(30))
                .until(
                        () ->
                                pvePool("apps").get("size").asInt() == 2
                                        && pvePool("apps").get("min_size").asInt() == 1);
        await().atMost(Duration.ofSeconds(30))
                .until(
                        () -> {
                            CephPool p = get("apps");
                            return p.getStatus().getObserved().getSize() == 2 && isReady(p);
                        });
    }

    @Test
    void aValueCephRefusesIsReportedAndNotRetriedUntilTheSpecChanges() {
        create(
                "strict",
                spec -> {
                    spec.setPgNum(16);
                    spec.setPgAutoscaleMode(CephPoolSpec.AutoscaleMode.off);
                });
        awaitReady("strict");
        edit("strict", p -> p.getSpec().setPgNum(8192));
        await().atMost(Duration.ofSeconds(30))
                .until(
                        () ->
                                h.readyReason(CephPool.class, "strict")
                                        .filter(CephPoolReason.Refused.name()::equals)
                                        .isPresent());
        Condition refused = h.condition(CephPool.class, "strict", Conditions.READY).orElseThrow();
        assertThat(refused.getMessage()).contains("Could not set: pg_num").contains("would mean");
        long writes = writes();
        long polls = polls();
        // Over several polls (one per second): nothing asked of PVE again, still Refused, the pool
        // as it was.
        await().during(Duration.ofSeconds(4))
                .atMost(Duration.ofSeconds(6))
                .until(
                        () ->
                                writes() == writes
                                        && h.readyReason(CephPool.class, "strict")
                                                .filter(CephPoolReason.Refused.name()::equals)
                                                .isPresent()
                                        && pvePool("strict").get("pg_num").asInt() == 16);
        assertThat(polls())
                .as("the operator kept polling meanwhile")
                .isGreaterThanOrEqualTo(polls + 3);

        edit("strict", p -> p.getSpec().setPgNum(32));
        await().atMost(Duration.ofSeconds(30))
                .until(
                        () ->
                                pvePool("strict").get("pg_num").asInt() == 32
                                        && isReady(get("strict")));
    }

    @Test
    void aPoolTheOperatorDidNotCreateIsLeftAloneUntilAdopted() {
        String upid =
                admin.post("/nodes/pve1/ceph/pool", Map.of("name", "foreign", "pg_num", 16))
                        .asText();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> h.sim.cluster().task(upid).map(t -> !t.running()).orElse(false));
        create("foreign", spec -> spec.setSize(2));
        await().atMost(Duration.ofSeconds(30))
                .until(
                        () ->
                                h.readyReason(CephPool.class, "foreign")
                                        .filter(CephPoolReason.PoolNotOwned.name()::equals)
                                        .isPresent());
        long polls = polls();
        // Over two polls, the pool the operator did not create keeps its size.
        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(4))
                .until(() -> pvePool("foreign").get("size").asInt() == 3);
        assertThat(polls())
                .as("the operator kept polling meanwhile")
                .isGreaterThanOrEqualTo(polls + 1);

        edit(
                "foreign",
                p -> p.getMetadata().setAnnotations(Map.of(Pveha.ANNOTATION_ADOPT, "true")));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> pvePool("foreign").get("size").asInt() == 2);
    }

    @Test
    void retainKeepsThePoolAndDeleteWaitsForVmDisksAndTheConfirmation() {
        create("kept", spec -> spec.setPgNum(16));
        awaitReady("kept");
        h.client.resources(CephPool.class).inNamespace(SimHarness.NS).withName("kept").delete();
        await().atMost(Duration.ofSeconds(30)).until(() -> get("kept") == null);
        assertThat(pvePool("kept")).isNotNull();

        create(
                "scratch",
                spec -> {
                    spec.setPgNum(16);
                    spec.setAddStorage(true);
                    spec.setDeletionPolicy(DeletionPolicy.Delete);
                });
        awaitReady("scratch");
        h.sim.cluster().createVm("pve2", 700, Map.of("name", "on-scratch", "scsi0", "scratch:4"));

        h.client.resources(CephPool.class).inNamespace(SimHarness.NS).withName("scratch").delete();
        await().atMost(Duration.ofSeconds(30))
                .until(
                        () ->
                                h.condition(
                                                CephPool.class,
                                                "scratch",
                                                CephPoolStatusBuilder.DELETION_BLOCKED)
                                        .filter(c -> c.getMessage().contains("confirm-delete"))
                                        .isPresent());
        assertThat(pvePool("scratch")).isNotNull();

        edit(
                "scratch",
                p ->
                        p.getMetadata()
                                .setAnnotations(
                                        Map.of(Pveha.ANNOTATION_CONFIRM_DELETE, "scratch")));
        await().atMost(Duration.ofSeconds(30))
                .until(
                        () ->
                                h.condition(
                                                CephPool.class,
                                                "scratch",
                                                CephPoolStatusBuilder.DELETION_BLOCKED)
                                        .filter(
                                                c ->
                                                        c.getMessage()
                                                                        .contains(
                                                                                "scratch:vm-700-disk-0")
                                                                && c.getMessage()
                                                                        .contains("VMs 700"))
                                        .isPresent());
        long polls = polls();
        // Over two polls, the confirmed pool is kept while a VM's disk is on it.
        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(4))
                .until(() -> pvePool("scratch") != null);
        assertThat(polls())
                .as("the operator kept polling meanwhile")
                .isGreaterThanOrEqualTo(polls + 1);

        String destroy = admin.delete("/nodes/pve2/qemu/700", Map.of()).asText();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> h.sim.cluster().task(destroy).map(t -> !t.running()).orElse(false));
        await().atMost(Duration.ofSeconds(60)).until(() -> get("scratch") == null);
        assertThat(pvePool("scratch")).isNull();
        assertThat(h.sim.cluster().vm(700)).isEmpty();
        assertThat(pvePool("kept")).as("only the confirmed pool is destroyed").isNotNull();
    }

    @Test
    void cephHealthChecksFollowANodeThatIsOff() {
        create("health", spec -> spec.setPgNum(16));
        awaitReady("health");
        assertThat(get("health").getStatus().getHealthChecks()).isEmpty();
        h.sim.faults().powerOff("pve3");
        try {
            await().atMost(Duration.ofSeconds(30))
                    .until(
                            () ->
                                    get("health")
                                            .getStatus()
                                            .getHealthChecks()
                                            .containsAll(
                                                    java.util.List.of("OSD_DOWN", "PG_DEGRADED")));
            // Degraded but serving I/O (2 of 3 copies, min_size 2): still Ready, the message says
            // why it is not clean.
            CephPool degraded = get("health");
            assertThat(isReady(degraded)).isTrue();
            assertThat(
                            h.condition(CephPool.class, "health", Conditions.READY)
                                    .orElseThrow()
                                    .getMessage())
                    .contains("HEALTH_WARN")
                    .contains("PG_DEGRADED");
        } finally {
            h.sim.faults().powerOn("pve3");
        }
        await().atMost(Duration.ofSeconds(60))
                .until(() -> get("health").getStatus().getHealthChecks().isEmpty());
    }

    // ---------------------------------------------------------------- helpers

    static void create(String name, Consumer<CephPoolSpec> customise) {
        CephPool pool = new CephPool();
        pool.getMetadata().setName(name);
        pool.getMetadata().setNamespace(SimHarness.NS);
        CephPoolSpec spec = new CephPoolSpec();
        spec.setClusterRef(new ObjectRef(SimHarness.CLUSTER));
        customise.accept(spec);
        pool.setSpec(spec);
        h.client.resources(CephPool.class).resource(pool).create();
    }

    static void edit(String name, Consumer<CephPool> change) {
        h.client
                .resources(CephPool.class)
                .inNamespace(SimHarness.NS)
                .withName(name)
                .edit(
                        p -> {
                            if (p.getMetadata().getAnnotations() != null) {
                                p.getMetadata()
                                        .setAnnotations(
                                                new HashMap<>(p.getMetadata().getAnnotations()));
                            }
                            change.accept(p);
                            // The mock API server does not bump the generation on spec changes; a
                            // real one does.
                            p.getMetadata()
                                    .setGeneration(
                                            Optional.ofNullable(p.getMetadata().getGeneration())
                                                            .orElse(1L)
                                                    + 1);
                            return p;
                        });
    }

    static CephPool get(String name) {
        return h.client.resources(CephPool.class).inNamespace(SimHarness.NS).withName(name).get();
    }

    static boolean isReady(CephPool p) {
        return p != null
                && p.getStatus() != null
                && Conditions.isTrue(p.getStatus().getConditions(), Conditions.READY);
    }

    static CephPool awaitReady(String name) {
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> isReady(get(name)));
        return get(name);
    }

    static JsonNode pvePool(String name) {
        for (JsonNode p : admin.get("/nodes/pve1/ceph/pool")) {
            if (p.get("pool_name").asText().equals(name)) {
                return p;
            }
        }
        return null;
    }

    /** PVE calls that change Ceph pools, so far. */
    static long writes() {
        Map<String, Long> stats = h.sim.requestStats().snapshot();
        return stats.entrySet().stream()
                .filter(e -> e.getKey().contains("/ceph/pool") && !e.getKey().startsWith("GET"))
                .mapToLong(Map.Entry::getValue)
                .sum();
    }

    /** The operator's bulk polls, so far. */
    static long polls() {
        return h.sim.requestStats().count("GET /cluster/resources");
    }
}
