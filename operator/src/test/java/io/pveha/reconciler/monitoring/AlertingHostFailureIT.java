package io.pveha.reconciler.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.pveha.alerting.ProviderStubs;
import io.pveha.api.SecretKeyRef;
import io.pveha.api.cluster.ProxmoxCluster;
import io.pveha.api.monitoring.Alerting;
import io.pveha.api.monitoring.DingTalkReceiver;
import io.pveha.api.monitoring.FeishuReceiver;
import io.pveha.api.monitoring.Receiver;
import io.pveha.api.monitoring.Route;
import io.pveha.api.monitoring.WeComReceiver;
import io.pveha.api.vm.Ha;
import io.pveha.api.vm.HaVm;
import io.pveha.api.vm.Placement;
import io.pveha.api.vm.Source;
import io.pveha.api.vm.TemplateSource;
import io.pveha.cluster.ClusterSnapshot;
import io.pveha.reconciler.Conditions;
import io.pveha.testing.SimHarness;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Proof 3 of the monitoring issue: a node is powered off in the simulator; local servers standing
 * in for WeCom, DingTalk (signed) and Feishu (signed) each receive one incident message naming the
 * node and its HA VMs, then PVE's recovery as follow-ups, then the resolution when the node is
 * back. Measures the time from the poll that first sees the node offline to each message.
 */
class AlertingHostFailureIT {
    static final int TEMPLATE = 9000;
    SimHarness h;
    ProviderStubs stubs;

