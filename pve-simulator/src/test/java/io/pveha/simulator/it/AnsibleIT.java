package io.pveha.simulator.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pveha.simulator.PveSimulator;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real clients: Debian's {@code ansible} (community.general 6.6.2) against the simulator,
 * unchanged: the {@code community.general.proxmox} inventory plugin with facts (token and password
 * login) and the Proxmox modules ({@code proxmox_kvm} reading and changing power state, the {@code
 * *_info} modules). Needs {@code ansible} (installed by {@code .ci/run}); skipped without it,
 * failing under {@code CI=true}.
 */
class AnsibleIT {
    private static final String INVENTORY = "/usr/bin/ansible-inventory";
    private static final String PLAYBOOK = "/usr/bin/ansible-playbook";
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    private static PveSimulator sim;

    @TempDir static Path dir;

    @BeforeAll
    static void start() {
        ExternalTool.require("Debian's ansible", INVENTORY, "--version");
        // fast enough that the modules' one-second task polls see tasks end at once
        sim =
                PveSimulator.builder()
                        .nodes(3)
                        .timeScale(200)
                        .rootPassword("ansible-pw")
                        .build()
                        .start();
        sim.cluster()
                .createTemplate(
                        "pve1", 9000, Map.of("name", "debian-12-template", "scsi0", "local-lvm:8"));
        sim.cluster()
                .createRunningVm(
                        "pve1",
                        100,
                        Map.of(
                                "name",
                                "web1",
                                "agent",
                                "1",
                                "tags",
                                "prod;web",
                                "net0",
                                "virtio,bridge=vmbr0"));
        sim.cluster().createVm("pve2", 101, Map.of("name", "db1", "memory", "2048"));
    }

    @AfterAll
    static void stop() {
        if (sim != null) {
            sim.close();
        }
    }

    @Test
    void inventoryPluginWithFactsOverApiToken() throws Exception {
        String tokenId = sim.apiTokenId();
        JsonNode inventory =
                inventory(
                        "token.proxmox.yml",
                        "user: "
                                + tokenId.substring(0, tokenId.indexOf('!'))
                                + "\ntoken_id: "
                                + tokenId.substring(tokenId.indexOf('!') + 1)
                                + "\ntoken_secret: "
                                + sim.apiTokenSecret()
                                + "\n");

        JsonNode web1 = inventory.at("/_meta/hostvars/web1");
        assertThat(web1.get("proxmox_vmid").asInt()).isEqualTo(100);
        assertThat(web1.get("proxmox_node").asText()).isEqualTo("pve1");
        assertThat(web1.get("proxmox_vmtype").asText()).isEqualTo("qemu");
        assertThat(web1.get("proxmox_status").asText()).isEqualTo("running");
        assertThat(web1.get("proxmox_qmpstatus").asText()).isEqualTo("running");
        assertThat(web1.get("proxmox_snapshots").isArray()).isTrue();
        assertThat(web1.get("proxmox_snapshots")).isEmpty();
        assertThat(web1.get("proxmox_tags_parsed").toString()).isEqualTo("[\"prod\",\"web\"]");
        assertThat(web1.get("proxmox_net0").get("bridge").asText()).isEqualTo("vmbr0");
        assertThat(web1.get("proxmox_agent_interfaces").isArray()).isTrue();
        assertThat(web1.get("proxmox_agent_interfaces")).isNotEmpty();
        assertThat(inventory.at("/_meta/hostvars/db1/proxmox_status").asText())
                .isEqualTo("stopped");
        assertThat(inventory.at("/_meta/hostvars/debian-12-template").isMissingNode())
                .as("templates are not hosts")
                .isTrue();
        for (String node : List.of("pve1", "pve2", "pve3")) {
            assertThat(inventory.at("/_meta/hostvars/" + node + "/ansible_host").asText())
                    .isEqualTo("127.0.0.1");
        }
        assertThat(hosts(inventory, "proxmox_nodes")).containsExactly("pve1", "pve2", "pve3");
        assertThat(hosts(inventory, "proxmox_all_running")).containsExactly("web1");
        assertThat(hosts(inventory, "proxmox_all_stopped")).containsExactly("db1");
        assertThat(hosts(inventory, "proxmox_pve2_qemu")).containsExactly("db1");
        assertThat(groups(inventory)).contains("proxmox_all_lxc", "proxmox_pve1_lxc");
    }

