package io.pveha.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pveha.api.cluster.ProxmoxCluster;
import io.pveha.reconciler.Conditions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The harness options no other test needs yet: several simulators, more namespaces. */
class SimHarnessIT {
    @Test
    void severalSimulatorsEachWithItsClusterAndMoreNamespacesWatched() {
        try (SimHarness h = SimHarness.options().simulators(2).namespaces("other").start()) {
            assertThat(h.sims).hasSize(2);
            assertThat(h.sim).isSameAs(h.sims.get(0));
            for (int i = 0; i < 2; i++) {
                ProxmoxCluster cluster =
                        h.client
                                .resources(ProxmoxCluster.class)
                                .inNamespace(SimHarness.NS)
                                .withName(SimHarness.clusterName(i))
                                .get();
                assertThat(h.readyReason(ProxmoxCluster.class, SimHarness.clusterName(i)))
                        .contains("Ready");
                assertThat(h.sims.get(i).nodeNames().stream().map(h.sims.get(i)::nodeUrl))
                        .contains(cluster.getStatus().getActiveEndpoint());
            }

            ProxmoxCluster elsewhere =
                    TestClusters.pinned(
                            "other",
                            "elsewhere",
                            List.of(h.sims.get(1).url()),
                            h.sims.get(1).fingerprintSha256(),
                            1);
            h.client.resource(elsewhere).create();
            await().atMost(Duration.ofSeconds(20))
                    .until(
                            () -> {
                                ProxmoxCluster c =
                                        h.client
                                                .resources(ProxmoxCluster.class)
                                                .inNamespace("other")
                                                .withName("elsewhere")
                                                .get();
                                return c.getStatus() != null
                                        && Conditions.find(
                                                        c.getStatus().getConditions(),
                                                        Conditions.READY)
                                                .map(r -> "SecretNotFound".equals(r.getReason()))
                                                .orElse(false);
                            });
        }
    }
}
