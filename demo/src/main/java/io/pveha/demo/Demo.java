package io.pveha.demo;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pveha.api.backup.BackupPolicy;
import io.pveha.api.ceph.CephPool;
import io.pveha.api.cluster.ProxmoxCluster;
import io.pveha.api.lb.LoadBalancerPair;
import io.pveha.api.vm.HaVm;
import io.pveha.pve.PveClient;
import io.pveha.pve.PvePath;
import io.pveha.pve.PveTls;
import io.pveha.pve.PveToken;
import io.pveha.reconciler.Conditions;
import io.pveha.runtime.PvehaOperator;
import io.pveha.simulator.PveSimulator;
import io.pveha.testing.kube.EmbeddedKube;
import io.pveha.testing.kube.KubeDiscovery;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The embedded demo: a mock Kubernetes API server kubectl can talk to, a 3-node PVE simulator on a
 * sped-up clock and the operator, all in this process. It applies the example platform, shows it
 * converging, then powers off a node and shows PVE HA bring its VMs back on the others.
 */
public final class Demo implements AutoCloseable {
    /** How the demo runs. */
    public record Settings(
            Path examples,
            int kubePort,
            Path kubeconfigOut,
            double timeScale,
            boolean failNode,
            Duration refresh,
            PrintStream out) {}

    static final String NAMESPACE = "store-platform";

    /**
     * The operator's CRDs (generated into its jar) in the order the demo's table, and kubectl
     * against the demo's API server, list them.
     */
    static final List<String> CRDS =
            List.of(
                            ProxmoxCluster.class,
                            HaVm.class,
                            CephPool.class,
                            LoadBalancerPair.class,
                            BackupPolicy.class)
                    .stream()
                    .map(
                            kind ->
                                    KubeDiscovery.CRD_DIRECTORY
                                            + HasMetadata.getFullResourceName(kind)
                                            + "-v1.yml")
                    .toList();

    private final Settings settings;
    private final EmbeddedKube kube;
    private final KubernetesClient client;
    private final PveSimulator sim;
    private final PvehaOperator operator;
    private final StatusTable table;
    private final AlertInbox inbox;
    private final Set<String> announced = new HashSet<>();
    private volatile String failedNode;
    private volatile Duration recoveredAfter;

    public Demo(Settings settings) throws IOException {
        this.settings = settings;
        KubeDiscovery discovery = new KubeDiscovery(CRDS);
        this.table = new StatusTable(discovery);
        this.kube = new EmbeddedKube(settings.kubePort(), discovery);
        this.client = kube.newClient();
        this.sim =
                PveSimulator.builder()
                        .nodes(3)
                        .clusterName("store-chain")
                        .timeScale(settings.timeScale())
                        .build()
                        .start();
        Files.writeString(settings.kubeconfigOut(), kube.kubeconfig(NAMESPACE));
        this.inbox = new AlertInbox(settings.out());
        this.operator =
                new PvehaOperator(
                        client,
                        PvehaOperator.Settings.defaults(),
                        new SimpleMeterRegistry(),
                        Clock.systemUTC());
    }

    /** Runs until the thread is interrupted (Ctrl-C closes the demo). */
    public void run() throws InterruptedException {
        PrintStream out = settings.out();
        out.println(
                "pve-ha-operator demo: Kubernetes API (mock) "
                        + kube.url()
                        + ", Proxmox VE (simulated) "
                        + sim.url()
                        + ", simulated clock x"
                        + settings.timeScale());
        out.println(
                "kubectl: export KUBECONFIG="
                        + settings.kubeconfigOut().toAbsolutePath()
                        + "  then  kubectl get pveha");
        out.println(
                "operator log: "
                        + Optional.ofNullable(System.getenv("DEMO_LOG")).orElse("pveha-demo.log")
                        + " (when started with the demo command)");
        operator.start();
        apply();
        Instant started = Instant.now();
        boolean failed = false;
        Instant failedAt = null;
        Instant recoveredSeen = null;
        boolean poweredOn = false;
        List<String> moved = List.of();
        String lastTable = "";
        while (!Thread.currentThread().isInterrupted()) {
            finishInstallers();
            String now = table.render(client, NAMESPACE);
            if (!now.equals(lastTable)) {
                out.printf(
                        "%n--- %s (%.0f s) ---%n%s",
                        Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
                        Duration.between(started, Instant.now()).toMillis() / 1000.0,
                        now);
                lastTable = now;
            }
            if (settings.failNode() && !failed && allVmsReady()) {
                Optional<String> node = nodeToFail();
                if (node.isPresent()) {
                    moved = haVmsOn(node.get());
                    out.printf(
                            "%n*** everything is Ready after %.0f s. Powering off %s (it runs %s): watch PVE HA restart its VMs"
                                    + " on the other nodes (fence after 60 simulated s, recovery after the 120 s agent lock)%n",
                            Duration.between(started, Instant.now()).toMillis() / 1000.0,
                            node.get(),
                            String.join(", ", moved));
                    sim.faults().powerOff(node.get());
                    failedNode = node.get();
                    failed = true;
                    failedAt = sim.clock().now();
                }
            }
            if (failed && recovered(failedNode, moved)) {
                announceRecovery(failedAt);
                if (recoveredSeen == null) {
                    recoveredSeen = Instant.now();
                }
            }
            if (recoveredSeen != null
                    && !poweredOn
                    && Duration.between(recoveredSeen, Instant.now()).toSeconds() >= 5) {
                poweredOn = true;
                out.printf(
                        "%n*** powering %s back on: it rejoins the cluster and the alert's incident closes%n",
                        failedNode);
                sim.faults().powerOn(failedNode);
            }
            Thread.sleep(settings.refresh().toMillis());
        }
    }

