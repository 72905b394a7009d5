package io.pveha.simulator.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every kind of error PVE reports, asserted by status code, reason phrase and body. */
class ErrorsIT extends SimulatorIT {

    @Test
    void unknownPathIs501WithMethodAndPathInTheMessage() {
        PveHttp.Resp resp = api.get("/foo/bar");
        assertThat(resp.status()).isEqualTo(501);
        assertThat(resp.reason()).isEqualTo("Method 'GET /foo/bar' not implemented");
        assertThat(resp.body().get("data").isNull()).isTrue();
        assertThat(resp.body().get("message").asText())
                .isEqualTo("Method 'GET /foo/bar' not implemented");
        PveHttp.Resp wrongMethod = api.delete("/version");
        assertThat(wrongMethod.status()).isEqualTo(501);
        assertThat(wrongMethod.reason()).isEqualTo("Method 'DELETE /version' not implemented");
    }

    @Test
    void parameterErrorsAre400WithAnErrorsMap() {
        PveHttp.Resp unknown = api.get("/cluster/resources", "colour", "blue");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.reason()).isEqualTo("Parameter verification failed.");
        assertThat(unknown.body().get("errors").get("colour").asText())
                .isEqualTo(
                        "property is not defined in schema and the schema does not allow additional properties");
        assertThat(unknown.body().get("message").asText())
                .isEqualTo("Parameter verification failed.\n");

        sim.cluster().createVm("pve1", 300, Map.of("name", "params"));
        PveHttp.Resp badBool = api.put("/nodes/pve1/qemu/300/config", "onboot", "true");
        assertThat(badBool.status()).isEqualTo(400);
        assertThat(badBool.body().get("errors").get("onboot").asText())
                .isEqualTo("type check ('boolean') failed - got 'true'");

        PveHttp.Resp missing = api.post("/nodes/pve1/qemu/300/clone");
        assertThat(missing.body().get("errors").get("newid").asText())
                .isEqualTo("property is missing and it is not optional");

        PveHttp.Resp tooSmall = api.post("/nodes/pve1/qemu", "vmid", "99");
        assertThat(tooSmall.body().get("errors").get("vmid").asText())
                .isEqualTo("value must have a minimum value of 100");

        PveHttp.Resp notInteger = api.put("/nodes/pve1/qemu/300/config", "cores", "two");
        assertThat(notInteger.body().get("errors").get("cores").asText())
                .isEqualTo("type check ('integer') failed - got 'two'");

        PveHttp.Resp array =
                api.raw(
                        "PUT",
                        "/nodes/pve1/qemu/300/config",
                        "{\"name\":[\"a\",\"b\"]}",
                        "application/json");
        assertThat(array.body().get("errors").get("name").asText())
                .isEqualTo("type check ('string') failed - got ARRAY");

