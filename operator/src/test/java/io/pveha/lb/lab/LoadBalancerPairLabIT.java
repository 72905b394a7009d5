package io.pveha.lb.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pveha.api.SecretKeyRef;
import io.pveha.api.lb.Backends;
import io.pveha.api.lb.HealthCheck;
import io.pveha.api.lb.HostPaths;
import io.pveha.api.lb.LbHost;
import io.pveha.api.lb.LbService;
import io.pveha.api.lb.LoadBalancerPair;
import io.pveha.api.lb.LoadBalancerPairSpec;
import io.pveha.api.lb.LoadBalancerPairStatus;
import io.pveha.api.lb.StaticServer;
import io.pveha.api.lb.Vip;
import io.pveha.reconciler.Conditions;
import io.pveha.reconciler.lb.LbWiring;
import io.pveha.testing.SimHarness;
import io.pveha.testing.netns.NetnsLab;
import io.pveha.testing.netns.RequestLoop;
import io.pveha.testing.netns.VipProbe;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The plan's load-balancer acceptance on real daemons: the operator ({@link SimHarness} with only
 * the LoadBalancerPair reconciler, on the embedded API server) manages keepalived + haproxy on two
 * LB hosts over SSH, in network namespaces; a request loop from the test JVM to the VIP counts
 * failed requests through each fault. Each scenario prints one line starting with {@code LB-LAB}.
 *
 * <p>"Within one poll interval" (scenario 4): a reconcile pass starts one poll interval after the
 * previous one ended, and observes both hosts in parallel. A transition is therefore in the status
 * at most one poll interval plus two passes after it happened (the pass running when it happened
 * may just have missed it). The bound asserted is {@code pollInterval + 2 x passBudget + 1 s}, with
 * the pass budget the observation timeout (what a pass costs when a host does not answer) and 1 s
 * for writing the status; the measured latencies are printed and are usually far below.
 *
 * <p>Profiles ({@code -Dpveha.lab.profile}): {@code fast} (default; VRRPv3, 200 ms adverts, 500 ms
 * health checks) keeps the suite short; {@code default} uses the product defaults (VRRPv2, 1 s
 * adverts, PASS authentication from a Secret, 1 s health checks).
 */
