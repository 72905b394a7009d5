package io.pveha.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pveha.api.backup.BackupPolicy;
import io.pveha.api.ceph.CephPool;
import io.pveha.api.cluster.ProxmoxCluster;
import io.pveha.api.vm.HaVm;
import io.pveha.reconciler.Conditions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's run command, in-process: the example platform converges on the simulator, a node is
 * powered off, and PVE HA brings its VMs back on the other nodes, with the status following them. A
 * real headless Chromium watches the status page through it ({@link StatusPageWatch}); as root with
 * the LB packages the load-balancer part runs too. With {@code CI=true} a missing browser or LB lab
 * fails the test instead of skipping those parts.
 */
class DemoIT {
    @TempDir Path dir;

    @Test
    void examplePlatformConvergesAndSurvivesANodeFailure() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        Path kubeconfig = dir.resolve("kubeconfig");
        Path examples = Path.of("..", "examples");
        assertThat(examples).isDirectory();
        ExecutorService runner = Executors.newSingleThreadExecutor();
        boolean browser = StatusPageWatch.available();
        boolean loadBalancer = StatusPageWatch.loadBalancerAvailable();
        try (Demo demo =
                        new Demo(
                                new Demo.Settings(
                                        examples,
                                        0,
                                        kubeconfig,
                                        60,
                                        true,
                                        Duration.ofMillis(250),
                                        out,
                                        "127.0.0.1",
                                        0,
                                        true));
                StatusPageWatch page = new StatusPageWatch(demo, browser)) {
            Future<?> running =
                    runner.submit(
                            () -> {
                                demo.run();
                                return null;
                            });
            // Scripts read the URL from a line of its own.
            await().atMost(Duration.ofSeconds(20))
                    .until(
                            () ->
                                    bytes.toString(StandardCharsets.UTF_8)
                                            .lines()
                                            .anyMatch(
                                                    l ->
                                                            l.matches(
                                                                    "status page: http://127\\.0\\.0\\.1:[0-9]+/")));
            page.open();
            await().atMost(Duration.ofSeconds(150))
                    .pollInterval(Duration.ofMillis(100))
                    .failFast("the demo stopped", running::isDone)
                    .until(() -> demo.failedNode().isPresent() || page.sawEverything());
            page.everyClusterNodeAndVmShown();
            await().atMost(Duration.ofSeconds(150))
                    .pollInterval(Duration.ofMillis(50))
                    .failFast("the demo stopped", running::isDone)
                    .until(() -> demo.failedNode().isPresent());
            page.nodeFailureShownWithinOneUpdate(demo.failedNode().orElseThrow());
            await().atMost(Duration.ofSeconds(150))
                    .pollInterval(Duration.ofMillis(500))
                    .failFast("the demo stopped", running::isDone)
                    .until(() -> demo.recoveredAfter().isPresent());
            page.recoveryShown(demo.failedNode().orElseThrow());

            String printed = bytes.toString(StandardCharsets.UTF_8);
            assertThat(Files.readString(kubeconfig)).contains("server:");
            assertThat(printed)
                    .contains(
                            "booted the Debian installer",
                            "everything is Ready after",
                            "all VMs are Ready again");
            // The incident as the stores' WeCom group and the platform's DingTalk group read it.
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> bytes.toString(StandardCharsets.UTF_8).contains("已全部恢复"));
            printed = bytes.toString(StandardCharsets.UTF_8);
            assertThat(printed)
                    .contains(
                            ">>> alert message to the WeCom group robot",
                            ">>> alert message to the DingTalk robot",
                            "【故障】节点 ",
                            "【进展】");
            String failed = demo.failedNode().orElseThrow();

            List<HaVm> vms =
                    demo.client()
                            .resources(HaVm.class)
                            .inNamespace(Demo.NAMESPACE)
                            .list()
                            .getItems();
            assertThat(vms).hasSize(5);
            for (HaVm vm : vms) {
                assertThat(Conditions.isTrue(vm.getStatus().getConditions(), Conditions.READY))
                        .as(vm.getMetadata().getName())
                        .isTrue();
                if (vm.getSpec().getHa() != null
                        && Boolean.TRUE.equals(vm.getSpec().getHa().getEnabled())) {
                    assertThat(vm.getStatus().getNode())
                            .as("HA VM %s left the failed node", vm.getMetadata().getName())
                            .isNotEqualTo(failed);
                    assertThat(vm.getStatus().getPowerState()).isEqualTo("running");
                }
            }
            HaVm template =
                    demo.client()
                            .resources(HaVm.class)
                            .inNamespace(Demo.NAMESPACE)
                            .withName("debian-12-template")
                            .get();
            assertThat(template.getStatus().getPowerState()).isEqualTo("stopped");
            // Recovery takes PVE's fence delay (60 s) plus the agent lock (120 s) at least, in
            // simulated time.
            assertThat(demo.recoveredAfter().orElseThrow())
                    .isGreaterThanOrEqualTo(Duration.ofSeconds(60));

            ProxmoxCluster cluster =
                    demo.client()
                            .resources(ProxmoxCluster.class)
                            .inNamespace(Demo.NAMESPACE)
                            .withName("pve")
                            .get();
            assertThat(cluster.getStatus().getConditions())
                    .anyMatch(c -> c.getType().equals(Conditions.READY));
            CephPool pool =
                    demo.client()
                            .resources(CephPool.class)
                            .inNamespace(Demo.NAMESPACE)
                            .withName("vm-pool")
                            .get();
            assertThat(Conditions.isTrue(pool.getStatus().getConditions(), Conditions.READY))
                    .isTrue();
            BackupPolicy policy =
                    demo.client()
                            .resources(BackupPolicy.class)
                            .inNamespace(Demo.NAMESPACE)
                            .withName("nightly")
                            .get();
            assertThat(policy.getStatus()).isNotNull();
            assertThat(printed).contains("HAVM", "CEPHPOOL", "BACKUPPOLICY", "PROXMOXCLUSTER");

            // The node returns: the incident closes, its timeline stays on the page.
            await().atMost(Duration.ofSeconds(60))
                    .failFast("the demo stopped", running::isDone)
                    .until(() -> demo.resolvedAt().isPresent());
            page.resolutionShown(failed);
            if (loadBalancer) {
                page.loadBalancerLinesShown(demo.loadBalancer().orElseThrow(), running);
            } else {
                assertThat(bytes.toString(StandardCharsets.UTF_8))
                        .contains("skipping LoadBalancerPair", "skipping the load-balancer part");
            }
            // The same page (never reloaded so far) at phone width, then opened anew without
            // JavaScript.
            page.phoneAndDesktopWithoutHorizontalScrolling();
            page.readableWithoutJavaScript();
            page.noRequestLeftTheMachine();
            page.noSecretValueInPageOrJson();
        } finally {
            runner.shutdownNow();
        }
    }
}
