package io.pveha.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pveha.simulator.PveSimulator;
import io.pveha.testing.FixturePve;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DoctorCommandTest {
    static final String SECRET = "5a4b3c2d-1e0f-4a5b-8c7d-6e5f4a3b2c1d";

    @TempDir Path dir;
    FixturePve pve;
    final ByteArrayOutputStream output = new ByteArrayOutputStream();

    @BeforeEach
    void start() throws IOException {
        pve = new FixturePve(SECRET);
    }

    @AfterEach
    void stop() {
        pve.close();
    }

    int doctor(String... args) {
        return new CommandLine(
                        new DoctorCommand(new PrintStream(output, true, StandardCharsets.UTF_8)))
                .execute(args);
    }

    String out() {
        return output.toString(StandardCharsets.UTF_8);
    }

    Path tokenFile(String content) throws IOException {
        Path file = dir.resolve("token");
        Files.writeString(file, content);
        return file;
    }

    @Test
    void reportsAHealthyClusterAndExitsZero() throws IOException {
        int code =
                doctor(
                        "--url",
                        pve.url(),
                        "--token-file",
                        tokenFile(FixturePve.TOKEN_ID + "=" + SECRET + "\n").toString(),
                        "--fingerprint",
                        pve.fingerprint());

        assertThat(out())
                .contains("Endpoint   " + pve.url() + ": OK (PVE 7.2-3)")
                .contains("Cluster    ")
                .contains("quorate, 4/4 nodes online")
                .contains("Node       node1")
                .contains("Ceph       None")
                .contains("Privileges complete")
                .contains("OK         the operator can manage this cluster")
                .doesNotContain(SECRET);
        assertThat(code).isZero();
    }

    @Test
    void aWrongFingerprintFailsAndShowsThePresentedOne() throws IOException {
        String wrong = "AA:".repeat(31) + "AA";
        int code =
                doctor(
                        "--url",
                        pve.url(),
                        "--token-file",
                        tokenFile(FixturePve.TOKEN_ID + "\n" + SECRET + "\n").toString(),
                        "--fingerprint",
                        wrong);

        assertThat(code).isEqualTo(1);
        assertThat(out())
                .contains("does not match the pinned fingerprint " + wrong)
                .contains("pass --fingerprint " + pve.fingerprint());
    }

    /**
     * Every PVE node has its own certificate: one node's pin fails on the next node, and doctor
     * prints each node's entry for spec.tls.fingerprints, vouched for by /nodes read over the
     * verified connection; with those pins every endpoint passes.
     */
    @Test
    void pinsEachNodeAndPrintsTheLineToPasteForEveryNode() throws IOException {
        try (PveSimulator sim =
                PveSimulator.builder().nodes(3).pveVersion(8).manualClock().build().start()) {
            Path token = tokenFile(sim.apiTokenId() + "=" + sim.apiTokenSecret() + "\n");
            String url1 = sim.nodeUrl("pve1");
            String url2 = sim.nodeUrl("pve2");
            String fp1 = sim.fingerprintSha256("pve1");
            String fp2 = sim.fingerprintSha256("pve2");

            int code =
                    doctor(
                            "--url",
                            url1,
                            "--url",
                            url2,
                            "--token-file",
                            token.toString(),
                            "--fingerprint",
                            fp1);

            assertThat(code).isEqualTo(1);
            assertThat(out())
                    .contains("Endpoint   " + url1 + ": OK (PVE 8.4.1)")
                    .contains("does not match the pinned fingerprint " + fp1)
                    .contains("pass --fingerprint " + url2 + "=" + fp2)
                    .contains(
                            "- {endpoint: \""
                                    + url1
                                    + "\", fingerprint: \""
                                    + fp1
                                    + "\"}   # pve1: verified by the TLS settings given")
                    .contains(
                            "- {endpoint: \""
                                    + url2
                                    + "\", fingerprint: \""
                                    + fp2
                                    + "\"}   # pve2: matches /nodes ssl_fingerprint read over a verified connection");

            output.reset();
            code =
                    doctor(
                            "--url",
                            url1,
                            "--url",
                            url2,
                            "--token-file",
                            token.toString(),
                            "--fingerprint",
                            url1 + "=" + fp1,
                            "--fingerprint",
                            url2 + "=" + fp2);
            assertThat(out())
                    .contains("Endpoint   " + url2 + ": OK (PVE 8.4.1)")
                    .contains("pinned SHA-256 per endpoint")
                    .contains("# pve2: verified by the TLS settings given")
                    .contains("OK         the operator can manage this cluster");
            assertThat(code).isZero();

            output.reset();
            code =
                    doctor(
                            "--url",
                            url1,
                            "--url",
                            url2,
                            "--token-file",
                            token.toString(),
                            "--fingerprint",
                            url1 + "=" + fp1);
            assertThat(code).isEqualTo(2);
            assertThat(out()).contains("no fingerprint for " + url2);

            output.reset();
            sim.faults().powerOff("pve1");
            code =
                    doctor(
                            "--url",
                            url1,
                            "--url",
                            url2,
                            "--token-file",
                            token.toString(),
                            "--insecure");
            assertThat(out())
                    .contains("cannot reach " + url1)
                    .contains(
                            "- {endpoint: \""
                                    + url2
                                    + "\", fingerprint: \""
                                    + fp2
                                    + "\"}   # NOT verified: compare with `pvenode cert info` on that node");
            assertThat(code).isEqualTo(1);
        }
    }

    @Test
    void missingPrivilegesAndABadTokenAreProblems() throws IOException {
        pve.grant("{\"Sys.Audit\":1,\"VM.Audit\":1}");
        int code =
                doctor(
                        "--url",
                        pve.url(),
                        "--token-file",
                        tokenFile(FixturePve.TOKEN_ID + "=" + SECRET).toString(),
                        "--fingerprint",
                        pve.fingerprint());
        assertThat(code).isEqualTo(1);
        assertThat(out())
                .contains(
                        "PROBLEM    the token lacks privileges: Sys.Modify on / (Ceph pools and backup jobs)")
                .contains("VM.Allocate on /vms (creating, restoring and destroying VMs)")
                .doesNotContain("VM.Audit on");

        output.reset();
        code =
                doctor(
                        "--url",
                        pve.url(),
                        "--token-file",
                        tokenFile(FixturePve.TOKEN_ID + "=00000000-1111-2222-3333-444444444444")
                                .toString(),
                        "--fingerprint",
                        pve.fingerprint());
        assertThat(code).isEqualTo(1);
        assertThat(out())
                .contains("authentication failure")
                .contains("check the token id and secret");
    }

    @Test
    void anUnreadableTokenFileIsAUsageError() throws IOException {
        int code =
                doctor(
                        "--url",
                        pve.url(),
                        "--token-file",
                        tokenFile("not a token").toString(),
                        "--insecure");
        assertThat(code).isEqualTo(2);
        assertThat(out()).contains("PROBLEM token file");
    }
}
