package io.pveha.simulator.it;

import static io.pveha.simulator.it.FixtureShapeIT.assertShape;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pveha.simulator.PveSimulator;
import io.pveha.simulator.TaskView;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /cluster/ha/...} over HTTPS: the shapes of PVE's answers (derived HA fixtures), CRUD with
 * PVE's errors (status code and reason phrase), {@code digest}, the error-state refusal; HA-managed
 * guests in the guest API and {@code /cluster/resources}; {@code /access/permissions}; the control
 * API additions.
 */
class HaApiIT extends SimulatorIT {

    @Test
    void resourcesGroupsAndStatusHavePveShapes() {
        sim.cluster().createVm("pve1", 300, Map.of("name", "shape-a"));
        sim.cluster().createVm("pve3", 301, Map.of("name", "shape-b"));
        sim.cluster().createVm("pve2", 302, Map.of("name", "shape-c"));
        ok(
                api.post(
                        "/cluster/ha/groups",
                        "group",
                        "prefer-pve1",
                        "nodes",
                        "pve1:2,pve2:1",
                        "restricted",
                        "0",
                        "nofailback",
                        "0"));
        ok(
                api.post(
                        "/cluster/ha/resources",
                        "sid",
                        "vm:300",
                        "state",
                        "started",
                        "group",
                        "prefer-pve1",
                        "max_restart",
                        "1",
                        "max_relocate",
                        "1"));
        ok(api.post("/cluster/ha/resources", "sid", "301", "state", "started"));
        ok(
                api.post(
                        "/cluster/ha/resources",
                        "sid",
                        "vm:302",
                        "state",
                        "stopped",
                        "comment",
                        "db replica"));
        advance(30);

        assertShape(
                "derived/ha_resources_pve8.json",
                api.get("/cluster/ha/resources").body(),
                JsonShape.rules()
                        .optional(
                                "data[].group",
                                "data[].max_restart",
                                "data[].max_relocate",
                                "data[].comment",
                                "data[].state",
                                "data[].errors"));
        assertShape(
                "derived/ha_groups_pve8.json",
                api.get("/cluster/ha/groups").body(),
                JsonShape.rules()
                        .optional("data[].comment", "data[].restricted", "data[].nofailback"));
        JsonNode current = api.get("/cluster/ha/status/current").body();
        assertShape(
                "derived/ha_status_current_pve8.json",
                current,
                JsonShape.rules()
                        .optional(
                                "data[].group",
                                "data[].comment",
                                "data[].crm_state",
                                "data[].timestamp"));
        assertThat(types(current.get("data"))).contains("quorum", "master", "lrm", "service");
        JsonNode managerStatus = api.get("/cluster/ha/status/manager_status").body();
        JsonShape inner =
                JsonShape.rules()
                        .dynamic("node_status", "service_status")
                        .optional(
                                "service_status.*.running",
                                "service_status.*.target",
                                "service_status.*.timeout",
                                "service_status.*.cmd",
                                "service_status.*.failed_nodes",
                                "service_status.*.maintenance_node",
                                "node_request",
                                "relocate_tried_nodes");
        assertShape(
                "derived/ha_manager_status_pve8.json",
                managerStatus,
                JsonShape.rules()
                        .dynamic(
                                "data.manager_status.node_status",
                                "data.manager_status.service_status",
                                "data.lrm_status",
                                "data.lrm_status.*.results")
                        .optional(
                                "data.manager_status.service_status.*.running",
                                "data.manager_status.node_request",
                                "data.manager_status.service_status.*.target",
                                "data.manager_status.service_status.*.timeout",
                                "data.manager_status.service_status.*.cmd",
                                "data.manager_status.service_status.*.failed_nodes",
                                "data.manager_status.service_status.*.maintenance_node"));
        assertShape(
                "ha_manager_status_inner_relocate_policy1.json",
                managerStatus.get("data").get("manager_status"),
                inner);
        assertShape(
                "ha_manager_status_inner_service_command9.json",
                managerStatus.get("data").get("manager_status"),
                inner);

        JsonNode service = entry(current.get("data"), "service:vm:302");
        assertThat(service.get("comment").asText()).isEqualTo("db replica");
        assertThat(service.get("request_state").asText()).isEqualTo("stopped");
        assertThat(entry(current.get("data"), "service:vm:300").get("group").asText())
                .isEqualTo("prefer-pve1");
        assertThat(entry(current.get("data"), "service:vm:300").get("crm_state").asText())
                .isEqualTo("started");
    }

