package io.pveha.simulator.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Ceph API over HTTPS: shapes against the reference fixtures, pool create/update/delete as
 * tasks with PVE's defaults and errors, {@code add_storages}, usage following VM disks, and health
 * following node power.
 */
class CephApiIT extends SimulatorIT {

    @Test
    void poolListAndStatusHaveTheShapeOfRealPve() {
        FixtureShapeIT.assertShape(
                "ceph_pool_list.json",
                api.get("/nodes/pve1/ceph/pool").body(),
                JsonShape.rules().dynamic("data[].application_metadata"));
        FixtureShapeIT.assertShape(
                "ceph_pool_status.json",
                api.get("/nodes/pve1/ceph/pool/ceph-vm/status").body(),
                JsonShape.rules());
    }

    @Test
    void createAppliesPveDefaultsAndAddsTheRbdStorage() {
        PveHttp.Resp created =
                api.post("/nodes/pve2/ceph/pool", "name", "apps", "add_storages", "1");
        String upid = created.data().asText();
        assertThat(upid).contains(":cephcreatepool:apps:");
        awaitOk(upid);

        JsonNode pool = pool("apps");
        assertThat(pool.get("size").asInt()).isEqualTo(3);
        assertThat(pool.get("min_size").asInt()).isEqualTo(2);
        assertThat(pool.get("pg_num").asInt()).isEqualTo(128);
        assertThat(pool.get("pg_autoscale_mode").asText()).isEqualTo("warn");
        assertThat(pool.get("application_metadata").has("rbd")).isTrue();
        assertThat(pool.get("crush_rule_name").asText()).isEqualTo("replicated_rule");

        JsonNode storage = api.get("/storage/apps").data();
        assertThat(storage.get("type").asText()).isEqualTo("rbd");
        assertThat(storage.get("pool").asText()).isEqualTo("apps");
        assertThat(storage.get("content").asText()).isEqualTo("rootdir,images");

        // Usage follows the VM disks placed on the pool's storage.
        sim.cluster().createVm("pve1", 300, Map.of("name", "on-apps", "scsi0", "apps:8"));
        assertThat(pool("apps").get("bytes_used").asLong()).isEqualTo(8L << 30);
        assertThat(pool("apps").get("percent_used").asDouble()).isGreaterThan(0);

        String refused = api.delete("/nodes/pve1/ceph/pool/apps").data().asText();
        assertThat(exitStatus(refused))
                .isEqualTo("ceph pool 'apps' still in use by storage 'apps'");
        assertThat(pool("apps")).isNotNull();

        awaitOk(api.delete("/nodes/pve1/qemu/300").data().asText());
        awaitOk(api.delete("/nodes/pve1/ceph/pool/apps", "remove_storages", "1").data().asText());
        assertThat(pool("apps")).isNull();
        assertThat(api.get("/storage/apps").status()).isEqualTo(500);
    }

    @Test
    void updateChangesSettingsAndSizeResetsMinSizeAsCephDoes() {
        awaitOk(
                api.post("/nodes/pve1/ceph/pool", "name", "resize", "pg_num", "32")
                        .data()
                        .asText());
        String upid =
                api.put(
                                "/nodes/pve1/ceph/pool/resize",
                                "size",
                                "2",
                                "pg_autoscale_mode",
                                "off",
                                "target_size",
                                "100G")
                        .data()
                        .asText();
        assertThat(upid).contains(":cephsetpool:resize:");
        awaitOk(upid);
        JsonNode pool = pool("resize");
        assertThat(pool.get("size").asInt()).isEqualTo(2);
        assertThat(pool.get("min_size").asInt()).isEqualTo(1);
        assertThat(pool.get("pg_autoscale_mode").asText()).isEqualTo("off");
        assertThat(pool.get("target_size").asLong()).isEqualTo(100L << 30);
        JsonNode status = api.get("/nodes/pve1/ceph/pool/resize/status").data();
        assertThat(status.get("size").asInt()).isEqualTo(2);
        assertThat(status.get("crush_rule").asText()).isEqualTo("replicated_rule");
        awaitOk(api.delete("/nodes/pve1/ceph/pool/resize").data().asText());
    }

    @Test
    void parameterErrorsAre400NamingTheField() {
        PveHttp.Resp badName = api.post("/nodes/pve1/ceph/pool", "name", "a/b");
        assertThat(badName.status()).isEqualTo(400);
        assertThat(badName.body().get("errors").get("name").asText())
                .isEqualTo("value does not match the regex pattern");
        PveHttp.Resp tooBig = api.post("/nodes/pve1/ceph/pool", "name", "big", "size", "8");
        assertThat(tooBig.status()).isEqualTo(400);
        assertThat(tooBig.body().get("errors").get("size").asText())
                .isEqualTo("value must have a maximum value of 7");
        PveHttp.Resp badApp = api.post("/nodes/pve1/ceph/pool", "name", "x", "application", "nfs");
        assertThat(badApp.body().get("errors").get("application").asText()).contains("enumeration");
        PveHttp.Resp badTarget = api.put("/nodes/pve1/ceph/pool/ceph-vm", "target_size", "5X");
        assertThat(badTarget.body().get("errors").has("target_size")).isTrue();
    }

    @Test
    void storageIllegalPoolNameIsRefusedBeforeTheTask() {
        PveHttp.Resp resp =
                api.post("/nodes/pve1/ceph/pool", "name", "_under", "add_storages", "1");
        assertThat(resp.status()).isEqualTo(500);
        assertThat(resp.reason())
                .isEqualTo("pool name contains characters which are illegal for storage naming");
    }

