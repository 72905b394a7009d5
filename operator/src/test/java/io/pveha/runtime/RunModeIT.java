package io.pveha.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pveha.api.cluster.ProxmoxCluster;
import io.pveha.testing.FixturePve;
import io.pveha.testing.LogCapture;
import io.pveha.testing.SimHarness;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The deployed process: health, readiness, Prometheus metrics, reconcile markers in logs, secret
 * hygiene.
 */
class RunModeIT {
    static final String NS = SimHarness.NS;
    static final String CANARY = "c4n4ry00-dead-beef-cafe-5ec12e7c0de5";

    @Test
    void servesHealthAndMetricsAndNeverPrintsTheToken() throws Exception {
        try (LogCapture logs = new LogCapture();
                SimHarness h = SimHarness.options().fixturePve(CANARY).deployed().start()) {
            h.putTokenSecret(FixturePve.TOKEN_ID, CANARY);
            String base = "http://127.0.0.1:" + h.healthPort();
            assertThat(get(base + "/healthz").statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> get(base + "/readyz").statusCode() == 200);

            h.client.resources(ProxmoxCluster.class).resource(h.fixtureCluster()).create();
            await().atMost(Duration.ofSeconds(20)).until(() -> "Ready".equals(readyReason(h)));
            // A wrong fingerprint and a wrong token make the operator produce every error path it
            // has.
            h.fixture.acceptSecret("0000");
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> "AuthenticationFailed".equals(readyReason(h)));

            String metrics = get(base + "/metrics").body();
            assertThat(metrics)
                    .contains("pveha_cluster_polls_total{cluster=\"store/main\",outcome=\"ok\"}")
                    .contains(
                            "pveha_pve_requests_total{cluster=\"store/main\",method=\"GET\",path=\"/cluster/resources\",status=\"2xx\"}")
                    .contains("pveha_cluster_up{cluster=\"store/main\"}")
                    .contains("operator_sdk_");
            assertThat(get(base + "/metrics").headers().firstValue("Content-Type"))
                    .get()
                    .asString()
                    .startsWith("text/plain");
            assertThat(logs.text()).contains("reconcile=ProxmoxCluster/store/main#1");

            String written =
                    h.client
                                    .getKubernetesSerialization()
                                    .asJson(
                                            h.client
                                                    .resources(ProxmoxCluster.class)
                                                    .inNamespace(NS)
                                                    .list())
                            + h.client
                                    .getKubernetesSerialization()
                                    .asJson(h.client.v1().events().inNamespace(NS).list());
            assertThat(written).as("status and events").doesNotContain(CANARY);
            assertThat(logs.text()).as("logs").doesNotContain(CANARY);
            assertThat(metrics).as("metrics").doesNotContain(CANARY);
        }
    }

    static HttpResponse<String> get(String url) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(url)).build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    static String readyReason(SimHarness h) {
        return h.readyReason(ProxmoxCluster.class, SimHarness.CLUSTER).orElse(null);
    }
}