    @Test
    void resourceCrudAnswersWithPveErrors() {
        sim.cluster().createVm("pve2", 310, Map.of("name", "crud"));
        assertThat(
                        api.post(
                                        "/cluster/ha/resources",
                                        "sid",
                                        "vm:310",
                                        "comment",
                                        "pveha.io/owner=ns/name")
                                .data()
                                .isNull())
                .isTrue();
        assertError(
                api.post("/cluster/ha/resources", "sid", "vm:310"),
                500,
                "create resource failed: resource ID 'vm:310' already defined");
        assertError(
                api.post("/cluster/ha/resources", "sid", "vm:999"),
                500,
                "resource 'vm:999' does not exist in cluster");
        assertError(api.get("/cluster/ha/resources/vm:999"), 500, "no such resource 'vm:999'");
        assertError(
                api.get("/cluster/ha/resources/999"),
                500,
                "unable do detect SID from VMID - VM/CT 999 does not exist");

        JsonNode read = api.get("/cluster/ha/resources/310").data();
        assertThat(read.get("sid").asText()).isEqualTo("vm:310");
        assertThat(read.get("type").asText()).isEqualTo("vm");
        assertThat(read.get("comment").asText()).isEqualTo("pveha.io/owner=ns/name");
        assertThat(read.has("state")).as("only options that were set").isFalse();
        String digest = read.get("digest").asText();

        ok(
                api.put(
                        "/cluster/ha/resources/vm:310",
                        "state",
                        "stopped",
                        "max_relocate",
                        "2",
                        "digest",
                        digest));
        assertError(
                api.put("/cluster/ha/resources/vm:310", "state", "started", "digest", digest),
                500,
                "update resources config failed: detected modified configuration - file changed by other user? "
                        + "Try again.");
        assertError(
                api.put("/cluster/ha/resources/vm:310", "group", "nope"),
                500,
                "HA group 'nope' does not exist");
        assertError(
                api.put("/cluster/ha/resources/vm:311", "state", "started"),
                500,
                "update resources config failed: no such resource 'vm:311'");
        ok(api.put("/cluster/ha/resources/vm:310", "delete", "comment"));
        JsonNode updated = api.get("/cluster/ha/resources/vm:310").data();
        assertThat(updated.get("state").asText()).isEqualTo("stopped");
        assertThat(updated.get("max_relocate").asInt()).isEqualTo(2);
        assertThat(updated.has("comment")).isFalse();
        assertThat(updated.get("digest").asText()).isNotEqualTo(digest);

        PveHttp.Resp badSid = api.post("/cluster/ha/resources", "sid", "vm 310");
        assertError(badSid, 400, "Parameter verification failed.");
        assertThat(badSid.body().get("errors").get("sid").asText())
                .isEqualTo("invalid format - value does not look like a valid ha resource id");
        PveHttp.Resp badRestart =
                api.post("/cluster/ha/resources", "sid", "vm:310", "max_restart", "-1");
        assertThat(badRestart.body().get("errors").get("max_restart").asText())
                .isEqualTo("value must have a minimum value of 0");

        sim.tokens().add("viewer@pve!ha", "secret", Set.of("Sys.Audit"));
        PveHttp viewer =
                api.withoutHeaders()
                        .withHeader("Authorization", "PVEAPIToken=viewer@pve!ha=secret");
        assertThat(viewer.get("/cluster/ha/resources").status()).isEqualTo(200);
        assertError(
                viewer.delete("/cluster/ha/resources/vm:310"),
                403,
                "Permission check failed (/, Sys.Console)");

        assertThat(api.delete("/cluster/ha/resources/vm:310").data().isNull()).isTrue();
        assertError(
                api.delete("/cluster/ha/resources/vm:310"),
                500,
                "cannot delete service 'vm:310', not HA managed!");
    }

