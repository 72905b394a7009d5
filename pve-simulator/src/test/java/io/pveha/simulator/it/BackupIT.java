package io.pveha.simulator.it;

import static io.pveha.simulator.it.FixtureShapeIT.assertShape;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pveha.simulator.VmView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Storages, backup jobs, vzdump, retention, restore and the backup faults over HTTPS. */
class BackupIT extends SimulatorIT {

    @BeforeAll
    static void defineNfsStorage() {
        PveHttp.Resp created =
                api.post(
                        "/storage",
                        "storage",
                        "nfs",
                        "type",
                        "nfs",
                        "server",
                        "10.0.0.5",
                        "export",
                        "/srv/pve",
                        "content",
                        "backup,iso",
                        "prune-backups",
                        "keep-last=3");
        assertThat(created.status()).as(created.toString()).isEqualTo(200);
        assertThat(created.data().get("storage").asText()).isEqualTo("nfs");
    }

    @Test
    void nfsStorageIsDefinedAndReportedPerNode() {
        JsonNode def = api.get("/storage/nfs").data();
        assertThat(def.get("type").asText()).isEqualTo("nfs");
        assertThat(def.get("server").asText()).isEqualTo("10.0.0.5");
        assertThat(def.get("export").asText()).isEqualTo("/srv/pve");
        assertThat(def.get("prune-backups").asText()).isEqualTo("keep-last=3");
        assertThat(def.get("shared").asInt()).isEqualTo(1);
        JsonNode status = api.get("/nodes/pve2/storage/nfs/status").data();
        assertThat(status.get("active").asInt()).isEqualTo(1);
        assertThat(status.get("total").asLong()).isPositive();

        PveHttp.Resp duplicate =
                api.post(
                        "/storage",
                        "storage",
                        "nfs",
                        "type",
                        "nfs",
                        "server",
                        "10.0.0.5",
                        "export",
                        "/srv/pve");
        assertThat(duplicate.status()).isEqualTo(500);
        assertThat(duplicate.reason())
                .isEqualTo("create storage failed: storage ID 'nfs' already defined");
        PveHttp.Resp noServer =
                api.post("/storage", "storage", "nfs2", "type", "nfs", "export", "/srv/pve");
        assertThat(noServer.status()).isEqualTo(400);
        assertThat(noServer.body().get("errors").get("server").asText())
                .contains("property is missing");
        PveHttp.Resp badRetention =
                api.post(
                        "/storage",
                        "storage",
                        "nfs3",
                        "type",
                        "nfs",
                        "server",
                        "h",
                        "export",
                        "/x",
                        "prune-backups",
                        "keep-all=1,keep-last=1");
        assertThat(badRetention.status()).isEqualTo(400);
        assertThat(badRetention.body().get("errors").get("prune-backups").asText())
                .isEqualTo("keep-all cannot be set together with other options.");
    }

