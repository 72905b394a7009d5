package io.pveha.simulator.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.pveha.testing.Fixtures;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The simulator's answers have the field names and JSON types of real PVE bodies (the reference
 * fixtures in {@code testdata/pve-fixtures}, shared with the operator's tests), allowing PVE's
 * documented variants.
 */
class FixtureShapeIT extends SimulatorIT {

    @BeforeAll
    static void seed() {
        sim.cluster()
                .createRunningVm(
                        "pve1",
                        100,
                        Map.of(
                                "name",
                                "server1",
                                "memory",
                                "2048",
                                "balloon",
                                "1024",
                                "agent",
                                "1",
                                "scsi0",
                                "local-lvm:32",
                                "ide2",
                                "local:iso/debian-12.9.0-amd64-netinst.iso,media=cdrom",
                                "net0",
                                "virtio,bridge=vmbr0"));
        sim.cluster().createTemplate("pve1", 101, Map.of("name", "leap154", "scsi0", "ceph-vm:64"));
        sim.cluster()
                .createVm(
                        "pve2",
                        102,
                        Map.of(
                                "name",
                                "machine-test",
                                "tags",
                                "go-proxmox+cloud-init",
                                "scsi0",
                                "local-lvm:50"));
    }

    @Test
    void version() {
        assertShape("version.json", api.get("/version").body(), JsonShape.rules());
    }

    @Test
    void clusterStatus() {
        assertShape("cluster_status.json", api.get("/cluster/status").body(), JsonShape.rules());
    }

    @Test
    void clusterResources() {
        assertShape(
                "cluster_resources.json",
                api.get("/cluster/resources").body(),
                JsonShape.rules()
                        .optional("data[].tags", "data[].lock", "data[].hastate", "data[].pool")
                        .extraTypes("sdn"));
    }

    @Test
    void clusterNextId() {
        assertShape("cluster_nextid.json", api.get("/cluster/nextid").body(), JsonShape.rules());
    }

    @Test
    void nextIdTakenError() {
        assertShape(
                "error_400_cluster_nextid_vmid_exists.json",
                api.get("/cluster/nextid", "vmid", "100").body(),
                JsonShape.rules().optional("message"));
    }

    @Test
    void typeCheckError() {
        PveHttp.Resp resp =
                api.raw(
                        "PUT",
                        "/nodes/pve2/qemu/102/config",
                        "{\"description\":[\"a\"]}",
                        "application/json");
        assertShape(
                "error_400_qemu_monitor_type_check.json",
                resp.body(),
                JsonShape.rules().dynamic("errors").optional("message"));
    }

    @Test
    void nodes() {
        assertShape("nodes.json", api.get("/nodes").body(), JsonShape.rules());
    }

    @Test
    void accessTicket() {
        JsonNode body =
                api.withoutHeaders()
                        .post(
                                "/access/ticket",
                                "username",
                                "root@pam",
                                "password",
                                sim.rootPassword())
                        .body();
        assertShape(
                "access_ticket.json", body, JsonShape.rules().dynamic("data.cap", "data.cap.*"));
    }

    @Test
    void qemuList() {
        assertShape(
                "qemu_list.json",
                api.get("/nodes/pve1/qemu").body(),
                JsonShape.rules().optional("data[].template", "data[].lock", "data[].tags"));
    }

    @Test
    void qemuStatusCurrentOfRunningVmWithAgentAndBalloon() {
        assertShape(
                "qemu_status_current.json",
                api.get("/nodes/pve1/qemu/100/status/current").body(),
                JsonShape.rules().dynamic("data.blockstat", "data.nics").optional("data.spice"));
    }

    @Test
    void storageList() {
        // The reference shows pbs and zfspool entries; keys specific to a storage type are not
        // compared.
        assertShape(
                "storage_list.json",
                api.get("/storage").body(),
                JsonShape.rules()
                        .optional(
                                "data[].username",
                                "data[].datastore",
                                "data[].server",
                                "data[].fingerprint",
                                "data[].prune-backups",
                                "data[].nodes",
                                "data[].sparse",
                                "data[].pool",
                                "data[].path",
                                "data[].vgname",
                                "data[].thinpool",
                                "data[].krbd",
                                "data[].shared"));
    }

    @Test
    void taskStatusRunningOkAndError() {
        String running = api.post("/nodes/pve2/qemu/102/status/start").data().asText();
        JsonShape tokenTask = JsonShape.rules().optional("data.tokenid");
        assertShape(
                "task_status_running.json",
                api.get("/nodes/pve2/tasks/" + running + "/status").body(),
                tokenTask);
        awaitOk(running);
        assertShape(
                "task_status_stopped_ok.json",
                api.get("/nodes/pve2/tasks/" + running + "/status").body(),
                tokenTask);
        String failed = api.post("/nodes/pve2/qemu/102/status/start").data().asText();
        assertThat(exitStatus(failed)).isEqualTo("VM 102 already running");
        assertShape(
                "task_status_stopped_error.json",
                api.get("/nodes/pve2/tasks/" + failed + "/status").body(),
                tokenTask);
    }

    @Test
    void lockedVmErrorBody() {
        sim.cluster().createVm("pve3", 103, Map.of("name", "locked", "lock", "backup"));
        PveHttp.Resp resp = api.put("/nodes/pve3/qemu/103/config", "name", "x");
        assertThat(resp.reason()).isEqualTo("VM is locked (backup)");
        assertShape(
                "derived/error_500_locked_httpserver52plus.json", resp.body(), JsonShape.rules());
        assertShape(
                "derived/error_500_locked_pve8.json",
                resp.body(),
                JsonShape.rules().optional("message"));
        assertThat(resp.body().get("message").asText())
                .isEqualTo(
                        fixture("derived/error_500_locked_httpserver52plus.json")
                                .get("message")
                                .asText());
    }

    static void assertShape(String fixture, JsonNode actual, JsonShape rules) {
        assertThat(actual).as("simulator answer for %s", fixture).isNotNull();
        assertThat(rules.compare(fixture(fixture), actual))
                .as("shape of %s vs simulator answer %s", fixture, actual)
                .isEmpty();
    }

    static JsonNode fixture(String name) {
        try {
            return PveHttp.JSON.readTree(Fixtures.read(name));
        } catch (JsonProcessingException e) {
            throw new AssertionError("cannot read fixture " + name, e);
        }
    }
}
