package io.pveha.simulator.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Read endpoints of the cluster, nodes and storages, over HTTPS with an API token. */
class ClusterApiIT extends SimulatorIT {

    @Test
    void versionReportsPve8FormatAndServerHeader() {
        PveHttp.Resp resp = api.get("/version");
        JsonNode data = resp.data();
        assertThat(data.get("version").asText()).matches("8\\.\\d+\\.\\d+");
        assertThat(data.get("release").asText()).isEqualTo("8.4");
        assertThat(data.get("repoid").asText()).matches("[0-9a-f]{16}");
        assertThat(resp.headers().get("Server")).isEqualTo("pve-api-daemon/3.0");
        assertThat(resp.headers().get("Content-Type")).isEqualTo("application/json;charset=UTF-8");
    }

    @Test
    void clusterStatusListsClusterThenNodesWithLocalFlagOfTheAnsweringNode() {
        JsonNode data = api.get("/cluster/status").data();
        assertThat(data.get(0).get("type").asText()).isEqualTo("cluster");
        assertThat(data.get(0).get("quorate").asInt()).isEqualTo(1);
        assertThat(data.get(0).get("nodes").asInt()).isEqualTo(3);
        assertThat(data.get(1).get("name").asText()).isEqualTo("pve1");
        assertThat(data.get(1).get("local").asInt()).isEqualTo(1);
        assertThat(data.get(2).get("local").asInt()).isEqualTo(0);
        assertThat(data.get(2).get("online").asInt()).isEqualTo(1);
        JsonNode fromPve2 =
                PveHttp.forUrl(sim, sim.nodeUrl("pve2"))
                        .withHeader("Authorization", sim.authorizationHeader())
                        .get("/cluster/status")
                        .data();
        assertThat(fromPve2.get(2).get("local").asInt()).isEqualTo(1);
    }

