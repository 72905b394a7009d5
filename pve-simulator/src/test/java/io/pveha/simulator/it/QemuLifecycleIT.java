package io.pveha.simulator.it;

import static io.pveha.simulator.it.ClusterApiIT.find;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pveha.simulator.VmView;
import io.pveha.simulator.tasks.Upid;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A VM's life over the API: create, configure, power, template, clone, migrate, destroy. */
class QemuLifecycleIT extends SimulatorIT {
    private static final String SSH_KEY =
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBvZ0eGgVZVtf0z9kJqOq5a5aXRbR3b9wQ2H0yVnLa+b"
                    + " ops@example";

    @Test
    void createsVmFromIsoWithCloudInitAndFormatsConfigLikePve() {
        String encodedKeys =
                SSH_KEY.replace(" ", "%20").replace("+", "%2B").replace("@", "%40") + "%0A";
        String upid =
                api.post(
                                "/nodes/pve1/qemu",
                                "vmid",
                                "200",
                                "name",
                                "web-200",
                                "memory",
                                "2048",
                                "cores",
                                "2",
                                "sockets",
                                "1",
                                "cpu",
                                "x86-64-v2-AES",
                                "ostype",
                                "l26",
                                "scsihw",
                                "virtio-scsi-single",
                                "scsi0",
                                "local-lvm:8,iothread=1,discard=on",
                                "ide2",
                                "local:iso/debian-12.9.0-amd64-netinst.iso,media=cdrom",
                                "ide0",
                                "local-lvm:cloudinit",
                                "net0",
                                "virtio,bridge=vmbr0,firewall=1",
                                "ciuser",
                                "debian",
                                "sshkeys",
                                encodedKeys,
                                "ipconfig0",
                                "ip=10.0.0.5/24,gw=10.0.0.1",
                                "agent",
                                "1",
                                "onboot",
                                "1",
                                "tags",
                                "web")
                        .data()
                        .asText();
        assertThat(Upid.PATTERN.matcher(upid).matches()).as(upid).isTrue();
        assertThat(upid).contains(":qmcreate:200:root@pam!sim:");

        JsonNode during = api.get("/nodes/pve1/qemu/200/config").data();
        assertThat(during.get("lock").asText()).isEqualTo("create");
        awaitOk(upid);

        JsonNode config = api.get("/nodes/pve1/qemu/200/config").data();
        assertThat(config.has("lock")).isFalse();
        assertThat(config.get("memory").isTextual()).isTrue();
        assertThat(config.get("memory").asText()).isEqualTo("2048");
        assertThat(config.get("cores").isInt()).isTrue();
        assertThat(config.get("onboot").asInt()).isEqualTo(1);
        assertThat(config.get("agent").asText()).isEqualTo("1");
        assertThat(config.get("scsi0").asText())
                .isEqualTo("local-lvm:vm-200-disk-0,discard=on,iothread=1,size=8G");
        assertThat(config.get("ide2").asText())
                .isEqualTo("local:iso/debian-12.9.0-amd64-netinst.iso,media=cdrom,size=632M");
        assertThat(config.get("ide0").asText()).isEqualTo("local-lvm:vm-200-cloudinit,media=cdrom");
        assertThat(config.get("net0").asText())
                .matches("virtio=BC:24:11(:[0-9A-F]{2}){3},bridge=vmbr0,firewall=1");
        assertThat(config.get("sshkeys").asText()).isEqualTo(encodedKeys);
        // get_default_bootdevices takes the first CD-ROM drive by bus order, and a cloud-init drive
        // is one.
        assertThat(config.get("boot").asText()).isEqualTo("order=scsi0;ide0;net0");
        assertThat(config.get("meta").asText()).matches("creation-qemu=9\\.2\\.0,ctime=\\d+");
        assertThat(config.get("smbios1").asText()).matches("uuid=[0-9a-f-]{36}");
        assertThat(config.get("vmgenid").asText()).matches("[0-9a-f-]{36}");
        assertThat(config.get("digest").asText()).matches("[0-9a-f]{40}");

        JsonNode log = api.get("/nodes/pve1/tasks/" + upid + "/log").data();
        assertThat(log.get(log.size() - 1).get("t").asText()).isEqualTo("TASK OK");
        assertThat(log.toString())
                .contains(
                        "scsi0: successfully created disk 'local-lvm:vm-200-disk-0,discard=on,iothread=1,size=8G'");

        JsonNode volumes = api.get("/nodes/pve1/storage/local-lvm/content", "vmid", "200").data();
        assertThat(volumes).hasSize(2);
    }

