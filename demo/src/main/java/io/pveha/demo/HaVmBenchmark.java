package io.pveha.demo;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pveha.api.ObjectRef;
import io.pveha.api.cluster.ProxmoxCluster;
import io.pveha.api.cluster.ProxmoxClusterSpec;
import io.pveha.api.vm.HaVm;
import io.pveha.api.vm.HaVmSpec;
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
 * Creates N HaVms (linked clones of one template) against the simulator through the real operator and
 * the mock API server, and measures: time until all are Ready, PVE API calls in total and per
 * steady-state poll interval, and peak heap. Run with {@code java -jar demo/target/pve-ha-demo.jar benchmark}.
 */
public final class HaVmBenchmark {
    /** What to run. */
    public record Settings(int vms, Duration apiLatency, double taskScale, double timeScale, int requestsPerSecond,
                           int pollIntervalSeconds, int steadyPolls, Duration timeout) {
    }

    /** What was measured. */
    public record Result(int vms, Duration untilAllReady, long callsUntilReady, double callsPerSteadyPoll,
                         Map<String, Long> steadyCalls, long peakHeapBytes, int distinctVmids) {
        public void print(PrintStream out) {
            out.printf(Locale.ROOT, "HaVms                    %d%n", vms);
            out.printf(Locale.ROOT, "time until all Ready     %.1f s%n", untilAllReady.toMillis() / 1000.0);
            out.printf(Locale.ROOT, "PVE API calls (total)    %d (%.1f per VM)%n", callsUntilReady, callsUntilReady / (double) vms);
            out.printf(Locale.ROOT, "calls per steady poll    %.1f %s%n", callsPerSteadyPoll, steadyCalls);
            out.printf(Locale.ROOT, "peak heap used           %d MiB (operator, simulator and mock API server in one JVM)%n", peakHeapBytes >> 20);
            out.printf(Locale.ROOT, "distinct VMIDs           %d%n", distinctVmids);
        }
    }

    private HaVmBenchmark() {
    }

    public static Result run(Settings s, PrintStream log) throws InterruptedException {
        HeapSampler heap = new HeapSampler();
        heap.start();
        try {
            return measure(s, log, heap);
        } finally {
            heap.interrupt();
        }
    }

    private static Result measure(Settings s, PrintStream log, HeapSampler heap) throws InterruptedException {
        TaskDurations durations = TaskDurations.defaults().scaledBy(s.taskScale());
        try (EmbeddedKube kube = new EmbeddedKube();
             KubernetesClient client = kube.newClient();
             PveSimulator sim = PveSimulator.builder().nodes(3).timeScale(s.timeScale()).taskDurations(durations)
                     .nodeMemory(4L << 40).build().start()) {
            if (!s.apiLatency().isZero()) {
                sim.faults().latency(".*", s.apiLatency());
            }
            sim.cluster().createTemplate("pve1", 9000, Map.of("name", "bench-template", "memory", "512", "scsi0", "ceph-vm:4",
                    "net0", "virtio,bridge=vmbr0"));
            String ns = "bench";
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
            client.secrets().inNamespace(ns).resource(new SecretBuilder().withNewMetadata().withName("pve-token").endMetadata()
                    .withStringData(Map.of("tokenId", sim.apiTokenId(), "tokenSecret", sim.apiTokenSecret())).build()).create();
            try (PvehaOperator operator = new PvehaOperator(client, PvehaOperator.Settings.defaults().withNamespaces(Set.of(ns)),
                    new SimpleMeterRegistry(), Clock.systemUTC())) {
                operator.start();
                client.resource(cluster(ns, sim, s)).create();
                waitFor(() -> ready(client, ProxmoxCluster.class, ns, "main"), Duration.ofSeconds(60), "the ProxmoxCluster to be Ready");
                sim.requestStats().reset();
                long start = System.nanoTime();
                for (int i = 0; i < s.vms(); i++) {
                    client.resource(vm(ns, "vm-" + i)).create();
                }
                log.printf("created %d HaVms, waiting for Ready...%n", s.vms());
                long deadline = System.nanoTime() + s.timeout().toNanos();
                long readyCount = 0;
                while (System.nanoTime() < deadline) {
                    readyCount = client.resources(HaVm.class).inNamespace(ns).list().getItems().stream()
                            .filter(v -> v.getStatus() != null && Conditions.isTrue(v.getStatus().getConditions(), Conditions.READY)).count();
                    if (readyCount == s.vms()) {
                        break;
                    }
                    Thread.sleep(500);
                }
                if (readyCount != s.vms()) {
                    throw new IllegalStateException(readyCount + " of " + s.vms() + " HaVms Ready after " + s.timeout());
                }
                Duration untilReady = Duration.ofNanos(System.nanoTime() - start);
                long calls = sim.requestStats().total();
                log.printf("all Ready after %.1f s; measuring %d steady poll intervals...%n", untilReady.toMillis() / 1000.0, s.steadyPolls());
                sim.requestStats().reset();
                Thread.sleep(Duration.ofSeconds((long) s.pollIntervalSeconds() * s.steadyPolls()).toMillis());
                // Every poll reads /cluster/resources exactly once, so that count is the number of polls in the
                // window (a window of N intervals can hold N or N+1 polls).
                long polls = Math.max(1, sim.requestStats().count("GET /cluster/resources"));
                double perPoll = sim.requestStats().total() / (double) polls;
                int distinct = (int) client.resources(HaVm.class).inNamespace(ns).list().getItems().stream()
                        .map(v -> v.getStatus().getVmid()).distinct().count();
                return new Result(s.vms(), untilReady, calls, perPoll, sim.requestStats().snapshot(), heap.peak, distinct);
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
        client.setMaxConcurrentTasksPerNode(64);
        spec.setClient(client);
        cluster.setSpec(spec);
        return cluster;
    }

    private static HaVm vm(String ns, String name) {
        HaVm vm = new HaVm();
        vm.getMetadata().setName(name);
        vm.getMetadata().setNamespace(ns);
        HaVmSpec spec = new HaVmSpec();
        spec.setClusterRef(new ObjectRef("main"));
        HaVmSpec.Source source = new HaVmSpec.Source();
        HaVmSpec.TemplateSource template = new HaVmSpec.TemplateSource();
        template.setVmid(9000);
        source.setTemplate(template);
        spec.setSource(source);
        vm.setSpec(spec);
        return vm;
    }

    private static <T extends io.fabric8.kubernetes.client.CustomResource<?, ? extends io.pveha.api.PvehaStatus>> boolean ready(
            KubernetesClient client, Class<T> type, String ns, String name) {
        T r = client.resources(type).inNamespace(ns).withName(name).get();
        return r != null && r.getStatus() != null && Conditions.isTrue(r.getStatus().getConditions(), Conditions.READY);
    }

    private static void waitFor(java.util.function.BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
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
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }
}