    @Test
    void groupCrudAnswersWithPveErrors() {
        ok(
                api.post(
                        "/cluster/ha/groups",
                        "group",
                        "g-crud",
                        "nodes",
                        "pve1:2, pve3",
                        "restricted",
                        "1"));
        JsonNode group = api.get("/cluster/ha/groups/g-crud").data();
        assertThat(group.get("nodes").asText()).isEqualTo("pve1:2,pve3");
        assertThat(group.get("restricted").asInt()).isEqualTo(1);
        assertError(
                api.post("/cluster/ha/groups", "group", "g-crud", "nodes", "pve1"),
                500,
                "create ha group failed: ha group ID 'g-crud' already defined");
        PveHttp.Resp badNodes = api.post("/cluster/ha/groups", "group", "g-bad", "nodes", "pve1:x");
        assertThat(badNodes.body().get("errors").get("nodes").asText())
                .isEqualTo("invalid format - value does not look like a valid ha group node");
        assertError(api.get("/cluster/ha/groups/g-none"), 500, "no such ha group 'g-none'");
        assertError(
                api.put("/cluster/ha/groups/g-crud", "nofailback", "1", "digest", "0".repeat(40)),
                500,
                "update ha group failed: detected modified configuration - file changed by other user? Try again.");
        assertError(
                api.put("/cluster/ha/groups/g-crud", "delete", "nodes"),
                500,
                "update ha group failed: unable to delete required option 'nodes'");
        ok(
                api.put(
                        "/cluster/ha/groups/g-crud",
                        "nofailback",
                        "1",
                        "digest",
                        group.get("digest").asText()));

        sim.cluster().createVm("pve1", 315, Map.of("name", "grouped"));
        ok(
                api.post(
                        "/cluster/ha/resources",
                        "sid",
                        "vm:315",
                        "state",
                        "stopped",
                        "group",
                        "g-crud"));
        assertError(
                api.delete("/cluster/ha/groups/g-crud"),
                500,
                "delete ha group failed: ha group is used by service 'vm:315'");
        ok(api.delete("/cluster/ha/resources/vm:315"));
        ok(api.delete("/cluster/ha/groups/g-crud"));
        assertThat(api.get("/cluster/ha/groups").data().findValuesAsText("group"))
                .doesNotContain("g-crud");
    }

    @Test
    void serviceInErrorStateRefusesChangesUntilDisabled() {
        sim.cluster().createVm("pve3", 320, Map.of("name", "broken"));
        sim.faults().failNextTask("qmstart", "pve3", "start failed: injected");
        ok(
                api.post(
                        "/cluster/ha/resources",
                        "sid",
                        "vm:320",
                        "max_restart",
                        "0",
                        "max_relocate",
                        "0"));
        advance(40);
        assertThat(service("vm:320").get("crm_state").asText()).isEqualTo("error");

        String refused = "service 'vm:320' in error state, must be disabled and fixed first";
        assertError(api.put("/cluster/ha/resources/vm:320", "state", "started"), 500, refused);
        assertError(api.post("/cluster/ha/resources/vm:320/migrate", "node", "pve1"), 500, refused);
        String upid = api.post("/nodes/pve3/qemu/320/status/start").data().asText();
        assertThat(exitStatus(upid))
                .isEqualTo("command 'ha-manager set vm:320 --state started' failed: exit code 255");
        assertThat(sim.cluster().task(upid).orElseThrow().log()).contains(refused);

        ok(api.put("/cluster/ha/resources/vm:320", "state", "disabled"));
        assertThat(service("vm:320").get("state").asText()).isEqualTo("clearing error flag");
        advance(20);
        assertThat(service("vm:320").get("crm_state").asText()).isEqualTo("stopped");
    }

    @Test
    void powerAndMigrationOfHaManagedGuestsBecomeHaRequests() {
        sim.cluster().createVm("pve1", 330, Map.of("name", "managed", "memory", "1024"));
        ok(api.post("/cluster/ha/resources", "sid", "vm:330", "state", "stopped"));
        JsonNode queued = vmResource(330);
        assertThat(queued.get("hastate").asText())
                .as("requested state while queued")
                .isEqualTo("stopped");

        String start = api.post("/nodes/pve1/qemu/330/status/start").data().asText();
        TaskView hastart = sim.cluster().task(start).orElseThrow();
        assertThat(hastart.type()).isEqualTo("hastart");
        awaitOk(start);
        assertThat(sim.cluster().task(start).orElseThrow().log())
                .containsExactly("Requesting HA start for VM 330", "TASK OK");
        advance(20);
        assertThat(vmResource(330).get("status").asText()).isEqualTo("running");
        assertThat(vmResource(330).get("hastate").asText()).isEqualTo("started");
        JsonNode ha = api.get("/nodes/pve1/qemu/330/status/current").data().get("ha");
        assertThat(ha.get("managed").asInt()).isEqualTo(1);
        assertThat(ha.get("state").asText()).isEqualTo("started");
        assertThat(ha.get("group").isNull()).isTrue();
        assertThat(sim.cluster().tasks())
                .anySatisfy(
                        t -> {
                            assertThat(t.type()).isEqualTo("qmstart");
                            assertThat(t.id()).isEqualTo("330");
                            assertThat(t.user()).isEqualTo("root@pam");
                        });

        PveHttp.Resp overrule =
                api.post("/nodes/pve1/qemu/330/status/stop", "overrule-shutdown", "1");
        assertThat(overrule.body().get("errors").get("overrule-shutdown").asText())
                .isEqualTo("Not applicable for HA resources.");
        String migrate =
                api.post("/nodes/pve1/qemu/330/migrate", "target", "pve2", "online", "1")
                        .data()
                        .asText();
        assertThat(sim.cluster().task(migrate).orElseThrow().type()).isEqualTo("hamigrate");
        awaitOk(migrate);
        advance(30);
        assertThat(vmResource(330).get("node").asText()).isEqualTo("pve2");
        assertThat(vmResource(330).get("status").asText()).isEqualTo("running");

        String shutdown =
                api.post("/nodes/pve2/qemu/330/status/shutdown", "timeout", "30").data().asText();
        assertThat(sim.cluster().task(shutdown).orElseThrow().type()).isEqualTo("hastop");
        awaitOk(shutdown);
        advance(30);
        assertThat(vmResource(330).get("status").asText()).isEqualTo("stopped");
        assertThat(service("vm:330").get("request_state").asText()).isEqualTo("stopped");
        assertThat(sim.ha().log())
                .anySatisfy(
                        e ->
                                assertThat(e.message())
                                        .isEqualTo(
                                                "request graceful stop with timeout '30' for service 'vm:330'"));
    }

