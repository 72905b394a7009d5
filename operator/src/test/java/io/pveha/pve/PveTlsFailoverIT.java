package io.pveha.pve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pveha.simulator.PveSimulator;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every PVE node serves its own certificate, signed by the cluster's CA (as the simulator does): a
 * client pinning fingerprints needs one per endpoint to fail over, a CA bundle covers all nodes.
 */
class PveTlsFailoverIT {
    private static PveSimulator sim;
    private static PveToken token;
    private static List<String> endpoints;

    @BeforeAll
    static void start() {
        sim = PveSimulator.builder().nodes(3).pveVersion(8).manualClock().build().start();
        token = new PveToken(sim.apiTokenId(), sim.apiTokenSecret());
        endpoints = List.of(sim.nodeUrl("pve1"), sim.nodeUrl("pve2"), sim.nodeUrl("pve3"));
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    @AfterEach
    void reset() {
        sim.faults().reset();
    }

    @Test
    void nodesHaveTheirOwnCertificatesFromOneCa() {
        assertThat(
                        List.of(
                                sim.fingerprintSha256("pve1"),
                                sim.fingerprintSha256("pve2"),
                                sim.fingerprintSha256("pve3")))
                .doesNotHaveDuplicates();
        for (String node : List.of("pve1", "pve2", "pve3")) {
            try (PveClient client =
                    client(List.of(sim.nodeUrl(node)), PveTls.caBundle(sim.caCertificatePem()))) {
                assertThat(new PveApi(client).version().version()).isEqualTo("8.4.1");
            }
        }
    }

    @Test
    void pinsPerEndpointFailOverToTheNextNode() {
        PveTls tls =
                PveTls.pinnedPerEndpoint(
                        Map.of(
                                endpoints.get(0),
                                sim.fingerprintSha256("pve1"),
                                endpoints.get(1) + "/",
                                sim.fingerprintSha256("pve2"),
                                endpoints.get(2),
                                sim.fingerprintSha256("pve3").toLowerCase()),
                        null);
        try (PveClient client = client(endpoints, tls)) {
            PveApi api = new PveApi(client);
            assertThat(api.version().version()).isEqualTo("8.4.1");
            sim.faults().powerOff("pve1");
            assertThat(api.clusterStatus()).isNotEmpty();
            assertThat(client.activeEndpoint()).isEqualTo(endpoints.get(1));
            sim.faults().powerOff("pve2");
            assertThat(api.clusterStatus()).isNotEmpty();
            assertThat(client.activeEndpoint()).isEqualTo(endpoints.get(2));
        }
    }

    @Test
    void oneNodesPinAloneCannotFailOver() {
        try (PveClient client = client(endpoints, PveTls.pinned(sim.fingerprintSha256("pve1")))) {
            PveApi api = new PveApi(client);
            assertThat(api.version().version()).isEqualTo("8.4.1");
            sim.faults().powerOff("pve1");
            assertThatThrownBy(api::version)
                    .isInstanceOfSatisfying(
                            PveApiException.class,
                            e -> assertThat(e.kind()).isEqualTo(PveErrorKind.TLS))
                    .hasMessageContaining("does not match the pinned fingerprint");
        }
    }

    @Test
    void theCommonPinCoversEndpointsWithoutTheirOwn() {
        // pve2 pinned explicitly, the others would need the common pin: pve3's is wrong there
        PveTls tls =
                PveTls.pinnedPerEndpoint(
                        Map.of(endpoints.get(1), sim.fingerprintSha256("pve2")),
                        sim.fingerprintSha256("pve1"));
        assertThat(tls.fingerprintFor(endpoints.get(0))).isEqualTo(sim.fingerprintSha256("pve1"));
        assertThat(tls.fingerprintFor(endpoints.get(2))).isEqualTo(sim.fingerprintSha256("pve1"));
        assertThat(tls.toString()).contains("per endpoint", endpoints.get(1), "others");
        try (PveClient client = client(endpoints, tls)) {
            PveApi api = new PveApi(client);
            sim.faults().powerOff("pve1");
            assertThat(api.version().version()).isEqualTo("8.4.1");
            sim.faults().powerOff("pve2");
            assertThatThrownBy(api::version)
                    .isInstanceOfSatisfying(
                            PveApiException.class,
                            e -> assertThat(e.kind()).isEqualTo(PveErrorKind.TLS));
        }
    }

    @Test
    void theClusterCaFailsOverWithoutAnyPin() {
        try (PveClient client = client(endpoints, PveTls.caBundle(sim.caCertificatePem()))) {
            sim.faults().powerOff("pve1");
            sim.faults().powerOff("pve2");
            assertThat(new PveApi(client).version().version()).isEqualTo("8.4.1");
        }
    }

    private static PveClient client(List<String> urls, PveTls tls) {
        return new PveClient(
                PveClient.Config.of(urls, token, tls)
                        .withGetAttempts(1)
                        .withConnectTimeout(Duration.ofSeconds(2))
                        .withRequestTimeout(Duration.ofSeconds(5)),
                null);
    }
}