    @Test
    void inventoryPluginWithPasswordLogin() throws Exception {
        JsonNode inventory =
                inventory(
                        "password.proxmox.yml",
                        "user: root@pam\npassword: " + sim.rootPassword() + "\n");
        assertThat(hosts(inventory, "proxmox_all_qemu")).containsExactlyInAnyOrder("web1", "db1");
    }

    @Test
    void proxmoxModulesReadAndChangePowerState() throws Exception {
        Path playbook = dir.resolve("modules.yml");
        try (var in = AnsibleIT.class.getResourceAsStream("/ansible/modules.yml")) {
            Files.copy(in, playbook);
        }
        String tokenId = sim.apiTokenId();
        URI url = URI.create(sim.url());
        ExternalTool.Result result =
                ExternalTool.run(
                                dir,
                                env(),
                                TIMEOUT,
                                List.of(
                                        PLAYBOOK,
                                        "-i",
                                        "localhost,",
                                        "-c",
                                        "local",
                                        "-e",
                                        "pve_host=" + url.getHost() + ":" + url.getPort(),
                                        "-e",
                                        "pve_token_name="
                                                + tokenId.substring(tokenId.indexOf('!') + 1),
                                        "-e",
                                        "pve_token_secret=" + sim.apiTokenSecret(),
                                        playbook.toString()))
                        .expectSuccess();
        assertThat(result.output()).contains("ALL OK modules").containsPattern("failed=0\\b");
        assertThat(sim.cluster().vm(100).orElseThrow().status()).isEqualTo("running");
    }

    private static JsonNode inventory(String file, String auth) throws Exception {
        Path config = dir.resolve(file);
        Files.writeString(
                config,
                "plugin: community.general.proxmox\n"
                        + "url: "
                        + sim.url()
                        + "\n"
                        + auth
                        + "validate_certs: false\n"
                        + "want_facts: true\n"
                        + "want_proxmox_nodes_ansible_host: true\n");
        Path out = dir.resolve(file + ".json");
        ExternalTool.run(
                        dir,
                        env(),
                        TIMEOUT,
                        List.of(
                                INVENTORY,
                                "-i",
                                config.toString(),
                                "--list",
                                "--output",
                                out.toString()))
                .expectSuccess();
        return PveHttp.JSON.readTree(out.toFile());
    }

    private static Map<String, String> env() {
        return Map.of(
                "ANSIBLE_HOME", dir.resolve("ansible-home").toString(),
                "ANSIBLE_LOCAL_TEMP", dir.resolve("ansible-tmp").toString(),
                "ANSIBLE_INVENTORY_ENABLED", "community.general.proxmox,host_list",
                // a source the plugin cannot parse is an error, not a warning and an empty list
                "ANSIBLE_INVENTORY_UNPARSED_FAILED", "true",
                "ANSIBLE_PYTHON_INTERPRETER", "/usr/bin/python3",
                "ANSIBLE_NOCOLOR", "1",
                "ANSIBLE_RETRY_FILES_ENABLED", "false");
    }

    private static List<String> hosts(JsonNode inventory, String group) {
        List<String> hosts = new ArrayList<>();
        inventory.path(group).path("hosts").forEach(h -> hosts.add(h.asText()));
        return hosts;
    }

    private static List<String> groups(JsonNode inventory) {
        List<String> groups = new ArrayList<>();
        inventory.path("all").path("children").forEach(g -> groups.add(g.asText()));
        return groups;
    }
}
