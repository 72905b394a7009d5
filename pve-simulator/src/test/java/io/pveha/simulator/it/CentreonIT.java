package io.pveha.simulator.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.pveha.simulator.PveSimulator;
import java.net.URI;
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
 * A real monitoring client: the Proxmox VE REST API plugin of Debian's {@code centreon-plugins}
 * (ticket login with {@code realm} as its own field, {@code /cluster/resources}, node, VM and
 * storage status) against the simulator, unchanged. Needs {@code centreon-plugins}, {@code
 * libjson-xs-perl}, {@code libwww-perl} and {@code liblwp-protocol-https-perl} ({@code .ci/run});
 * skipped without them, failing under {@code CI=true}.
 */
class CentreonIT {
    private static final String PLUGIN = "/usr/lib/nagios/plugins/centreon_plugins.pl";
    private static PveSimulator sim;

    @TempDir static Path dir;

    @BeforeAll
    static void start() {
        ExternalTool.require(
                "centreon-plugins with libjson-xs-perl and liblwp-protocol-https-perl",
                "perl",
                "-I/usr/lib/centreon-plugins",
                "-MJSON::XS",
                "-MLWP::Protocol::https",
                "-Mapps::proxmox::ve::restapi::custom::api",
                "-e",
                "exit(-f '" + PLUGIN + "' ? 0 : 1)");
        sim = PveSimulator.builder().nodes(3).rootPassword("centreon-pw").build().start();
        sim.cluster().createRunningVm("pve1", 100, Map.of("name", "web1", "memory", "1024"));
        sim.cluster().createVm("pve2", 101, Map.of("name", "db1"));
    }

    @AfterAll
    static void stop() {
        if (sim != null) {
            sim.close();
        }
    }

    @Test
    void versionAndInventoryModes() throws Exception {
        String version =
                io.pveha.simulator.model.PveRelease.ofMajor(sim.pveVersion("pve1")).version();
        assertThat(plugin("version").output()).contains("Version is '" + version + "'");
        assertThat(plugin("list-nodes").output())
                .contains(
                        "[id = node/pve1][name = 'pve1'][state = 'online']",
                        "[id = node/pve3][name = 'pve3'][state = 'online']");
        assertThat(plugin("list-vms").output())
                .contains(
                        "[id = qemu/100][name = 'web1'][node = 'pve1'][state = 'running']"
                                + "[vmid = '100'][type = 'qemu']",
                        "[id = qemu/101][name = 'db1'][node = 'pve2'][state = 'stopped']");
        assertThat(plugin("list-storages").output())
                .contains(
                        "[id = storage/pve2/local-lvm][name = 'local-lvm'][node = 'pve2']"
                                + "[state = 'available']");
        assertThat(plugin("discovery").output()).contains("\"uuid\":\"node/pve2\"");
    }

    @Test
    void usageModesReportOk() throws Exception {
        assertThat(plugin("node-usage").output())
                .startsWith("OK: All nodes are ok")
                .contains("'node/pve3#node.memory.usage.bytes'=");
        assertThat(plugin("node-usage", "--node-name=pve1").output())
                .startsWith("OK: Node 'node/pve1' state: online")
                .contains("root filesystem total: 100.00 GB");
        assertThat(plugin("storage-usage").output())
                .startsWith("OK: All storages are ok")
                .contains("'storage/pve1/local-lvm#storage.space.usage.bytes'=");
        assertThat(plugin("vm-usage").output())
                .startsWith("OK: All vms are ok")
                .contains("'qemu/100#vm.memory.usage.bytes'=");
        assertThat(plugin("vm-usage", "--vm-name=web1").output())
                .startsWith("OK: VM 'qemu/100' state : running")
                .contains("memory total: 1.00 GB");
    }

    /** Runs one mode; exit code 0 is Nagios' OK. */
    private static ExternalTool.Result plugin(String mode, String... extra) throws Exception {
        URI url = URI.create(sim.url());
        List<String> command =
                new ArrayList<>(
                        List.of(
                                "perl",
                                PLUGIN,
                                "--plugin=apps::proxmox::ve::restapi::plugin",
                                "--mode=" + mode,
                                "--hostname=" + url.getHost(),
                                "--port=" + url.getPort(),
                                "--api-username=root",
                                "--api-password=" + sim.rootPassword(),
                                "--realm=pam",
                                "--statefile-dir=" + dir,
                                "--insecure",
                                "--ssl-opt=SSL_verify_mode => SSL_VERIFY_NONE"));
        command.addAll(List.of(extra));
        return ExternalTool.run(dir, Map.of(), Duration.ofSeconds(60), command).expectSuccess();
    }
}
