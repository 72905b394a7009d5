package io.pveha.packaging;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pveha.api.vm.HaVm;
import io.pveha.simulator.PveSimulator;
import io.pveha.testing.kube.EmbeddedKube;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The measurement behind the chart's default resources (a measurement, not a check: tagged
 * extended, run with {@code mvn -B -pl packaging -am verify -Pextended -Dit.test=FootprintIT
 * -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false}). The operator's jar runs as the chart's
 * defaults say (JVM options, memory limit as -XX:MaxRAM) against the embedded API server and the
 * PVE simulator with {@code -Dfootprint.vms} HA VMs (default 100) cloned from a template, a
 * CephPool and a BackupPolicy over all of them: peak RSS and CPU until every VM is Ready, then RSS,
 * CPU and heap after a minute of steady state. Written to packaging/target/footprint.txt.
 */
@Tag("extended")
class FootprintIT {
    static final String NS = "store";

    @Test
    void measure() throws Exception {
        int vms = Integer.getInteger("footprint.vms", 100);
        Deployment deployment = Chart.one(Chart.render(""), Deployment.class);
        Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        Path jar =
                Path.of(
                        System.getProperty(
                                "operator.jar", "../operator/target/pve-ha-operator.jar"));
        Path logs = RbacAuditIT.TARGET.resolve("footprint");
        List<String> report = new ArrayList<>();
        report.add(
                "chart defaults: "
                        + container.getResources()
                        + ", JAVA_TOOL_OPTIONS "
                        + ChartTest.env(container).get("JAVA_TOOL_OPTIONS"));
        try (EmbeddedKube kube = new EmbeddedKube();
                KubernetesClient admin = kube.newClient();
                PveSimulator sim =
                        PveSimulator.builder()
                                .nodes(3)
                                .timeScale(30)
                                .authFailureDelay(Duration.ZERO)
                                .build()
                                .start()) {
            admin.namespaces()
                    .resource(
                            new NamespaceBuilder()
                                    .withNewMetadata()
                                    .withName(NS)
                                    .endMetadata()
                                    .build())
                    .create();
            PveSecrets.create(admin, NS, sim);
            sim.cluster()
                    .createTemplate(
                            "pve1",
                            9000,
                            Map.of("name", "tpl", "memory", "1024", "scsi0", "ceph-vm:8"));
            Path kubeconfig = Files.createDirectories(logs).resolve("kubeconfig");
            Files.writeString(
                    kubeconfig,
                    kube.kubeconfig(
                            "pveha-system", "system:serviceaccount:pveha-system:pve-ha-operator"));
            admin.namespaces()
                    .resource(
                            new NamespaceBuilder()
                                    .withNewMetadata()
                                    .withName("pveha-system")
                                    .endMetadata()
                                    .build())
                    .create();

            try (OperatorProcess op =
                    OperatorProcess.start(
                            jar, container, "pveha-system", "footprint", kubeconfig, logs)) {
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> op.health("/readyz") == 200 || !op.isAlive());
                report.add("started: " + op.footprint());
                long start = System.nanoTime();
                String endpoints =
                        sim.nodeNames().stream()
                                .map(sim::nodeUrl)
                                .map(u -> "\"" + u + "\"")
                                .collect(Collectors.joining(", ", "[", "]"));
                StringBuilder yaml =
                        new StringBuilder(
                                """
                        apiVersion: pveha.io/v1alpha1
                        kind: ProxmoxCluster
                        metadata: {name: pve, namespace: store}
                        spec: {endpoints: %s, credentialsSecretRef: {name: pve-token}, tls: {caSecretRef: {name: pve-ca}}}
                        ---
                        apiVersion: pveha.io/v1alpha1
                        kind: CephPool
                        metadata: {name: vm-pool, namespace: store}
                        spec: {clusterRef: {name: pve}, addStorage: true}
                        ---
                        apiVersion: pveha.io/v1alpha1
                        kind: BackupPolicy
                        metadata: {name: nightly, namespace: store}
                        spec:
                          clusterRef: {name: pve}
                          schedule: "*-*-* 02:00"
                          selection: {haVmSelector: {matchLabels: {backup: nightly}}}
                          storage: {name: nfs-backup, nfs: {server: 10.20.0.50, export: /srv/backup/pve}}
                          retention: {keepLast: 3}
                        """
                                        .formatted(endpoints));
                for (int i = 1; i <= vms; i++) {
                    yaml.append(
                                    "---\napiVersion: pveha.io/v1alpha1\nkind: HaVm\nmetadata: {name: vm-")
                            .append(i)
                            .append(
                                    ", namespace: store, labels: {backup: nightly}}\nspec: {clusterRef: {name: pve}, source: {template: {vmid: 9000}}, ha: {enabled: true}}\n");
                }
                for (var resource :
                        admin.load(new java.io.ByteArrayInputStream(yaml.toString().getBytes()))
                                .items()) {
                    admin.resource(resource).create();
                }
                await().atMost(Duration.ofMinutes(10))
                        .pollInterval(Duration.ofSeconds(1))
                        .until(
                                () ->
                                        admin
                                                        .resources(HaVm.class)
                                                        .inNamespace(NS)
                                                        .list()
                                                        .getItems()
                                                        .stream()
                                                        .filter(
                                                                vm ->
                                                                        vm.getStatus() != null
                                                                                && vm.getStatus()
                                                                                                .getConditions()
                                                                                        != null
                                                                                && vm
                                                                                        .getStatus()
                                                                                        .getConditions()
                                                                                        .stream()
                                                                                        .anyMatch(
                                                                                                FootprintIT
                                                                                                        ::readyTrue))
                                                        .count()
                                                == vms);
                OperatorProcess.Footprint ready = op.footprint();
                report.add(
                        String.format(
                                java.util.Locale.ROOT,
                                "%d HaVms Ready after %.0f s: %s",
                                vms,
                                (System.nanoTime() - start) / 1e9,
                                ready));
                TimeUnit.SECONDS.sleep(60);
                OperatorProcess.Footprint steady = op.footprint();
                report.add(
                        String.format(
                                java.util.Locale.ROOT,
                                "a minute of steady state (a poll every 15 s, the default): CPU %.2f s = %.0f millicores on average; %s",
                                steady.cpuSeconds() - ready.cpuSeconds(),
                                (steady.cpuSeconds() - ready.cpuSeconds()) * 1000 / 60,
                                steady));
                report.add(
                        "current RSS: "
                                + Files.readAllLines(
                                                Path.of("/proc", Long.toString(op.pid()), "status"))
                                        .stream()
                                        .filter(l -> l.startsWith("VmRSS"))
                                        .findFirst()
                                        .orElse("?"));
                report.add(
                        "heap after a full GC: "
                                + jcmd(op.pid(), "GC.run")
                                + jcmd(op.pid(), "GC.heap_info"));
                op.stop();
            }
        }
        Files.write(RbacAuditIT.TARGET.resolve("footprint.txt"), report);
        System.out.println(String.join("\n", report));
    }

    private static boolean readyTrue(Condition c) {
        return "Ready".equals(c.getType()) && "True".equals(c.getStatus());
    }

    private static String jcmd(long pid, String command) throws Exception {
        Process p =
                new ProcessBuilder(
                                Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                                Long.toString(pid),
                                command)
                        .redirectErrorStream(true)
                        .start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor(30, TimeUnit.SECONDS);
        return out.replaceAll("(?m)^\\d+:\\n", "").trim();
    }
}