    @Test
    void configUpdatesHonourDigestDeleteAndPendingChangesOfRunningVm() {
        sim.cluster()
                .createVm(
                        "pve1",
                        210,
                        Map.of(
                                "name",
                                "cfg",
                                "memory",
                                "1024",
                                "cores",
                                "1",
                                "scsi0",
                                "local-lvm:2",
                                "ide2",
                                "local:iso/debian-12.9.0-amd64-netinst.iso,media=cdrom",
                                "description",
                                "first line\nsecond: line"));
        JsonNode before = api.get("/nodes/pve1/qemu/210/config").data();
        assertThat(before.get("description").asText()).isEqualTo("first line\nsecond: line");
        String digest = before.get("digest").asText();

        assertThat(
                        api.put("/nodes/pve1/qemu/210/config", "cores", "2", "digest", digest)
                                .data()
                                .isNull())
                .isTrue();
        PveHttp.Resp stale = api.put("/nodes/pve1/qemu/210/config", "cores", "4", "digest", digest);
        assertThat(stale.status()).isEqualTo(500);
        assertThat(stale.reason()).isEqualTo("checksum mismatch (file change by other user?)");
        assertThat(stale.body().get("message").asText())
                .isEqualTo("checksum mismatch (file change by other user?)\n");

        String upid =
                api.post(
                                "/nodes/pve1/qemu/210/config",
                                "delete",
                                "ide2,description",
                                "name",
                                "cfg-2")
                        .data()
                        .asText();
        assertThat(upid).contains(":qmconfig:210:");
        awaitOk(upid);
        JsonNode after = api.get("/nodes/pve1/qemu/210/config").data();
        assertThat(after.has("ide2")).isFalse();
        assertThat(after.has("description")).isFalse();
        assertThat(after.get("name").asText()).isEqualTo("cfg-2");
        assertThat(after.get("boot").asText()).isEqualTo("order=scsi0");
        assertThat(sim.cluster().task(upid).orElseThrow().log().get(0))
                .isEqualTo("update VM 210: -delete ide2,description -name cfg-2");

        awaitOk(api.post("/nodes/pve1/qemu/210/status/start").data().asText());
        api.put("/nodes/pve1/qemu/210/config", "memory", "2048", "name", "cfg-3");
        JsonNode merged = api.get("/nodes/pve1/qemu/210/config").data();
        JsonNode current = api.get("/nodes/pve1/qemu/210/config", "current", "1").data();
        assertThat(merged.get("memory").asText()).isEqualTo("2048");
        assertThat(current.get("memory").asText()).isEqualTo("1024");
        assertThat(current.get("name").asText()).isEqualTo("cfg-3");
        JsonNode pending = api.get("/nodes/pve1/qemu/210/pending").data();
        JsonNode memoryRow = find(pending, "key", "memory");
        assertThat(memoryRow.get("value").asText()).isEqualTo("1024");
        assertThat(memoryRow.get("pending").asText()).isEqualTo("2048");

        awaitOk(api.post("/nodes/pve1/qemu/210/status/stop").data().asText());
        assertThat(sim.cluster().vm(210).orElseThrow().config().get("memory")).isEqualTo("2048");
    }

