package io.pveha.lb.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pveha.lb.ConfigBundle;
import io.pveha.lb.LbHost;
import io.pveha.lb.PairConfig;
import io.pveha.lb.Service;
import io.pveha.lb.Vrrp;
import io.pveha.lb.apply.ConfigApplier;
import io.pveha.lb.observe.HostObservation;
import io.pveha.lb.observe.HostObserver;
import io.pveha.lb.render.BundleRenderer;
import io.pveha.lb.ssh.HostChannel;
import io.pveha.lb.ssh.HostEndpoint;
import io.pveha.lb.ssh.SshHostChannelFactory;
import io.pveha.lb.ssh.SshIdentity;
import io.pveha.testing.netns.Cmd;
import io.pveha.testing.netns.NetnsLab;
import io.pveha.testing.netns.RequestLoop;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The library on real hosts: render, apply through SSH, observe, without Kubernetes. */
@ExtendWith(SharedLab.class)
@Tag("extended") // LoadBalancerPairLabIT drives the same library on the same lab through the
// operator; -Pextended
class LbHostLibraryLabIT {
    static NetnsLab lab;
    static SshHostChannelFactory ssh;
    final HostObserver observer = new HostObserver(Duration.ofSeconds(3));

    /**
     * Its sleeper is the applier's pause between verification polls, as LbWiring wires it; not an
     * assertion.
     */
    final ConfigApplier applier =
            new ConfigApplier(observer, Duration.ofSeconds(5), d -> Thread.sleep(d.toMillis()));

    @BeforeAll
    static void setUp() throws Exception {
        lab = SharedLab.lab();
        SharedLab.reset();
        ssh =
                new SshHostChannelFactory(
                        new SshHostChannelFactory.Settings(
                                Duration.ofSeconds(3), Duration.ofSeconds(10)));
    }

    @AfterAll
    static void tearDown() throws Exception {
        ssh.close();
        SharedLab.reset();
    }

    PairConfig pair(int servers) {
        return pair(servers, List.of());
    }

    /** The web service on port 80, plus one extra TCP service per port in {@code extraPorts}. */
    PairConfig pair(int servers, List<Integer> extraPorts) {
        List<Service.Server> list = new java.util.ArrayList<>();
        for (int i = 1; i <= servers; i++) {
            list.add(
                    new Service.Server(
                            "be" + i, lab.address("be" + i), NetnsLab.BACKEND_PORT, null));
        }
        Service web =
                new Service(
                        "web",
                        80,
                        Service.Mode.HTTP,
                        Service.Balance.ROUNDROBIN,
                        2,
                        new Service.HealthCheck(Service.Mode.HTTP, "/healthz", 200, 500, 2, 2),
                        list);
        List<Service> services = new java.util.ArrayList<>(List.of(web));
        for (int port : extraPorts) {
            services.add(
                    new Service(
                            "extra-" + port,
                            port,
                            Service.Mode.TCP,
                            Service.Balance.ROUNDROBIN,
                            2,
                            new Service.HealthCheck(Service.Mode.TCP, null, null, 1000, 2, 2),
                            list));
        }
        return new PairConfig(
                "lab",
                "pair",
                new Vrrp(42, lab.vip(), 24, 3, 200, true, null),
                List.of(
                        new LbHost("lb1", lab.address("lb1"), 150, "eth0", SharedLab.layout("lb1")),
                        new LbHost(
                                "lb2", lab.address("lb2"), 100, "eth0", SharedLab.layout("lb2"))),
                services);
    }

    HostChannel channel(String lb) throws Exception {
        return ssh.channel(
                new HostEndpoint(lab.address(lb), NetnsLab.SSH_PORT, "root", lab.hostKey(lb)),
                new SshIdentity(lab.clientPrivateKey()));
    }

