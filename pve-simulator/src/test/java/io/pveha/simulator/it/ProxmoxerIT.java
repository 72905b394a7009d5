package io.pveha.simulator.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.pveha.simulator.PveSimulator;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real client: Debian's python3-proxmoxer drives the simulator over HTTPS, unchanged, with token
 * and ticket auth. Needs {@code python3-proxmoxer} and {@code python3-requests} (installed by
 * {@code .ci/run}); without them the test is skipped locally and fails under {@code CI=true}.
 */
class ProxmoxerIT {
    private static final String PYTHON = "/usr/bin/python3";
    private static PveSimulator sim;

    @BeforeAll
    static void start() throws Exception {
        requireProxmoxer();
        // Real time runs fast enough here that proxmoxer's real-time polling sees tasks end
        // quickly.
        sim =
                PveSimulator.builder()
                        .pveVersion(8)
                        .nodes(3)
                        .timeScale(200)
                        .rootPassword("proxmoxer-pw")
                        .build()
                        .start();
        sim.cluster()
                .createTemplate(
                        "pve1",
                        9000,
                        Map.of(
                                "name",
                                "debian-12-template",
                                "memory",
                                "1024",
                                "scsi0",
                                "local-lvm:8",
                                "net0",
                                "virtio,bridge=vmbr0"));
    }

    @AfterAll
    static void stop() {
        if (sim != null) {
            sim.close();
        }
    }

    @Test
    void drivesTheSimulatorWithApiToken() throws Exception {
        assertThat(run("token"))
                .contains(
                        "version 8.4.1",
                        "nodes pve1,pve2,pve3",
                        "template 9000 on pve1",
                        "reads ok",
                        "status running",
                        "ALL OK token");
    }

    @Test
    void drivesTheSimulatorWithTicketLogin() throws Exception {
        assertThat(run("password"))
                .contains("version 8.4.1", "reads ok", "status running", "ALL OK password");
    }

    private static String run(String mode)
            throws IOException, InterruptedException, URISyntaxException {
        Path script =
                Path.of(
                        URI.create(
                                ProxmoxerIT.class
                                        .getResource("/proxmoxer/drive_simulator.py")
                                        .toString()));
        String tokenId = sim.apiTokenId();
        ProcessBuilder pb =
                new ProcessBuilder(PYTHON, script.toString(), mode).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        // Some machines point these at a CA bundle, which overrides verify_ssl=False in requests.
        env.remove("REQUESTS_CA_BUNDLE");
        env.remove("CURL_CA_BUNDLE");
        env.put(
                "PVE_HOST",
                URI.create(sim.url()).getHost() + ":" + URI.create(sim.url()).getPort());
        env.put("PVE_USER", tokenId.substring(0, tokenId.indexOf('!')));
        env.put("PVE_TOKEN_NAME", tokenId.substring(tokenId.indexOf('!') + 1));
        env.put("PVE_TOKEN_VALUE", sim.apiTokenSecret());
        env.put("PVE_PASSWORD", sim.rootPassword());
        Process process = pb.start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("proxmoxer script did not finish in 60 s");
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as("proxmoxer script output:%n%s", output).isZero();
        return output;
    }

    private static void requireProxmoxer() throws IOException, InterruptedException {
        boolean available =
                Files.isExecutable(Path.of(PYTHON))
                        && new ProcessBuilder(PYTHON, "-c", "import proxmoxer, requests")
                                        .start()
                                        .waitFor()
                                == 0;
        if (!available && "true".equals(System.getenv("CI"))) {
            throw new AssertionError(
                    "python3-proxmoxer and python3-requests must be installed in CI (.ci/run)");
        }
        Assumptions.assumeTrue(available, "Debian's python3-proxmoxer is not installed");
    }
}
