package io.pveha.simulator.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pveha.simulator.PveSimulator;
import io.pveha.simulator.TaskView;
import io.pveha.simulator.model.NfsServer;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two clusters mounting one NFS export of a backup server (the disaster-recovery setup): what
 * cluster A's vzdump writes is listed with its notes and restorable on cluster B, also after A is
 * lost (every node powered off for good), and the export's content and faults are the same seen
 * from both.
 */
class SharedNfsIT {
    private final NfsServer backupServer = new NfsServer();
    private PveSimulator a;
    private PveSimulator b;
    private PveHttp apiA;
    private PveHttp apiB;

    @BeforeEach
    void start() {
        a = simulator("store-a");
        b = simulator("store-b");
        apiA = PveHttp.forSim(a);
        apiB = PveHttp.forSim(b);
    }

    @AfterEach
    void stop() {
        a.close();
        b.close();
    }

    private PveSimulator simulator(String name) {
        return PveSimulator.builder()
                .clusterName(name)
                .nodes(3)
                .manualClock()
                .authFailureDelay(Duration.ZERO)
                .nfs(backupServer)
                .build()
                .start();
    }

    private static void defineNfs(PveHttp api, String export) {
        PveHttp.Resp created =
                api.post(
                        "/storage",
                        "storage",
                        "nfs-backup",
                        "type",
                        "nfs",
                        "server",
                        "10.20.0.50",
                        "export",
                        export,
                        "content",
                        "backup");
        assertThat(created.status()).as(created.toString()).isEqualTo(200);
    }

    @Test
    void archivesWrittenByOneClusterAreListedAndRestorableOnTheOtherAfterItIsLost() {
        defineNfs(apiA, "/srv/backup/pve");
        a.cluster()
                .createVm(
                        "pve2",
                        201,
                        Map.of(
                                "name",
                                "pos-api-1",
                                "memory",
                                "4096",
                                "scsi0",
                                "ceph-vm:8",
                                "net0",
                                "virtio=BC:24:11:00:02:01,bridge=vmbr0"));
        String upid =
                apiA.post(
                                "/nodes/pve2/vzdump",
                                "vmid",
                                "201",
                                "storage",
                                "nfs-backup",
                                "compress",
                                "zstd",
                                "notes-template",
                                "{{guestname}} pveha.io/havm=store/{{guestname}}@{{cluster}}")
                        .data()
                        .asText();
        run(a, upid);
        assertThat(backupServer.files("10.20.0.50", "/srv/backup/pve"))
                .singleElement()
                .asString()
                .startsWith("backup/vzdump-qemu-201-");

        a.faults().loseCluster();
        assertThat(refused(a.nodeUrl("pve1"))).as("a lost cluster's API refuses").isTrue();
        assertThat(a.faults().lost()).isTrue();
        a.faults().reset();
        assertThat(refused(a.nodeUrl("pve2"))).as("reset does not bring it back").isTrue();

        // Cluster B had no storage of that name: attaching the export shows A's archive.
        assertThat(apiB.get("/nodes/pve1/storage/nfs-backup/content").status()).isNotEqualTo(200);
        defineNfs(apiB, "/srv/backup/pve");
        JsonNode listed = backups(apiB, "pve3");
        assertThat(listed).hasSize(1);
        JsonNode backup = listed.get(0);
        assertThat(backup.get("vmid").asInt()).isEqualTo(201);
        assertThat(backup.get("notes").asText())
                .isEqualTo("pos-api-1 pveha.io/havm=store/pos-api-1@store-a");
        String volid = backup.get("volid").asText();
        assertThat(volid).startsWith("nfs-backup:backup/vzdump-qemu-201-").endsWith(".vma.zst");

        String restore =
                apiB.post("/nodes/pve1/qemu", "vmid", "201", "archive", volid).data().asText();
        assertThat(restore).contains(":qmrestore:201:");
        run(b, restore);
        var restored = b.cluster().vm(201).orElseThrow();
        assertThat(restored.node()).isEqualTo("pve1");
        assertThat(restored.config())
                .containsEntry("name", "pos-api-1")
                .containsEntry("memory", "4096")
                .containsEntry("net0", "virtio=BC:24:11:00:02:01,bridge=vmbr0");
        assertThat(restored.config().get("scsi0")).startsWith("ceph-vm:vm-201-disk-0");

        // B's own backups go to the same export; the storage usage both report follows it.
        String again =
                apiB.post("/nodes/pve1/vzdump", "vmid", "201", "storage", "nfs-backup")
                        .data()
                        .asText();
        b.clock().advance(Duration.ofSeconds(2));
        run(b, again);
        assertThat(backupServer.files("10.20.0.50", "/srv/backup/pve")).hasSize(2);
        assertThat(backups(apiB, "pve2")).hasSize(2);
    }

    @Test
    void onlyTheSameServerAndExportIsShared() {
        defineNfs(apiA, "/srv/backup/store-a");
        a.cluster().createVm("pve1", 300, Map.of("name", "erp", "scsi0", "local-lvm:4"));
        run(
                a,
                apiA.post("/nodes/pve1/vzdump", "vmid", "300", "storage", "nfs-backup")
                        .data()
                        .asText());
        defineNfs(apiB, "/srv/backup/store-b");
        assertThat(backups(apiB, "pve1")).isEmpty();
        assertThat(backups(apiA, "pve1")).hasSize(1);
    }

    @Test
    void aCorruptedArchiveFailsTheRestoreOnEveryClusterMountingIt() {
        defineNfs(apiA, "/srv/backup/pve");
        defineNfs(apiB, "/srv/backup/pve");
        a.cluster().createVm("pve1", 401, Map.of("name", "payment-gateway", "scsi0", "ceph-vm:4"));
        run(
                a,
                apiA.post("/nodes/pve1/vzdump", "vmid", "401", "storage", "nfs-backup")
                        .data()
                        .asText());
        String volid = backups(apiB, "pve1").get(0).get("volid").asText();
        a.faults().corruptBackup(volid, null);
        String restore =
                apiB.post("/nodes/pve2/qemu", "vmid", "401", "archive", volid).data().asText();
        TaskView task = run(b, restore);
        assertThat(task.exitStatus()).contains("vma extract");
        assertThat(b.cluster().vm(401)).isEmpty();
    }

    private static JsonNode backups(PveHttp api, String node) {
        PveHttp.Resp resp = api.get("/nodes/" + node + "/storage/nfs-backup/content");
        assertThat(resp.status()).as(resp.toString()).isEqualTo(200);
        List<JsonNode> list = new ArrayList<>();
        resp.data().forEach(list::add);
        return PveHttp.JSON.valueToTree(list);
    }

    private static TaskView run(PveSimulator sim, String upid) {
        for (int i = 0; i < 3_600; i++) {
            TaskView task = sim.cluster().task(upid).orElseThrow();
            if (!task.running()) {
                return task;
            }
            sim.clock().advance(Duration.ofSeconds(1));
        }
        throw new AssertionError("task did not end: " + upid);
    }

    private static boolean refused(String url) {
        URI uri = URI.create(url);
        try (Socket ignored = new Socket(uri.getHost(), uri.getPort())) {
            return false;
        } catch (ConnectException e) {
            return true;
        } catch (java.io.IOException e) {
            return true;
        }
    }
}