    @Test
    void valuesCephRefusesFailTheTaskNamingTheSetting() {
        awaitOk(
                api.post("/nodes/pve1/ceph/pool", "name", "strict", "pg_num", "16")
                        .data()
                        .asText());

        String minSize =
                api.put("/nodes/pve1/ceph/pool/strict", "size", "2", "min_size", "3")
                        .data()
                        .asText();
        assertThat(exitStatus(minSize)).isEqualTo("Could not set: min_size");
        assertThat(sim.cluster().task(minSize).orElseThrow().log())
                .anyMatch(
                        l ->
                                l.contains(
                                        "pool min_size must be between 1 and size, which is set to 2"));

        String pgs = api.put("/nodes/pve1/ceph/pool/strict", "pg_num", "4096").data().asText();
        assertThat(exitStatus(pgs)).isEqualTo("Could not set: pg_num");
        assertThat(sim.cluster().task(pgs).orElseThrow().log())
                .anyMatch(
                        l ->
                                l.contains("would mean")
                                        && l.contains("(mon_max_pg_per_osd 250 * num_in_osds 6)"));

        String sizeOne = api.put("/nodes/pve1/ceph/pool/strict", "size", "1").data().asText();
        assertThat(exitStatus(sizeOne)).isEqualTo("Could not set: size");

        String app =
                api.put("/nodes/pve1/ceph/pool/strict", "application", "cephfs").data().asText();
        assertThat(exitStatus(app)).isEqualTo("Could not set: application");
        assertThat(sim.cluster().task(app).orElseThrow().log())
                .anyMatch(l -> l.contains("already has an enabled application"));

        String rule =
                api.put("/nodes/pve1/ceph/pool/strict", "crush_rule", "ssd-only").data().asText();
        assertThat(exitStatus(rule)).isEqualTo("Could not set: crush_rule");

        assertThat(pool("strict").get("size").asInt()).isEqualTo(2);
        assertThat(pool("strict").get("pg_num").asInt()).isEqualTo(16);
        awaitOk(api.delete("/nodes/pve1/ceph/pool/strict").data().asText());
    }

    @Test
    void unknownPoolsAreReportedAsCephReportsThem() {
        assertThat(exitStatus(api.put("/nodes/pve1/ceph/pool/nope", "size", "3").data().asText()))
                .isEqualTo("unrecognized pool 'nope'");
        assertThat(exitStatus(api.delete("/nodes/pve1/ceph/pool/nope").data().asText()))
                .isEqualTo("unrecognized pool 'nope'");
        PveHttp.Resp status = api.get("/nodes/pve1/ceph/pool/nope/status");
        assertThat(status.status()).isEqualTo(500);
        assertThat(status.reason()).isEqualTo("unrecognized pool 'nope'");
    }

    @Test
    void creatingAnExistingPoolChangesItLikePveDoes() {
        // 'osd pool create' succeeds for an existing pool, so PVE goes on and applies the settings
        // to it.
        awaitOk(api.post("/nodes/pve1/ceph/pool", "name", "twice", "pg_num", "16").data().asText());
        awaitOk(
                api.post(
                                "/nodes/pve1/ceph/pool",
                                "name",
                                "twice",
                                "pg_num",
                                "16",
                                "pg_autoscale_mode",
                                "on")
                        .data()
                        .asText());
        assertThat(pool("twice").get("pg_autoscale_mode").asText()).isEqualTo("on");
        assertThat(names()).filteredOn("twice"::equals).hasSize(1);
        awaitOk(api.delete("/nodes/pve1/ceph/pool/twice").data().asText());
    }

    @Test
    void healthNamesDegradedPlacementGroupsWhileANodeIsOff() {
        assertThat(health().get("status").asText()).isEqualTo("HEALTH_OK");
        sim.faults().powerOff("pve3");
        try {
            JsonNode health = health();
            assertThat(health.get("status").asText()).isEqualTo("HEALTH_WARN");
            assertThat(health.get("checks").has("OSD_DOWN")).isTrue();
            assertThat(health.get("checks").get("OSD_DOWN").get("summary").get("message").asText())
                    .isEqualTo("2 osds down");
            assertThat(health.get("checks").has("PG_DEGRADED")).isTrue();
            JsonNode status = api.get("/cluster/ceph/status").data();
            assertThat(status.get("osdmap").get("num_up_osds").asInt()).isEqualTo(4);
            assertThat(status.get("quorum_names")).hasSize(2);
            List<String> states = new ArrayList<>();
            status.get("pgmap")
                    .get("pgs_by_state")
                    .forEach(s -> states.add(s.get("state_name").asText()));
            assertThat(states).contains("active+undersized+degraded");
        } finally {
            sim.faults().powerOn("pve3");
            sim.clock().advance(Duration.ofSeconds(60));
        }
        assertThat(health().get("status").asText()).isEqualTo("HEALTH_OK");
        assertThat(api.get("/nodes/pve2/ceph/status").data().get("health").get("status").asText())
                .isEqualTo("HEALTH_OK");
    }

    private static JsonNode health() {
        return api.get("/cluster/ceph/status").data().get("health");
    }

    private static JsonNode pool(String name) {
        for (JsonNode p : api.get("/nodes/pve1/ceph/pool").data()) {
            if (p.get("pool_name").asText().equals(name)) {
                return p;
            }
        }
        return null;
    }

    private static List<String> names() {
        List<String> names = new ArrayList<>();
        api.get("/nodes/pve1/ceph/pool")
                .data()
                .forEach(p -> names.add(p.get("pool_name").asText()));
        return names;
    }
}
