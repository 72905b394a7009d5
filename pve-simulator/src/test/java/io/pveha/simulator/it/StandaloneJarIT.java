package io.pveha.simulator.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.tls.HandshakeCertificates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code java -jar target/pve-simulator.jar}: starts, serves, writes its credentials, ends cleanly
 * on SIGTERM.
 */
class StandaloneJarIT {

    @Test
    void jarServesTheApiAndSavesStateOnSigterm(@TempDir Path dir) throws Exception {
        Path jar = Path.of("target", "pve-simulator.jar");
        assertThat(jar).as("the shaded jar is built in the package phase").exists();
        Path credentials = dir.resolve("credentials.json");
        Path state = dir.resolve("state.json");
        Path output = dir.resolve("output.txt");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process =
                new ProcessBuilder(
                                java,
                                "-jar",
                                jar.toString(),
                                "--nodes",
                                "2",
                                "--port",
                                "0",
                                "--time-scale",
                                "10",
                                "--token",
                                "ci@pve!bot=sekret",
                                "--root-password",
                                "pw",
                                "--credentials-file",
                                credentials.toString(),
                                "--state",
                                state.toString())
                        .redirectErrorStream(true)
                        .redirectOutput(output.toFile())
                        .start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!Files.exists(credentials)
                    && System.nanoTime() < deadline
                    && process.isAlive()) {
                Thread.sleep(100); // waits for the started jar to write its credentials, not an
                // assertion
            }
            assertThat(credentials).as("output: %s", Files.readString(output)).exists();
            JsonNode creds = PveHttp.JSON.readTree(credentials.toFile());
            assertThat(creds.get("token").asText()).isEqualTo("ci@pve!bot=sekret");
            assertThat(creds.get("fingerprint").asText()).matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");
            assertThat(Files.readString(output))
                    .contains(
                            "URL:",
                            "API token:     ci@pve!bot=sekret",
                            "Fingerprint:   " + creds.get("fingerprint").asText());

            X509Certificate ca =
                    (X509Certificate)
                            CertificateFactory.getInstance("X.509")
                                    .generateCertificate(
                                            new ByteArrayInputStream(
                                                    creds.get("ca_pem")
                                                            .asText()
                                                            .getBytes(StandardCharsets.US_ASCII)));
            HandshakeCertificates trust =
                    new HandshakeCertificates.Builder().addTrustedCertificate(ca).build();
            OkHttpClient client =
                    new OkHttpClient.Builder()
                            .sslSocketFactory(trust.sslSocketFactory(), trust.trustManager())
                            .readTimeout(Duration.ofSeconds(10))
                            .build();
            Request request =
                    new Request.Builder()
                            .url(creds.get("url").asText() + "/api2/json/nodes")
                            .header("Authorization", "PVEAPIToken=" + creds.get("token").asText())
                            .build();
            try (Response response = client.newCall(request).execute()) {
                assertThat(response.code()).isEqualTo(200);
                assertThat(response.body().string())
                        .contains("\"node\":\"pve1\"", "\"node\":\"pve2\"");
            }
        } finally {
            process.destroy();
        }
        assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("output: %s", Files.readString(output)).isZero();
        assertThat(Files.readString(output))
                .contains("pve-simulator stopped; state saved to")
                .doesNotContain("Exception");
        assertThat(state).exists();
    }
}
