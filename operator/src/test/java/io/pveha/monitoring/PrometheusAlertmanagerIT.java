package io.pveha.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.pveha.alerting.ProviderStubs;
import io.pveha.api.SecretKeyRef;
import io.pveha.api.cluster.ProxmoxCluster;
import io.pveha.api.monitoring.Alerting;
import io.pveha.api.monitoring.Receiver;
import io.pveha.api.monitoring.Route;
import io.pveha.api.monitoring.ServiceCheck;
import io.pveha.api.monitoring.TcpCheck;
import io.pveha.api.monitoring.VmMonitoring;
import io.pveha.api.monitoring.WebhookTarget;
import io.pveha.api.vm.Ha;
import io.pveha.api.vm.Placement;
import io.pveha.api.vm.Source;
import io.pveha.api.vm.TemplateSource;
import io.pveha.testing.RealTools;
import io.pveha.testing.SimHarness;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proof 5 of the monitoring issue: a real Prometheus (Debian's package) scrapes the running
 * operator through a node failure and fires the shipped PvehaNodeOffline rule; a real Alertmanager
 * delivers it to a generic-webhook receiver. The same scrape shows that every metric the rules and
 * the Grafana dashboard name exists.
 */
class PrometheusAlertmanagerIT {
    static final int TEMPLATE = 9000;

    @TempDir Path dir;
    SimHarness h;
    ProviderStubs stubs;
    final List<Process> processes = new ArrayList<>();
    ServerSocket service;

    @AfterEach
    void stop() throws Exception {
        for (Process p : processes) {
            p.destroy();
            p.waitFor();
        }
        if (h != null) {
            h.close();
        }
        if (stubs != null) {
            stubs.close();
        }
        if (service != null) {
            service.close();
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    Process start(String name, List<String> command) throws IOException {
        Process p =
                new ProcessBuilder(command)
                        .directory(dir.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(dir.resolve(name + ".log").toFile())
                        .start();
        processes.add(p);
        return p;
    }

    static String get(String url) {
        try {
            HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection();
            c.setConnectTimeout(1000);
            c.setReadTimeout(5000);
            if (c.getResponseCode() != 200) {
                return null;
            }
            return new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
    }

    @Test
    void prometheusFiresTheShippedRuleAndAlertmanagerDeliversIt() throws Exception {
        RealTools.require("prometheus");
        RealTools.require("prometheus-alertmanager");
        stubs = new ProviderStubs();
        h = SimHarness.options().timeScale(60.0).deployed().start();
        h.sim.cluster()
                .createTemplate(
                        "pve1",
                        TEMPLATE,
                        Map.of(
                                "name",
                                "tpl",
                                "memory",
                                "1024",
                                "scsi0",
                                "ceph-vm:8",
                                "net0",
                                "virtio,bridge=vmbr0"));
        h.client
                .resource(
                        new SecretBuilder()
                                .withNewMetadata()
                                .withName("alert-hooks")
                                .withNamespace(SimHarness.NS)
                                .endMetadata()
                                .withStringData(Map.of("bridge-url", stubs.webhookUrl()))
                                .build())
                .create();
        ProxmoxCluster cluster =
                h.client
                        .resources(ProxmoxCluster.class)
                        .inNamespace(SimHarness.NS)
                        .withName(SimHarness.CLUSTER)
                        .get();
        Alerting a = new Alerting();
        Receiver bridge = new Receiver();
        bridge.setName("bridge");
        bridge.setWebhook(new WebhookTarget());
        bridge.getWebhook().setUrlSecretRef(new SecretKeyRef("alert-hooks", "bridge-url"));
        a.setReceivers(new ArrayList<>(List.of(bridge)));
        a.setRoute(new Route());
        a.getRoute().setReceivers(new ArrayList<>(List.of("bridge")));
        cluster.getSpec().setAlerting(a);
        h.client.resource(cluster).update();

        // An HA VM on pve2 with a service check (a listening socket on loopback).
        service = new ServerSocket(0);
        int servicePort = service.getLocalPort();
        h.havm(
                "pos-api-2",
                vm -> {
                    Source source = new Source();
                    TemplateSource t = new TemplateSource();
                    t.setVmid(TEMPLATE);
                    source.setTemplate(t);
                    vm.getSpec().setSource(source);
                    Ha ha = new Ha();
                    ha.setEnabled(true);
                    vm.getSpec().setHa(ha);
                    Placement placement = new Placement();
                    placement.setNode("pve2");
                    vm.getSpec().setPlacement(placement);
                    ServiceCheck check = new ServiceCheck();
                    check.setName("pos-port");
                    TcpCheck tcp = new TcpCheck();
                    tcp.setHost("127.0.0.1");
                    tcp.setPort(servicePort);
                    check.setTcp(tcp);
                    check.setIntervalSeconds(1);
                    vm.getSpec().setMonitoring(new VmMonitoring());
                    vm.getSpec().getMonitoring().setChecks(new ArrayList<>(List.of(check)));
                });
        h.awaitReady("pos-api-2", Duration.ofSeconds(90));

        // Alertmanager, then Prometheus scraping the operator every second.
        int amPort = freePort();
        Files.writeString(
                dir.resolve("alertmanager.yml"),
                """
                route:
                  receiver: am-bridge
                  group_by: [alertname, cluster]
                  group_wait: 1s
                  group_interval: 5s
                  repeat_interval: 4h
                receivers:
                  - name: am-bridge
                    webhook_configs:
                      - url: %s
                        send_resolved: true
                """
                        .formatted(stubs.webhookUrl()));
        start(
                "alertmanager",
                List.of(
                        "prometheus-alertmanager",
                        "--config.file=alertmanager.yml",
                        "--storage.path=" + dir.resolve("am-data"),
                        "--web.listen-address=127.0.0.1:" + amPort,
                        "--cluster.listen-address="));
        // The shipped rules, with PvehaNodeOffline's hold cut from 30 s to 5 s: the wait is
        // Prometheus' own `for` (promtool's tests in PrometheusRulesIT check the 30 s), and 25 s of
        // waiting on it here would only lengthen the suite.
        Path rules = PrometheusFiles.rulesFile(dir);
        String shipped = Files.readString(rules);
        String quick =
                shipped.replaceFirst(
                        "(?<head>alert: \"?PvehaNodeOffline\"?\\s+expr: [^\\n]+\\s+for: )\"?30s\"?",
                        "${head}5s");
        assertThat(quick).as("PvehaNodeOffline's for: in %s", rules).isNotEqualTo(shipped);
        Files.writeString(rules, quick);
        int promPort = freePort();
        Files.writeString(
                dir.resolve("prometheus.yml"),
                """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                rule_files: [rules.yaml]
                alerting:
                  alertmanagers:
                    - static_configs:
                        - targets: ["127.0.0.1:%d"]
                scrape_configs:
                  - job_name: pve-ha-operator
                    static_configs:
                      - targets: ["127.0.0.1:%d"]
                """
                        .formatted(amPort, h.healthPort()));
        start(
                "prometheus",
                List.of(
                        "prometheus",
                        "--config.file=prometheus.yml",
                        "--storage.tsdb.path=" + dir.resolve("prom-data"),
                        "--web.listen-address=127.0.0.1:" + promPort));
        String promApi = "http://127.0.0.1:" + promPort + "/api/v1/";
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500))
                .until(
                        () -> {
                            String r = get(promApi + "query?query=pveha_node_online");
                            return r != null && r.contains("\"node\":\"pve2\"");
                        });

        h.sim.faults().powerOff("pve2");
        long off = System.nanoTime();
        // The operator's own incident (to the same bridge), then Prometheus' rule (for: 5s here)
        // through Alertmanager.
        await().atMost(Duration.ofSeconds(20))
                .until(
                        () ->
                                stubs.received("webhook").stream()
                                        .anyMatch(
                                                r ->
                                                        "INCIDENT"
                                                                .equals(
                                                                        r.body()
                                                                                .path("pvehaKind")
                                                                                .asText())));
        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(250))
                .until(
                        () ->
                                stubs.received("webhook").stream()
                                        .anyMatch(
                                                r ->
                                                        "am-bridge"
                                                                        .equals(
                                                                                r.body()
                                                                                        .path(
                                                                                                "receiver")
                                                                                        .asText())
                                                                && r.text()
                                                                        .contains(
                                                                                "PvehaNodeOffline firing")));
        ProviderStubs.Received am =
                stubs.received("webhook").stream()
                        .filter(r -> "am-bridge".equals(r.body().path("receiver").asText()))
                        .filter(r -> r.text().contains("PvehaNodeOffline firing"))
                        .findFirst()
                        .orElseThrow();
        System.out.printf(
                "Prometheus -> Alertmanager -> webhook: PvehaNodeOffline delivered %d ms after the power-off (rule for: 5s)%n",
                (am.arrivedNanos() - off) / 1_000_000);
        assertThat(am.body().path("alerts").get(0).path("labels").path("node").asText())
                .isEqualTo("pve2");
        assertThat(am.body().path("alerts").get(0).path("labels").path("severity").asText())
                .isEqualTo("critical");
        assertThat(am.body().path("version").asText()).isEqualTo("4");

        // Let PVE recover the VM (the HA recovery duration is recorded), then scrape.
        await().atMost(Duration.ofSeconds(60))
                .until(
                        () ->
                                stubs.received("webhook").stream()
                                        .anyMatch(
                                                r ->
                                                        r.text().contains("all recovered after")
                                                                || r.text().contains("已全部恢复")));
        String scrape = get("http://127.0.0.1:" + h.healthPort() + "/metrics");
        assertThat(scrape).isNotNull();
        Set<String> present = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^# TYPE (\\S+) ").matcher(scrape);
        while (m.find()) {
            present.add(m.group(1));
        }
        Set<String> sampleNames = new TreeSet<>();
        Matcher s = Pattern.compile("(?m)^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]").matcher(scrape);
        while (s.find()) {
            sampleNames.add(s.group(1));
        }
        List<String> exprs = new ArrayList<>(PrometheusFiles.ruleExpressions());
        exprs.addAll(PrometheusFiles.dashboardExpressions());
        Set<String> named = PrometheusFiles.metricNames(exprs);
        named.remove("up"); // Prometheus' own per-target series
        // A LoadBalancerPair needs real hosts (the LB labs), a backup run a BackupPolicy, and the
        // disaster-recovery families a recovery or a drill: they appear once such objects exist;
        // the other ITs and the unit tests (DisasterRecoveryMetricsTest) cover them.
        Set<String> notInThisScenario =
                Set.of(
                        "pveha_lb_vip_holders",
                        "pveha_lb_backends_up",
                        "pveha_lb_backends",
                        "pveha_backup_last_run_success",
                        "pveha_dr_recovery_complete",
                        "pveha_dr_drill_last_success");
        Set<String> missing = new TreeSet<>(named);
        missing.removeAll(sampleNames);
        missing.removeAll(notInThisScenario);
        System.out.println("metrics named by rules and dashboard: " + named);
        assertThat(missing)
                .as("named by the rules or the dashboard but not in the scrape")
                .isEmpty();
        assertThat(present).isNotEmpty();
    }
}
