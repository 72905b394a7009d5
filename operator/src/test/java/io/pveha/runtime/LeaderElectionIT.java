package io.pveha.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Counter;
import io.pveha.api.cluster.ProxmoxCluster;
import io.pveha.statuspage.StatusPage;
import io.pveha.testing.FixturePve;
import io.pveha.testing.SimHarness;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two replicas against one API server: only the Lease holder reconciles; the other takes over when
 * it stops. The follower serves the status page meanwhile, from its caches.
 */
class LeaderElectionIT {
    static final String SECRET = "8b7a6c5d-4e3f-4a2b-9c1d-0e9f8a7b6c5d";
    static final Duration LEASE = Duration.ofSeconds(3);

    final SimHarness h =
            SimHarness.options().fixturePve(SECRET).leaderElection(LEASE).withoutOperator().start();

    @AfterEach
    void stop() {
        h.close();
    }

    static double polls(SimHarness.Replica replica) {
        return replica.registry().find(OperatorMetrics.CLUSTER_POLLS).counters().stream()
                .mapToDouble(Counter::count)
                .sum();
    }

    @Test
    void onlyTheLeaderReconcilesAndTheOtherTakesOverWhenItStops() {
        h.putTokenSecret(FixturePve.TOKEN_ID, SECRET);
        SimHarness.Replica a = h.startReplica("replica-a");
        await().atMost(Duration.ofSeconds(10)).until(() -> h.leaseHolder() != null);
        SimHarness.Replica b = h.startReplica("replica-b");
        h.client.resources(ProxmoxCluster.class).resource(h.fixtureCluster()).create();

        await().atMost(Duration.ofSeconds(20)).until(() -> "Ready".equals(readyReason()));
        SimHarness.Replica leader = h.leaseHolder().equals(a.identity) ? a : b;
        SimHarness.Replica follower = leader == a ? b : a;
        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(4))
                .until(() -> polls(leader) > 0);
        assertThat(polls(follower)).as("the follower must not poll or reconcile").isZero();

        // Every replica serves the status page, the follower too: from its informer caches, with
        // no PVE call of its own.
        try (StatusPage page =
                new StatusPage(
                        follower.operator().statusSource(),
                        StatusPage.Settings.defaults(),
                        Clock.systemUTC())) {
            await().atMost(Duration.ofSeconds(10))
                    .until(
                            () -> {
                                page.refresh();
                                return page.view().clusters().stream()
                                        .anyMatch(
                                                c ->
                                                        SimHarness.CLUSTER.equals(c.name())
                                                                && c.pve().reachable()
                                                                && c.nodesTotal() > 0);
                            });
            assertThat(page.json()).contains("\"name\" : \"" + SimHarness.CLUSTER + "\"");
        }
        assertThat(polls(follower)).as("the follower's page made no PVE call").isZero();

        long stoppedAt = System.nanoTime();
        leader.stop();
        await().atMost(LEASE.plusSeconds(10))
                .until(() -> follower.identity.equals(h.leaseHolder()) && polls(follower) > 0);
        Duration takeover = Duration.ofNanos(System.nanoTime() - stoppedAt);
        System.out.println(
                "leader takeover after "
                        + takeover.toMillis()
                        + " ms (lease "
                        + LEASE.toMillis()
                        + " ms)");
        assertThat(takeover).isLessThan(LEASE.plusSeconds(6));

        // The new leader keeps the cluster reported: a token change shows up in status.
        h.putTokenSecret(FixturePve.TOKEN_ID, "00000000-0000-0000-0000-000000000000");
        await().atMost(Duration.ofSeconds(40))
                .until(() -> "AuthenticationFailed".equals(readyReason()));
    }

    String readyReason() {
        return h.readyReason(ProxmoxCluster.class, SimHarness.CLUSTER).orElse(null);
    }
}
