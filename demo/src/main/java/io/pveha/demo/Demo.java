package io.pveha.demo;

import com.sun.net.httpserver.HttpServer;
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
import io.pveha.statuspage.StatusPage;
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
    /**
     * How the demo runs. The status page listens on {@code statusAddress:statusPort} (0: any free
     * port; a busy port falls back to a free one); {@code loadBalancer}: run the LoadBalancerPair
     * on real daemons in network namespaces when this machine can.
     */
    public record Settings(
            Path examples,
            int kubePort,
            Path kubeconfigOut,
            double timeScale,
            boolean failNode,
            Duration refresh,
            PrintStream out,
            String statusAddress,
            int statusPort,
            boolean loadBalancer) {
        public Settings(
                Path examples,
                int kubePort,
                Path kubeconfigOut,
                double timeScale,
                boolean failNode,
                Duration refresh,
                PrintStream out) {
            this(
                    examples,
                    kubePort,
                    kubeconfigOut,
                    timeScale,
                    failNode,
                    refresh,
                    out,
                    "127.0.0.1",
                    0,
                    true);
        }
    }

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
    private final StatusPage statusPage;
    private final HttpServer statusServer;
    private Optional<DemoLoadBalancer> loadBalancer = Optional.empty();
    private volatile String failedNode;
    private volatile Instant failedAtReal;
    private volatile Duration recoveredAfter;
    private volatile Instant resolvedAt;

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
        this.statusPage =
                new StatusPage(
                        operator.statusSource(), StatusPage.Settings.defaults(), Clock.systemUTC());
        this.statusServer = listen(statusPage, settings.statusAddress(), settings.statusPort());
    }

    /** The status page's server; a busy port falls back to any free one. */
    private static HttpServer listen(StatusPage page, String address, int port) throws IOException {
        try {
            return page.listen(address, port);
        } catch (java.net.BindException e) {
            return page.listen(address, 0);
        }
    }

    /** The status page's URL (what the demo prints as {@code status page: URL}). */
    public String statusPageUrl() {
        String host = statusServer.getAddress().getAddress().getHostAddress();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return "http://"
                + ("0.0.0.0".equals(host) ? "127.0.0.1" : host)
                + ":"
                + statusServer.getAddress().getPort()
                + "/";
    }

    /** Runs until the thread is interrupted (Ctrl-C closes the demo). */
    public void run() throws InterruptedException {
        PrintStream out = settings.out();
        out.println("status page: " + statusPageUrl());
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
        if (settings.loadBalancer()) {
            loadBalancer = DemoLoadBalancer.prepare(client, NAMESPACE, out);
        }
        operator.start();
        statusPage.start();
        apply();
        Instant started = Instant.now();
        boolean failed = false;
        Instant failedAt = null;
        Instant recoveredSeen = null;
        Instant vmsReadyAt = null;
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
            if (settings.failNode() && !failed && allVmsReady() && vmsReadyAt == null) {
                vmsReadyAt = Instant.now();
            }
            if (settings.failNode()
                    && !failed
                    && vmsReadyAt != null
                    && loadBalancerSettled(vmsReadyAt)) {
                Optional<String> node = nodeToFail();
                if (node.isPresent()) {
                    moved = haVmsOn(node.get());
                    out.printf(
                            "%n*** everything is Ready after %.0f s%s. Powering off %s (it runs %s): watch PVE HA restart its VMs"
                                    + " on the other nodes (fence after 60 simulated s, recovery after the 120 s agent lock)%n",
                            Duration.between(started, Instant.now()).toMillis() / 1000.0,
                            loadBalancer.isPresent()
                                    ? loadBalancer.get().ready()
                                            ? " (the load balancer too: VIP on lb1, backends 2/2 UP)"
                                            : " (the load balancer is not Ready yet: see its status)"
                                    : "",
                            node.get(),
                            String.join(", ", moved));
                    sim.faults().powerOff(node.get());
                    failedAtReal = Instant.now();
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
            if (poweredOn && resolvedAt == null && incidentClosed(failedNode)) {
                resolvedAt = Instant.now();
                out.printf(
                        "%n*** %s is back online and the incident is resolved: the status page shows it in the incident's"
                                + " timeline%n",
                        failedNode);
                loadBalancer.ifPresent(DemoLoadBalancer::startScenario);
            }
            Thread.sleep(settings.refresh().toMillis());
        }
    }

    private void apply() {
        int applied = 0;
        for (HasMetadata document : ExampleManifests.load(client, settings.examples())) {
            if (LoadBalancerPair.KIND.equals(document.getKind()) && loadBalancer.isEmpty()) {
                settings.out()
                        .println(
                                "skipping LoadBalancerPair "
                                        + document.getMetadata().getName()
                                        + (settings.loadBalancer()
                                                ? ": it manages real keepalived/haproxy hosts over SSH, and this machine cannot run"
                                                        + " them in network namespaces (see above)"
                                                : ": --no-load-balancer"));
                continue;
            }
            HasMetadata adapted = ExampleManifests.adapt(document, sim, client, inbox);
            if (loadBalancer.isPresent()) {
                try {
                    adapted = loadBalancer.get().adapt(adapted);
                } catch (Exception e) {
                    throw new IllegalStateException("cannot point the example at the LB lab", e);
                }
            }
            client.resource(adapted).createOr(r -> r.update());
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

    /**
     * With the load-balancer part, the node failure waits for the pair to be Ready (its backends
     * are checked only once the POS API HaVms have their addresses) so that the two stories do not
     * mix; at most {@link #LB_SETTLE} after the VMs are Ready.
     */
    private boolean loadBalancerSettled(Instant vmsReady) {
        return loadBalancer.isEmpty()
                || loadBalancer.get().ready()
                || Duration.between(vmsReady, Instant.now()).compareTo(LB_SETTLE) > 0;
    }

    static final Duration LB_SETTLE = Duration.ofSeconds(60);

    /** The failed node is online again and the cluster's status has no open incident. */
    private boolean incidentClosed(String node) {
        ProxmoxCluster cluster =
                client.resources(ProxmoxCluster.class).inNamespace(NAMESPACE).withName("pve").get();
        if (cluster == null || cluster.getStatus() == null) {
            return false;
        }
        boolean online =
                cluster.getStatus().getNodes().stream()
                        .anyMatch(
                                n ->
                                        node.equals(n.getName())
                                                && Boolean.TRUE.equals(n.getOnline()));
        boolean noIncident =
                cluster.getStatus().getAlerting() == null
                        || cluster.getStatus().getAlerting().getIncidents().isEmpty();
        return online && noIncident;
    }

    /** When (real time) the demo powered the node off. */
    Optional<Instant> failedAt() {
        return Optional.ofNullable(failedAtReal);
    }

    /** When the failed node was back and its incident closed. */
    Optional<Instant> resolvedAt() {
        return Optional.ofNullable(resolvedAt);
    }

    /** The load-balancer part, when this machine runs it. */
    Optional<DemoLoadBalancer> loadBalancer() {
        return loadBalancer;
    }

    StatusPage statusPage() {
        return statusPage;
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
        statusPage.close();
        statusServer.stop(0);
        loadBalancer.ifPresent(DemoLoadBalancer::close);
        operator.close();
        inbox.close();
        sim.close();
        client.close();
        kube.close();
    }
}
