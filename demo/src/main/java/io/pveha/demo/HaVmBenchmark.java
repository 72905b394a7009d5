package io.pveha.demo;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pveha.api.ObjectRef;
import io.pveha.api.cluster.ProxmoxCluster;
import io.pveha.api.cluster.ProxmoxClusterSpec;
import io.pveha.api.vm.Ha;
import io.pveha.api.vm.HaVm;
import io.pveha.api.vm.HaVmSpec;
import io.pveha.api.vm.Source;
import io.pveha.api.vm.TemplateSource;
import io.pveha.cluster.ConnectionSettings;
import io.pveha.pve.PveClient;
import io.pveha.pve.PveTls;
import io.pveha.pve.PveToken;
import io.pveha.reconciler.Conditions;
import io.pveha.runtime.PvehaOperator;
import io.pveha.simulator.PveSimulator;
import io.pveha.simulator.tasks.TaskDurations;
import io.pveha.testing.kube.EmbeddedKube;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Creates N HaVms (HA-managed linked clones of one template) against the simulator through the real
 * operator and the mock API server, and measures the same work done by {@link FloorClient}, the
 * least a plain API client must do, through the same PVE client, rate limit and per-node task cap.
 * Each side gets a fresh simulator built with the same settings. Prints time until all are Ready
 * (operator) or running (floor), PVE calls per VM, calls per steady-state poll and peak heap, and a
 * last line scripts can read: {@code floor_s=<s> operator_s=<s> ratio=<r> calls_per_vm=<c>}. Run
 * with {@code java -jar demo/target/pve-ha-demo.jar benchmark}.
 */
public final class HaVmBenchmark {
    /** What to run. */
    public record Settings(
            int vms,
            Duration apiLatency,
            double taskScale,
            double timeScale,
            int requestsPerSecond,
            int pollIntervalSeconds,
            int steadyPolls,
            Duration timeout,
            boolean ha,
            boolean floor) {}

    /** What was measured. {@code floor} is null when the floor was not measured. */
    public record Result(
            int vms,
            Duration untilAllReady,
            long callsUntilReady,
            Map<String, Long> callsByEndpoint,
            double callsPerSteadyPoll,
            Map<String, Long> steadyCalls,
            long peakHeapBytes,
            int distinctVmids,
            Duration floor,
            long floorCalls) {
        public double callsPerVm() {
            return callsUntilReady / (double) vms;
        }

        public void print(PrintStream out) {
            out.printf(Locale.ROOT, "HaVms                    %d%n", vms);
            if (floor != null) {
                out.printf(
                        Locale.ROOT,
                        "floor (plain client)     %.1f s, %d calls (%.1f per VM)%n",
                        floor.toMillis() / 1000.0,
                        floorCalls,
                        floorCalls / (double) vms);
            }
            out.printf(
                    Locale.ROOT,
                    "time until all Ready     %.1f s%n",
                    untilAllReady.toMillis() / 1000.0);
            out.printf(
                    Locale.ROOT,
                    "PVE API calls (total)    %d (%.1f per VM) %s%n",
                    callsUntilReady,
                    callsPerVm(),
                    callsByEndpoint);
            out.printf(
                    Locale.ROOT,
                    "calls per steady poll    %.1f %s%n",
                    callsPerSteadyPoll,
                    steadyCalls);
            out.printf(
                    Locale.ROOT,
                    "peak heap used           %d MiB (operator, simulator and mock API server in one JVM)%n",
                    peakHeapBytes >> 20);
            out.printf(Locale.ROOT, "distinct VMIDs           %d%n", distinctVmids);
            double floorSeconds = floor == null ? Double.NaN : floor.toMillis() / 1000.0;
            double operatorSeconds = untilAllReady.toMillis() / 1000.0;
            out.printf(
                    Locale.ROOT,
                    "floor_s=%.2f operator_s=%.2f ratio=%.2f calls_per_vm=%.2f%n",
                    floorSeconds,
                    operatorSeconds,
                    operatorSeconds / floorSeconds,
                    callsPerVm());
        }
    }

    private HaVmBenchmark() {}