    @Test
    void appliesObservesAndReloadsWithoutDroppingRequests() throws Exception {
        PairConfig pair = pair(2);
        BundleRenderer renderer = new BundleRenderer();
        for (LbHost host : List.of(pair.hosts().get(1), pair.hosts().get(0))) {
            ConfigBundle bundle = renderer.render(pair, host);
            HostChannel channel = channel(host.name());
            long t0 = System.nanoTime();
            HostObservation before = observer.observe(channel, host, "auto", bundle.paths());
            System.out.printf(
                    "observe %s: %d ms -> %s%n",
                    host.name(), (System.nanoTime() - t0) / 1_000_000, before);
            ConfigApplier.Result result =
                    applier.apply(channel, host, bundle, before, before.serviceManager());
            System.out.printf(
                    "apply %s: %s in %d ms%n",
                    host.name(), result, (System.nanoTime() - t0) / 1_000_000);
            assertThat(result.outcome()).isEqualTo(ConfigApplier.Outcome.APPLIED);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> lab.vipHolders().equals(List.of("lb1")));
        HostObservation lb1 =
                observer.observe(
                        channel("lb1"),
                        pair.hosts().get(0),
                        "auto",
                        renderer.render(pair, pair.hosts().get(0)).paths());
        System.out.println("lb1 now: " + lb1);
        assertThat(lb1.holdsAddress(lab.vip())).isTrue();
        assertThat(lb1.vrrpState()).isEqualTo("MASTER");

        RequestLoop loop = RequestLoop.start(lab.vip(), 80, 20);
        // Not an assertion: the load runs a while before the reload, so the summary covers before
        // and after.
        Thread.sleep(1000);
        PairConfig bigger = pair(3);
        for (LbHost host : List.of(bigger.hosts().get(1), bigger.hosts().get(0))) {
            ConfigBundle bundle = renderer.render(bigger, host);
            HostChannel channel = channel(host.name());
            HostObservation before = observer.observe(channel, host, "auto", bundle.paths());
            long t0 = System.nanoTime();
            ConfigApplier.Result result =
                    applier.apply(channel, host, bundle, before, before.serviceManager());
            System.out.printf(
                    "re-apply %s: %s in %d ms%n",
                    host.name(), result, (System.nanoTime() - t0) / 1_000_000);
            assertThat(result.applied()).isTrue();
        }
        // No request failed through the reloads, nor in the 1.5 s after them; be3 answers.
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
        System.out.println("requests during reload: " + summary + " " + summary.failures());
        assertThat(summary.failed()).isZero();
        assertThat(summary.requests()).extracting(RequestLoop.Request::detail).contains("be3");
    }

    /**
     * A configuration that passes {@code haproxy -c} but cannot run: its new port is already taken
     * on the host. The reload fails, the old worker keeps serving, the applier notices no new
     * worker took over, puts the previous files back and reloads again.
     */
    @Test
    void aConfigThatFailsAtReloadIsRolledBackWhileTheOldOneKeepsServing() throws Exception {
        PairConfig good = pair(2);
        BundleRenderer renderer = new BundleRenderer();
        LbHost lb2 = good.hosts().get(1);
        HostChannel channel = channel("lb2");
        ConfigBundle goodBundle = renderer.render(good, lb2);
        HostObservation before = observer.observe(channel, lb2, "auto", goodBundle.paths());
        if (!goodBundle.hash().equals(before.appliedHash(goodBundle.paths()))) {
            assertThat(applier.apply(channel, lb2, goodBundle, before, "direct").applied())
                    .isTrue();
            before = observer.observe(channel, lb2, "auto", goodBundle.paths());
        }
        // Something else on lb2 already listens where the new service wants to.
        Process squatter =
                new ProcessBuilder(
                                "ip",
                                "netns",
                                "exec",
                                lab.ns("lb2"),
                                "socat",
                                "TCP-LISTEN:8443,bind=" + lab.vip() + ",reuseaddr,fork",
                                "SYSTEM:true")
                        .start();
        try {
            await().atMost(Duration.ofSeconds(5))
                    .until(
                            () ->
                                    Cmd.run(
                                                    "ip",
                                                    "netns",
                                                    "exec",
                                                    lab.ns("lb2"),
                                                    "ss",
                                                    "-Hltn",
                                                    "sport = :8443")
                                            .output()
                                            .contains(lab.vip() + ":8443"));
            ConfigBundle bad = renderer.render(pair(2, List.of(8443)), lb2);
            long t0 = System.nanoTime();
            ConfigApplier.Result result = applier.apply(channel, lb2, bad, before, "direct");
            System.out.printf(
                    "LB-LAB rollback: %s after %d ms: %s%n",
                    result.outcome(), (System.nanoTime() - t0) / 1_000_000, result.message());

            assertThat(result.outcome()).isEqualTo(ConfigApplier.Outcome.ROLLED_BACK);
            assertThat(result.message()).contains("new worker");
            HostObservation after = observer.observe(channel, lb2, "auto", goodBundle.paths());
            assertThat(after.appliedHash(goodBundle.paths()))
                    .as("previous files back in place")
                    .isEqualTo(goodBundle.hash());
            assertThat(after.haproxyAnswering()).isTrue();
            assertThat(after.keepalivedUp()).isTrue();
            assertThat(after.applyPending()).isFalse();
        } finally {
            squatter.destroyForcibly().waitFor();
        }
    }
}