    @Test
    void powerActionsRunAsTasksAndStatusFollows() {
        sim.cluster()
                .createVm(
                        "pve2",
                        220,
                        Map.of(
                                "name",
                                "power",
                                "memory",
                                "1024",
                                "scsi0",
                                "ceph-vm:4",
                                "net0",
                                "virtio,bridge=vmbr0",
                                "agent",
                                "1",
                                "balloon",
                                "512"));
        String start = api.post("/nodes/pve2/qemu/220/status/start").data().asText();
        JsonNode running = api.get("/nodes/pve2/tasks/" + start + "/status").data();
        assertThat(running.get("status").asText()).isEqualTo("running");
        assertThat(running.has("exitstatus")).isFalse();
        assertThat(running.get("tokenid").asText()).isEqualTo("sim");
        assertThat(running.get("user").asText()).isEqualTo("root@pam");
        awaitOk(start);

        JsonNode status = api.get("/nodes/pve2/qemu/220/status/current").data();
        assertThat(status.get("status").asText()).isEqualTo("running");
        assertThat(status.get("qmpstatus").asText()).isEqualTo("running");
        assertThat(status.get("agent").asInt()).isEqualTo(1);
        assertThat(status.get("ha").get("managed").asInt()).isZero();
        assertThat(status.get("pid").asLong()).isPositive();
        assertThat(status.get("maxmem").asLong()).isEqualTo(1L << 30);
        assertThat(status.get("nics").has("tap220i0")).isTrue();
        sim.clock().advance(Duration.ofSeconds(60));
        assertThat(api.get("/nodes/pve2/qemu/220/status/current").data().get("uptime").asLong())
                .isGreaterThanOrEqualTo(60);

        JsonNode agent = api.get("/nodes/pve2/qemu/220/agent/network-get-interfaces").data();
        assertThat(agent.get("result").get(1).get("ip-addresses").get(0).get("ip-address").asText())
                .isEqualTo("10.10.0.222");

        awaitOk(api.post("/nodes/pve2/qemu/220/status/reboot").data().asText());
        String shutdown = api.post("/nodes/pve2/qemu/220/status/shutdown").data().asText();
        assertThat(shutdown).contains(":qmshutdown:220:");
        awaitOk(shutdown);
        assertThat(api.get("/nodes/pve2/qemu/220/status/current").data().get("status").asText())
                .isEqualTo("stopped");
        awaitOk(api.post("/nodes/pve2/qemu/220/status/stop").data().asText());

        JsonNode list = api.get("/nodes/pve2/qemu").data();
        assertThat(find(list, "name", "power").get("status").asText()).isEqualTo("stopped");
    }

    @Test
    void shutdownThatTakesLongerThanTheTimeoutFailsUnlessForced() {
        sim.cluster().createRunningVm("pve1", 225, Map.of("name", "slow"));
        String failing =
                api.post("/nodes/pve1/qemu/225/status/shutdown", "timeout", "3").data().asText();
        assertThat(exitStatus(failing)).isEqualTo("VM quit/powerdown failed - got timeout");
        assertThat(sim.cluster().vm(225).orElseThrow().running()).isTrue();
        String forced =
                api.post("/nodes/pve1/qemu/225/status/shutdown", "timeout", "3", "forceStop", "1")
                        .data()
                        .asText();
        awaitOk(forced);
        assertThat(sim.cluster().task(forced).orElseThrow().log())
                .contains("VM still running - terminating now with SIGTERM");
        assertThat(sim.cluster().vm(225).orElseThrow().running()).isFalse();
    }

