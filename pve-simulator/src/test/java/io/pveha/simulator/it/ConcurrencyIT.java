package io.pveha.simulator.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.pveha.simulator.PveSimulator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * 100 concurrent clients against a 3-node, 3,000-VM cluster, reads and writes mixed: every request
 * is answered correctly. (Throughput and latency figures come from {@code ResourcesBenchmark}.)
 */
class ConcurrencyIT {
    private static final int CLIENTS = 100;
    private static final int REQUESTS_PER_CLIENT = 6;
    private static final int VMS = 3_000;

    @Test
    void hundredConcurrentClientsGetNoErrors() throws Exception {
        try (PveSimulator sim = PveSimulator.builder().nodes(3).manualClock().build().start()) {
            seed(sim, VMS);
            List<PveHttp> endpoints = new ArrayList<>();
            for (String node : sim.nodeNames()) {
                endpoints.add(
                        PveHttp.forUrl(sim, sim.nodeUrl(node))
                                .withHeader("Authorization", sim.authorizationHeader()));
            }
            ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
            CountDownLatch go = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
            List<Future<?>> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                clients.add(
                        pool.submit(
                                () -> {
                                    go.await();
                                    PveHttp api = endpoints.get(client % endpoints.size());
                                    for (int i = 0; i < REQUESTS_PER_CLIENT; i++) {
                                        int vmid = 1000 + (client * REQUESTS_PER_CLIENT + i) % VMS;
                                        String node = "pve" + (1 + vmid % 3);
                                        // Every tenth client also writes: each write invalidates
                                        // the resources answer.
                                        boolean writer = client % 10 == 0;
                                        PveHttp.Resp resp =
                                                switch (i) {
                                                    case 0 -> api.get("/cluster/resources");
                                                    case 1 ->
                                                            api.get(
                                                                    "/nodes/"
                                                                            + node
                                                                            + "/qemu/"
                                                                            + vmid
                                                                            + "/status/current");
                                                    case 2 ->
                                                            writer
                                                                    ? api.put(
                                                                            "/nodes/" + node
                                                                                    + "/qemu/"
                                                                                    + vmid
                                                                                    + "/config",
                                                                            "description",
                                                                            "client " + client)
                                                                    : api.get(
                                                                            "/cluster/resources",
                                                                            "type",
                                                                            "node");
                                                    case 3 ->
                                                            writer
                                                                    ? api.post(
                                                                            "/nodes/"
                                                                                    + node
                                                                                    + "/qemu/"
                                                                                    + vmid
                                                                                    + "/status/start")
                                                                    : api.get(
                                                                            "/nodes/" + node
                                                                                    + "/status");
                                                    case 4 -> api.get("/cluster/status");
                                                    default ->
                                                            api.get(
                                                                    "/nodes/" + node + "/qemu/"
                                                                            + vmid + "/config");
                                                };
                                        if (resp.status() != 200) {
                                            failures.add(resp.toString());
                                        }
                                    }
                                    return null;
                                }));
            }
            go.countDown();
            for (Future<?> client : clients) {
                client.get(120, TimeUnit.SECONDS);
            }
            pool.shutdown();
            assertThat(failures).isEmpty();
            assertThat(sim.requestStats().total()).isEqualTo((long) CLIENTS * REQUESTS_PER_CLIENT);
        }
    }

    /** {@code count} small VMs spread over the nodes, a third of them running. */
    static void seed(PveSimulator sim, int count) {
        for (int i = 0; i < count; i++) {
            int vmid = 1000 + i;
            String node = "pve" + (1 + vmid % 3);
            Map<String, String> settings =
                    Map.of(
                            "name",
                            "vm-" + vmid,
                            "memory",
                            "16",
                            "cores",
                            "1",
                            "net0",
                            "virtio,bridge=vmbr0",
                            "tags",
                            "load");
            if (i % 3 == 0) {
                sim.cluster().createRunningVm(node, vmid, settings);
            } else {
                sim.cluster().createVm(node, vmid, settings);
            }
        }
    }
}
