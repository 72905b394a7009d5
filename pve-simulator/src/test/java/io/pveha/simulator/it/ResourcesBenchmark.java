package io.pveha.simulator.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.pveha.simulator.PveSimulator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.tls.HandshakeCertificates;
import org.junit.jupiter.api.Test;

/**
 * The figures of issue #3's scale requirement, run on their own with {@code mvn -B -pl
 * pve-simulator -Pbenchmark verify}: {@code GET /cluster/resources} latency with 3 nodes and 3,000
 * VMs (rendered afresh, and served again unchanged), and 100 concurrent clients. Prints the
 * figures; fails on errors or when the median of freshly rendered answers exceeds 50 ms. The
 * clients run in the same JVM, on the same cores, as the simulator.
 */
class ResourcesBenchmark {
    private static final int VMS = 3_000;
    private static final int WARMUP = 200;
    private static final int SAMPLES = 500;
    private static final int CLIENTS = 100;
    private static final int REQUESTS_PER_CLIENT = 50;

    @Test
    void clusterResourcesAtThreeThousandVmsAndHundredClients() throws Exception {
        try (PveSimulator sim = PveSimulator.builder().nodes(3).manualClock().build().start()) {
            ConcurrencyIT.seed(sim, VMS);
            OkHttpClient client = client(sim);
            Request resources =
                    new Request.Builder()
                            .url(sim.url() + "/api2/json/cluster/resources")
                            .header("Authorization", sim.authorizationHeader())
                            .build();

            for (int i = 0; i < WARMUP; i++) {
                fetch(client, resources);
            }
            // Each request in a new simulated second: the answer is rendered afresh every time.
            List<Long> uncached = new ArrayList<>();
            long bytes = 0;
            for (int i = 0; i < SAMPLES; i++) {
                sim.clock().advance(Duration.ofSeconds(1));
                long start = System.nanoTime();
                bytes = fetch(client, resources);
                uncached.add(System.nanoTime() - start);
            }
            System.out.printf(
                    Locale.ROOT,
                    "GET /cluster/resources, %d VMs, %d bytes, %d sequential requests, "
                            + "state or time changed before each: %s%n",
                    VMS,
                    bytes,
                    SAMPLES,
                    summary(uncached));
            List<Long> sequential = new ArrayList<>();
            for (int i = 0; i < SAMPLES; i++) {
                long start = System.nanoTime();
                fetch(client, resources);
                sequential.add(System.nanoTime() - start);
            }
            System.out.printf(
                    Locale.ROOT,
                    "GET /cluster/resources, %d VMs, %d sequential requests, nothing "
                            + "changed in between: %s%n",
                    VMS,
                    SAMPLES,
                    summary(sequential));

            ConcurrentLinkedQueue<Long> concurrent = new ConcurrentLinkedQueue<>();
            ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
            ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                String node = sim.nodeNames().get(c % 3);
                OkHttpClient own = client(sim);
                Request request =
                        new Request.Builder()
                                .url(sim.nodeUrl(node) + "/api2/json/cluster/resources")
                                .header("Authorization", sim.authorizationHeader())
                                .build();
                futures.add(
                        pool.submit(
                                () -> {
                                    go.await();
                                    for (int i = 0; i < REQUESTS_PER_CLIENT; i++) {
                                        long start = System.nanoTime();
                                        try (Response response = own.newCall(request).execute()) {
                                            response.body().bytes();
                                            if (response.code() != 200) {
                                                errors.add(
                                                        response.code() + " " + response.message());
                                            }
                                        } catch (Exception e) {
                                            errors.add(e.toString());
                                        }
                                        concurrent.add(System.nanoTime() - start);
                                    }
                                    return null;
                                }));
            }
            long begin = System.nanoTime();
            go.countDown();
            for (Future<?> future : futures) {
                future.get(10, TimeUnit.MINUTES);
            }
            double seconds = (System.nanoTime() - begin) / 1e9;
            pool.shutdown();
            System.out.printf(
                    Locale.ROOT,
                    "%d concurrent clients x %d GET /cluster/resources: %d errors, %.1f s, "
                            + "%.0f requests/s, latency %s%n",
                    CLIENTS,
                    REQUESTS_PER_CLIENT,
                    errors.size(),
                    seconds,
                    CLIENTS * REQUESTS_PER_CLIENT / seconds,
                    summary(new ArrayList<>(concurrent)));

            assertThat(errors).isEmpty();
            assertThat(Duration.ofNanos(percentile(uncached, 50)))
                    .isLessThan(Duration.ofMillis(50));
        }
    }

    private static long fetch(OkHttpClient client, Request request) throws Exception {
        try (Response response = client.newCall(request).execute()) {
            byte[] body = response.body().bytes();
            assertThat(response.code()).isEqualTo(200);
            return body.length;
        }
    }

    private static OkHttpClient client(PveSimulator sim) {
        HandshakeCertificates trust =
                new HandshakeCertificates.Builder()
                        .addTrustedCertificate(sim.caCertificate())
                        .build();
        return new OkHttpClient.Builder()
                .sslSocketFactory(trust.sslSocketFactory(), trust.trustManager())
                .readTimeout(Duration.ofSeconds(60))
                .build();
    }

    private static String summary(List<Long> nanos) {
        return String.format(
                Locale.ROOT,
                "min %.1f ms, median %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms",
                percentile(nanos, 0) / 1e6,
                percentile(nanos, 50) / 1e6,
                percentile(nanos, 95) / 1e6,
                percentile(nanos, 99) / 1e6,
                percentile(nanos, 100) / 1e6);
    }

    private static long percentile(List<Long> values, int p) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }
}