    @Test
    void resourcesFilterByTypeAndReportVmidAsInteger() {
        sim.cluster()
                .createVm(
                        "pve2",
                        4100,
                        Map.of(
                                "name",
                                "res-vm",
                                "memory",
                                "1024",
                                "scsi0",
                                "local-lvm:4",
                                "tags",
                                "web;prod"));
        JsonNode vms = api.get("/cluster/resources", "type", "vm").data();
        JsonNode vm = find(vms, "id", "qemu/4100");
        assertThat(vm.get("vmid").isInt()).isTrue();
        assertThat(vm.get("node").asText()).isEqualTo("pve2");
        assertThat(vm.get("status").asText()).isEqualTo("stopped");
        assertThat(vm.get("template").asInt()).isZero();
        assertThat(vm.get("maxdisk").asLong()).isEqualTo(4L << 30);
        assertThat(vm.get("maxmem").asLong()).isEqualTo(1L << 30);
        assertThat(vm.get("tags").asText()).isEqualTo("web;prod");
        assertThat(types(vms)).containsOnly("qemu");

        assertThat(types(api.get("/cluster/resources", "type", "node").data()))
                .containsOnly("node");
        JsonNode storages = api.get("/cluster/resources", "type", "storage").data();
        assertThat(find(storages, "id", "storage/pve3/ceph-vm").get("shared").asInt()).isEqualTo(1);
        assertThat(find(storages, "id", "storage/pve3/local-lvm").get("plugintype").asText())
                .isEqualTo("lvmthin");
        assertThat(types(api.get("/cluster/resources").data()))
                .contains("qemu", "node", "storage", "sdn");

        PveHttp.Resp bad = api.get("/cluster/resources", "type", "pool");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body().get("errors").get("type").asText())
                .isEqualTo(
                        "value 'pool' does not have a value in the enumeration 'vm, storage, node, sdn'");
    }

    @Test
    void nextIdIsAStringAndRejectsTakenIds() {
        sim.cluster().createVm("pve1", 100, Map.of("name", "first"));
        JsonNode next = api.get("/cluster/nextid").data();
        assertThat(next.isTextual()).isTrue();
        assertThat(Integer.parseInt(next.asText())).isGreaterThan(100);
        assertThat(api.get("/cluster/nextid", "vmid", "777").data().asText()).isEqualTo("777");
        PveHttp.Resp taken = api.get("/cluster/nextid", "vmid", "100");
        assertThat(taken.status()).isEqualTo(400);
        assertThat(taken.reason()).isEqualTo("Parameter verification failed.");
        assertThat(taken.body().get("errors").get("vmid").asText())
                .isEqualTo("VM 100 already exists");
    }

    @Test
    void nodesCarryFingerprintsOfEachNodesCertificate() {
        JsonNode nodes = api.get("/nodes").data();
        assertThat(nodes).hasSize(3);
        for (JsonNode node : nodes) {
            String name = node.get("node").asText();
            assertThat(node.get("ssl_fingerprint").asText()).isEqualTo(sim.fingerprintSha256(name));
            assertThat(node.get("status").asText()).isEqualTo("online");
            assertThat(node.get("type").asText()).isEqualTo("node");
        }
        assertThat(sim.fingerprintSha256("pve1"))
                .isNotEqualTo(sim.fingerprintSha256("pve2"))
                .matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");
    }

    @Test
    void nodeStatusHasWhatMonitoringClientsRead() {
        JsonNode status = api.get("/nodes/pve3/status").data();
        assertThat(status.get("cpuinfo").get("cpus").asInt()).isEqualTo(16);
        assertThat(status.get("memory").get("total").asLong()).isEqualTo(16L << 30);
        assertThat(status.get("memory").get("used").asLong()).isPositive();
        assertThat(status.get("swap").has("total")).isTrue();
        assertThat(status.get("rootfs").get("used").asLong()).isPositive();
        assertThat(status.get("loadavg").get(0).isTextual()).isTrue();
        assertThat(status.get("pveversion").asText()).startsWith("pve-manager/8.4.1/");
        assertThat(status.get("boot-info").get("mode").asText()).isEqualTo("efi");
    }

    @Test
    void storagesListConfigAndPerNodeStatusAndContent() {
        JsonNode config = api.get("/storage").data();
        assertThat(names(config, "storage")).containsExactly("local", "local-lvm", "ceph-vm");
        assertThat(find(config, "storage", "ceph-vm").get("shared").asInt()).isEqualTo(1);
        assertThat(find(config, "storage", "local").get("digest").asText()).matches("[0-9a-f]{40}");

        JsonNode status = api.get("/nodes/pve1/storage/local-lvm/status").data();
        assertThat(status.get("total").asLong()).isEqualTo(800L << 30);
        assertThat(status.get("used").asLong()).isGreaterThanOrEqualTo(0);
        assertThat(status.get("type").asText()).isEqualTo("lvmthin");

        JsonNode images = api.get("/nodes/pve1/storage", "content", "images").data();
        assertThat(names(images, "storage")).containsExactly("local-lvm", "ceph-vm");
        JsonNode isos = api.get("/nodes/pve1/storage/local/content", "content", "iso").data();
        assertThat(
                        find(isos, "volid", "local:iso/debian-12.9.0-amd64-netinst.iso")
                                .get("format")
                                .asText())
                .isEqualTo("iso");

        PveHttp.Resp unknown = api.get("/nodes/pve1/storage/nfs-backup/status");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.body().get("errors").get("storage").asText())
                .isEqualTo("No such storage.");
    }

    @Test
    void jsonBodiesAndFormBodiesAreBothAccepted() {
        sim.cluster().createVm("pve1", 4101, Map.of("name", "json-body"));
        PveHttp.Resp json =
                api.raw(
                        "PUT",
                        "/nodes/pve1/qemu/4101/config",
                        "{\"onboot\":true,\"cores\":2}",
                        "application/json");
        assertThat(json.status()).as(json.toString()).isEqualTo(200);
        JsonNode config = api.get("/nodes/pve1/qemu/4101/config").data();
        assertThat(config.get("onboot").asInt()).isEqualTo(1);
        assertThat(config.get("cores").asInt()).isEqualTo(2);
        PveHttp.Resp noContentType =
                api.raw("PUT", "/nodes/pve1/qemu/4101/config", "cores=3", null);
        assertThat(noContentType.status()).as(noContentType.toString()).isEqualTo(200);
        assertThat(api.get("/nodes/pve1/qemu/4101/config").data().get("cores").asInt())
                .isEqualTo(3);
    }

    static JsonNode find(JsonNode array, String field, String value) {
        for (JsonNode item : array) {
            if (value.equals(item.path(field).asText())) {
                return item;
            }
        }
        throw new AssertionError("no entry with " + field + "=" + value + " in " + array);
    }

    static List<String> types(JsonNode array) {
        return names(array, "type");
    }

    static List<String> names(JsonNode array, String field) {
        List<String> result = new ArrayList<>();
        array.forEach(item -> result.add(item.get(field).asText()));
        return result;
    }
}