    public static Result run(Settings s, PrintStream log) throws InterruptedException {
        HeapSampler heap = new HeapSampler();
        heap.start();
        try {
            Duration floor = null;
            long floorCalls = 0;
            if (s.floor()) {
                try (PveSimulator sim = simulator(s)) {
                    long start = System.nanoTime();
                    ConnectionSettings settings =
                            ConnectionSettings.of(
                                    List.of(sim.url()),
                                    new PveToken(sim.apiTokenId(), sim.apiTokenSecret()),
                                    "floor",
                                    PveTls.pinned(sim.fingerprintSha256()),
                                    s.requestsPerSecond(),
                                    Duration.ofSeconds(30),
                                    Duration.ofSeconds(s.pollIntervalSeconds()),
                                    MAX_TASKS_PER_NODE);
                    try (PveClient client = new PveClient(settings.clientConfig(), null)) {
                        sim.requestStats().reset();
                        new FloorClient(client, settings).run(TEMPLATE, "pve1", s.vms(), s.ha());
                    }
                    floor = Duration.ofNanos(System.nanoTime() - start);
                    floorCalls = sim.requestStats().total();
                    log.printf(
                            Locale.ROOT,
                            "floor: %d clones%s running after %.1f s, %d calls%n",
                            s.vms(),
                            s.ha() ? " under HA" : "",
                            floor.toMillis() / 1000.0,
                            floorCalls);
                }
            }
            Result operator = measure(s, log, heap);
            return new Result(
                    operator.vms(),
                    operator.untilAllReady(),
                    operator.callsUntilReady(),
                    operator.callsByEndpoint(),
                    operator.callsPerSteadyPoll(),
                    operator.steadyCalls(),
                    operator.peakHeapBytes(),
                    operator.distinctVmids(),
                    floor,
                    floorCalls);
        } finally {
            heap.interrupt();
        }
    }

    static final int TEMPLATE = 9000;
    static final int MAX_TASKS_PER_NODE = 64;

    private static PveSimulator simulator(Settings s) {
        TaskDurations durations = TaskDurations.defaults().scaledBy(s.taskScale());
        PveSimulator sim =
                PveSimulator.builder()
                        .nodes(3)
                        .timeScale(s.timeScale())
                        .taskDurations(durations)
                        .nodeMemory(4L << 40)
                        .build()
                        .start();
        if (!s.apiLatency().isZero()) {
            sim.faults().latency(".*", s.apiLatency());
        }
        sim.cluster()
                .createTemplate(
                        "pve1",
                        TEMPLATE,
                        Map.of(
                                "name",
                                "bench-template",
                                "memory",
                                "512",
                                "scsi0",
                                "ceph-vm:4",
                                "net0",
                                "virtio,bridge=vmbr0"));
        return sim;
    }

    private static Result measure(Settings s, PrintStream log, HeapSampler heap)
            throws InterruptedException {
        try (EmbeddedKube kube = new EmbeddedKube();
                KubernetesClient client = kube.newClient();
                PveSimulator sim = simulator(s)) {
            String ns = "bench";
            client.namespaces()
                    .resource(
                            new NamespaceBuilder()
                                    .withNewMetadata()
                                    .withName(ns)
                                    .endMetadata()
                                    .build())
                    .create();
            client.secrets()
                    .inNamespace(ns)
                    .resource(
                            new SecretBuilder()
                                    .withNewMetadata()
                                    .withName("pve-token")
                                    .endMetadata()
                                    .withStringData(
                                            Map.of(
                                                    "tokenId",
                                                    sim.apiTokenId(),
                                                    "tokenSecret",
                                                    sim.apiTokenSecret()))
                                    .build())
                    .create();
            try (PvehaOperator operator =
                    new PvehaOperator(
                            client,
                            PvehaOperator.Settings.defaults().withNamespaces(Set.of(ns)),
                            new SimpleMeterRegistry(),
                            Clock.systemUTC())) {
                operator.start();
                client.resource(cluster(ns, sim, s)).create();
                waitFor(
                        () -> ready(client, ProxmoxCluster.class, ns, "main"),
                        Duration.ofSeconds(60),
                        "the ProxmoxCluster to be Ready");
                sim.requestStats().reset();
                long start = System.nanoTime();
                for (int i = 0; i < s.vms(); i++) {
                    client.resource(vm(ns, "vm-" + i, s.ha())).create();
                }
                log.printf("created %d HaVms, waiting for Ready...%n", s.vms());
                long deadline = System.nanoTime() + s.timeout().toNanos();
                long readyCount = 0;
                while (System.nanoTime() < deadline) {
                    readyCount =
                            client.resources(HaVm.class).inNamespace(ns).list().getItems().stream()
                                    .filter(
                                            v ->
                                                    v.getStatus() != null
                                                            && Conditions.isTrue(
                                                                    v.getStatus().getConditions(),
                                                                    Conditions.READY))
                                    .count();
                    if (readyCount == s.vms()) {
                        break;
                    }
                    Thread.sleep(250);
                }
                if (readyCount != s.vms()) {
                    throw new IllegalStateException(
                            readyCount + " of " + s.vms() + " HaVms Ready after " + s.timeout());
                }
                Duration untilReady = Duration.ofNanos(System.nanoTime() - start);
                long calls = sim.requestStats().total();
                Map<String, Long> byEndpoint =
                        new java.util.TreeMap<>(sim.requestStats().snapshot());
                log.printf(
                        "all Ready after %.1f s; measuring %d steady poll intervals...%n",
                        untilReady.toMillis() / 1000.0, s.steadyPolls());
                sim.requestStats().reset();
                Thread.sleep(
                        Duration.ofSeconds((long) s.pollIntervalSeconds() * s.steadyPolls())
                                .toMillis());
                // Every poll reads /cluster/resources exactly once, so that count is the number of
                // polls in the
                // window (a window of N intervals can hold N or N+1 polls).
                long polls = Math.max(1, sim.requestStats().count("GET /cluster/resources"));
                double perPoll = sim.requestStats().total() / (double) polls;
                int distinct =
                        (int)
                                client
                                        .resources(HaVm.class)
                                        .inNamespace(ns)
                                        .list()
                                        .getItems()
                                        .stream()
                                        .map(v -> v.getStatus().getVmid())
                                        .distinct()
                                        .count();
                return new Result(
                        s.vms(),
                        untilReady,
                        calls,
                        byEndpoint,
                        perPoll,
                        sim.requestStats().snapshot(),
                        heap.peak,
                        distinct,
                        null,
                        0);
            }
        }
    }

