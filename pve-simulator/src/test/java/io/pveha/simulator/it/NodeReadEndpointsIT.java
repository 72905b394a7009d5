package io.pveha.simulator.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The read endpoints inventory, monitoring and automation tools call, answered as a PVE 8 node with
 * nothing configured answers them (shapes and JSON types as the upstream handlers build them; see
 * the route classes' javadoc for the source files).
 */
class NodeReadEndpointsIT extends SimulatorIT {

    @Test
    void containersListIsEmptyAndAContainerPathFailsAsPveDoes() {
        assertThat(api.get("/nodes/pve2/lxc").data().isArray()).isTrue();
        assertThat(api.get("/nodes/pve2/lxc").data()).isEmpty();
        for (String path :
                List.of(
                        "/nodes/pve2/lxc/100/config",
                        "/nodes/pve2/lxc/100/status/current",
                        "/nodes/pve2/lxc/100/snapshot",
                        "/nodes/pve2/lxc/100")) {
            PveHttp.Resp resp = api.get(path);
            assertThat(resp.status()).as(path).isEqualTo(500);
            assertThat(resp.reason())
                    .isEqualTo("Configuration file 'nodes/pve2/lxc/100.conf' does not exist");
        }
    }

    @Test
    void qemuSnapshotListHasTheCurrentEntry() {
        sim.cluster().createVm("pve1", 310, Map.of("name", "snaplist"));
        JsonNode list = api.get("/nodes/pve1/qemu/310/snapshot").data();
        assertThat(list).hasSize(1);
        assertThat(list.get(0).get("name").asText()).isEqualTo("current");
        assertThat(list.get(0).get("description").asText()).isEqualTo("You are here!");
        assertThat(list.get(0).get("running").isInt()).isTrue();
        assertThat(list.get(0).get("digest").asText())
                .isEqualTo(api.get("/nodes/pve1/qemu/310/config").data().get("digest").asText());
        assertThat(api.get("/nodes/pve2/qemu/310/snapshot").status()).isEqualTo(500);
    }

    @Test
    void nodeIndexNetworkDnsTimeHostsSubscription() {
        assertThat(names(api.get("/nodes/pve1").data(), "name"))
                .contains("lxc", "qemu", "network", "dns", "time", "subscription", "services");

        JsonNode network = api.get("/nodes/pve3/network").data();
        assertThat(names(network, "iface")).containsExactly("vmbr0", "eno1");
        JsonNode bridge = network.get(0);
        assertThat(bridge.get("type").asText()).isEqualTo("bridge");
        assertThat(bridge.get("address").asText()).isEqualTo("127.0.0.1");
        assertThat(bridge.get("cidr").asText()).isEqualTo("127.0.0.1/8");
        assertThat(bridge.get("bridge_ports").asText()).isEqualTo("eno1");
        assertThat(bridge.get("autostart").isInt()).isTrue();
        assertThat(bridge.get("families").get(0).asText()).isEqualTo("inet");
        assertThat(api.get("/nodes/pve3/network", "type", "bridge").data()).hasSize(1);
        assertThat(api.get("/nodes/pve3/network", "type", "any_bridge").data()).hasSize(1);
        assertThat(api.get("/nodes/pve3/network/eno1").data().get("type").asText())
                .isEqualTo("eth");
        assertThat(api.get("/nodes/pve3/network/eth9").status()).isEqualTo(500);

        JsonNode dns = api.get("/nodes/pve1/dns").data();
        assertThat(dns.get("search").isTextual()).isTrue();
        assertThat(dns.get("dns1").isTextual()).isTrue();

        JsonNode time = api.get("/nodes/pve1/time").data();
        assertThat(time.get("timezone").asText()).isEqualTo("UTC");
        assertThat(time.get("time").asLong()).isEqualTo(sim.clock().now().getEpochSecond());
        assertThat(time.get("localtime").isIntegralNumber()).isTrue();

        JsonNode hosts = api.get("/nodes/pve2/hosts").data();
        assertThat(hosts.get("data").asText()).contains("127.0.0.1 pve2.local pve2");
        assertThat(hosts.get("digest").asText()).hasSize(40);

        JsonNode subscription = api.get("/nodes/pve1/subscription").data();
        assertThat(subscription.get("status").asText()).isEqualTo("notfound");
        assertThat(subscription.get("message").asText()).isEqualTo("There is no subscription key");
        assertThat(subscription.get("serverid").asText()).matches("[0-9A-F]{32}");
        assertThat(api.get("/nodes/pve1/config").data().isObject()).isTrue();
        assertThat(names(api.get("/nodes/pve1/storage/local-lvm").data(), "subdir"))
                .contains("content", "status");
    }

    @Test
    void servicesCertificatesReplicationFirewall() {
        JsonNode services = api.get("/nodes/pve1/services").data();
        assertThat(names(services, "service"))
                .contains("pveproxy", "pvedaemon", "pve-cluster", "corosync", "pve-ha-crm");
        JsonNode proxy = api.get("/nodes/pve1/services/pveproxy/state").data();
        assertThat(proxy.get("state").asText()).isEqualTo("running");
        assertThat(proxy.get("active-state").asText()).isEqualTo("active");
        assertThat(proxy.get("unit-state").asText()).isEqualTo("enabled");
        assertThat(api.get("/nodes/pve1/services/nosuch/state").status()).isEqualTo(400);

        JsonNode certs = api.get("/nodes/pve2/certificates/info").data();
        assertThat(names(certs, "filename")).containsExactly("pve-root-ca.pem", "pve-ssl.pem");
        assertThat(certs.get(1).get("fingerprint").asText())
                .isEqualTo(sim.fingerprintSha256("pve2"));
        assertThat(certs.get(1).get("issuer").asText())
                .isEqualTo(certs.get(0).get("subject").asText());
        assertThat(certs.get(1).get("san").toString()).contains("pve2");
        assertThat(certs.get(1).get("pem").asText()).startsWith("-----BEGIN CERTIFICATE-----");
        assertThat(certs.get(1).get("notafter").isIntegralNumber()).isTrue();

        assertThat(api.get("/nodes/pve1/replication").data()).isEmpty();
        assertThat(api.get("/cluster/replication").data()).isEmpty();
        assertThat(api.get("/cluster/replication/100-0").reason())
                .isEqualTo("no such replication job '100-0'");
        assertThat(api.get("/cluster/firewall/options").data().get("digest").asText())
                .isEqualTo("da39a3ee5e6b4b0d3255bfef95601890afd80709");
        assertThat(api.get("/nodes/pve1/firewall/options").data().size()).isEqualTo(1);
        assertThat(api.get("/cluster/firewall/rules").data()).isEmpty();
        assertThat(api.get("/nodes/pve1/firewall/rules").data()).isEmpty();
    }

    @Test
    void datacenterOptionsCorosyncConfigAndPools() {
        sim.cluster().createVm("pve2", 311, Map.of("name", "tagged", "tags", "prod;web"));
        JsonNode options = api.get("/cluster/options").data();
        assertThat(options.get("mac_prefix").asText()).isEqualTo("BC:24:11");
        assertThat(names(options.get("allowed-tags"), null)).contains("prod", "web");

        assertThat(names(api.get("/cluster").data(), "name"))
                .contains("options", "config", "replication", "firewall", "ha", "resources");
        JsonNode nodes = api.get("/cluster/config/nodes").data();
        assertThat(names(nodes, "node")).containsExactly("pve1", "pve2", "pve3");
        assertThat(nodes.get(1).get("nodeid").asText()).isEqualTo("2");
        JsonNode totem = api.get("/cluster/config/totem").data();
        assertThat(totem.get("cluster_name").asText()).isEqualTo("pve-sim");
        assertThat(totem.get("secauth").asText()).isEqualTo("on");
        JsonNode join = api.get("/cluster/config/join").data();
        assertThat(join.get("preferred_node").asText()).isEqualTo("pve1");
        assertThat(join.get("nodelist").get(2).get("pve_fp").asText())
                .isEqualTo(sim.fingerprintSha256("pve3"));
        assertThat(api.get("/cluster/config/apiversion").data().asInt()).isEqualTo(1);
        assertThat(api.get("/cluster/config/qdevice").data().isObject()).isTrue();

        assertThat(api.get("/pools").data()).isEmpty();
        assertThat(api.get("/pools/prod").reason()).isEqualTo("pool 'prod' does not exist");
        assertThat(api.get("/pools", "poolid", "prod").status()).isEqualTo(500);
        assertThat(api.get("/cluster/metrics/server").data()).isEmpty();
        assertThat(names(api.get("/").data(), "subdir")).contains("cluster", "nodes", "pools");
    }

    @Test
    void usersTokensGroupsRolesAcl() {
        sim.tokens().add("monitor@pve!ro", "secret", Set.of("Sys.Audit"));
        sim.tokens().add("automation@pve!ci", "secret2");
        JsonNode users = api.get("/access/users", "full", "1").data();
        assertThat(names(users, "userid"))
                .containsExactly("automation@pve", "monitor@pve", "root@pam");
        JsonNode monitor = users.get(1);
        assertThat(monitor.get("enable").asInt()).isEqualTo(1);
        assertThat(monitor.get("realm-type").asText()).isEqualTo("pve");
        assertThat(monitor.get("tokens").get(0).get("tokenid").asText()).isEqualTo("ro");
        assertThat(monitor.get("tokens").get(0).get("privsep").asInt()).isEqualTo(1);
        assertThat(api.get("/access/users/root@pam").data().get("groups").isArray()).isTrue();
        assertThat(api.get("/access/users/monitor@pve/token").data()).hasSize(1);
        assertThat(api.get("/access/users/monitor@pve/token/ro").data().get("privsep").asInt())
                .isEqualTo(1);
        assertThat(api.get("/access/users/nobody@pve").reason())
                .isEqualTo("no such user ('nobody@pve')");

        assertThat(api.get("/access/groups").data()).isEmpty();
        JsonNode roles = api.get("/access/roles").data();
        assertThat(names(roles, "roleid"))
                .contains("Administrator", "NoAccess", "PVEAdmin", "PVEAuditor", "PVEVMUser");
        assertThat(api.get("/access/roles/PVEVMUser").data().fieldNames())
                .toIterable()
                .containsExactlyInAnyOrder(
                        "VM.Audit",
                        "VM.Backup",
                        "VM.Config.CDROM",
                        "VM.Config.Cloudinit",
                        "VM.Console",
                        "VM.PowerMgmt");
        assertThat(api.get("/access/roles/NoSuchRole").status()).isEqualTo(500);
        JsonNode acl = api.get("/access/acl").data();
        assertThat(names(acl, "ugid")).containsExactly("automation@pve");

        // a restricted token sees only itself and lacks Sys.Audit where it is needed
        PveHttp monitorApi =
                PveHttp.forUrl(sim, sim.url())
                        .withHeader("Authorization", "PVEAPIToken=monitor@pve!ro=secret");
        assertThat(names(monitorApi.get("/access/users").data(), "userid"))
                .containsExactly("automation@pve", "monitor@pve", "root@pam");
        sim.tokens().add("vm@pve!ro", "secret", Set.of("VM.Audit"));
        PveHttp vmApi =
                PveHttp.forUrl(sim, sim.url())
                        .withHeader("Authorization", "PVEAPIToken=vm@pve!ro=secret");
        assertThat(vmApi.get("/nodes/pve1/dns").status()).isEqualTo(403);
        assertThat(names(vmApi.get("/access/users").data(), "userid")).containsExactly("vm@pve");
        assertThat(vmApi.get("/nodes/pve1/subscription").data().has("serverid")).isFalse();
    }

    private static List<String> names(JsonNode array, String field) {
        List<String> names = new ArrayList<>();
        array.forEach(n -> names.add(field == null ? n.asText() : n.get(field).asText()));
        return names;
    }
}
