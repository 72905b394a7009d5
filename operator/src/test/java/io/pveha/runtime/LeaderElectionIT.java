package io.pveha.runtime;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pveha.api.cluster.ProxmoxCluster;
import io.pveha.testing.kube.EmbeddedKube;
import io.pveha.testing.TestClusters;
import io.pveha.reconciler.Conditions;
import io.pveha.testing.FixturePve;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Two replicas against one API server: only the Lease holder reconciles; the other takes over when it stops. */
class LeaderElectionIT {
    static final String NS = "store";
    static final String SECRET = "8b7a6c5d-4e3f-4a2b-9c1d-0e9f8a7b6c5d";
    static final Duration LEASE = Duration.ofSeconds(3);

    final EmbeddedKube kube = new EmbeddedKube();
    final FixturePve pve;
    final Replica a = new Replica("replica-a");
    final Replica b = new Replica("replica-b");

    LeaderElectionIT() throws Exception {
        pve = new FixturePve(SECRET);
    }

    final class Replica {
        final String identity;
        final SimpleMeterRegistry registry = new SimpleMeterRegistry();
        final KubernetesClient client = kube.newClient();
        PvehaOperator operator;

        Replica(String identity) {
            this.identity = identity;
        }

        void start() {
            PvehaOperator.LeaderElection election = new PvehaOperator.LeaderElection("pve-ha-operator-leader", NS, identity,
                    LEASE, Duration.ofSeconds(2), Duration.ofMillis(500), false);
            operator = new PvehaOperator(client, PvehaOperator.Settings.defaults().withNamespaces(Set.of(NS)).withLeaderElection(election),
                    registry, Clock.systemUTC());
            operator.start();
        }

        double polls() {
            return registry.find(OperatorMetrics.CLUSTER_POLLS).counters().stream().mapToDouble(Counter::count).sum();
        }

        void stop() {
            if (operator != null) {
                operator.close();
                operator = null;
            }
        }
    }

    @AfterEach
    void stop() {
        a.stop();
        b.stop();
        pve.close();
        kube.close();
    }

    @Test
    void onlyTheLeaderReconcilesAndTheOtherTakesOverWhenItStops() {
        KubernetesClient client = kube.newClient();
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).create();
        client.secrets().inNamespace(NS).resource(new SecretBuilder().withNewMetadata().withName("pve-token").endMetadata()
                .withStringData(Map.of("tokenId", FixturePve.TOKEN_ID, "tokenSecret", SECRET)).build()).create();
        a.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> holder(client) != null);
        b.start();
        client.resources(ProxmoxCluster.class).resource(cluster()).create();

        await().atMost(Duration.ofSeconds(20)).until(() -> ready(client));
        Replica leader = holder(client).equals(a.identity) ? a : b;
        Replica follower = leader == a ? b : a;
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(() -> leader.polls() > 0);
        assertThat(follower.polls()).as("the follower must not poll or reconcile").isZero();

        long stoppedAt = System.nanoTime();
        leader.stop();
        await().atMost(LEASE.plusSeconds(10)).until(() -> follower.identity.equals(holder(client)) && follower.polls() > 0);
        Duration takeover = Duration.ofNanos(System.nanoTime() - stoppedAt);
        System.out.println("leader takeover after " + takeover.toMillis() + " ms (lease " + LEASE.toMillis() + " ms)");
        assertThat(takeover).isLessThan(LEASE.plusSeconds(6));

        // The new leader keeps the cluster reported: a token change shows up in status.
        client.secrets().inNamespace(NS).withName("pve-token").edit(s -> new SecretBuilder(s)
                .withStringData(Map.of("tokenId", FixturePve.TOKEN_ID, "tokenSecret", "00000000-0000-0000-0000-000000000000")).build());
        await().atMost(Duration.ofSeconds(40)).until(() -> "AuthenticationFailed".equals(readyReason(client)));
    }

    static String holder(KubernetesClient client) {
        Lease lease = client.leases().inNamespace(NS).withName("pve-ha-operator-leader").get();
        return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
    }

    static boolean ready(KubernetesClient client) {
        return "Ready".equals(readyReason(client));
    }

    static String readyReason(KubernetesClient client) {
        ProxmoxCluster c = client.resources(ProxmoxCluster.class).inNamespace(NS).withName("main").get();
        return c == null || c.getStatus() == null ? null
                : Conditions.find(c.getStatus().getConditions(), Conditions.READY).map(x -> x.getReason()).orElse(null);
    }

    ProxmoxCluster cluster() {
        return TestClusters.pinned(NS, "main", List.of(pve.url()), pve.fingerprint(), 1);
    }
}
