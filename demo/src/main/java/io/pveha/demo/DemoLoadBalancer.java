package io.pveha.demo;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pveha.api.cluster.ProxmoxCluster;
import io.pveha.api.lb.HostPaths;
import io.pveha.api.lb.LbHost;
import io.pveha.api.lb.LoadBalancerPair;
import io.pveha.api.lb.LoadBalancerPairStatus;
import io.pveha.api.monitoring.AlertState;
import io.pveha.api.monitoring.BuiltinItem;
import io.pveha.api.monitoring.ClusterMonitoring;
import io.pveha.api.monitoring.MonitoringItem;
import io.pveha.api.vm.HaVm;
import io.pveha.api.vm.IpConfig;
import io.pveha.testing.netns.NetnsLab;
import io.pveha.testing.netns.RequestLoop;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The demo's load-balancer part, for real: the example's LoadBalancerPair runs on two LB hosts in
 * network namespaces (sshd, keepalived and haproxy from the machine's packages, as the
 * load-balancer lab test runs them), in front of real HTTP servers standing in for the POS API on
 * pos-api-1 and pos-api-2 (the HaVms get those servers' addresses). Then the plan's three
 * load-balancer lines, with a request every 50 ms to the VIP as the tills: a backend stopped
 * (service unaffected, LbBackendDown alert), the master balancer stopped (VIP moves to the backup)
 * and restored by the operator (VIP returns).
 *
 * <p>Needs root and the packages; {@link #prepare} says what is missing instead.
 */
final class DemoLoadBalancer implements AutoCloseable {
    static final String LB = "store-lb";
    static final long REQUEST_PERIOD_MILLIS = 50;

    /** One of the plan's load-balancer lines as the demo ran it. */
    record Step(String line, long tookMillis, int failed, int requests, String holder) {}

    private final NetnsLab lab;
    private final KubernetesClient client;
    private final String namespace;
    private final PrintStream out;
    private final List<Step> steps = new ArrayList<>();
    private volatile boolean done;
    private volatile String failure;
    private Thread thread;

    private DemoLoadBalancer(
            NetnsLab lab, KubernetesClient client, String namespace, PrintStream out) {
        this.lab = lab;
        this.client = client;
        this.namespace = namespace;
        this.out = out;
    }

    /** The lab, if this machine can run it; else prints what is skipped and why. */
    static Optional<DemoLoadBalancer> prepare(
            KubernetesClient client, String namespace, PrintStream out) {
        List<String> missing = NetnsLab.missing();
        if (!missing.isEmpty()) {
            out.println(
                    "skipping the load-balancer part (LoadBalancerPair "
                            + LB
                            + "): "
                            + String.join("; ", missing)
                            + ". Run the demo as root on a machine with keepalived, haproxy, openssh-server, socat"
                            + " and python3 to see it (the network-namespace lab in `mvn verify` runs it).");
            return Optional.empty();
        }
        try {
            NetnsLab lab = NetnsLab.create(2);
            out.println(
                    "load balancer: two LB hosts lb1 "
                            + lab.address("lb1")
                            + " and lb2 "
                            + lab.address("lb2")
                            + " (sshd, keepalived, haproxy) and the POS API servers "
                            + lab.address("be1")
                            + ", "
                            + lab.address("be2")
                            + " in network namespaces pvlb-"
                            + lab.id()
                            + "-*; VIP "
                            + lab.vip());
            return Optional.of(new DemoLoadBalancer(lab, client, namespace, out));
        } catch (Exception e) {
            out.println(
                    "skipping the load-balancer part: the network-namespace lab could not be built: "
                            + e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * The example documents pointed at the lab: the LB hosts, their keys and files, the VIP; the
     * POS API HaVms get the backends' addresses; LbBackendDown fires after 2 s instead of 30 so the
     * demo shows it at once.
     */
    HasMetadata adapt(HasMetadata document) throws Exception {
        if (document instanceof Secret secret
                && "lb-ssh-key".equals(secret.getMetadata().getName())) {
            Map<String, String> data = new LinkedHashMap<>();
            data.put("ssh-privatekey", Base64.getEncoder().encodeToString(lab.clientPrivateKey()));
            secret.setStringData(null);
            secret.setData(data);
            return secret;
        }
        if (LoadBalancerPair.KIND.equals(document.getKind())) {
            LoadBalancerPair lb = typed(document, LoadBalancerPair.class);
            // 1 s as the LB lab test: the demo shows each move at once.
            lb.getSpec().setPollIntervalSeconds(1);
            for (LbHost host : lb.getSpec().getHosts()) {
                String name = host.getName();
                host.setAddress(lab.address(name));
                host.setSshPort(NetnsLab.SSH_PORT);
                host.setHostKey(lab.hostKey(name));
                HostPaths paths = new HostPaths();
                paths.setHaproxyConfig(lab.layout(name).haproxyConfig());
                paths.setKeepalivedConfig(lab.layout(name).keepalivedConfig());
                paths.setRunDir(lab.layout(name).runDir());
                host.setPaths(paths);
            }
            lb.getSpec().getVip().setAddress(lab.vip());
            lb.getSpec().getVip().setPrefixLength(24);
            return lb;
        }
        if (HaVm.KIND.equals(document.getKind())) {
            HaVm vm = typed(document, HaVm.class);
            String name = vm.getMetadata().getName();
            if (name.startsWith("pos-api-") && vm.getSpec().getCloudInit() != null) {
                String backend = "be" + name.substring("pos-api-".length());
                IpConfig ip = vm.getSpec().getCloudInit().getIpConfigs().get(0);
                ip.setIp(lab.address(backend) + "/24");
                ip.setGateway(lab.address("host"));
            }
            return vm;
        }
        if (document instanceof ProxmoxCluster cluster) {
            ClusterMonitoring monitoring =
                    cluster.getSpec().getMonitoring() == null
                            ? new ClusterMonitoring()
                            : cluster.getSpec().getMonitoring();
            MonitoringItem backendDown = new MonitoringItem();
            backendDown.setName(BuiltinItem.LbBackendDown);
            backendDown.setForSeconds(2);
            List<MonitoringItem> items = new ArrayList<>(monitoring.getItems());
            items.removeIf(i -> i.getName() == BuiltinItem.LbBackendDown);
            items.add(backendDown);
            monitoring.setItems(items);
            cluster.getSpec().setMonitoring(monitoring);
            return cluster;
        }
        return document;
    }

    /** The document as its kind's class (the examples loader may hand back a generic resource). */
    private <T extends HasMetadata> T typed(HasMetadata document, Class<T> kind) {
        return kind.isInstance(document)
                ? kind.cast(document)
                : client.getKubernetesSerialization().convertValue(document, kind);
    }

    /** Runs the three lines in a thread of its own; {@link #done()} once finished. */
    void startScenario() {
        thread = new Thread(this::scenario, "demo-load-balancer");
        thread.setDaemon(true);
        thread.start();
    }

    boolean done() {
        return done;
    }

    /** What went wrong, if the scenario could not finish. */
    Optional<String> failure() {
        return Optional.ofNullable(failure);
    }

    List<Step> steps() {
        synchronized (steps) {
            return List.copyOf(steps);
        }
    }

    /** The pair is Ready: the VIP on lb1 (the master), both backends UP. */
    boolean ready() {
        LoadBalancerPair lb =
                client.resources(LoadBalancerPair.class).inNamespace(namespace).withName(LB).get();
        return lb != null
                && lb.getStatus() != null
                && "lb1".equals(lb.getStatus().getVipHolder())
                && "2/2".equals(lb.getStatus().getBackendsSummary());
    }

    String vip() {
        return lab.vip();
    }

    private void scenario() {
        try {
            LoadBalancerPairStatus ready =
                    await(
                            "the pair Ready with the VIP on lb1 and both backends UP",
                            s ->
                                    "lb1".equals(s.getVipHolder())
                                            && "2/2".equals(s.getBackendsSummary()),
                            Duration.ofSeconds(90));
            out.printf(
                    "%n*** load balancer %s is Ready: VIP %s on %s, backends %s UP. The tills' requests go to the VIP from"
                            + " now on (one every %d ms).%n",
                    LB,
                    lab.vip(),
                    ready.getVipHolder(),
                    ready.getBackendsSummary(),
                    REQUEST_PERIOD_MILLIS);
            try (RequestLoop tills = RequestLoop.start(lab.vip(), 80, REQUEST_PERIOD_MILLIS)) {
                Thread.sleep(1000); // the demo's pace: traffic flows before the first fault

                // 1. A backend stopped: service unaffected, the check alert fires.
                out.printf(
                        "%n*** stopping the POS API service on pos-api-1 (%s:8080, SIGKILL): haproxy's health check takes it"
                                + " out, the tills keep being served by pos-api-2%n",
                        lab.address("be1"));
                long t0 = System.currentTimeMillis();
                lab.killBackend(1);
                await(
                        "pos-api-1 DOWN",
                        s -> "1/2".equals(s.getBackendsSummary()),
                        Duration.ofSeconds(30));
                long down = System.currentTimeMillis() - t0;
                awaitAlert("LbBackendDown", Duration.ofSeconds(30));
                RequestLoop.Summary during =
                        tills.snapshot().between(t0, System.currentTimeMillis());
                record(
                        "backend stopped -> service unaffected",
                        down,
                        during,
                        "lb1",
                        String.format(
                                "*** haproxy marked pos-api-1 DOWN after %.1f s; alert LbBackendDown is firing; requests"
                                        + " failed meanwhile: %d of %d",
                                down / 1000.0, during.failed(), during.total()));
                out.println("*** starting the POS API service on pos-api-1 again");
                lab.startBackend(1);
                await(
                        "pos-api-1 UP again",
                        s -> "2/2".equals(s.getBackendsSummary()),
                        Duration.ofSeconds(30));
                out.println("*** pos-api-1 is UP again: backends 2/2");

                // 2. The master balancer stopped: the VIP moves to the backup.
                out.printf(
                        "%n*** stopping the master balancer lb1 (keepalived and haproxy, SIGTERM): the VIP moves to lb2%n");
                long t1 = System.currentTimeMillis();
                lab.stopDaemons("lb1");
                await(
                        "the VIP on lb2",
                        s -> "lb2".equals(s.getVipHolder()),
                        Duration.ofSeconds(30));
                long moved = System.currentTimeMillis() - t1;
                RequestLoop.Summary failover =
                        tills.snapshot().between(t1, System.currentTimeMillis());
                record(
                        "master stopped -> VIP moves to the backup",
                        moved,
                        failover,
                        "lb2",
                        String.format(
                                "*** the VIP is on lb2 (status after %.1f s); requests failed meanwhile: %d of %d",
                                moved / 1000.0, failover.failed(), failover.total()));

                // 3. The master restored (the operator starts its daemons again): the VIP returns.
                out.println(
                        "*** the operator finds lb1's keepalived and haproxy stopped on two polls in a row and starts"
                                + " them again; lb1 takes the VIP back (preempt) once its haproxy sees a healthy backend");
                long t2 = System.currentTimeMillis();
                await(
                        "the VIP back on lb1",
                        s -> "lb1".equals(s.getVipHolder()),
                        Duration.ofSeconds(60));
                long back = System.currentTimeMillis() - t2;
                Thread.sleep(500); // traffic after the return, counted too
                RequestLoop.Summary failback =
                        tills.snapshot().between(t2, System.currentTimeMillis());
                record(
                        "master restored -> VIP returns",
                        back,
                        failback,
                        "lb1",
                        String.format(
                                "*** the VIP is back on lb1 after %.1f s; requests failed meanwhile: %d of %d",
                                back / 1000.0, failback.failed(), failback.total()));
                RequestLoop.Summary all = tills.stop();
                out.printf(
                        "%n*** load balancer: the plan's three lines ran: backend stopped (service unaffected), master"
                                + " stopped (VIP moved to lb2), master restored (VIP back on lb1); %d of %d tills'"
                                + " requests failed in all. Ctrl-C to stop; the status page and kubectl keep working.%n",
                        all.failed(), all.total());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = "interrupted";
        } catch (Exception | Error e) {
            failure = e.getMessage();
            out.println("*** load balancer part stopped: " + e.getMessage());
        } finally {
            done = true;
        }
    }

    private void record(String line, long took, RequestLoop.Summary s, String holder, String text) {
        synchronized (steps) {
            steps.add(new Step(line, took, s.failed(), s.total(), holder));
        }
        out.println(text);
    }

    private LoadBalancerPairStatus await(
            String what, Predicate<LoadBalancerPairStatus> until, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            LoadBalancerPair lb =
                    client.resources(LoadBalancerPair.class)
                            .inNamespace(namespace)
                            .withName(LB)
                            .get();
            if (lb != null && lb.getStatus() != null && until.test(lb.getStatus())) {
                return lb.getStatus();
            }
            Thread.sleep(100); // the demo polls the status it narrates
        }
        throw new IllegalStateException(
                "load balancer: no " + what + " within " + timeout.toSeconds() + " s");
    }

    private void awaitAlert(String alertname, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (ProxmoxCluster c :
                    client.resources(ProxmoxCluster.class)
                            .inNamespace(namespace)
                            .list()
                            .getItems()) {
                if (c.getStatus() != null && c.getStatus().getAlerting() != null) {
                    for (AlertState a : c.getStatus().getAlerting().getAlerts()) {
                        if (alertname.equals(a.getAlertname()) && "firing".equals(a.getState())) {
                            return;
                        }
                    }
                }
            }
            Thread.sleep(100); // the demo polls the status it narrates
        }
        throw new IllegalStateException("load balancer: alert " + alertname + " did not fire");
    }

    @Override
    public void close() {
        if (thread != null) {
            thread.interrupt();
        }
        lab.close();
    }
}