    @Test
    void templateThenLinkedAndFullClonesFollowPveRules() {
        sim.cluster()
                .createVm(
                        "pve1",
                        230,
                        Map.of(
                                "name",
                                "tmpl-debian",
                                "memory",
                                "1024",
                                "scsi0",
                                "local-lvm:32",
                                "ide0",
                                "local-lvm:cloudinit",
                                "net0",
                                "virtio,bridge=vmbr0"));
        String template = api.post("/nodes/pve1/qemu/230/template").data().asText();
        awaitOk(template);
        JsonNode tmpl = api.get("/nodes/pve1/qemu/230/config").data();
        assertThat(tmpl.get("template").asInt()).isEqualTo(1);
        assertThat(tmpl.get("scsi0").asText()).startsWith("local-lvm:base-230-disk-0,");
        assertThat(find(api.get("/nodes/pve1/qemu").data(), "vmid", "230").get("template").asInt())
                .isEqualTo(1);
        assertThat(exitStatus(api.post("/nodes/pve1/qemu/230/status/start").data().asText()))
                .isEqualTo("you can't start a vm if it's a template");

        String linked =
                api.post("/nodes/pve1/qemu/230/clone", "newid", "231", "name", "web-231")
                        .data()
                        .asText();
        assertThat(linked).contains(":qmclone:230:");
        sim.clock().advance(Duration.ofMillis(1));
        assertThat(api.get("/nodes/pve1/qemu/231/config").data().get("lock").asText())
                .isEqualTo("clone");
        awaitOk(linked);
        JsonNode clone = api.get("/nodes/pve1/qemu/231/config").data();
        assertThat(clone.get("scsi0").asText()).isEqualTo("local-lvm:vm-231-disk-0,size=32G");
        assertThat(clone.get("ide0").asText())
                .isEqualTo("local-lvm:vm-231-cloudinit,media=cdrom,size=4M");
        assertThat(clone.get("name").asText()).isEqualTo("web-231");
        assertThat(clone.has("template")).isFalse();
        assertThat(clone.get("net0").asText()).isNotEqualTo(tmpl.get("net0").asText());
        assertThat(clone.get("smbios1").asText()).isNotEqualTo(tmpl.get("smbios1").asText());

        PveHttp.Resp storageOnLinked =
                api.post("/nodes/pve1/qemu/230/clone", "newid", "232", "storage", "ceph-vm");
        assertThat(storageOnLinked.reason())
                .isEqualTo("parameter 'storage' not allowed for linked clones");
        PveHttp.Resp otherNode =
                api.post("/nodes/pve1/qemu/230/clone", "newid", "232", "target", "pve2");
        assertThat(otherNode.status()).isEqualTo(500);
        assertThat(otherNode.reason())
                .isEqualTo("can't clone VM to node 'pve2' (VM uses local storage)");
        PveHttp.Resp exists = api.post("/nodes/pve1/qemu/230/clone", "newid", "231");
        assertThat(exists.reason())
                .isEqualTo("unable to create VM 231: config file already exists");

        String full =
                api.post(
                                "/nodes/pve1/qemu/230/clone",
                                "newid",
                                "233",
                                "full",
                                "1",
                                "storage",
                                "ceph-vm")
                        .data()
                        .asText();
        sim.clock().advance(Duration.ofSeconds(10));
        assertThat(sim.cluster().task(full).orElseThrow().running())
                .as("32 GiB take longer than 10 s")
                .isTrue();
        awaitOk(full);
        assertThat(api.get("/nodes/pve1/qemu/233/config").data().get("scsi0").asText())
                .isEqualTo("ceph-vm:vm-233-disk-0,size=32G");
        assertThat(sim.cluster().task(full).orElseThrow().log())
                .contains("create full clone of drive scsi0 (local-lvm:base-230-disk-0)");

        PveHttp.Resp linkedFromVm =
                api.post("/nodes/pve1/qemu/231/clone", "newid", "234", "full", "0");
        assertThat(linkedFromVm.reason())
                .isEqualTo(
                        "Linked clone feature is not supported for 'local-lvm:vm-231-disk-0' (scsi0)");

        String destroyTemplate = api.delete("/nodes/pve1/qemu/230").data().asText();
        assertThat(exitStatus(destroyTemplate))
                .isEqualTo(
                        "base volume 'local-lvm:base-230-disk-0' is still in use by linked cloned");
    }

    @Test
    void sharedStorageTemplatesCloneLinkedToAnotherNode() {
        sim.cluster()
                .createTemplate("pve1", 240, Map.of("name", "tmpl-ceph", "scsi0", "ceph-vm:16"));
        String upid =
                api.post("/nodes/pve1/qemu/240/clone", "newid", "241", "target", "pve3")
                        .data()
                        .asText();
        awaitOk(upid);
        VmView clone = sim.cluster().vm(241).orElseThrow();
        assertThat(clone.node()).isEqualTo("pve3");
        assertThat(clone.config().get("scsi0"))
                .isEqualTo("ceph-vm:base-240-disk-0/vm-241-disk-0,size=16G");
        assertThat(clone.name()).isEqualTo("Copy-of-VM-tmpl-ceph");
    }

