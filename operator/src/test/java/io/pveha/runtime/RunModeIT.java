package io.pveha.runtime;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pveha.api.cluster.ProxmoxCluster;
import io.pveha.testing.kube.EmbeddedKube;
import io.pveha.testing.TestClusters;
import io.pveha.reconciler.Conditions;
import io.pveha.testing.FixturePve;
import io.pveha.testing.LogCapture;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The deployed process: health, readiness, Prometheus metrics, reconcile markers in logs, secret hygiene. */
class RunModeIT {
    static final String NS = "store";
    static final String CANARY = "c4n4ry00-dead-beef-cafe-5ec12e7c0de5";

    @Test
    void servesHealthAndMetricsAndNeverPrintsTheToken() throws Exception {
        try (LogCapture logs = new LogCapture();
             EmbeddedKube kube = new EmbeddedKube();
             KubernetesClient client = kube.newClient();
             FixturePve pve = new FixturePve(CANARY);
             OperatorRuntime runtime = new OperatorRuntime(client, PvehaOperator.Settings.defaults().withNamespaces(Set.of(NS)),
                     "127.0.0.1", 0)) {
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).create();
            client.secrets().inNamespace(NS).resource(new SecretBuilder().withNewMetadata().withName("pve-token").endMetadata()
                    .withStringData(Map.of("tokenId", FixturePve.TOKEN_ID, "tokenSecret", CANARY)).build()).create();
            runtime.start();
            String base = "http://127.0.0.1:" + runtime.healthPort();
            assertThat(get(base + "/healthz").statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> get(base + "/readyz").statusCode() == 200);

            client.resources(ProxmoxCluster.class).resource(cluster(pve)).create();
            await().atMost(Duration.ofSeconds(20)).until(() -> "Ready".equals(readyReason(client)));
            // A wrong fingerprint and a wrong token make the operator produce every error path it has.
            pve.acceptSecret("0000");
            await().atMost(Duration.ofSeconds(20)).until(() -> "AuthenticationFailed".equals(readyReason(client)));

            String metrics = get(base + "/metrics").body();
            assertThat(metrics).contains("pveha_cluster_polls_total{cluster=\"store/main\",outcome=\"ok\"}")
                    .contains("pveha_pve_requests_total{cluster=\"store/main\",method=\"GET\",path=\"/cluster/resources\",status=\"2xx\"}")
                    .contains("pveha_cluster_up{cluster=\"store/main\"}")
                    .contains("operator_sdk_");
            assertThat(get(base + "/metrics").headers().firstValue("Content-Type")).get().asString().startsWith("text/plain");
            assertThat(logs.text()).contains("reconcile=ProxmoxCluster/store/main#1");

            String written = client.getKubernetesSerialization().asJson(client.resources(ProxmoxCluster.class).inNamespace(NS).list())
                    + client.getKubernetesSerialization().asJson(client.v1().events().inNamespace(NS).list());
            assertThat(written).as("status and events").doesNotContain(CANARY);
            assertThat(logs.text()).as("logs").doesNotContain(CANARY);
            assertThat(metrics).as("metrics").doesNotContain(CANARY);
        }
    }

    static HttpResponse<String> get(String url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static String readyReason(KubernetesClient client) {
        ProxmoxCluster c = client.resources(ProxmoxCluster.class).inNamespace(NS).withName("main").get();
        return c == null || c.getStatus() == null ? null
                : Conditions.find(c.getStatus().getConditions(), Conditions.READY).map(x -> x.getReason()).orElse(null);
    }

    static ProxmoxCluster cluster(FixturePve pve) {
        return TestClusters.pinned(NS, "main", List.of(pve.url()), pve.fingerprint(), 1);
    }
}