        PveHttp.Resp conflict = api.get("/nodes/pve1/qemu/300/config", "vmid", "301");
        assertThat(conflict.body().get("errors").get("vmid").asText())
                .isEqualTo("duplicate parameter (already defined in URI) with conflicting values!");
    }

    @Test
    void authenticationFailuresAre401WithoutBody() {
        PveHttp anonymous = api.withoutHeaders();
        PveHttp.Resp noTicket = anonymous.get("/version");
        assertThat(noTicket.status()).isEqualTo(401);
        assertThat(noTicket.reason()).isEqualTo("No ticket");
        assertThat(noTicket.raw()).isEmpty();

        PveHttp.Resp wrongSecret =
                anonymous
                        .withHeader("Authorization", "PVEAPIToken=" + sim.apiTokenId() + "=nope")
                        .get("/version");
        assertThat(wrongSecret.status()).isEqualTo(401);
        assertThat(wrongSecret.reason()).isEqualTo("Authentication failed!");
        PveHttp.Resp unknownToken =
                anonymous
                        .withHeader("Authorization", "PVEAPIToken=root@pam!ghost=x")
                        .get("/version");
        assertThat(unknownToken.reason()).isEqualTo("Authentication failed!");

        PveHttp.Resp badTicket =
                anonymous
                        .withHeader("Cookie", "PVEAuthCookie=PVE:root@pam:6500000A::Zm9v")
                        .get("/version");
        assertThat(badTicket.status()).isEqualTo(401);
        assertThat(badTicket.reason()).isEqualTo("Authentication failed!");

        PveHttp.Resp badLogin =
                anonymous.post("/access/ticket", "username", "root@pam", "password", "wrong");
        assertThat(badLogin.status()).isEqualTo(401);
        assertThat(badLogin.reason()).isEqualTo("authentication failure");
        assertThat(badLogin.body().get("data").isNull()).isTrue();
    }

    @Test
    void missingCsrfTokenOnTicketWritesIs401() {
        JsonNode login =
                api.withoutHeaders()
                        .post(
                                "/access/ticket",
                                "username",
                                "root@pam",
                                "password",
                                sim.rootPassword())
                        .data();
        PveHttp withTicket =
                api.withoutHeaders()
                        .withHeader("Cookie", "PVEAuthCookie=" + login.get("ticket").asText());
        assertThat(withTicket.get("/version").status()).isEqualTo(200);
        PveHttp.Resp write = withTicket.post("/nodes/pve1/qemu/1/status/start");
        assertThat(write.status()).isEqualTo(401);
        assertThat(write.reason()).isEqualTo("Permission denied - invalid csrf token");
    }

    @Test
    void missingPrivilegesAre403NamingPathAndPrivilege() {
        sim.cluster().createVm("pve1", 310, Map.of("name", "perm"));
        sim.tokens().add("auditor@pve!ro", "ro-secret", Set.of("VM.Audit", "Sys.Audit"));
        PveHttp auditor =
                api.withoutHeaders()
                        .withHeader("Authorization", "PVEAPIToken=auditor@pve!ro=ro-secret");
        assertThat(auditor.get("/nodes/pve1/qemu/310/status/current").status()).isEqualTo(200);
        PveHttp.Resp start = auditor.post("/nodes/pve1/qemu/310/status/start");
        assertThat(start.status()).isEqualTo(403);
        assertThat(start.reason()).isEqualTo("Permission check failed (/vms/310, VM.PowerMgmt)");
        assertThat(start.body().get("message").asText())
                .isEqualTo("Permission check failed (/vms/310, VM.PowerMgmt)\n");
        PveHttp.Resp config = auditor.put("/nodes/pve1/qemu/310/config", "cores", "2");
        assertThat(config.reason())
                .isEqualTo(
                        "Permission check failed (/vms/310, VM.Config.Disk|VM.Config.CDROM|"
                                + "VM.Config.CPU|VM.Config.Memory|VM.Config.Network|VM.Config.HWType|VM.Config.Options|VM.Config.Cloudinit)");

        PveHttp.Resp ticketWithToken =
                api.post("/access/ticket", "username", "root@pam", "password", "x");
        assertThat(ticketWithToken.status()).isEqualTo(403);
        assertThat(ticketWithToken.reason())
                .isEqualTo(
                        "Permission check failed (URI '/access/ticket' not available with API token, need proper ticket.");
    }

    @Test
    void businessErrorsBeforeForkingAre500WithTheTextAsReasonAndMessage() {
        sim.cluster().createVm("pve1", 320, Map.of("name", "exists"));
        PveHttp.Resp exists = api.post("/nodes/pve2/qemu", "vmid", "320");
        assertThat(exists.status()).isEqualTo(500);
        assertThat(exists.reason())
                .isEqualTo("unable to create VM 320 - VM 320 already exists on node 'pve1'");
        assertThat(exists.body().get("message").asText())
                .isEqualTo("unable to create VM 320 - VM 320 already exists on node 'pve1'\n");

        PveHttp.Resp wrongNode = api.get("/nodes/pve2/qemu/320/config");
        assertThat(wrongNode.status()).isEqualTo(500);
        assertThat(wrongNode.reason())
                .isEqualTo("Configuration file 'nodes/pve2/qemu-server/320.conf' does not exist");

        assertThat(api.post("/nodes/pve1/qemu/320/status/reboot").reason())
                .isEqualTo("VM 320 not running");
        PveHttp.Resp noNode = api.post("/nodes/pve1/qemu/320/migrate", "target", "pve9");
        assertThat(noNode.reason()).isEqualTo("no such cluster node 'pve9'");
        PveHttp.Resp unknownNode = api.get("/nodes/pve9/status");
        assertThat(unknownNode.status()).isEqualTo(500);
        assertThat(unknownNode.reason()).startsWith("hostname lookup 'pve9' failed");
        PveHttp.Resp nothing = api.put("/nodes/pve1/qemu/320/config");
        assertThat(nothing.reason()).isEqualTo("no options specified");
    }

    @Test
    void lockedVmsRefuseChangesWithVmIsLocked() {
        sim.cluster()
                .createTemplate("pve1", 330, Map.of("name", "locktmpl", "scsi0", "local-lvm:64"));
        String clone =
                api.post("/nodes/pve1/qemu/330/clone", "newid", "331", "full", "1").data().asText();
        sim.clock().advance(Duration.ofSeconds(1));
        PveHttp.Resp locked = api.put("/nodes/pve1/qemu/331/config", "name", "x");
        assertThat(locked.status()).isEqualTo(500);
        assertThat(locked.reason()).isEqualTo("VM is locked (clone)");
        assertThat(locked.body().get("message").asText()).isEqualTo("VM is locked (clone)\n");
        assertThat(api.post("/nodes/pve1/qemu/331/migrate", "target", "pve2").reason())
                .isEqualTo("VM is locked (clone)");
        // The clone task holds the new VM's config flock for its 64 s; a start gives up after 10 s.
        String start = api.post("/nodes/pve1/qemu/331/status/start").data().asText();
        assertThat(exitStatus(start))
                .isEqualTo("can't lock file '/var/lock/qemu-server/lock-331.conf' - got timeout");
        awaitOk(clone);
        String startLocked = lockAndStart(332);
        assertThat(exitStatus(startLocked)).isEqualTo("VM is locked (backup)");
        assertThat(api.get("/nodes/pve1/tasks/" + startLocked + "/log").data().toString())
                .contains("TASK ERROR: VM is locked (backup)");
    }

    @Test
    void taskErrorsReportTheErrorAsExitStatusAndLastLogLine() {
        sim.cluster().createRunningVm("pve2", 340, Map.of("name", "twice"));
        String again = api.post("/nodes/pve2/qemu/340/status/start").data().asText();
        assertThat(exitStatus(again)).isEqualTo("VM 340 already running");
        JsonNode log = api.get("/nodes/pve2/tasks/" + again + "/log").data();
        assertThat(log.get(log.size() - 1).get("t").asText())
                .isEqualTo("TASK ERROR: VM 340 already running");
        JsonNode listed =
                ClusterApiIT.find(
                        api.get("/nodes/pve2/tasks", "errors", "1").data(), "upid", again);
        assertThat(listed.get("status").asText()).isEqualTo("VM 340 already running");

        PveHttp.Resp noTask =
                api.get(
                        "/nodes/pve2/tasks/UPID:pve2:00000001:00000001:00000001:qmstart:1:root@pam:/status");
        assertThat(noTask.status()).isEqualTo(400);
        assertThat(noTask.body().get("errors").get("upid").asText()).isEqualTo("no such task");
        PveHttp.Resp garbage = api.get("/nodes/pve2/tasks/not-a-upid/status");
        assertThat(garbage.body().get("errors").get("upid").asText())
                .isEqualTo("unable to parse worker upid");
    }

    @Test
    void startFailsWhenTheNodeLacksMemory() {
        sim.cluster().createVm("pve3", 350, Map.of("name", "huge", "memory", "20480"));
        String start = api.post("/nodes/pve3/qemu/350/status/start").data().asText();
        assertThat(exitStatus(start)).isEqualTo("start failed: QEMU exited with code 1");
        assertThat(sim.cluster().task(start).orElseThrow().log())
                .contains("kvm: cannot set up guest memory 'pc.ram': Cannot allocate memory");
    }

    @Test
    void concurrentStartsOfOneVmWaitForTheConfigFlock() {
        sim.cluster().createVm("pve3", 360, Map.of("name", "flock"));
        String first = api.post("/nodes/pve3/qemu/360/status/start").data().asText();
        String second = api.post("/nodes/pve3/qemu/360/status/start").data().asText();
        awaitOk(first);
        assertThat(exitStatus(second)).isEqualTo("VM 360 already running");

        sim.cluster()
                .createVm("pve3", 361, Map.of("name", "long-migration", "scsi0", "local-lvm:64"));
        String migrate = api.post("/nodes/pve3/qemu/361/migrate", "target", "pve1").data().asText();
        String blocked = api.post("/nodes/pve3/qemu/361/status/start").data().asText();
        sim.clock().advance(Duration.ofSeconds(11));
        assertThat(sim.cluster().task(blocked).orElseThrow().exitStatus())
                .isEqualTo("can't lock file '/var/lock/qemu-server/lock-361.conf' - got timeout");
        awaitOk(migrate);
        assertThat(sim.cluster().vm(361).orElseThrow().node()).isEqualTo("pve1");
    }

    private String lockAndStart(int vmid) {
        sim.cluster().createVm("pve1", vmid, Map.of("name", "backup-locked", "lock", "backup"));
        return api.post("/nodes/pve1/qemu/" + vmid + "/status/start").data().asText();
    }
}
