package io.pveha.reconciler.ceph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pveha.api.DeletionPolicy;
import io.pveha.api.ObjectRef;
import io.pveha.api.Pveha;
import io.pveha.api.ceph.CephPool;
import io.pveha.api.ceph.CephPoolSpec;
import io.pveha.api.ceph.CephPoolStatus;
import io.pveha.reconciler.Conditions;
import io.pveha.testing.RealTools;
import io.pveha.testing.SimHarness;
import io.pveha.testing.ceph.CephLab;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The end to end: a real single-node Ceph ({@link CephLab}), the PVE simulator serving its
 * Ceph API from it, and the operator running a CephPool through create, resize, min_size and
 * application changes, a refused deletion while an RBD image exists, and the confirmed deletion.
 * After every step the CephPool's status must match {@code ceph osd pool ls detail}. Skipped
 * without Ceph or root, except in CI (CI=true), where it fails instead.
 */
class CephPoolRealCephIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration STEP = Duration.ofSeconds(90);
    static CephLab lab;
    static SimHarness h;

    @BeforeAll
    static void start() {
        String missing = CephLab.missingRequirement();
        if (missing != null) {
            if (RealTools.inCi()) {
                throw new AssertionError("real Ceph needed in CI: " + missing);
            }
            Assumptions.abort(missing);
        }
        lab = CephLab.start(Duration.ofSeconds(90));
        System.out.printf("Ceph lab healthy after %d ms%n", lab.startupTime().toMillis());
        h = new SimHarness(20.0, 1.0, lab.conf());
    }

    @AfterAll
    static void stop() {
        if (h != null) {
            h.close();
        }
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void cephPoolEndToEndOnRealCeph() throws IOException {
        CephPool pool = new CephPool();
        pool.getMetadata().setName("e2e");
        pool.getMetadata().setNamespace(SimHarness.NS);
        CephPoolSpec spec = new CephPoolSpec();
        spec.setClusterRef(new ObjectRef(SimHarness.CLUSTER));
        spec.setSize(3);
        spec.setMinSize(2);
        spec.setPgNum(16);
        spec.setPgAutoscaleMode(CephPoolSpec.AutoscaleMode.off);
        spec.setApplication(CephPoolSpec.Application.rbd);
        spec.setAddStorage(true);
        spec.setDeletionPolicy(DeletionPolicy.Delete);
        pool.setSpec(spec);
        h.client.resources(CephPool.class).resource(pool).create();

        // create
        awaitMatching(3, 2, 16);
        assertThat(get().getStatus().getStorage()).isEqualTo("e2e");

        // resize (Ceph resets min_size with size; the declared min_size is applied after it)
        edit(
                p -> {
                    p.getSpec().setSize(2);
                    p.getSpec().setMinSize(1);
                });
        awaitMatching(2, 1, 16);

        // change min_size
        edit(p -> p.getSpec().setMinSize(2));
        awaitMatching(2, 2, 16);

        // change application: Ceph refuses a second application without --yes-i-really-mean-it (PVE
        // does not pass it)
        edit(p -> p.getSpec().setApplication(CephPoolSpec.Application.cephfs));
        await().atMost(STEP)
                .until(
                        () ->
                                h.readyReason(CephPool.class, "e2e")
                                        .filter(CephPoolReason.Refused.name()::equals)
                                        .isPresent());
        assertThat(h.condition(CephPool.class, "e2e", Conditions.READY).orElseThrow().getMessage())
                .contains("Could not set: application");
        assertThat(cephPool().get("application_metadata").has("cephfs")).isFalse();
        edit(p -> p.getSpec().setApplication(CephPoolSpec.Application.rbd));
        awaitMatching(2, 2, 16);

        // deletion refused while an RBD image exists
        lab.rbd("create", "e2e/vm-100-disk-0", "--size", "4");
        edit(p -> p.getMetadata().getAnnotations().put(Pveha.ANNOTATION_CONFIRM_DELETE, "e2e"));
        h.client.resources(CephPool.class).inNamespace(SimHarness.NS).withName("e2e").delete();
        await().atMost(STEP)
                .until(
                        () ->
                                h.condition(
                                                CephPool.class,
                                                "e2e",
                                                CephPoolStatusBuilder.DELETION_BLOCKED)
                                        .filter(
                                                c ->
                                                        c.getMessage()
                                                                .contains(
                                                                        "still in use by storage 'e2e'"))
                                        .isPresent());
        assertThat(cephPool()).isNotNull();

        // delete with confirmation once the image is gone
        lab.rbd("rm", "e2e/vm-100-disk-0");
        await().atMost(STEP).until(() -> get() == null);
        assertThat(cephPool()).isNull();
    }

    private static void awaitMatching(int size, int minSize, int pgNum) {
        await().atMost(STEP)
                .pollInterval(Duration.ofMillis(500))
                .until(
                        () -> {
                            CephPool p = get();
                            JsonNode ceph = cephPool();
                            if (p == null
                                    || p.getStatus() == null
                                    || ceph == null
                                    || p.getStatus().getObserved() == null
                                    || !Conditions.isTrue(
                                            p.getStatus().getConditions(), Conditions.READY)) {
                                return false;
                            }
                            CephPoolStatus.Observed o = p.getStatus().getObserved();
                            boolean cephAsDeclared =
                                    ceph.get("size").asInt() == size
                                            && ceph.get("min_size").asInt() == minSize
                                            && ceph.get("pg_num").asInt() == pgNum;
                            boolean statusAsCeph =
                                    o.getSize() == ceph.get("size").asInt()
                                            && o.getMinSize() == ceph.get("min_size").asInt()
                                            && o.getPgNum() == ceph.get("pg_num").asInt()
                                            && p.getStatus().getPoolId()
                                                    == ceph.get("pool_id").asInt()
                                            && ceph.get("application_metadata")
                                                    .has(o.getApplication())
                                            && o.getPgAutoscaleMode()
                                                    .equals(ceph.get("pg_autoscale_mode").asText());
                            return cephAsDeclared && statusAsCeph;
                        });
    }

    private static JsonNode cephPool() throws IOException {
        for (JsonNode p :
                JSON.readTree(lab.ceph("osd", "pool", "ls", "detail", "--format", "json"))) {
            if (p.get("pool_name").asText().equals("e2e")) {
                return p;
            }
        }
        return null;
    }

    private static CephPool get() {
        return h.client.resources(CephPool.class).inNamespace(SimHarness.NS).withName("e2e").get();
    }

    private static void edit(Consumer<CephPool> change) {
        h.client
                .resources(CephPool.class)
                .inNamespace(SimHarness.NS)
                .withName("e2e")
                .edit(
                        p -> {
                            p.getMetadata()
                                    .setAnnotations(
                                            p.getMetadata().getAnnotations() == null
                                                    ? new HashMap<>()
                                                    : new HashMap<>(
                                                            p.getMetadata().getAnnotations()));
                            change.accept(p);
                            p.getMetadata()
                                    .setGeneration(
                                            p.getMetadata().getGeneration() == null
                                                    ? 2L
                                                    : p.getMetadata().getGeneration() + 1);
                            return p;
                        });
    }
}