    private void apply() {
        int applied = 0;
        for (HasMetadata document : ExampleManifests.load(client, settings.examples())) {
            if (LoadBalancerPair.KIND.equals(document.getKind())) {
                settings.out()
                        .println(
                                "skipping LoadBalancerPair "
                                        + document.getMetadata().getName()
                                        + ": it manages real keepalived/haproxy hosts over SSH (the network-namespace lab in `mvn verify` runs it)");
                continue;
            }
            client.resource(ExampleManifests.adapt(document, sim, client, inbox))
                    .createOr(r -> r.update());
            applied++;
        }
        settings.out()
                .println(
                        "applied "
                                + applied
                                + " resources from "
                                + (settings.examples() != null
                                                && Files.isDirectory(settings.examples())
                                        ? settings.examples()
                                        : "the bundled examples"));
    }

    /**
     * A template-to-be boots its installer ISO and waits for the OS installation; here nobody sits
     * at the console, so the demo plays the installer: once it runs, it "finishes" and powers the
     * VM off.
     */
    private void finishInstallers() {
        for (HaVm vm : haVms()) {
            boolean waiting =
                    vm.getStatus() != null
                            && Conditions.find(vm.getStatus().getConditions(), Conditions.READY)
                                    .map(c -> "WaitingForInstall".equals(c.getReason()))
                                    .orElse(false);
            if (waiting && announced.add("install:" + vm.getMetadata().getName())) {
                settings.out()
                        .println(
                                "*** "
                                        + vm.getMetadata().getName()
                                        + " booted the Debian installer; the demo plays the admin:"
                                        + " installation done, shutting the VM down so the operator turns it into a template");
                try (PveClient admin =
                        new PveClient(
                                PveClient.Config.of(
                                        List.of(sim.url()),
                                        new PveToken(sim.apiTokenId(), sim.apiTokenSecret()),
                                        PveTls.pinned(sim.fingerprintSha256())),
                                null)) {
                    admin.post(
                            PvePath.of(
                                    "nodes",
                                    vm.getStatus().getNode(),
                                    "qemu",
                                    vm.getStatus().getVmid(),
                                    "status",
                                    "shutdown"),
                            Map.of());
                }
            }
        }
    }

    private void announceRecovery(Instant failedAt) {
        if (announced.add("recovered")) {
            Duration simulated = Duration.between(failedAt, sim.clock().now());
            recoveredAfter = simulated;
            settings.out()
                    .printf(
                            "%n*** all VMs are Ready again, %d simulated seconds after the node failure. Ctrl-C to stop;"
                                    + " kubectl keeps working meanwhile.%n",
                            simulated.toSeconds());
        }
    }

    private List<HaVm> haVms() {
        return client.resources(HaVm.class).inNamespace(NAMESPACE).list().getItems();
    }

    private boolean allVmsReady() {
        List<HaVm> vms = haVms();
        return !vms.isEmpty()
                && vms.stream()
                        .allMatch(
                                v ->
                                        v.getStatus() != null
                                                && Conditions.isTrue(
                                                        v.getStatus().getConditions(),
                                                        Conditions.READY));
    }

    private static boolean haManaged(HaVm vm) {
        return vm.getSpec().getHa() != null
                && Boolean.TRUE.equals(vm.getSpec().getHa().getEnabled());
    }

    /**
     * The node to power off: the one running the most HA VMs, preferring a node without VMs that
     * are not HA-managed (a template or a plain VM would simply go offline with it, which shows
     * nothing).
     */
    private Optional<String> nodeToFail() {
        Map<String, List<HaVm>> byNode =
                haVms().stream()
                        .filter(v -> v.getStatus() != null && v.getStatus().getNode() != null)
                        .collect(
                                java.util.stream.Collectors.groupingBy(
                                        v -> v.getStatus().getNode()));
        return byNode.entrySet().stream()
                .filter(e -> e.getValue().stream().anyMatch(Demo::haManaged))
                .max(
                        Comparator.<Map.Entry<String, List<HaVm>>>comparingInt(
                                        e ->
                                                e.getValue().stream().allMatch(Demo::haManaged)
                                                        ? 1
                                                        : 0)
                                .thenComparingLong(
                                        e -> e.getValue().stream().filter(Demo::haManaged).count())
                                .thenComparing(Map.Entry::getKey, Comparator.reverseOrder()))
                .map(Map.Entry::getKey);
    }

    private List<String> haVmsOn(String node) {
        return haVms().stream()
                .filter(v -> haManaged(v) && node.equals(v.getStatus().getNode()))
                .map(v -> v.getMetadata().getName())
                .sorted()
                .toList();
    }

    /** Every HA VM that ran on the failed node is Ready on another node, and all VMs are Ready. */
    private boolean recovered(String failed, List<String> moved) {
        List<HaVm> vms = haVms();
        return allVmsReady()
                && vms.stream()
                        .filter(v -> moved.contains(v.getMetadata().getName()))
                        .allMatch(
                                v ->
                                        v.getStatus().getNode() != null
                                                && !failed.equals(v.getStatus().getNode())
                                                && "running".equals(v.getStatus().getPowerState()));
    }

    /** The node the demo powered off, once it has. */
    Optional<String> failedNode() {
        return Optional.ofNullable(failedNode);
    }

    /** Simulated time from the node failure until every VM was Ready again, once that happened. */
    Optional<Duration> recoveredAfter() {
        return Optional.ofNullable(recoveredAfter);
    }

    KubernetesClient client() {
        return client;
    }

    @Override
    public void close() {
        operator.close();
        inbox.close();
        sim.close();
        client.close();
        kube.close();
    }
}
