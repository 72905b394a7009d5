package io.pveha.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.pveha.pve.PveTls;
import io.pveha.pve.PveToken;
import io.pveha.simulator.PveSimulator;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The bulk poll costs the same number of PVE calls whatever the number of VMs. */
class PollCostIT {
    static final int STEADY_POLLS = 5;

    @ParameterizedTest(name = "{0} VMs")
    @ValueSource(ints = {10, 1000})
    void aSteadyPollIsFourCallsWhateverTheNumberOfVms(int vms) {
        try (PveSimulator sim = PveSimulator.builder().nodes(3).build().start()) {
            for (int i = 0; i < vms; i++) {
                sim.cluster()
                        .createRunningVm(
                                "pve" + (1 + i % 3),
                                1000 + i,
                                Map.of("name", "vm-" + i, "memory", "512", "scsi0", "ceph-vm:1"));
            }
            ConnectionSettings settings =
                    ConnectionSettings.of(
                            List.of(sim.url()),
                            new PveToken(sim.apiTokenId(), sim.apiTokenSecret()),
                            "x",
                            PveTls.pinned(sim.fingerprintSha256()),
                            1000,
                            Duration.ofSeconds(20),
                            Duration.ofSeconds(15),
                            4);
            try (ClusterConnection connection =
                    ClusterConnection.open(
                            new ClusterKey("bench", "c"), settings, Clock.systemUTC())) {
                PollOutcome first = connection.pollOnce();
                assertThat(first.error()).isNull();
                long firstCalls = sim.requestStats().total();
                sim.requestStats().reset();
                long start = System.nanoTime();
                for (int i = 0; i < STEADY_POLLS; i++) {
                    assertThat(connection.pollOnce().snapshot().vmsById()).hasSize(vms);
                }
                double perPoll = sim.requestStats().total() / (double) STEADY_POLLS;
                double millis = (System.nanoTime() - start) / 1e6 / STEADY_POLLS;
                System.out.printf(
                        "poll cost with %d VMs: first poll %d calls, steady poll %.1f calls %s, %.1f ms per poll%n",
                        vms, firstCalls, perPoll, sim.requestStats().snapshot(), millis);
                assertThat(perPoll).isEqualTo(4.0);
            }
        }
    }

    /**
     * While CephPools refer to the cluster, a poll also lists the pools: one call more, whatever
     * the number of pools.
     */
    @ParameterizedTest(name = "{0} Ceph pools")
    @ValueSource(ints = {1, 20})
    void withCephPoolsASteadyPollIsFiveCallsWhateverTheNumberOfPools(int pools) {
        try (PveSimulator sim = PveSimulator.builder().nodes(3).build().start()) {
            for (int i = 0; i < pools; i++) {
                sim.ceph().backend().createPool("pool-" + i, 8);
            }
            ConnectionSettings settings =
                    ConnectionSettings.of(
                            List.of(sim.url()),
                            new PveToken(sim.apiTokenId(), sim.apiTokenSecret()),
                            "x",
                            PveTls.pinned(sim.fingerprintSha256()),
                            1000,
                            Duration.ofSeconds(20),
                            Duration.ofSeconds(15),
                            4);
            try (ClusterConnection connection =
                    ClusterConnection.open(
                            new ClusterKey("bench", "c"), settings, Clock.systemUTC())) {
                connection.wantCephPools(() -> true);
                assertThat(connection.pollOnce().error()).isNull();
                sim.requestStats().reset();
                for (int i = 0; i < STEADY_POLLS; i++) {
                    // the simulator starts with .mgr and ceph-vm
                    assertThat(connection.pollOnce().snapshot().cephPools()).hasSize(pools + 2);
                }
                double perPoll = sim.requestStats().total() / (double) STEADY_POLLS;
                System.out.printf(
                        "poll cost with %d Ceph pools: steady poll %.1f calls %s%n",
                        pools, perPoll, sim.requestStats().snapshot());
                assertThat(perPoll).isEqualTo(5.0);
            }
        }
    }
}
