package io.pveha.simulator.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pveha.simulator.PveSimulator;
import io.pveha.simulator.TaskView;
import io.pveha.simulator.api.Json;
import io.pveha.testing.ceph.CephLab;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The simulator's Ceph API backed by a real single-node Ceph ({@link CephLab}): what the API does
 * is what {@code ceph osd pool ls detail} then shows, and Ceph's own refusals come back as PVE
 * reports them.
 */
@Tag("extended") // the same real-Ceph path runs in the operator's CephPoolRealCephIT; -Pextended
class CliCephBackendIT {
    private static CephLab lab;
    private static PveSimulator sim;
    private static PveHttp api;

    @BeforeAll
    static void start() {
        lab = CephLabSupport.startOrSkip();
        sim = PveSimulator.builder().nodes(1).cephConf(lab.conf()).build().start();
        api = PveHttp.forSim(sim);
    }

    @AfterAll
    static void stop() {
        if (sim != null) {
            sim.close();
        }
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void poolLifecycleIsWhatCephShows() throws IOException {
        assertThat(api.get("/cluster/ceph/status").data().get("health").get("status").asText())
                .isEqualTo("HEALTH_OK");

        awaitOk(
                api.post(
                                "/nodes/pve1/ceph/pool",
                                "name",
                                "lab",
                                "pg_num",
                                "16",
                                "add_storages",
                                "1")
                        .data()
                        .asText());
        JsonNode pool = cephPool("lab");
        assertThat(pool.get("size").asInt()).isEqualTo(3);
        assertThat(pool.get("min_size").asInt()).isEqualTo(2);
        assertThat(pool.get("pg_num").asInt()).isEqualTo(16);
        assertThat(pool.get("application_metadata").has("rbd")).isTrue();
        JsonNode listed = apiPool("lab");
        assertThat(listed.get("size").asInt()).isEqualTo(3);
        assertThat(listed.get("pool").asText()).isEqualTo(pool.get("pool_id").asText());
        // Only our pool: Ceph's own device_health_metrics has a pg_num_min the fixture's pool
        // lacks.
        FixtureShapeIT.assertShape(
                "ceph_pool_list.json",
                Json.MAPPER
                        .createObjectNode()
                        .set("data", Json.MAPPER.createArrayNode().add(listed)),
                JsonShape.rules().dynamic("data[].application_metadata"));

        awaitOk(
                api.put("/nodes/pve1/ceph/pool/lab", "size", "2", "pg_autoscale_mode", "off")
                        .data()
                        .asText());
        assertThat(cephPool("lab").get("size").asInt()).isEqualTo(2);
        assertThat(cephPool("lab").get("min_size").asInt()).isEqualTo(1);
        assertThat(cephPool("lab").get("pg_autoscale_mode").asText()).isEqualTo("off");

        String refused = api.put("/nodes/pve1/ceph/pool/lab", "min_size", "3").data().asText();
        assertThat(exitStatus(refused)).isEqualTo("Could not set: min_size");
        assertThat(log(refused))
                .anyMatch(
                        l ->
                                l.contains(
                                        "pool min_size must be between 1 and size, which is set to 2"));

        lab.rbd("create", "lab/vm-100-disk-0", "--size", "4");
        String inUse = api.delete("/nodes/pve1/ceph/pool/lab").data().asText();
        assertThat(exitStatus(inUse)).isEqualTo("ceph pool 'lab' still in use by storage 'lab'");
        assertThat(cephPool("lab")).isNotNull();

        lab.rbd("rm", "lab/vm-100-disk-0");
        awaitOk(api.delete("/nodes/pve1/ceph/pool/lab", "remove_storages", "1").data().asText());
        assertThat(cephPool("lab")).isNull();
    }

    @Test
    void cephRefusalsComeBackWithCephsMessage() {
        awaitOk(api.post("/nodes/pve1/ceph/pool", "name", "big", "pg_num", "8").data().asText());
        String tooMany = api.put("/nodes/pve1/ceph/pool/big", "pg_num", "4096").data().asText();
        assertThat(exitStatus(tooMany)).isEqualTo("Could not set: pg_num");
        assertThat(log(tooMany))
                .anyMatch(
                        l ->
                                l.contains(
                                        "which exceeds max 750 (mon_max_pg_per_osd 250 * num_in_osds 3)"));
        assertThat(exitStatus(api.put("/nodes/pve1/ceph/pool/nope", "size", "2").data().asText()))
                .isEqualTo("unrecognized pool 'nope'");
        awaitOk(api.delete("/nodes/pve1/ceph/pool/big").data().asText());
    }

    private static JsonNode cephPool(String name) throws IOException {
        for (JsonNode p :
                Json.MAPPER.readTree(lab.ceph("osd", "pool", "ls", "detail", "--format", "json"))) {
            if (p.get("pool_name").asText().equals(name)) {
                return p;
            }
        }
        return null;
    }

    private static JsonNode apiPool(String name) {
        for (JsonNode p : api.get("/nodes/pve1/ceph/pool").data()) {
            if (p.get("pool_name").asText().equals(name)) {
                return p;
            }
        }
        return null;
    }

    private static List<String> log(String upid) {
        return sim.cluster().task(upid).map(TaskView::log).orElseThrow();
    }

    private static String exitStatus(String upid) {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            TaskView task = sim.cluster().task(upid).orElseThrow();
            if (!task.running()) {
                return task.exitStatus();
            }
            try {
                Thread.sleep(100); // a waiting helper (the task's end), not an assertion
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("task did not end: " + upid);
    }

    private static void awaitOk(String upid) {
        assertThat(exitStatus(upid)).as("task %s log %s", upid, log(upid)).isEqualTo("OK");
    }
}
