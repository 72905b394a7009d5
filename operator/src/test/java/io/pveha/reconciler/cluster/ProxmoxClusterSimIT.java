package io.pveha.reconciler.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pveha.api.SecretKeyRef;
import io.pveha.api.cluster.ProxmoxCluster;
import io.pveha.api.cluster.ProxmoxClusterSpec;
import io.pveha.api.cluster.ProxmoxClusterStatus;
import io.pveha.simulator.faults.ApiFaults;
import io.pveha.testing.SimHarness;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A ProxmoxCluster against the simulator: facts, endpoint failover, API faults, recovery. */
class ProxmoxClusterSimIT {
    static SimHarness h;

    @BeforeAll
    static void start() {
        h = new SimHarness();
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    static ProxmoxClusterStatus status(String name) {
        return h.client
                .resources(ProxmoxCluster.class)
                .inNamespace(SimHarness.NS)
                .withName(name)
                .get()
                .getStatus();
    }

    static String ready(String name) {
        return h.readyReason(ProxmoxCluster.class, name).orElse(null);
    }

    @Test
    void reportsTheFactsOfTheSimulatedCluster() {
        ProxmoxClusterStatus status = status(SimHarness.CLUSTER);
        assertThat(status.getVersion()).matches("\\d+\\.\\d+\\.\\d+");
        assertThat(status.getNodesSummary()).isEqualTo("3/3");
        assertThat(status.getQuorate()).isTrue();
        assertThat(status.getNodes())
                .extracting(ProxmoxClusterStatus.NodeInfo::getName)
                .containsExactly("pve1", "pve2", "pve3");
        assertThat(status.getStorages())
                .extracting(ProxmoxClusterStatus.StorageInfo::getName)
                .contains("local", "local-lvm", "ceph-vm");
    }

    @Test
    void failsOverBetweenNodeEndpointsAndKeepsFactsWhenAllAreDown() {
        ProxmoxCluster cluster =
                h.cluster(
                        List.of(
                                h.sim.nodeUrl("pve1"),
                                h.sim.nodeUrl("pve2"),
                                h.sim.nodeUrl("pve3")));
        cluster.getMetadata().setName("multi");
        ProxmoxClusterSpec.Tls tls = new ProxmoxClusterSpec.Tls();
        tls.setCaSecretRef(new SecretKeyRef("pve-ca", null));
        cluster.getSpec().setTls(tls);
        ProxmoxClusterSpec.ClientSettings client = new ProxmoxClusterSpec.ClientSettings();
        client.setRequestTimeoutSeconds(2);
        cluster.getSpec().setClient(client);
        h.client.resource(cluster).create();
        await().atMost(Duration.ofSeconds(20)).until(() -> "Ready".equals(ready("multi")));
        assertThat(status("multi").getActiveEndpoint()).isEqualTo(h.sim.nodeUrl("pve1"));

        h.sim.faults().powerOff("pve1");
        await().atMost(Duration.ofSeconds(20))
                .until(
                        () ->
                                h.sim.nodeUrl("pve2").equals(status("multi").getActiveEndpoint())
                                        || h.sim.nodeUrl("pve3")
                                                .equals(status("multi").getActiveEndpoint()));
        await().atMost(Duration.ofSeconds(20))
                .until(() -> "2/3".equals(status("multi").getNodesSummary()));
        assertThat(ready("multi")).isEqualTo("Ready");

        h.sim.faults().powerOff("pve2");
        h.sim.faults().powerOff("pve3");
        await().atMost(Duration.ofSeconds(30)).until(() -> "Unreachable".equals(ready("multi")));
        ProxmoxClusterStatus down = status("multi");
        assertThat(down.getVersion()).as("last known facts are kept").isNotBlank();
        assertThat(down.getNodes()).hasSize(3);
        assertThat(h.condition(ProxmoxCluster.class, "multi", "Ready").orElseThrow().getMessage())
                .contains("last successful poll at");

        h.sim.faults().powerOn("pve1");
        h.sim.faults().powerOn("pve2");
        h.sim.faults().powerOn("pve3");
        await().atMost(Duration.ofSeconds(60))
                .until(
                        () ->
                                "Ready".equals(ready("multi"))
                                        && "3/3".equals(status("multi").getNodesSummary()));
    }

    /**
     * Each node presents its own certificate: with one pin per endpoint (spec.tls.fingerprints) the
     * operator verifies every node and fails over like with the CA.
     */
    @Test
    void failsOverWithOnePinnedFingerprintPerEndpoint() {
        List<String> urls =
                List.of(h.sim.nodeUrl("pve1"), h.sim.nodeUrl("pve2"), h.sim.nodeUrl("pve3"));
        ProxmoxCluster cluster = h.cluster(urls);
        cluster.getMetadata().setName("pinned");
        ProxmoxClusterSpec.Tls tls = new ProxmoxClusterSpec.Tls();
        tls.setFingerprints(
                List.of(
                        new ProxmoxClusterSpec.EndpointFingerprint(
                                urls.get(0), h.sim.fingerprintSha256("pve1")),
                        new ProxmoxClusterSpec.EndpointFingerprint(
                                urls.get(1), h.sim.fingerprintSha256("pve2")),
                        new ProxmoxClusterSpec.EndpointFingerprint(
                                urls.get(2), h.sim.fingerprintSha256("pve3"))));
        cluster.getSpec().setTls(tls);
        ProxmoxClusterSpec.ClientSettings client = new ProxmoxClusterSpec.ClientSettings();
        client.setRequestTimeoutSeconds(2);
        cluster.getSpec().setClient(client);
        h.client.resource(cluster).create();
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> "Ready".equals(ready("pinned")));
            assertThat(
                            h.condition(ProxmoxCluster.class, "pinned", "TlsVerified")
                                    .orElseThrow()
                                    .getReason())
                    .isEqualTo("PinnedFingerprint");

            h.sim.faults().powerOff("pve1");
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> !urls.get(0).equals(status("pinned").getActiveEndpoint()));
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> "2/3".equals(status("pinned").getNodesSummary()));
            assertThat(ready("pinned")).isEqualTo("Ready");
        } finally {
            h.sim.faults().reset();
            h.client.resource(cluster).delete();
        }
    }

    @Test
    void serverErrorsAndHangsGiveTheirOwnConditionAndRecover() {
        ProxmoxCluster cluster = h.cluster(List.of(h.sim.url()));
        cluster.getMetadata().setName("faulty");
        ProxmoxClusterSpec.ClientSettings client = new ProxmoxClusterSpec.ClientSettings();
        client.setRequestTimeoutSeconds(1);
        cluster.getSpec().setClient(client);
        h.client.resource(cluster).create();
        await().atMost(Duration.ofSeconds(20)).until(() -> "Ready".equals(ready("faulty")));

        ApiFaults.Rule burst =
                h.sim.faults()
                        .failRate(
                                "^/cluster/status$",
                                1.0,
                                500,
                                "internal error in the simulated cluster");
        await().atMost(Duration.ofSeconds(20)).until(() -> "ApiError".equals(ready("faulty")));
        assertThat(h.condition(ProxmoxCluster.class, "faulty", "Ready").orElseThrow().getMessage())
                .contains("internal error in the simulated cluster");
        h.sim.faults().removeRule(burst);
        await().atMost(Duration.ofSeconds(20)).until(() -> "Ready".equals(ready("faulty")));

        ApiFaults.Rule hang = h.sim.faults().hang("^/cluster/resources$");
        await().atMost(Duration.ofSeconds(30)).until(() -> "Unreachable".equals(ready("faulty")));
        assertThat(h.condition(ProxmoxCluster.class, "faulty", "Ready").orElseThrow().getMessage())
                .contains("timed out");
        h.sim.faults().removeRule(hang);
        await().atMost(Duration.ofSeconds(30)).until(() -> "Ready".equals(ready("faulty")));
    }
}