    @BeforeEach
    void start() throws Exception {
        stubs = new ProviderStubs();
        // 60 simulated seconds per real second: fencing (60 s) and recovery (120 s) take seconds.
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
                                .withStringData(
                                        Map.of(
                                                "wecom-url", stubs.wecomUrl(),
                                                "dingtalk-url", stubs.dingtalkUrl(),
                                                "dingtalk-sign", ProviderStubs.DINGTALK_SECRET,
                                                "feishu-url", stubs.feishuUrl(),
                                                "feishu-sign", ProviderStubs.FEISHU_SECRET))
                                .build())
                .create();
        ProxmoxCluster cluster =
                h.client
                        .resources(ProxmoxCluster.class)
                        .inNamespace(SimHarness.NS)
                        .withName(SimHarness.CLUSTER)
                        .get();
        cluster.getSpec().setAlerting(alerting());
        h.client.resource(cluster).update();
    }

    static Alerting alerting() {
        Alerting a = new Alerting();
        Receiver wecom = new Receiver();
        wecom.setName("store-wecom");
        wecom.setWecom(new WeComReceiver());
        wecom.getWecom().setUrlSecretRef(new SecretKeyRef("alert-hooks", "wecom-url"));
        Receiver ding = new Receiver();
        ding.setName("ops-dingtalk");
        ding.setDingtalk(new DingTalkReceiver());
        ding.getDingtalk().setUrlSecretRef(new SecretKeyRef("alert-hooks", "dingtalk-url"));
        ding.getDingtalk().setSignSecretRef(new SecretKeyRef("alert-hooks", "dingtalk-sign"));
        Receiver feishu = new Receiver();
        feishu.setName("ops-feishu");
        feishu.setFeishu(new FeishuReceiver());
        feishu.getFeishu().setUrlSecretRef(new SecretKeyRef("alert-hooks", "feishu-url"));
        feishu.getFeishu().setSignSecretRef(new SecretKeyRef("alert-hooks", "feishu-sign"));
        a.setReceivers(new ArrayList<>(List.of(wecom, ding, feishu)));
        Route route = new Route();
        route.setReceivers(new ArrayList<>(List.of("store-wecom")));
        Route.ChildRoute critical = new Route.ChildRoute();
        critical.setMatch(new java.util.LinkedHashMap<>(Map.of("severity", "critical")));
        critical.setReceivers(
                new ArrayList<>(List.of("store-wecom", "ops-dingtalk", "ops-feishu")));
        route.setRoutes(new ArrayList<>(List.of(critical)));
        a.setRoute(route);
        return a;
    }

    @AfterEach
    void stop() {
        h.close();
        stubs.close();
    }

    static void haClone(HaVm vm, String node) {
        Source source = new Source();
        TemplateSource t = new TemplateSource();
        t.setVmid(TEMPLATE);
        source.setTemplate(t);
        vm.getSpec().setSource(source);
        Ha ha = new Ha();
        ha.setEnabled(true);
        vm.getSpec().setHa(ha);
        Placement placement = new Placement();
        placement.setNode(node);
        vm.getSpec().setPlacement(placement);
    }

    @Test
    void aPoweredOffNodeIsOneIncidentPerReceiverThenFollowUpsThenTheResolution() {
        h.havm("payment-gateway", vm -> haClone(vm, "pve2"));
        h.havm("pos-api-2", vm -> haClone(vm, "pve2"));
        h.havm("pos-api-1", vm -> haClone(vm, "pve1"));
        for (String vm : List.of("payment-gateway", "pos-api-2", "pos-api-1")) {
            h.awaitReady(vm, Duration.ofSeconds(90));
        }
        await().atMost(Duration.ofSeconds(20))
                .until(
                        () ->
                                h.condition(
                                                ProxmoxCluster.class,
                                                SimHarness.CLUSTER,
                                                Monitoring.ALERT_DELIVERY)
                                        .map(c -> "True".equals(c.getStatus()))
                                        .orElse(false));
        assertThat(stubs.all()).isEmpty();

        // The first poll that shows pve2 offline, in real time.
        AtomicLong seenOffline = new AtomicLong();
        h.operator()
                .connections()
                .addListener(
                        (key, previous, current) ->
                                current.lastSnapshot()
                                        .filter(s -> offline(s, "pve2"))
                                        .ifPresent(
                                                s ->
                                                        seenOffline.compareAndSet(
                                                                0, System.nanoTime())));
        h.sim.faults().powerOff("pve2");

        for (String p : List.of("wecom", "dingtalk", "feishu")) {
            await().atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(50))
                    .until(
                            () ->
                                    stubs.received(p).stream()
                                            .anyMatch(r -> r.text().contains("【故障】")));
        }
        List<Long> latencies = new ArrayList<>();
        for (String p : List.of("wecom", "dingtalk", "feishu")) {
            ProviderStubs.Received incident =
                    stubs.received(p).stream()
                            .filter(r -> r.text().contains("【故障】"))
                            .findFirst()
                            .orElseThrow();
            assertThat(incident.code()).isZero();
            assertThat(incident.text())
                    .contains("pve2", "payment-gateway", "pos-api-2")
                    .doesNotContain("pos-api-1 (");
            latencies.add((incident.arrivedNanos() - seenOffline.get()) / 1_000_000);
        }
        System.out.println(
                "host failure: poll that first saw pve2 offline -> incident message (wecom, dingtalk, feishu): "
                        + latencies
                        + " ms");
        assertThat(latencies).allMatch(ms -> ms >= 0 && ms < 2000);
        assertThat(h.condition(ProxmoxCluster.class, SimHarness.CLUSTER, Monitoring.ALERTING))
                .get()
                .satisfies(c -> assertThat(c.getReason()).isEqualTo("AlertsFiring"));

        // PVE HA fences pve2 and starts its VMs elsewhere: follow-ups, no more incident messages.
        for (String p : List.of("wecom", "dingtalk", "feishu")) {
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(200))
                    .until(
                            () ->
                                    stubs.received(p).stream()
                                            .anyMatch(r -> r.text().contains("已全部恢复")));
        }
        String wecom =
                String.join(
                        "\n---\n",
                        stubs.received("wecom").stream()
                                .map(ProviderStubs.Received::text)
                                .toList());
        System.out.println("messages to WeCom:\n" + wecom);
        assertThat(wecom).contains("已被 PVE HA 隔离", "payment-gateway 已在 pve", "pos-api-2 已在 pve");
        for (String p : List.of("wecom", "dingtalk", "feishu")) {
            assertThat(stubs.received(p).stream().filter(r -> r.text().contains("【故障】")).count())
                    .as(p + " incident messages")
                    .isEqualTo(1);
        }

        h.sim.faults().powerOn("pve2");
        for (String p : List.of("wecom", "dingtalk", "feishu")) {
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(200))
                    .until(
                            () ->
                                    stubs.received(p).stream()
                                            .anyMatch(r -> r.text().contains("重新上线")));
        }
        await().atMost(Duration.ofSeconds(10))
                .until(
                        () ->
                                h.condition(
                                                ProxmoxCluster.class,
                                                SimHarness.CLUSTER,
                                                Monitoring.ALERTING)
                                        .map(c -> "True".equals(c.getStatus()))
                                        .orElse(false));
        // Every message was accepted (signatures and formats as the providers check them).
        assertThat(stubs.all()).allMatch(r -> r.code() == 0);
        assertThat(
                        Conditions.find(
                                h.client
                                        .resources(ProxmoxCluster.class)
                                        .inNamespace(SimHarness.NS)
                                        .withName(SimHarness.CLUSTER)
                                        .get()
                                        .getStatus()
                                        .getConditions(),
                                Monitoring.ALERT_DELIVERY))
                .get()
                .satisfies(c -> assertThat(c.getStatus()).isEqualTo("True"));
    }

    static boolean offline(ClusterSnapshot s, String node) {
        return s.nodeMembers().stream()
                .anyMatch(n -> node.equals(n.name()) && !Boolean.TRUE.equals(n.online()));
    }
}