    @Test
    void jobsHaveThePveShapeAndNextRunOnTheSimulatedClock() {
        PveHttp.Resp created =
                api.post(
                        "/cluster/backup",
                        "id",
                        "backup-83831498-c631",
                        "storage",
                        "local",
                        "vmid",
                        "100",
                        "schedule",
                        "06,18:30",
                        "mode",
                        "snapshot",
                        "mailnotification",
                        "always",
                        "notes-template",
                        "{{guestname}}");
        assertThat(created.status()).as(created.toString()).isEqualTo(200);
        JsonNode list = api.get("/cluster/backup").data();
        JsonNode job = find(list, "backup-83831498-c631");
        JsonNode fixture = FixtureShapeIT.fixture("cluster_backup.json").get("data").get(0);
        assertShape("cluster_backup.json", mapOf("data", List.of(job)), JsonShape.rules());
        assertThat(job.fieldNames())
                .toIterable()
                .containsExactlyInAnyOrderElementsOf(names(fixture));
        long now = sim.clock().nowEpochSeconds();
        long next = job.get("next-run").asLong();
        assertThat(next).isGreaterThan(now).isLessThanOrEqualTo(now + 12 * 3600);
        assertThat(
                        java.time.Instant.ofEpochSecond(next)
                                .atZone(java.time.ZoneOffset.UTC)
                                .getMinute())
                .isEqualTo(30);

        PveHttp.Resp generated =
                api.post("/cluster/backup", "all", "1", "schedule", "sat 02:00", "storage", "nfs");
        assertThat(generated.status()).isEqualTo(200);
        assertThat(api.get("/cluster/backup").data())
                .anySatisfy(
                        j ->
                                assertThat(j.get("id").asText())
                                        .matches("backup-[0-9a-f]{8}-[0-9a-f]{4}"));

        PveHttp.Resp badSchedule = api.post("/cluster/backup", "vmid", "100", "schedule", "funday");
        assertThat(badSchedule.status()).isEqualTo(400);
        assertThat(badSchedule.body().get("errors").get("schedule").asText())
                .isEqualTo("invalid calendar event 'funday' - unable to parse calendar event");
        PveHttp.Resp noSelection = api.post("/cluster/backup", "schedule", "02:00");
        assertThat(noSelection.status()).isEqualTo(400);
        assertThat(noSelection.body().get("errors").get("vmid").asText())
                .isEqualTo("property is missing");
        PveHttp.Resp conflict =
                api.post("/cluster/backup", "schedule", "02:00", "vmid", "100", "all", "1");
        assertThat(conflict.body().get("errors").get("all").asText())
                .isEqualTo("option conflicts with option 'vmid'");
        PveHttp.Resp duplicate =
                api.post(
                        "/cluster/backup",
                        "id",
                        "backup-83831498-c631",
                        "vmid",
                        "1",
                        "schedule",
                        "1:00");
        assertThat(duplicate.status()).isEqualTo(400);
        assertThat(duplicate.body().get("errors").get("vmid").asText())
                .isEqualTo("value does not look like a valid VM ID");
        PveHttp.Resp again =
                api.post(
                        "/cluster/backup",
                        "id",
                        "backup-83831498-c631",
                        "vmid",
                        "100",
                        "schedule",
                        "1:00");
        assertThat(again.status()).isEqualTo(500);
        assertThat(again.reason()).isEqualTo("Job 'backup-83831498-c631' already exists");
        PveHttp.Resp unknown = api.get("/cluster/backup/backup-00000000-0000");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.body().get("errors").get("id").asText())
                .isEqualTo("No such job 'backup-00000000-0000'");
        PveHttp.Resp staleDigest =
                api.put("/cluster/backup/backup-83831498-c631", "comment", "x", "digest", "0000");
        assertThat(staleDigest.status()).isEqualTo(500);
        assertThat(staleDigest.reason()).startsWith("detected modified configuration");

