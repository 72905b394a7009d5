package io.pveha.reconciler.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.pveha.alerting.ProviderStubs;
import io.pveha.api.ObjectRef;
import io.pveha.api.SecretKeyRef;
import io.pveha.api.cluster.ProxmoxCluster;
import io.pveha.api.monitoring.Alerting;
import io.pveha.api.monitoring.EmailReceiver;
import io.pveha.api.monitoring.HttpCheck;
import io.pveha.api.monitoring.Language;
import io.pveha.api.monitoring.Receiver;
import io.pveha.api.monitoring.Route;
import io.pveha.api.monitoring.ServiceCheck;
import io.pveha.api.monitoring.Severity;
import io.pveha.api.monitoring.TcpCheck;
import io.pveha.api.monitoring.VmMonitoring;
import io.pveha.api.monitoring.WebhookTarget;
import io.pveha.api.vm.HaVm;
import io.pveha.api.vm.Source;
import io.pveha.api.vm.TemplateSource;
import io.pveha.monitoring.checks.CheckRunner;
import io.pveha.testing.RealTools;
import io.pveha.testing.SimHarness;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proofs 1, 4 and 6 of the monitoring issue: checks added to a HaVm in YAML run; a real HTTP
 * service (python3's http.server, a separate process on loopback) that they probe is stopped → the
 * alert fires after the failure threshold (webhook in Alertmanager's format, and e-mail through a
 * real SMTP server, GreenMail); started again → resolved; the checks removed from the YAML → they
 * stop and what they had open resolves.
 */
class ServiceCheckIT {
    static final int TEMPLATE = 9000;
    static final String VM = "pos-api-1";

    @TempDir Path www;
    SimHarness h;
    ProviderStubs stubs;
    GreenMail smtp;
    Process service;
    int port;

    @BeforeEach
    void start() throws Exception {
        RealTools.require("python3");
        Files.writeString(www.resolve("healthz"), "{\"status\": \"ok\"}");
        stubs = new ProviderStubs();
        smtp = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        smtp.start();
        h = new SimHarness(60.0, 1.0);
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
        h.client
                .resource(
                        new SecretBuilder()
                                .withNewMetadata()
                                .withName("smtp")
                                .withNamespace(SimHarness.NS)
                                .endMetadata()
                                .withStringData(
                                        Map.of(
                                                "host", "127.0.0.1",
                                                "port", String.valueOf(smtp.getSmtp().getPort()),
                                                "from", "pveha@chain.example"))
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
        Receiver mail = new Receiver();
        mail.setName("noc-mail");
        mail.setEmail(new EmailReceiver());
        mail.getEmail().setTo(new ArrayList<>(List.of("noc@chain.example")));
        mail.getEmail().setSmtpSecretRef(new ObjectRef("smtp"));
        // GreenMail offers no STARTTLS; production receivers keep the default (StartTLS, required).
        mail.getEmail().setSecurity(EmailReceiver.Security.None);
        a.setReceivers(new ArrayList<>(List.of(bridge, mail)));
        Route route = new Route();
        route.setReceivers(new ArrayList<>(List.of("bridge", "noc-mail")));
        a.setRoute(route);
        a.setLanguage(Language.EN);
        cluster.getSpec().setAlerting(a);
        h.client.resource(cluster).update();
        // A free port chosen after everything else has its ports, so nothing else takes it.
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        startService();
    }

    void startService() throws IOException {
        service =
                new ProcessBuilder(
                                "python3",
                                "-m",
                                "http.server",
                                String.valueOf(port),
                                "--bind",
                                "127.0.0.1")
                        .directory(www.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(www.resolve("http.log").toFile())
                        .start();
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(50))
                .until(
                        () -> {
                            try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                                return true;
                            } catch (IOException e) {
                                return false;
                            }
                        });
    }

    void stopService() throws InterruptedException {
        service.destroy();
        service.waitFor();
    }

    @AfterEach
    void stop() throws Exception {
        if (service != null) {
            service.destroyForcibly().waitFor();
        }
        if (h != null) {
            h.close();
        }
        if (smtp != null) {
            smtp.stop();
        }
        if (stubs != null) {
            stubs.close();
        }
    }

    static List<ServiceCheck> checks(int port) {
        ServiceCheck http = new ServiceCheck();
        http.setName("http");
        HttpCheck hc = new HttpCheck();
        hc.setHost("127.0.0.1");
        hc.setPort(port);
        hc.setPath("/healthz");
        http.setHttp(hc);
        http.setExpect(
                new ArrayList<>(
                        List.of("status == 200", "latencyMs < 1000", "body.status == 'ok'")));
        http.setIntervalSeconds(1);
        http.setFailureThreshold(3);
        http.setSeverity(Severity.critical);
        ServiceCheck tcp = new ServiceCheck();
        tcp.setName("pos-port");
        TcpCheck tc = new TcpCheck();
        tc.setHost("127.0.0.1");
        tc.setPort(port);
        tcp.setTcp(tc);
        tcp.setIntervalSeconds(1);
        tcp.setFailureThreshold(3);
        return new ArrayList<>(List.of(http, tcp));
    }

    long messagesAbout(String check, String status) {
        return stubs.received("webhook").stream()
                .filter(
                        r ->
                                r.body().path("alerts").findValues("labels").stream()
                                        .anyMatch(l -> check.equals(l.path("check").asText())))
                .filter(r -> r.body().path("status").asText().equals(status))
                .count();
    }

    @Test
    void checksDeclaredInYamlAlertOnAStoppedServiceResolveWhenItIsBackAndStopWhenRemoved()
            throws Exception {
        h.havm(
                VM,
                vm -> {
                    Source source = new Source();
                    TemplateSource t = new TemplateSource();
                    t.setVmid(TEMPLATE);
                    source.setTemplate(t);
                    vm.getSpec().setSource(source);
                });
        h.awaitReady(VM, Duration.ofSeconds(90));

        // 1. Add the checks to the HaVm (the YAML's spec.monitoring.checks): they run.
        HaVm vm = h.get(VM);
        vm.getSpec().setMonitoring(new VmMonitoring());
        vm.getSpec().getMonitoring().setChecks(checks(port));
        h.client.resource(vm).update();
        CheckRunner runner = h.operator().monitoring().checks();
        String httpId = SimHarness.NS + "/" + SimHarness.CLUSTER + "/" + VM + "/http";
        String tcpId = SimHarness.NS + "/" + SimHarness.CLUSTER + "/" + VM + "/pos-port";
        await().atMost(Duration.ofSeconds(15))
                .until(
                        () ->
                                runner.state(httpId) != null
                                        && runner.state(httpId).consecutiveSuccesses() >= 2
                                        && runner.state(tcpId) != null
                                        && runner.state(tcpId).consecutiveSuccesses() >= 2);
        assertThat(stubs.all()).isEmpty();

        // 4. The service stops: both checks fire after 3 failures (1 s apart).
        long stopped = System.nanoTime();
        stopService();
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(50))
                .until(
                        () ->
                                messagesAbout("http", "firing") == 1
                                        && messagesAbout("pos-port", "firing") == 1);
        long fired =
                stubs.received("webhook").stream()
                        .filter(r -> r.body().path("status").asText().equals("firing"))
                        .mapToLong(ProviderStubs.Received::arrivedNanos)
                        .min()
                        .orElseThrow();
        assertThat(runner.state(httpId).consecutiveFailures()).isGreaterThanOrEqualTo(3);

        long restarted = System.nanoTime();
        startService();
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(50))
                .until(
                        () ->
                                messagesAbout("http", "resolved") == 1
                                        && messagesAbout("pos-port", "resolved") == 1);
        long resolved =
                stubs.received("webhook").stream()
                        .filter(r -> r.body().path("status").asText().equals("resolved"))
                        .mapToLong(ProviderStubs.Received::arrivedNanos)
                        .min()
                        .orElseThrow();
        System.out.printf(
                "service failure: stop -> alert %d ms (interval 1 s, failureThreshold 3); start -> resolved %d ms%n",
                (fired - stopped) / 1_000_000, (resolved - restarted) / 1_000_000);
        assertThat((fired - stopped) / 1_000_000).isBetween(1500L, 8000L);

        // 6. The same alerts by e-mail, through a real SMTP server.
        await().atMost(Duration.ofSeconds(20)).until(() -> smtp.getReceivedMessages().length >= 2);
        MimeMessage first = smtp.getReceivedMessages()[0];
        // On a loaded machine the two firing messages can queue behind the e-mail lane's rate limit
        // and arrive merged into one; either way the first mail carries the firing alert.
        if (first.getSubject().contains("(merged: rate limit)")) {
            assertThat(GreenMailUtil.getBody(first)).contains("[FIRING]");
        } else {
            assertThat(first.getSubject()).startsWith("[FIRING]");
        }
        assertThat(GreenMailUtil.getBody(first)).contains(VM);
        assertThat(first.getAllRecipients()[0].toString()).isEqualTo("noc@chain.example");

        // Events on the HaVm itself.
        List<Event> events =
                h.client.v1().events().inNamespace(SimHarness.NS).list().getItems().stream()
                        .filter(
                                e ->
                                        VM.equals(e.getInvolvedObject().getName())
                                                && "HaVm".equals(e.getInvolvedObject().getKind()))
                        .toList();
        assertThat(events).extracting(Event::getReason).contains("AlertFiring", "AlertResolved");

        // 1 (continued). Fail again, then remove the checks from the YAML: they stop, their alerts
        // resolve.
        stopService();
        await().atMost(Duration.ofSeconds(20)).until(() -> messagesAbout("http", "firing") == 2);
        HaVm again = h.get(VM);
        again.getSpec().setMonitoring(null);
        h.client.resource(again).update();
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(100))
                .until(
                        () ->
                                messagesAbout("http", "resolved") == 2
                                        && messagesAbout("pos-port", "resolved") == 2);
        assertThat(runner.state(httpId)).isNull();
        assertThat(runner.state(tcpId)).isNull();
        assertThat(stubs.received("webhook").get(stubs.received("webhook").size() - 1).text())
                .contains("the monitoring item was removed");
        ProxmoxCluster cluster =
                h.client
                        .resources(ProxmoxCluster.class)
                        .inNamespace(SimHarness.NS)
                        .withName(SimHarness.CLUSTER)
                        .get();
        assertThat(cluster.getStatus().getAlerting().getAlerts())
                .filteredOn(a -> a.getAlertname().equals(Monitoring.CHECK_ALERT))
                .allMatch(a -> a.getState().equals("resolved"));
    }
}