    @Test
    void migrationMovesConfigOfflineAndOnlineWithPveChecks() {
        sim.cluster()
                .createRunningVm(
                        "pve1", 250, Map.of("name", "mig", "memory", "2048", "scsi0", "ceph-vm:8"));
        PveHttp.Resp withoutOnline = api.post("/nodes/pve1/qemu/250/migrate", "target", "pve2");
        assertThat(withoutOnline.status()).isEqualTo(500);
        assertThat(withoutOnline.reason()).isEqualTo("can't migrate running VM without --online");
        PveHttp.Resp local =
                api.post("/nodes/pve1/qemu/250/migrate", "target", "pve1", "online", "1");
        assertThat(local.status()).isEqualTo(400);
        assertThat(local.body().get("errors").get("target").asText())
                .isEqualTo("target is local node.");

        String online =
                api.post("/nodes/pve1/qemu/250/migrate", "target", "pve2", "online", "1")
                        .data()
                        .asText();
        assertThat(online).contains(":qmigrate:250:");
        sim.clock().advance(Duration.ofMillis(1));
        assertThat(api.get("/nodes/pve1/qemu/250/status/current").data().get("lock").asText())
                .isEqualTo("migrate");
        awaitOk(online);
        VmView moved = sim.cluster().vm(250).orElseThrow();
        assertThat(moved.node()).isEqualTo("pve2");
        assertThat(moved.running()).isTrue();
        assertThat(moved.lock()).isEmpty();
        assertThat(api.get("/nodes/pve1/qemu/250/config").reason())
                .isEqualTo("Configuration file 'nodes/pve1/qemu-server/250.conf' does not exist");
        assertThat(sim.cluster().task(online).orElseThrow().log().get(0))
                .matches(
                        "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d starting migration of VM 250 to node 'pve2' .*");

        sim.cluster().createVm("pve1", 251, Map.of("name", "offline", "scsi0", "local-lvm:4"));
        awaitOk(api.post("/nodes/pve1/qemu/251/migrate", "target", "pve3").data().asText());
        assertThat(sim.cluster().vm(251).orElseThrow().node()).isEqualTo("pve3");
        assertThat(api.get("/nodes/pve3/storage/local-lvm/content", "vmid", "251").data())
                .hasSize(1);
        assertThat(api.get("/nodes/pve1/storage/local-lvm/content", "vmid", "251").data())
                .isEmpty();

        sim.cluster()
                .createRunningVm("pve1", 252, Map.of("name", "local-disk", "scsi0", "local-lvm:4"));
        String noLocalDisks =
                api.post("/nodes/pve1/qemu/252/migrate", "target", "pve2", "online", "1")
                        .data()
                        .asText();
        assertThat(exitStatus(noLocalDisks)).isEqualTo("migration aborted");
        assertThat(String.join("\n", sim.cluster().task(noLocalDisks).orElseThrow().log()))
                .contains(
                        "can't migrate local disk 'local-lvm:vm-252-disk-0': can't live migrate attached local disks without"
                                + " with-local-disks option");
        awaitOk(
                api.post(
                                "/nodes/pve1/qemu/252/migrate",
                                "target",
                                "pve2",
                                "online",
                                "1",
                                "with-local-disks",
                                "1")
                        .data()
                        .asText());

        sim.cluster()
                .createVm(
                        "pve1",
                        253,
                        Map.of(
                                "name",
                                "iso",
                                "scsi0",
                                "ceph-vm:4",
                                "ide2",
                                "local:iso/debian-12.9.0-amd64-netinst.iso,media=cdrom"));
        String iso = api.post("/nodes/pve1/qemu/253/migrate", "target", "pve2").data().asText();
        assertThat(exitStatus(iso)).isEqualTo("migration aborted");
        assertThat(String.join("\n", sim.cluster().task(iso).orElseThrow().log()))
                .contains(
                        "can't migrate local disk 'local:iso/debian-12.9.0-amd64-netinst.iso': local cdrom image");
    }

    @Test
    void destroyRefusesProtectedAndRunningVmsAndFreesDisks() {
        sim.cluster()
                .createVm(
                        "pve1",
                        260,
                        Map.of("name", "protected", "scsi0", "local-lvm:2", "protection", "1"));
        PveHttp.Resp protectedVm = api.delete("/nodes/pve1/qemu/260");
        assertThat(protectedVm.status()).isEqualTo(500);
        assertThat(protectedVm.reason()).isEqualTo("can't remove VM 260 - protection mode enabled");

        sim.cluster().createRunningVm("pve1", 261, Map.of("name", "running"));
        assertThat(api.delete("/nodes/pve1/qemu/261").reason())
                .isEqualTo("VM 261 is running - destroy failed");

        sim.cluster().createVm("pve1", 262, Map.of("name", "doomed", "scsi0", "local-lvm:2"));
        String destroy =
                api.delete("/nodes/pve1/qemu/262", "purge", "1", "destroy-unreferenced-disks", "1")
                        .data()
                        .asText();
        assertThat(destroy).contains(":qmdestroy:262:");
        awaitOk(destroy);
        assertThat(sim.cluster().vm(262)).isEmpty();
        assertThat(api.get("/nodes/pve1/storage/local-lvm/content", "vmid", "262").data())
                .isEmpty();
        assertThat(sim.cluster().task(destroy).orElseThrow().log())
                .contains(
                        "  Logical volume \"vm-262-disk-0\" successfully removed.",
                        "purging VM 262 from related configurations..");
    }