        assertThat(api.put("/cluster/backup/backup-83831498-c631", "enabled", "0").status())
                .isEqualTo(200);
        assertThat(find(api.get("/cluster/backup").data(), "backup-83831498-c631").has("next-run"))
                .as("a disabled job has no next run")
                .isFalse();
        assertThat(api.delete("/cluster/backup/backup-83831498-c631").status()).isEqualTo(200);
        assertThat(api.get("/cluster/backup/backup-83831498-c631").status()).isEqualTo(400);
    }

    @Test
    void scheduledJobFiresOnTheSimulatedClockAndContentHasThePveShape() {
        sim.cluster()
                .createRunningVm(
                        "pve1",
                        500,
                        Map.of(
                                "name",
                                "sched",
                                "scsi0",
                                "local-lvm:4",
                                "net0",
                                "virtio,bridge=vmbr0"));
        assertThat(
                        api.post(
                                        "/cluster/backup",
                                        "id",
                                        "every-five",
                                        "vmid",
                                        "500",
                                        "schedule",
                                        "*/5",
                                        "storage",
                                        "nfs",
                                        "compress",
                                        "zstd",
                                        "notes-template",
                                        "{{guestname}} on {{node}}")
                                .status())
                .isEqualTo(200);
        long next = find(api.get("/cluster/backup").data(), "every-five").get("next-run").asLong();
        assertThat(backups(500)).isEmpty();
        sim.clock().advance(Duration.ofSeconds(next - sim.clock().nowEpochSeconds() + 30));
        JsonNode content =
                api.get("/nodes/pve1/storage/nfs/content", "content", "backup", "vmid", "500")
                        .data();
        assertThat(content).hasSize(1);
        JsonNode backup = content.get(0);
        assertThat(backup.get("volid").asText())
                .matches(
                        "nfs:backup/vzdump-qemu-500-\\d{4}_\\d\\d_\\d\\d-\\d\\d_\\d\\d_\\d\\d\\.vma\\.zst");
        assertThat(backup.get("ctime").asLong()).isEqualTo(next);
        assertThat(backup.get("notes").asText()).isEqualTo("sched on pve1");
        assertShape(
                "derived/storage_content_backup_nfs.json",
                mapOf("data", List.of(backup)),
                JsonShape.rules().optional("data[].protected"));
        TaskViewCheck.vzdumpTaskOf(500)
                .forEach(task -> assertThat(task.user()).isEqualTo("root@pam"));
        assertThat(api.delete("/cluster/backup/every-five").status()).isEqualTo(200);
    }

    @Test
    void vzdumpTakesTheBackupLockWritesAVzdumpLogAndPrunesWithTheStorageRetention() {
        sim.cluster().createRunningVm("pve2", 510, Map.of("name", "web", "scsi0", "local-lvm:8"));
        String upid =
                api.post(
                                "/nodes/pve2/vzdump",
                                "vmid",
                                "510",
                                "storage",
                                "nfs",
                                "mode",
                                "snapshot",
                                "compress",
                                "zstd")
                        .data()
                        .asText();
        assertThat(upid).contains(":vzdump:510:");
        sim.clock().advance(Duration.ofSeconds(1));
        assertThat(sim.cluster().vm(510).orElseThrow().lock()).contains("backup");
        PveHttp.Resp locked = api.put("/nodes/pve2/qemu/510/config", "memory", "1024");
        assertThat(locked.status()).isEqualTo(500);
        assertThat(locked.reason()).isEqualTo("VM is locked (backup)");
        awaitOk(upid);
        assertThat(sim.cluster().vm(510).orElseThrow().lock()).isEmpty();
        List<String> log = sim.cluster().task(upid).orElseThrow().log();
        assertThat(log.get(0)).startsWith("INFO: starting new backup job: vzdump 510");
        assertThat(log)
                .contains(
                        "INFO: Starting Backup of VM 510 (qemu)",
                        "INFO: Backup job finished successfully",
                        "TASK OK");
        assertThat(log)
                .anySatisfy(
                        l ->
                                assertThat(l)
                                        .matches(
                                                "INFO: creating vzdump archive '/mnt/pve/nfs/dump/vzdump-qemu-510-.*\\.vma\\.zst'"));
        assertThat(log)
                .anySatisfy(
                        l ->
                                assertThat(l)
                                        .matches(
                                                "INFO: Finished Backup of VM 510 \\(00:00:\\d\\d\\)"));

        PveHttp.Resp notLocal = api.post("/nodes/pve1/vzdump", "vmid", "510", "storage", "nfs");
        assertThat(notLocal.data().asText()).as("no local guest: no task").isEqualTo("OK");

        for (int i = 0; i < 3; i++) {
            sim.clock().advance(Duration.ofMinutes(10));
            awaitOk(
                    api.post("/nodes/pve2/vzdump", "vmid", "510", "storage", "nfs")
                            .data()
                            .asText());
        }
        List<JsonNode> kept = backups(510);
        assertThat(kept).as("storage keeps the last 3").hasSize(3);
        String oldest = kept.get(0).get("volid").asText();
        assertThat(
                        api.put(
                                        "/nodes/pve2/storage/nfs/content/" + encoded(oldest),
                                        "protected",
                                        "1",
                                        "notes",
                                        "keep me")
                                .status())
                .isEqualTo(200);
        sim.clock().advance(Duration.ofMinutes(10));
        String pruning =
                api.post(
                                "/nodes/pve2/vzdump",
                                "vmid",
                                "510",
                                "storage",
                                "nfs",
                                "prune-backups",
                                "keep-last=1")
                        .data()
                        .asText();
        awaitOk(pruning);
        List<String> volids = backups(510).stream().map(b -> b.get("volid").asText()).toList();
        assertThat(volids)
                .as("the job's prune-backups overrides the storage's; protected stays")
                .hasSize(2)
                .contains(oldest);
        assertThat(sim.cluster().task(pruning).orElseThrow().log())
                .contains("INFO: prune older backups with retention: keep-last=1");
        JsonNode protectedEntry = backups(510).get(0);
        assertThat(protectedEntry.get("protected").asInt()).isEqualTo(1);
        assertThat(protectedEntry.get("notes").asText()).isEqualTo("keep me");

        PveHttp.Resp refused = api.delete("/nodes/pve2/storage/nfs/content/" + encoded(oldest));
        assertThat(refused.status()).isEqualTo(500);
        assertThat(refused.reason())
                .startsWith("cannot remove protected archive '/mnt/pve/nfs/dump/vzdump-qemu-510-");
        api.put("/nodes/pve2/storage/nfs/content/" + encoded(oldest), "protected", "0");
        awaitOk(api.delete("/nodes/pve2/storage/nfs/content/" + encoded(oldest)).data().asText());
        assertThat(backups(510)).hasSize(1);
    }

    @Test
    void restoreRecreatesTheVmFromTheBackedUpConfig() {
        VmView original =
                sim.cluster()
                        .createVm(
                                "pve3",
                                520,
                                Map.of(
                                        "name",
                                        "db",
                                        "memory",
                                        "3072",
                                        "cores",
                                        "2",
                                        "scsi0",
                                        "local-lvm:6",
                                        "net0",
                                        "virtio,bridge=vmbr0,tag=20"));
        awaitOk(api.post("/nodes/pve3/vzdump", "vmid", "520", "storage", "nfs").data().asText());
        String volid = backups(520).get(0).get("volid").asText();

        PveHttp.Resp exists = api.post("/nodes/pve3/qemu", "vmid", "520", "archive", volid);
        assertThat(exists.status()).isEqualTo(500);
        assertThat(exists.reason())
                .isEqualTo("unable to restore VM 520 - VM 520 already exists on node 'pve3'");

        awaitOk(
                api.post("/nodes/pve3/qemu", "vmid", "520", "archive", volid, "force", "1")
                        .data()
                        .asText());
        VmView forced = sim.cluster().vm(520).orElseThrow();
        assertThat(withoutGenerated(forced.config()))
                .isEqualTo(withoutGenerated(original.config()));
        assertThat(forced.config().get("net0")).isEqualTo(original.config().get("net0"));

        String restore =
                api.post(
                                "/nodes/pve1/qemu",
                                "vmid",
                                "521",
                                "archive",
                                volid,
                                "unique",
                                "1",
                                "name",
                                "db-copy")
                        .data()
                        .asText();
        assertThat(restore).contains(":qmrestore:521:");
        awaitOk(restore);
        VmView copy = sim.cluster().vm(521).orElseThrow();
        assertThat(copy.config().get("memory")).isEqualTo("3072");
        assertThat(copy.config().get("name"))
                .as("request options override the backed-up config")
                .isEqualTo("db-copy");
        assertThat(copy.config().get("scsi0")).isEqualTo("local-lvm:vm-521-disk-0,size=6G");
        assertThat(copy.config().get("net0"))
                .as("unique: new MAC")
                .isNotEqualTo(original.config().get("net0"))
                .contains("bridge=vmbr0")
                .contains("tag=20");
        assertThat(copy.lock()).isEmpty();
    }

    @Test
    void fullStorageFailsTheBackupWithNoSpaceLeft() {
        sim.cluster().createVm("pve1", 530, Map.of("name", "full", "scsi0", "local-lvm:2"));
        sim.faults().fillStorage("nfs");
        String upid =
                api.post("/nodes/pve1/vzdump", "vmid", "530", "storage", "nfs").data().asText();
        assertThat(exitStatus(upid)).isEqualTo("job errors");
        assertThat(sim.cluster().task(upid).orElseThrow().log())
                .contains(
                        "ERROR: Backup of VM 530 failed - vma_queue_write: write error - No space left on device",
                        "TASK ERROR: job errors");
        assertThat(sim.cluster().vm(530).orElseThrow().lock()).isEmpty();
        assertThat(backups(530)).isEmpty();
    }

    @Test
    void unreachableStorageIsInactiveAndBackupsFail() {
        sim.cluster().createVm("pve1", 540, Map.of("name", "offline", "scsi0", "local-lvm:2"));
        sim.faults().storageOffline("nfs");
        JsonNode entry = find(api.get("/nodes/pve1/storage").data(), "storage", "nfs");
        assertThat(entry.get("active").asInt()).isZero();
        assertThat(entry.get("total").asLong()).isZero();
        PveHttp.Resp status = api.get("/nodes/pve1/storage/nfs/status");
        assertThat(status.status()).isEqualTo(500);
        assertThat(status.reason()).isEqualTo("storage 'nfs' is not online");
        assertThat(api.get("/nodes/pve1/storage/nfs/content").reason())
                .isEqualTo("storage 'nfs' is not online");
        String upid =
                api.post("/nodes/pve1/vzdump", "vmid", "540", "storage", "nfs").data().asText();
        assertThat(exitStatus(upid))
                .isEqualTo("could not activate storage 'nfs': storage 'nfs' is not online");
        sim.faults().storageOnline("nfs");
        assertThat(api.get("/nodes/pve1/storage/nfs/status").status()).isEqualTo(200);
    }

    @Test
    void corruptedBackupFailsTheRestoreAndLeavesNoVm() throws Exception {
        sim.cluster().createVm("pve1", 550, Map.of("name", "corrupt", "scsi0", "local-lvm:2"));
        awaitOk(
                api.post("/nodes/pve1/vzdump", "vmid", "550", "storage", "nfs", "compress", "zstd")
                        .data()
                        .asText());
        String volid = backups(550).get(0).get("volid").asText();
        ControlClient control = new ControlClient(sim.plainHttpUrl().orElseThrow());
        control.call(
                "POST",
                "/simulator/backups/corrupt",
                "volid="
                        + java.net.URLEncoder.encode(
                                volid, java.nio.charset.StandardCharsets.UTF_8));
        String upid = api.post("/nodes/pve1/qemu", "vmid", "551", "archive", volid).data().asText();
        assertThat(exitStatus(upid))
                .startsWith("command 'set -o pipefail && zstd -q -d -c /mnt/pve/nfs/dump/")
                .endsWith("failed: exit code 133");
        assertThat(sim.cluster().task(upid).orElseThrow().log())
                .contains("vma: restore failed - wrong vma extent header chechsum");
        assertThat(sim.cluster().vm(551)).isEmpty();
    }

    /** Clients send a volume id as one path segment: {@code :} and {@code /} percent-encoded. */
    private static String encoded(String volid) {
        return volid.replace(":", "%3A").replace("/", "%2F");
    }

    private static List<JsonNode> backups(int vmid) {
        List<JsonNode> result = new ArrayList<>();
        api.get(
                        "/nodes/pve1/storage/nfs/content",
                        "content",
                        "backup",
                        "vmid",
                        Integer.toString(vmid))
                .data()
                .forEach(result::add);
        result.sort((a, b) -> Long.compare(a.get("ctime").asLong(), b.get("ctime").asLong()));
        return result;
    }

    /** The config without what a restore regenerates ({@code vmgenid}, {@code meta}). */
    private static Map<String, String> withoutGenerated(Map<String, String> config) {
        Map<String, String> result = new TreeMap<>(config);
        result.remove("vmgenid");
        result.remove("meta");
        return result;
    }

    private static JsonNode find(JsonNode list, String id) {
        return find(list, "id", id);
    }

    private static JsonNode find(JsonNode list, String field, String value) {
        for (JsonNode entry : list) {
            if (entry.path(field).asText().equals(value)) {
                return entry;
            }
        }
        throw new AssertionError("no entry with " + field + "=" + value + " in " + list);
    }

    private static List<String> names(JsonNode node) {
        List<String> result = new ArrayList<>();
        node.fieldNames().forEachRemaining(result::add);
        return result;
    }

    private static JsonNode mapOf(String key, Object value) {
        return PveHttp.JSON.valueToTree(Map.of(key, value));
    }

    /** vzdump tasks of a VM. */
    private static final class TaskViewCheck {
        static List<io.pveha.simulator.TaskView> vzdumpTaskOf(int vmid) {
            List<io.pveha.simulator.TaskView> result =
                    sim.cluster().tasks().stream()
                            .filter(
                                    t ->
                                            t.type().equals("vzdump")
                                                    && t.id().equals(Integer.toString(vmid)))
                            .toList();
            assertThat(result).isNotEmpty();
            return result;
        }
    }
}