    @Test
    void destroyingAnHaManagedGuestNeedsPurgeWhichRemovesTheResource() {
        sim.cluster().createVm("pve2", 340, Map.of("name", "doomed"));
        ok(api.post("/cluster/ha/resources", "sid", "vm:340", "state", "stopped"));
        assertError(
                api.delete("/nodes/pve2/qemu/340"),
                500,
                "unable to remove VM 340 - used in HA resources and purge parameter not set.");
        awaitOk(api.delete("/nodes/pve2/qemu/340", "purge", "1").data().asText());
        assertThat(sim.cluster().vm(340)).isEmpty();
        assertError(api.get("/cluster/ha/resources/vm:340"), 500, "no such resource 'vm:340'");
    }

    @Test
    void clusterResourcesShowTheHaStateOfNodes() {
        sim.cluster().createVm("pve3", 350, Map.of("name", "node-state"));
        ok(api.post("/cluster/ha/resources", "sid", "vm:350", "state", "stopped"));
        advance(20);
        for (JsonNode entry : api.get("/cluster/resources", "type", "node").data()) {
            assertThat(entry.get("hastate").asText()).as(entry.toString()).isEqualTo("online");
        }
    }

    @Test
    void permissionsListTheCallersPrivilegesPerPath() {
        JsonNode root = api.get("/access/permissions").data();
        assertThat(iterable(root.fieldNames()))
                .contains("/", "/vms", "/storage", "/nodes", "/access");
        assertThat(root.get("/").get("Sys.Console").asInt()).isEqualTo(1);
        assertThat(root.get("/vms").get("VM.PowerMgmt").asInt()).isEqualTo(1);

        sim.tokens().add("auditor@pve!ro", "secret", Set.of("VM.Audit", "Sys.Audit"));
        PveHttp auditor =
                api.withoutHeaders()
                        .withHeader("Authorization", "PVEAPIToken=auditor@pve!ro=secret");
        JsonNode limited = auditor.get("/access/permissions").data();
        assertThat(iterable(limited.get("/").fieldNames()))
                .containsExactly("Sys.Audit", "VM.Audit");
        JsonNode onePath = auditor.get("/access/permissions", "path", "/vms").data();
        assertThat(iterable(onePath.fieldNames())).containsExactly("/vms");
        sim.tokens().add("vmonly@pve!ro", "secret", Set.of("VM.Audit"));
        PveHttp vmOnly =
                api.withoutHeaders()
                        .withHeader("Authorization", "PVEAPIToken=vmonly@pve!ro=secret");
        assertError(
                vmOnly.get("/access/permissions", "userid", "root@pam"),
                403,
                "Permission check failed (/access, Sys.Audit)");
        assertThat(
                        auditor.get("/access/permissions", "userid", "root@pam")
                                .data()
                                .get("/")
                                .get("Sys.Modify")
                                .asInt())
                .as("with Sys.Audit on /access anyone's permissions may be read")
                .isEqualTo(1);
        JsonNode aboutAuditor = api.get("/access/permissions", "userid", "auditor@pve!ro").data();
        assertThat(iterable(aboutAuditor.get("/vms").fieldNames()))
                .containsExactly("Sys.Audit", "VM.Audit");
    }