    private static ProxmoxCluster cluster(String ns, PveSimulator sim, Settings s) {
        ProxmoxCluster cluster = new ProxmoxCluster();
        cluster.getMetadata().setName("main");
        cluster.getMetadata().setNamespace(ns);
        ProxmoxClusterSpec spec = new ProxmoxClusterSpec();
        spec.setEndpoints(List.of(sim.url()));
        ProxmoxClusterSpec.CredentialsRef credentials = new ProxmoxClusterSpec.CredentialsRef();
        credentials.setName("pve-token");
        spec.setCredentialsSecretRef(credentials);
        ProxmoxClusterSpec.Tls tls = new ProxmoxClusterSpec.Tls();
        tls.setFingerprint(sim.fingerprintSha256());
        spec.setTls(tls);
        spec.setPollIntervalSeconds(s.pollIntervalSeconds());
        ProxmoxClusterSpec.ClientSettings client = new ProxmoxClusterSpec.ClientSettings();
        client.setRequestsPerSecond(s.requestsPerSecond());
        client.setMaxConcurrentTasksPerNode(MAX_TASKS_PER_NODE);
        spec.setClient(client);
        cluster.setSpec(spec);
        return cluster;
    }

    private static HaVm vm(String ns, String name, boolean ha) {
        HaVm vm = new HaVm();
        vm.getMetadata().setName(name);
        vm.getMetadata().setNamespace(ns);
        HaVmSpec spec = new HaVmSpec();
        spec.setClusterRef(new ObjectRef("main"));
        Source source = new Source();
        TemplateSource template = new TemplateSource();
        template.setVmid(9000);
        source.setTemplate(template);
        spec.setSource(source);
        if (ha) {
            Ha settings = new Ha();
            settings.setEnabled(true);
            spec.setHa(settings);
        }
        vm.setSpec(spec);
        return vm;
    }

    private static <
                    T extends
                            io.fabric8.kubernetes.client.CustomResource<
                                            ?, ? extends io.pveha.api.PvehaStatus>>
            boolean ready(KubernetesClient client, Class<T> type, String ns, String name) {
        T r = client.resources(type).inNamespace(ns).withName(name).get();
        return r != null
                && r.getStatus() != null
                && Conditions.isTrue(r.getStatus().getConditions(), Conditions.READY);
    }

    private static void waitFor(
            java.util.function.BooleanSupplier condition, Duration timeout, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out waiting for " + what);
            }
            Thread.sleep(200);
        }
    }

    /** Samples used heap every 100 ms (operator, simulator and mock API server share this JVM). */
    private static final class HeapSampler extends Thread {
        volatile long peak;

        HeapSampler() {
            super("heap-sampler");
            setDaemon(true);
        }

        @Override
        public void run() {
            Runtime runtime = Runtime.getRuntime();
            while (!isInterrupted()) {
                peak = Math.max(peak, runtime.totalMemory() - runtime.freeMemory());
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }
}
