package io.pveha.simulator.it;

import static io.pveha.simulator.it.FixtureShapeIT.assertShape;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pveha.simulator.PveSimulator;
import io.pveha.simulator.tasks.TaskDurations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The PVE 9 dialect over HTTPS: {@code /cluster/ha/rules} CRUD and its refusals, the group API's
 * refusal, {@code failback} and {@code purge} on resources, {@code ha-managed} on create, {@code
 * /version}, {@code memhost} and network entries; the shapes against the derived PVE 9 fixtures
 * (built from pve-ha-manager 5.2's {@code API2/HA/Rules.pm} and {@code Resources.pm}, see
 * testdata/pve-fixtures/SOURCES.md). A node downgraded to PVE 8 answers as PVE 8 does.
 */
class HaRulesIT {
    static PveSimulator sim;
    static PveHttp api;

    @BeforeAll
    static void start() {
        sim =
                PveSimulator.builder()
                        .pveVersion(9)
                        .nodes(3)
                        .manualClock()
                        .taskDurations(TaskDurations.defaults().withNodeBoot(Duration.ofSeconds(5)))
                        .authFailureDelay(Duration.ZERO)
                        .build()
                        .start();
        api = PveHttp.forSim(sim);
        for (int vmid : List.of(100, 101, 300)) {
            sim.cluster().createRunningVm(vmid == 300 ? "pve3" : "pve1", vmid, Map.of());
            ok(api.post("/cluster/ha/resources", "sid", "vm:" + vmid));
        }
        // the rule API counts the nodes the CRM has seen
        sim.clock().advance(Duration.ofSeconds(20));
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    @Test
    void versionAndResourcesSpeakPve9() {
        JsonNode version = api.get("/version").data();
        assertThat(version.get("version").asText()).isEqualTo("9.1.1");
        assertThat(version.get("release").asText()).isEqualTo("9.1");
        assertThat(api.get("/nodes/pve2/status").data().get("pveversion").asText())
                .startsWith("pve-manager/9.1.1/");
        JsonNode resources = api.get("/cluster/resources").data();
        List<String> types = new ArrayList<>();
        resources.forEach(r -> types.add(r.get("type").asText()));
        assertThat(types).contains("qemu", "node", "storage", "network").doesNotContain("sdn");
        for (JsonNode r : resources) {
            if (r.get("type").asText().equals("qemu")) {
                assertThat(r.has("memhost")).as(r.toString()).isTrue();
            }
            if (r.get("type").asText().equals("network")) {
                assertThat(r.get("id").asText()).matches("network/pve\\d/zone/localnetwork");
                assertThat(r.get("network-type").asText()).isEqualTo("zone");
            }
        }
    }

    @Test
    void rulesMatchTheReferenceShapeAndTheirErrorsAreListed() {
        ok(
                api.post(
                        "/cluster/ha/rules",
                        "rule",
                        "prefer-pve1",
                        "type",
                        "node-affinity",
                        "resources",
                        "vm:101,vm:100",
                        "nodes",
                        "pve2,pve1:2",
                        "comment",
                        "store front end"));
        ok(
                api.post(
                        "/cluster/ha/rules",
                        "rule",
                        "db-only-pve3",
                        "type",
                        "node-affinity",
                        "resources",
                        "vm:300",
                        "nodes",
                        "pve3",
                        "strict",
                        "1"));
        JsonNode rules = api.get("/cluster/ha/rules").body();
        assertShape(
                "derived/ha_rules_pve9.json",
                rules,
                JsonShape.rules()
                        .optional(
                                "data[].comment",
                                "data[].strict",
                                "data[].errors",
                                "data[].disable"));
        JsonNode first = rules.get("data").get(0);
        assertThat(first.get("resources").asText()).isEqualTo("vm:100,vm:101");
        assertThat(first.get("nodes").asText()).isEqualTo("pve1:2,pve2");
        assertThat(first.get("order").asInt()).isEqualTo(1);
        assertThat(api.get("/cluster/ha/rules", "type", "node-affinity", "resource", "vm:300"))
                .extracting(r -> r.data().size())
                .isEqualTo(1);

        PveHttp.Resp infeasible =
                api.post(
                        "/cluster/ha/rules",
                        "rule",
                        "pos-apart",
                        "type",
                        "resource-affinity",
                        "resources",
                        "vm:100,vm:101",
                        "affinity",
                        "negative");
        assertThat(infeasible.status()).as(infeasible.toString()).isEqualTo(400);
        assertThat(infeasible.reason()).isEqualTo("Rule 'pos-apart' is invalid.");
        assertThat(infeasible.body().get("errors").get("resources").asText())
                .isEqualTo("resources are in node affinity rules with multiple priorities");

        // a stored rule that became infeasible lists its errors (here: one resource left)
        ok(api.put("/cluster/ha/rules/prefer-pve1", "nodes", "pve1,pve2"));
        ok(
                api.post(
                        "/cluster/ha/rules",
                        "rule",
                        "pos-apart",
                        "type",
                        "resource-affinity",
                        "resources",
                        "vm:100,vm:101",
                        "affinity",
                        "negative"));
        sim.cluster().createRunningVm("pve2", 102, Map.of());
        ok(api.post("/cluster/ha/resources", "sid", "vm:102"));
        ok(
                api.post(
                        "/cluster/ha/rules",
                        "rule",
                        "pair",
                        "type",
                        "resource-affinity",
                        "resources",
                        "vm:102,vm:300",
                        "affinity",
                        "positive"));
        ok(api.delete("/cluster/ha/resources/vm:102"));
        JsonNode pair = api.get("/cluster/ha/rules/pair").data();
        assertThat(pair.get("resources").asText()).isEqualTo("vm:300");
        assertThat(pair.get("errors").get("resources").get(0).asText())
                .isEqualTo("rule is ineffective as there are less than two resources");
        assertShape(
                "derived/ha_rules_pve9.json",
                api.get("/cluster/ha/rules").body(),
                JsonShape.rules()
                        .optional(
                                "data[].comment",
                                "data[].strict",
                                "data[].errors",
                                "data[].disable"));
        ok(api.delete("/cluster/ha/rules/pair"));
        ok(api.delete("/cluster/ha/rules/pos-apart"));
        ok(api.delete("/cluster/ha/rules/prefer-pve1"));
        ok(api.delete("/cluster/ha/rules/db-only-pve3"));
    }

    @Test
    void refusalsAsPveWordsThem() {
        assertError(
                api.post(
                        "/cluster/ha/rules",
                        "rule",
                        "bad-rule",
                        "type",
                        "node-affinity",
                        "resources",
                        "vm:100"),
                500,
                "missing value for required option 'nodes'");
        assertError(
                api.post(
                        "/cluster/ha/rules",
                        "rule",
                        "bad-rule",
                        "type",
                        "node-affinity",
                        "resources",
                        "vm:100",
                        "nodes",
                        "pve1",
                        "affinity",
                        "negative"),
                500,
                "unexpected property 'affinity'");
        assertError(
                api.post(
                        "/cluster/ha/rules",
                        "rule",
                        "bad-rule",
                        "type",
                        "node-affinity",
                        "resources",
                        "vm:777",
                        "nodes",
                        "pve1"),
                500,
                "create ha rule failed: cannot use unmanaged resource(s) vm:777.");
        assertError(api.get("/cluster/ha/rules/nope"), 500, "no such ha rule 'nope'");
        assertError(
                api.get("/cluster/ha/groups"),
                500,
                "cannot index groups: ha groups have been migrated to rules");
        assertError(
                api.post("/cluster/ha/groups", "group", "front", "nodes", "pve1"),
                500,
                "cannot create group: ha groups have been migrated to rules");
        assertError(
                api.put("/cluster/ha/resources/vm:100", "group", "front"),
                500,
                "invalid parameter 'group': ha groups have been migrated to rules");
    }

    @Test
    void resourcesCarryFailbackAndVmsCanBeCreatedHaManaged() {
        ok(api.put("/cluster/ha/resources/vm:300", "failback", "0", "comment", "db"));
        JsonNode resources = api.get("/cluster/ha/resources").body();
        assertShape(
                "derived/ha_resources_pve9.json",
                resources,
                JsonShape.rules()
                        .optional(
                                "data[].failback",
                                "data[].max_restart",
                                "data[].max_relocate",
                                "data[].comment",
                                "data[].state"));
        assertThat(api.get("/cluster/ha/resources/vm:300").data().get("failback").asInt()).isZero();
        JsonNode service = null;
        for (JsonNode e : api.get("/cluster/ha/status/current").data()) {
            if ("service:vm:300".equals(e.path("id").asText())) {
                service = e;
            }
        }
        assertThat(service).isNotNull();
        assertThat(service.get("failback").asInt()).isZero();
        ok(api.put("/cluster/ha/resources/vm:300", "delete", "failback,comment"));

        PveHttp.Resp created =
                api.post(
                        "/nodes/pve2/qemu",
                        "vmid",
                        "250",
                        "name",
                        "ha-born",
                        "memory",
                        "512",
                        "ha-managed",
                        "1",
                        "start",
                        "1");
        ok(created);
        sim.clock().advance(Duration.ofSeconds(30));
        assertThat(api.get("/cluster/ha/resources/vm:250").data().get("state").asText())
                .isEqualTo("started");
        assertThat(sim.cluster().vm(250).orElseThrow().running()).isTrue();
        assertThat(sim.ha().serviceState("vm:250")).contains("started");
    }

    @Test
    void aNodeStillOnPve8AnswersAsPve8() {
        sim.upgrade("pve3", 8);
        try {
            PveHttp pve3 =
                    PveHttp.forUrl(sim, sim.nodeUrl("pve3"))
                            .withHeader("Authorization", sim.authorizationHeader());
            assertThat(pve3.get("/version").data().get("version").asText()).isEqualTo("8.4.1");
            assertError(
                    pve3.get("/cluster/ha/rules"),
                    501,
                    "Method 'GET /cluster/ha/rules' not implemented");
            PveHttp.Resp failback = pve3.put("/cluster/ha/resources/vm:100", "failback", "0");
            assertThat(failback.status()).isEqualTo(400);
            assertThat(failback.body().get("errors").get("failback").asText())
                    .isEqualTo(
                            "property is not defined in schema and the schema does not allow"
                                    + " additional properties");
        } finally {
            sim.upgrade("pve3", 9);
        }
    }

    private static void ok(PveHttp.Resp resp) {
        assertThat(resp.status()).as(resp.toString()).isEqualTo(200);
    }

    private static void assertError(PveHttp.Resp resp, int status, String reason) {
        assertThat(resp.status()).as(resp.toString()).isEqualTo(status);
        assertThat(resp.reason()).isEqualTo(reason);
    }
}