    @Test
    void controlApiDrivesMaintenanceShutdownAndShowsTheHaLog() throws Exception {
        sim.cluster().createVm("pve3", 360, Map.of("name", "control"));
        ok(api.post("/cluster/ha/resources", "sid", "vm:360", "state", "started"));
        advance(20);
        ControlClient control = new ControlClient(sim.plainHttpUrl().orElseThrow());
        control.call("POST", "/simulator/nodes/pve3/maintenance-enable");
        advance(40);
        JsonNode ha = control.call("GET", "/simulator/ha").get("data");
        assertThat(ha.get("nodes").get("pve3").asText()).isEqualTo("maintenance");
        assertThat(ha.get("services").get("vm:360").get("node").asText()).isNotEqualTo("pve3");
        control.call("POST", "/simulator/nodes/pve3/maintenance-disable");
        control.call("POST", "/simulator/ha/shutdown-policy", "policy=freeze");
        assertThat(sim.ha().shutdownPolicy().pveName()).isEqualTo("freeze");
        advance(40);
        control.call("POST", "/simulator/nodes/pve3/shutdown");
        advance(40);
        assertThat(sim.cluster().node("pve3").power()).isEqualTo("off");
        JsonNode log = control.call("GET", "/simulator/ha/log").get("data");
        assertThat(log.findValuesAsText("message"))
                .contains(
                        "got shutdown request with shutdown policy 'freeze'",
                        "shutdown LRM, stop and freeze all services");
        control.call("POST", "/simulator/ha/shutdown-policy", "policy=conditional");
    }

    @Test
    void haConfigurationAndStatusSurviveARestart(@TempDir Path dir) {
        Path file = dir.resolve("state.json");
        try (PveSimulator first =
                PveSimulator.builder()
                        .pveVersion(8)
                        .manualClock()
                        .stateFile(file)
                        .build()
                        .start()) {
            PveHttp client = PveHttp.forSim(first);
            first.cluster().createVm("pve2", 370, Map.of("name", "kept"));
            ok(client.post("/cluster/ha/groups", "group", "kept", "nodes", "pve2"));
            ok(
                    client.post(
                            "/cluster/ha/resources",
                            "sid",
                            "vm:370",
                            "group",
                            "kept",
                            "comment",
                            "pveha.io/owner=a/b"));
            first.clock().advance(Duration.ofSeconds(20));
            assertThat(first.ha().serviceState("vm:370")).contains("started");
        }
        try (PveSimulator second =
                PveSimulator.builder()
                        .pveVersion(8)
                        .manualClock()
                        .stateFile(file)
                        .build()
                        .start()) {
            PveHttp client = PveHttp.forSim(second);
            assertThat(client.get("/cluster/ha/resources/vm:370").data().get("comment").asText())
                    .isEqualTo("pveha.io/owner=a/b");
            assertThat(client.get("/cluster/ha/groups/kept").data().get("nodes").asText())
                    .isEqualTo("pve2");
            assertThat(second.ha().serviceState("vm:370")).contains("started");
            assertThat(second.ha().masterNode()).contains("pve1");
            second.clock().advance(Duration.ofSeconds(30));
            assertThat(second.cluster().vm(370).orElseThrow().running()).isTrue();
        }
    }

    private static void advance(long seconds) {
        sim.clock().advance(Duration.ofSeconds(seconds));
    }

    private static void ok(PveHttp.Resp resp) {
        assertThat(resp.status()).as(resp.toString()).isEqualTo(200);
    }

    private static void assertError(PveHttp.Resp resp, int status, String reason) {
        assertThat(resp.status()).as(resp.toString()).isEqualTo(status);
        assertThat(resp.reason()).isEqualTo(reason);
    }

    private static JsonNode service(String sid) {
        return entry(api.get("/cluster/ha/status/current").data(), "service:" + sid);
    }

    private static JsonNode entry(JsonNode entries, String id) {
        for (JsonNode entry : entries) {
            if (entry.get("id").asText().equals(id)) {
                return entry;
            }
        }
        throw new AssertionError("no entry " + id + " in " + entries);
    }

    private static JsonNode vmResource(int vmid) {
        for (JsonNode entry : api.get("/cluster/resources", "type", "vm").data()) {
            if (entry.get("vmid").asInt() == vmid) {
                return entry;
            }
        }
        throw new AssertionError("no guest " + vmid + " in /cluster/resources");
    }

    private static List<String> types(JsonNode entries) {
        return entries.findValuesAsText("type");
    }

    private static List<String> iterable(java.util.Iterator<String> names) {
        List<String> list = new ArrayList<>();
        names.forEachRemaining(list::add);
        return list;
    }
}