    @Test
    void taskListsSeparateArchivedFromActiveAndReportTotals() {
        sim.cluster().createVm("pve3", 270, Map.of("name", "tasks"));
        String done = api.post("/nodes/pve3/qemu/270/status/start").data().asText();
        awaitOk(done);
        String active = api.post("/nodes/pve3/qemu/270/status/stop").data().asText();

        PveHttp.Resp archive = api.get("/nodes/pve3/tasks", "vmid", "270");
        assertThat(ClusterApiIT.names(archive.data(), "upid"))
                .contains(done)
                .doesNotContain(active);
        assertThat(archive.body().get("total").asInt()).isEqualTo(archive.data().size());
        assertThat(find(archive.data(), "upid", done).get("status").asText()).isEqualTo("OK");
        assertThat(find(archive.data(), "upid", done).get("endtime").asLong()).isPositive();

        JsonNode running = api.get("/nodes/pve3/tasks", "source", "active").data();
        assertThat(find(running, "upid", active).get("status").asText()).isEqualTo("RUNNING");
        assertThat(ClusterApiIT.names(api.get("/cluster/tasks").data(), "upid"))
                .contains(done, active);

        PveHttp.Resp firstLine =
                api.get("/nodes/pve3/tasks/" + done + "/log", "start", "0", "limit", "1");
        assertThat(firstLine.data()).hasSize(1);
        assertThat(firstLine.data().get(0).get("n").asInt()).isEqualTo(1);
        assertThat(firstLine.body().get("total").asInt()).isGreaterThanOrEqualTo(1);
        awaitOk(active);
    }

    @Test
    void createWithStartBootsTheNewVm() {
        String upid =
                api.post(
                                "/nodes/pve3/qemu",
                                "vmid",
                                "280",
                                "name",
                                "autostart",
                                "memory",
                                "512",
                                "start",
                                "1")
                        .data()
                        .asText();
        awaitOk(upid);
        assertThat(sim.cluster().vm(280).orElseThrow().running()).isTrue();
        assertThat(sim.cluster().task(upid).orElseThrow().log()).contains("Execute autostart");
    }

    @Test
    void stoppingATaskInterruptsItAndCleansUp() {
        sim.cluster().createTemplate("pve3", 281, Map.of("name", "big", "scsi0", "local-lvm:100"));
        String clone =
                api.post("/nodes/pve3/qemu/281/clone", "newid", "282", "full", "1").data().asText();
        sim.clock().advance(Duration.ofSeconds(5));
        assertThat(api.delete("/nodes/pve3/tasks/" + clone).data().isNull()).isTrue();
        assertThat(exitStatus(clone)).isEqualTo("received interrupt");
        assertThat(sim.cluster().vm(282)).isEmpty();
    }

    @Test
    void stopOverrulesARunningShutdown() {
        sim.cluster().createRunningVm("pve3", 283, Map.of("name", "overrule"));
        String shutdown = api.post("/nodes/pve3/qemu/283/status/shutdown").data().asText();
        sim.clock().advance(Duration.ofSeconds(1));
        String stop =
                api.post("/nodes/pve3/qemu/283/status/stop", "overrule-shutdown", "1")
                        .data()
                        .asText();
        awaitOk(stop);
        assertThat(sim.cluster().task(shutdown).orElseThrow().exitStatus())
                .isEqualTo("received interrupt");
        assertThat(sim.cluster().task(stop).orElseThrow().log().get(0))
                .isEqualTo("overruled qmshutdown tasks: " + shutdown);
        assertThat(sim.cluster().vm(283).orElseThrow().running()).isFalse();
    }

    @Test
    void migratePreconditionListsLocalDisksAndAllowedNodes() {
        sim.cluster()
                .createRunningVm(
                        "pve3",
                        284,
                        Map.of("name", "pre", "scsi0", "local-lvm:2", "scsi1", "ceph-vm:2"));
        JsonNode pre = api.get("/nodes/pve3/qemu/284/migrate").data();
        assertThat(pre.get("running").asInt()).isEqualTo(1);
        assertThat(ClusterApiIT.names(pre.get("local_disks"), "volid"))
                .containsExactly("local-lvm:vm-284-disk-0");
        assertThat(pre.get("allowed_nodes").toString())
                .contains("pve1", "pve2")
                .doesNotContain("pve3");
    }
}
