package io.pveha.simulator.ha;

import static org.assertj.core.api.Assertions.assertThat;

import io.pveha.simulator.PveSimulator;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * A crowded node: far more HA services than {@link HaTimings#MAX_WORKERS} on one LRM. Every started
 * service costs the LRM a worker again after each confirmation (the CRM gives it a new uid once it
 * read the result), so confirmations of running guests compete with the first starts of new ones
 * for the four workers and the {@link HaTimings#workerWait()} of a round. The queue must get to
 * every request, the longest-waiting first: each start happens once, never more than four at a
 * time, and the last one within the bound that four workers and the start duration give.
 */
class LrmWorkerQueueTest {
    private static final int SERVICES = 100;
    private static final int FIRST_VMID = 1000;

    @Test
    void everyServiceOfACrowdedNodeStartsOnceAtMostFourAtATime() {
        try (HaTestCluster c = crowdedCluster()) {
            for (int vmid = FIRST_VMID; vmid < FIRST_VMID + SERVICES; vmid++) {
                c.addVm("pve1", vmid, "started", Map.of());
            }
            long bound =
                    roundsForAll(c, c.sim.taskDurations().start().toMillis()) * roundSeconds(c);
            c.at(bound);

            assertThat(c.sim.cluster().vms())
                    .hasSize(SERVICES)
                    .allSatisfy(
                            vm -> {
                                assertThat(vm.running())
                                        .as("vm %d running after %d s", vm.vmid(), bound)
                                        .isTrue();
                                assertThat(vm.node())
                                        .as("vm %d started where it is configured", vm.vmid())
                                        .isEqualTo("pve1");
                                assertThat(c.taskTypes(vm.vmid()))
                                        .as("starts of vm %d", vm.vmid())
                                        .containsExactly("qmstart");
                            });
            assertThat(c.sim.ha().status().services().values())
                    .allSatisfy(s -> assertThat(s.running()).as("%s confirmed", s.sid()).isTrue());
            assertThat(maxConcurrentStarts(c)).isEqualTo(HaTimings.MAX_WORKERS);
        }
    }

    @Test
    void everyAlreadyRunningGuestIsConfirmedAndKeepsBeingConfirmed() {
        try (HaTestCluster c = crowdedCluster()) {
            for (int vmid = FIRST_VMID; vmid < FIRST_VMID + SERVICES; vmid++) {
                c.sim.cluster()
                        .createRunningVm(
                                "pve1", vmid, Map.of("name", "vm" + vmid, "memory", "1024"));
                c.sim.ha().addResource("vm:" + vmid, Map.of("state", "started"));
            }
            // a confirmation ends at once, so it holds a worker until the next look, a second later
            long rounds = roundsForAll(c, 1000);
            c.at(rounds * roundSeconds(c));
            assertThat(c.sim.ha().status().services().values())
                    .hasSize(SERVICES)
                    .allSatisfy(s -> assertThat(s.running()).as("%s confirmed", s.sid()).isTrue());

            // from now on every service is confirmed again (a fresh uid from the CRM) within the
            // same bound
            Map<String, String> uids = uids(c);
            c.at(c.now() + rounds * roundSeconds(c));
            Map<String, String> later = uids(c);
            assertThat(later)
                    .hasSize(SERVICES)
                    .allSatisfy(
                            (sid, uid) ->
                                    assertThat(uid)
                                            .as("uid of %s", sid)
                                            .isNotNull()
                                            .isNotEqualTo(uids.get(sid)));
            assertThat(c.messages()).noneMatch(m -> m.startsWith("starting service"));
        }
    }

    /** Three nodes; the first has room for all the guests (1 GiB each), so no start fails. */
    private static HaTestCluster crowdedCluster() {
        return new HaTestCluster(
                PveSimulator.builder().nodeNames("pve1", "pve2", "pve3").nodeMemory(256L << 30));
    }

    /**
     * Rounds until the LRM ran one job of {@code jobMillis} for every service, with four workers
     * that each run one job after the other while a round waits for them ({@code workerWait},
     * looking every second): 12 starts of 3 s a round, 36 confirmations. Plus one round for the CRM
     * to take the services and one of slack.
     */
    private static long roundsForAll(HaTestCluster c, long jobMillis) {
        HaTimings timings = c.sim.ha().timings();
        long jobsPerWorkerAndRound = timings.workerWait().toMillis() / jobMillis + 1;
        long jobsPerRound = HaTimings.MAX_WORKERS * jobsPerWorkerAndRound;
        return (SERVICES + jobsPerRound - 1) / jobsPerRound + 2;
    }

    private static long roundSeconds(HaTestCluster c) {
        return c.sim.ha().timings().round().toSeconds();
    }

    /** The most resource agents that ran at once, from the LRM's log: each start and its result. */
    private static int maxConcurrentStarts(HaTestCluster c) {
        int running = 0;
        int max = 0;
        for (String m : c.messages()) {
            if (m.startsWith("starting service ")) {
                max = Math.max(max, ++running);
            } else if (m.startsWith("service status ") && m.endsWith(" started")) {
                running--;
            }
        }
        assertThat(running).as("agents still running").isZero();
        return max;
    }

    /** Each service's uid in the manager status ({@code GET /cluster/ha/status/manager_status}). */
    private static Map<String, String> uids(HaTestCluster c) {
        Map<String, String> uids = new TreeMap<>();
        var status = (Map<?, ?>) c.sim.ha().api().managerStatus("pve1").get("manager_status");
        ((Map<?, ?>) status.get("service_status"))
                .forEach((sid, sd) -> uids.put((String) sid, (String) ((Map<?, ?>) sd).get("uid")));
        return uids;
    }
}