@ExtendWith(SharedLab.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LoadBalancerPairLabIT {
    static final String NS = "store-42";
    static final String NAME = "store-lb";
    static final long POLL_MILLIS = 1000;
    static final Duration OBSERVE_TIMEOUT = Duration.ofMillis(1500);

    /**
     * One poll interval after the pass that could first see it, plus writing the status on a loaded
     * machine (1 s).
     */
    static final long STATUS_BOUND_MILLIS = POLL_MILLIS + 2 * OBSERVE_TIMEOUT.toMillis() + 1000;

    static final boolean FAST = !"default".equals(System.getProperty("pveha.lab.profile", "fast"));
    static final int REQUEST_PERIOD_MILLIS = 20;

    static SimHarness h;
    static KubernetesClient client;
    static NetnsLab lab;
    static VipProbe probe;
    static StatusRecorder statuses;
    static final List<String> statusLatencies = new ArrayList<>();
    static long suiteStart;

    @BeforeAll
    static void startOperatorOnTheLab() throws Exception {
        suiteStart = System.currentTimeMillis();
        lab = SharedLab.lab();
        SharedLab.reset();
        h =
                SimHarness.options()
                        .simulators(0)
                        .namespaces(NS)
                        .watchAllNamespaces()
                        .reconcilers(
                                SimHarness.loadBalancerPairsOverSsh(
                                        new LbWiring.Settings(
                                                Duration.ofSeconds(5),
                                                OBSERVE_TIMEOUT,
                                                Duration.ofSeconds(15),
                                                Duration.ofSeconds(8))))
                        .start();
        client = h.client;
        probe = new VipProbe(lab);
        statuses = new StatusRecorder(client, NS, NAME);

        client.resource(
                        new SecretBuilder()
                                .withMetadata(
                                        new ObjectMetaBuilder()
                                                .withName("lb-ssh")
                                                .withNamespace(NS)
                                                .build())
                                .withData(
                                        Map.of(
                                                "ssh-privatekey",
                                                Base64.getEncoder()
                                                        .encodeToString(lab.clientPrivateKey())))
                                .build())
                .create();
        client.resource(
                        new SecretBuilder()
                                .withMetadata(
                                        new ObjectMetaBuilder()
                                                .withName("lb-vrrp")
                                                .withNamespace(NS)
                                                .build())
                                .withStringData(Map.of("password", "lab.Pw1\n"))
                                .build())
                .create();
        long created = System.currentTimeMillis();
        client.resource(pair()).create();

        LoadBalancerPairStatus ready =
                awaitStatus(
                        created,
                        s ->
                                isTrue(s, Conditions.READY)
                                        && "lb1".equals(s.getVipHolder())
                                        && "2/2".equals(s.getBackendsSummary()),
                        60_000);
        long vipUp = probe.await("lb1", created, 10_000);
        System.out.printf(
                "LB-LAB setup profile=%s: pair Ready %d ms after creation (first apply to both hosts, VIP on lb1 after %d ms), "
                        + "router id %d%n",
                FAST ? "fast" : "default",
                statusTime(created, s -> isTrue(s, Conditions.READY)) - created,
                vipUp - created,
                ready.getVirtualRouterId());
    }

    @AfterAll
    static void stopOperator() throws Exception {
        if (statuses != null) {
            statuses.close();
        }
        if (probe != null) {
            probe.close();
        }
        if (h != null) {
            h.close();
        }
        SharedLab.reset();
        System.out.printf(
                "LB-LAB suite: %d ms from operator start to the end of the last scenario%n",
                System.currentTimeMillis() - suiteStart);
    }

    static LoadBalancerPair pair() throws Exception {
        LoadBalancerPairSpec spec = new LoadBalancerPairSpec();
        spec.setPollIntervalSeconds((int) (POLL_MILLIS / 1000));
        spec.setHosts(new ArrayList<>(List.of(host("lb1", 150), host("lb2", 100))));
        Vip vip = new Vip();
        vip.setAddress(lab.vip());
        vip.setPrefixLength(24);
        if (FAST) {
            vip.setVrrpVersion(3);
            vip.setAdvertIntervalMillis(200);
        } else {
            vip.setAuthSecretRef(new SecretKeyRef("lb-vrrp", null));
        }
        spec.setVip(vip);
        LbService web = new LbService();
        web.setName("web");
        web.setPort(80);
        Backends backends = new Backends();
        backends.setStaticServers(new ArrayList<>(List.of(server(1), server(2))));
        web.setBackends(backends);
        HealthCheck check = new HealthCheck();
        check.setPath("/healthz");
        check.setExpectStatus(200);
        check.setIntervalMillis(FAST ? 500 : 1000);
        web.setHealthCheck(check);
        spec.setServices(new ArrayList<>(List.of(web)));
        LoadBalancerPair pair = new LoadBalancerPair();
        pair.setMetadata(new ObjectMetaBuilder().withName(NAME).withNamespace(NS).build());
        pair.setSpec(spec);
        return pair;
    }

    static LbHost host(String name, int priority) throws Exception {
        LbHost h = new LbHost();
        h.setName(name);
        h.setAddress(lab.address(name));
        h.setSshPort(NetnsLab.SSH_PORT);
        h.setSshKeySecretRef(new SecretKeyRef("lb-ssh", null));
        h.setHostKey(lab.hostKey(name));
        h.setPriority(priority);
        HostPaths paths = new HostPaths();
        paths.setHaproxyConfig(lab.layout(name).haproxyConfig());
        paths.setKeepalivedConfig(lab.layout(name).keepalivedConfig());
        paths.setRunDir(lab.layout(name).runDir());
        h.setPaths(paths);
        return h;
    }

    static StaticServer server(int n) {
        StaticServer s = new StaticServer();
        s.setName("be" + n);
        s.setAddress(lab.address("be" + n));
        s.setPort(NetnsLab.BACKEND_PORT);
        return s;
    }

    @Test
    @Order(1)
    void scenario1_killingOneBackendLosesNoRequest() throws Exception {
        RequestLoop loop = runningLoop(1000);
        long killed = System.currentTimeMillis();
        lab.killBackend(1);
        try {
            long shown =
                    statusTime(
                            killed,
                            s ->
                                    backendState(s, "be1").equals("DOWN")
                                            && "1/2".equals(s.getBackendsSummary()),
                            15_000);
            // No request failed through the kill, nor in the 2 s after the status showed it.
            await().during(Duration.ofSeconds(2))
                    .atMost(Duration.ofSeconds(3))
                    .untilAsserted(
                            () ->
                                    assertThat(loop.snapshot().failures())
                                            .as("failed requests")
                                            .isEmpty());
            RequestLoop.Summary summary = loop.stop();
            recordLatency("scenario 1: backend be1 DOWN", killed, shown);
            System.out.printf(
                    "LB-LAB scenario 1 (kill backend be1, SIGKILL): failed %d/%d requests; status showed be1 DOWN after %d ms%n",
                    summary.failed(), summary.total(), shown - killed);

            assertThat(summary.failures()).as("failed requests").isEmpty();
            assertThat(summary.requests()).extracting(RequestLoop.Request::detail).contains("be2");
        } finally {
            loop.stop();
            lab.startBackend(1);
            awaitStatus(
                    System.currentTimeMillis(), s -> "2/2".equals(s.getBackendsSummary()), 15_000);
        }
    }

    @Test
    @Order(2)
    void scenario2a3a_masterDaemonsStoppedThenRestoredByTheOperator() throws Exception {
        RequestLoop loop = runningLoop(1000);
        long stopped = System.currentTimeMillis();
        lab.stopDaemons("lb1");
        long moved = probe.await("lb2", stopped, 15_000);
        long shownMoved = statusTime(stopped, s -> "lb2".equals(s.getVipHolder()), 15_000);
        // The operator starts daemons it saw down on two passes in a row; the VIP then returns
        // (preempt).
        long restarted = awaitTrue(() -> lab.daemonsRunning("lb1"), 15_000);
        long back = probe.await("lb1", restarted, 15_000);
        long shownBack = statusTime(back, s -> "lb1".equals(s.getVipHolder()), 15_000);
        reportFailoverAndReturn(
                loop,
                new Fault(
                        "2a",
                        "stop keepalived+haproxy on master lb1, SIGTERM",
                        stopped,
                        moved,
                        shownMoved),
                new Fault(
                        "3a",
                        "operator restarts lb1's daemons "
                                + (restarted - stopped)
                                + " ms after the stop",
                        restarted,
                        back,
                        shownBack));
        assertThat(eventReasons()).contains("VipMoved", "DaemonsStarted");
    }

    @Test
    @Order(3)
    void scenario2b3b_masterLinkCutThenRestored() throws Exception {
        RequestLoop loop = runningLoop(1000);
        long cut = System.currentTimeMillis();
        lab.linkDown("lb1");
        long moved = awaitTrue(() -> lab.vipHolders().contains("lb2"), 15_000);
        long shownMoved =
                statusTime(
                        cut,
                        s ->
                                "lb2".equals(s.getVipHolder())
                                        && Boolean.FALSE.equals(host(s, "lb1").getReachable()),
                        15_000);
        // Not an assertion: the link stays cut 1.5 s longer (part of the fault), so the return is a
        // fault of its own.
        Thread.sleep(1500);
        long restored = System.currentTimeMillis();
        lab.linkUp("lb1");
        long back = probe.await("lb1", restored, 15_000);
        long shownBack =
                statusTime(
                        back,
                        s ->
                                "lb1".equals(s.getVipHolder())
                                        && Boolean.TRUE.equals(host(s, "lb1").getReachable()),
                        15_000);
        reportFailoverAndReturn(
                loop,
                new Fault("2b", "cut master lb1's link", cut, moved, shownMoved),
                new Fault("3b", "restore lb1's link", restored, back, shownBack));
        assertThat(eventReasons()).contains("HostUnreachable", "HostReachable");
    }

    @Test
    @Order(4)
    void scenario5_addingABackendInTheSpecLosesNoRequest() throws Exception {
        String lb1Before = host(statuses.latest(), "lb1").getAppliedConfigHash();
        RequestLoop loop = runningLoop(1000);
        long changed = System.currentTimeMillis();
        edit(p -> p.getSpec().getServices().get(0).getBackends().getStaticServers().add(server(3)));
        long applied =
                statusTime(
                        changed,
                        s ->
                                isTrue(s, "ConfigApplied")
                                        && "3/3".equals(s.getBackendsSummary())
                                        && !lb1Before.equals(host(s, "lb1").getAppliedConfigHash()),
                        30_000);
        // No request failed through the reload, nor in the 1.5 s after the status showed it; be3
        // answers.
        await().during(Duration.ofMillis(1500))
                .atMost(Duration.ofMillis(2500))
                .untilAsserted(
                        () ->
                                assertThat(loop.snapshot().failures())
                                        .as("failed requests")
                                        .isEmpty());
        await().atMost(Duration.ofSeconds(5))
                .until(
                        () ->
                                loop.snapshot().requests().stream()
                                        .anyMatch(r -> "be3".equals(r.detail())));
        RequestLoop.Summary summary = loop.stop();
        System.out.printf(
                "LB-LAB scenario 5 (spec change: add backend be3): applied to both hosts and 3/3 UP in status after %d ms; "
                        + "failed %d/%d requests%n",
                applied - changed, summary.failed(), summary.total());

        assertThat(summary.failures()).as("failed requests").isEmpty();
        assertThat(summary.requests()).extracting(RequestLoop.Request::detail).contains("be3");
        assertThat(probe.firstAt("lb1", changed))
                .as("no VRRP transition on reload")
                .isEqualTo(changed);
    }

    @Test
    @Order(5)
    void scenario6_aConfigTheHostRejectsIsNeverInstalled() throws Exception {
        LoadBalancerPairStatus before = statuses.latest();
        Map<String, String> filesBefore =
                Map.of(
                        "lb1",
                        Files.readString(Path.of(lab.layout("lb1").keepalivedConfig())),
                        "lb2",
                        Files.readString(Path.of(lab.layout("lb2").keepalivedConfig())));
        RequestLoop loop = runningLoop(500);
        long changed = System.currentTimeMillis();
        // Valid for the operator, but the hosts have no such interface: only their own config test
        // can tell.
        edit(p -> p.getSpec().getHosts().forEach(h -> h.setInterfaceName("nosuch0")));
        long reported =
                statusTime(changed, s -> "Rejected".equals(reason(s, "ConfigApplied")), 30_000);
        // For 2.5 s (two polls) after the status reported it: nothing of the rejected config on the
        // hosts, nothing
        // applied (again), no failed request.
        await().during(Duration.ofMillis(2500))
                .atMost(Duration.ofMillis(4000))
                .untilAsserted(
                        () -> {
                            for (String lb : List.of("lb1", "lb2")) {
                                assertThat(host(statuses.latest(), lb).getAppliedConfigHash())
                                        .as(lb + " applied hash")
                                        .isEqualTo(host(before, lb).getAppliedConfigHash());
                                assertThat(
                                                Files.readString(
                                                        Path.of(lab.layout(lb).keepalivedConfig())))
                                        .as(lb + " keepalived.conf")
                                        .isEqualTo(filesBefore.get(lb));
                                assertThat(
                                                Path.of(
                                                        lab.layout(lb).keepalivedConfig()
                                                                + ".pveha-new"))
                                        .doesNotExist();
                            }
                            assertThat(loop.snapshot().failures()).as("failed requests").isEmpty();
                        });
        RequestLoop.Summary summary = loop.stop();
        LoadBalancerPairStatus after = statuses.latest();
        String message = condition(after, "ConfigApplied").getMessage();
        System.out.printf(
                "LB-LAB scenario 6 (spec change the hosts reject: interface nosuch0): ConfigApplied=False/Rejected after %d ms; "
                        + "installed hashes unchanged; failed %d/%d requests; host said: %s%n",
                reported - changed, summary.failed(), summary.total(), message);

        assertThat(message).contains("keepalived -t", "nosuch0");
        for (String lb : List.of("lb1", "lb2")) {
            assertThat(host(after, lb).getAppliedConfigHash())
                    .as(lb + " applied hash")
                    .isEqualTo(host(before, lb).getAppliedConfigHash());
            assertThat(Files.readString(Path.of(lab.layout(lb).keepalivedConfig())))
                    .as(lb + " keepalived.conf")
                    .isEqualTo(filesBefore.get(lb));
            assertThat(Path.of(lab.layout(lb).keepalivedConfig() + ".pveha-new")).doesNotExist();
        }
        assertThat(summary.failures()).isEmpty();
        assertThat(eventReasons()).contains("ConfigRejected");

        long reverted = System.currentTimeMillis();
        edit(p -> p.getSpec().getHosts().forEach(h -> h.setInterfaceName(null)));
        awaitStatus(
                reverted, s -> isTrue(s, "ConfigApplied") && isTrue(s, Conditions.READY), 30_000);
    }

    @Test
    @Order(6)
    void scenario4_theStatusShowedEveryTransitionWithinOnePollInterval() {
        System.out.printf(
                "LB-LAB scenario 4 (status latency; poll %d ms, observation timeout %d ms, bound %d ms):%n",
                POLL_MILLIS, OBSERVE_TIMEOUT.toMillis(), STATUS_BOUND_MILLIS);
        statusLatencies.forEach(l -> System.out.println("LB-LAB   " + l));
        assertThat(statusLatencies).hasSize(5).allSatisfy(l -> assertThat(l).endsWith("ok"));
    }

    // --- helpers ---

    /** The client loop against the VIP, already running for {@code warmupMillis}. */
    static RequestLoop runningLoop(long warmupMillis) throws InterruptedException {
        RequestLoop loop = RequestLoop.start(lab.vip(), 80, REQUEST_PERIOD_MILLIS);
        // Not an assertion: the load runs a while before the fault, so the summary shows the steady
        // state too.
        Thread.sleep(warmupMillis);
        return loop;
    }

    /**
     * A fault (or a recovery) and what followed: when it was injected, when the VIP reached its new
     * holder (lab probe), and when the status said so.
     */
    record Fault(String scenario, String what, long at, long vipMoved, long statusShown) {}

    /**
     * Prints both halves of a failover-and-return scenario, records status latencies and checks the
     * bounds.
     */
    static void reportFailoverAndReturn(RequestLoop loop, Fault failover, Fault recovery)
            throws InterruptedException {
        // Not an assertion: the recovery's measured window (failed requests within a budget) runs
        // 1.5 s past the return.
        Thread.sleep(1500);
        RequestLoop.Summary summary = loop.stop();
        for (Fault f : List.of(failover, recovery)) {
            RequestLoop.Summary window =
                    f == failover
                            ? summary.between(failover.at(), recovery.at())
                            : summary.between(recovery.at(), Long.MAX_VALUE);
            String holder = f == failover ? "lb2" : "lb1";
            recordLatency(
                    "scenario " + f.scenario() + ": VIP on " + holder,
                    f.vipMoved(),
                    f.statusShown());
            System.out.printf(
                    "LB-LAB scenario %s (%s): VIP on %s after %d ms; failed %d/%d requests%n",
                    f.scenario(),
                    f.what(),
                    holder,
                    f.vipMoved() - f.at(),
                    window.failed(),
                    window.total());
            assertThat(f.vipMoved())
                    .as("scenario %s: VIP moved to %s", f.scenario(), holder)
                    .isPositive();
            assertThat(window.failed())
                    .as("scenario %s: failed requests", f.scenario())
                    .isLessThanOrEqualTo(FAST ? 10 : 30);
        }
        System.out.println("LB-LAB   failures: " + summary.failures());
    }

    static void recordLatency(String transition, long happened, long shown) {
        long latency = shown - happened;
        statusLatencies.add(
                String.format(
                        "%-45s status after %5d ms %s",
                        transition,
                        latency,
                        shown > 0 && latency <= STATUS_BOUND_MILLIS ? "ok" : "LATE"));
    }

    static void edit(java.util.function.Consumer<LoadBalancerPair> change) {
        LoadBalancerPair current =
                client.resources(LoadBalancerPair.class).inNamespace(NS).withName(NAME).get();
        change.accept(current);
        client.resource(current).update();
    }

    static LoadBalancerPairStatus awaitStatus(
            long from, Predicate<LoadBalancerPairStatus> matches, long timeoutMillis)
            throws Exception {
        StatusRecorder.Seen seen = statuses.await(from, matches, timeoutMillis);
        assertThat(seen)
                .as(
                        "a matching status within %d ms; last: %s",
                        timeoutMillis, describe(statuses.latest()))
                .isNotNull();
        return seen.status();
    }

    static long statusTime(long from, Predicate<LoadBalancerPairStatus> matches) throws Exception {
        return statusTime(from, matches, 30_000);
    }

    static long statusTime(long from, Predicate<LoadBalancerPairStatus> matches, long timeoutMillis)
            throws Exception {
        StatusRecorder.Seen seen = statuses.await(from, matches, timeoutMillis);
        assertThat(seen)
                .as(
                        "a matching status within %d ms; last: %s",
                        timeoutMillis, describe(statuses.latest()))
                .isNotNull();
        return seen.atMillis();
    }

    /**
     * When the condition first held (epoch ms; polled every 20 ms, a measurement), or -1 after the
     * timeout.
     */
    static long awaitTrue(java.util.function.BooleanSupplier condition, long timeoutMillis)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (System.currentTimeMillis() < deadline) {
            if (condition.getAsBoolean()) {
                return System.currentTimeMillis();
            }
            Thread.sleep(20);
        }
        return -1;
    }

    static LoadBalancerPairStatus.HostStatus host(LoadBalancerPairStatus s, String name) {
        return s.getHosts().stream()
                .filter(h -> name.equals(h.getName()))
                .findFirst()
                .orElseThrow();
    }

    static String backendState(LoadBalancerPairStatus s, String server) {
        return s.getBackends().stream()
                .filter(b -> server.equals(b.getServer()))
                .map(LoadBalancerPairStatus.BackendStatus::getState)
                .findFirst()
                .orElse("");
    }

    static Condition condition(LoadBalancerPairStatus s, String type) {
        return Conditions.find(s.getConditions(), type).orElseThrow();
    }

    static boolean isTrue(LoadBalancerPairStatus s, String type) {
        return Conditions.isTrue(s.getConditions(), type);
    }

    static String reason(LoadBalancerPairStatus s, String type) {
        return Conditions.find(s.getConditions(), type).map(Condition::getReason).orElse(null);
    }

    static List<String> eventReasons() {
        return client.v1().events().inNamespace(NS).list().getItems().stream()
                .map(io.fabric8.kubernetes.api.model.Event::getReason)
                .toList();
    }

    static String describe(LoadBalancerPairStatus s) {
        if (s == null) {
            return "none";
        }
        StringBuilder b =
                new StringBuilder(
                        "holder=" + s.getVipHolder() + " backends=" + s.getBackendsSummary());
        s.getConditions()
                .forEach(
                        c ->
                                b.append(' ')
                                        .append(c.getType())
                                        .append('=')
                                        .append(c.getStatus())
                                        .append('/')
                                        .append(c.getReason())
                                        .append(" (")
                                        .append(c.getMessage())
                                        .append(')'));
        s.getHosts()
                .forEach(
                        h ->
                                b.append(" [")
                                        .append(h.getName())
                                        .append(" reachable=")
                                        .append(h.getReachable())
                                        .append(" vrrp=")
                                        .append(h.getVrrpState())
                                        .append(" err=")
                                        .append(h.getLastError())
                                        .append(']'));
        return new String(b.toString().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
    }
}
