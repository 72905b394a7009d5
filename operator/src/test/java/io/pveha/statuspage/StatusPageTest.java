package io.pveha.statuspage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.pveha.api.ObjectRef;
import io.pveha.api.backup.BackupPolicy;
import io.pveha.api.backup.BackupPolicySpec;
import io.pveha.api.backup.BackupPolicyStatus;
import io.pveha.api.cluster.ProxmoxCluster;
import io.pveha.api.cluster.ProxmoxClusterSpec;
import io.pveha.api.cluster.ProxmoxClusterStatus;
import io.pveha.api.lb.LbHost;
import io.pveha.api.lb.LoadBalancerPair;
import io.pveha.api.lb.LoadBalancerPairSpec;
import io.pveha.api.lb.LoadBalancerPairStatus;
import io.pveha.api.lb.Vip;
import io.pveha.api.monitoring.AlertState;
import io.pveha.api.monitoring.Alerting;
import io.pveha.api.monitoring.AlertingStatus;
import io.pveha.api.monitoring.HttpCheck;
import io.pveha.api.monitoring.IncidentState;
import io.pveha.api.monitoring.MaintenanceWindow;
import io.pveha.api.monitoring.ServiceCheck;
import io.pveha.api.monitoring.VmMonitoring;
import io.pveha.api.vm.Ha;
import io.pveha.api.vm.HaVm;
import io.pveha.api.vm.HaVmSpec;
import io.pveha.api.vm.HaVmStatus;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The page from hand-made resources: the verdict rules, the incident timeline the page remembers,
 * both languages, escaping, the JSON, the HTTP side (read-only, token, live stream) and that no
 * Secret value, URL or token reaches HTML or JSON.
 */
class StatusPageTest {
    static final String NS = "store-7";
    static final Instant T0 = Instant.parse("2026-12-06T06:00:00Z");

    /** A platform: cluster pve with 3 nodes, two HA VMs (one with a check), an LB, a backup. */
    static final class Platform implements StatusSource {
        final ProxmoxCluster cluster = cluster();
        final List<HaVm> vms =
                new ArrayList<>(List.of(vm("pos-api-1", "pve1"), vm("pos-api-2", "pve2")));
        final LoadBalancerPair lb = lb();
        final BackupPolicy backup = backup();
        int version;

        @Override
        public Objects read() {
            version++;
            for (var r : List.of(cluster, lb, backup)) {
                r.getMetadata().setResourceVersion(String.valueOf(version));
            }
            vms.forEach(v -> v.getMetadata().setResourceVersion(String.valueOf(version)));
            return new Objects(
                    List.of(cluster), List.copyOf(vms), List.of(), List.of(lb), List.of(backup));
        }

        ProxmoxClusterStatus.NodeInfo node(String name) {
            return cluster.getStatus().getNodes().stream()
                    .filter(n -> n.getName().equals(name))
                    .findFirst()
                    .orElseThrow();
        }
    }

    static ProxmoxCluster cluster() {
        ProxmoxCluster c = new ProxmoxCluster();
        c.setMetadata(new ObjectMetaBuilder().withName("pve").withNamespace(NS).build());
        ProxmoxClusterSpec spec = new ProxmoxClusterSpec();
        Alerting alerting = new Alerting();
        MaintenanceWindow w = new MaintenanceWindow();
        w.setName("monthly-patching");
        w.setSchedule("sun *-*-01..07 02:00");
        w.setDurationMinutes(120);
        alerting.setMaintenance(new ArrayList<>(List.of(w)));
        spec.setAlerting(alerting);
        c.setSpec(spec);
        ProxmoxClusterStatus s = new ProxmoxClusterStatus();
        s.setVersion("9.1.1");
        s.setClusterName("store-chain");
        s.setQuorate(true);
        s.setLastPollTime(T0.toString());
        s.getConditions().add(cond("Connected", "True", "Connected"));
        s.getConditions().add(cond("Ready", "True", "Ready"));
        for (String n : List.of("pve1", "pve2", "pve3")) {
            ProxmoxClusterStatus.NodeInfo node = new ProxmoxClusterStatus.NodeInfo();
            node.setName(n);
            node.setOnline(true);
            node.setHaState("online");
            s.getNodes().add(node);
        }
        ProxmoxClusterStatus.CephInfo ceph = new ProxmoxClusterStatus.CephInfo();
        ceph.setHealth("HEALTH_OK");
        s.setCeph(ceph);
        ProxmoxClusterStatus.StorageInfo st = new ProxmoxClusterStatus.StorageInfo();
        st.setName("vm-pool");
        st.setUsedBytes(60L);
        st.setTotalBytes(1000L);
        s.getStorages().add(st);
        s.setAlerting(new AlertingStatus());
        c.setStatus(s);
        return c;
    }

    static HaVm vm(String name, String node) {
        HaVm vm = new HaVm();
        vm.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).build());
        HaVmSpec spec = new HaVmSpec();
        spec.setClusterRef(new ObjectRef("pve"));
        Ha ha = new Ha();
        ha.setEnabled(true);
        spec.setHa(ha);
        ServiceCheck check = new ServiceCheck();
        check.setName("http");
        check.setHttp(new HttpCheck());
        VmMonitoring m = new VmMonitoring();
        m.setChecks(new ArrayList<>(List.of(check)));
        spec.setMonitoring(m);
        vm.setSpec(spec);
        HaVmStatus s = new HaVmStatus();
        s.setVmid(name.endsWith("1") ? 201 : 202);
        s.setNode(node);
        s.setPowerState("running");
        s.setHaState("started");
        s.getConditions().add(cond("Ready", "True", "Ready"));
        vm.setStatus(s);
        return vm;
    }

    static LoadBalancerPair lb() {
        LoadBalancerPair lb = new LoadBalancerPair();
        lb.setMetadata(new ObjectMetaBuilder().withName("store-lb").withNamespace(NS).build());
        LoadBalancerPairSpec spec = new LoadBalancerPairSpec();
        spec.setClusterRef(new ObjectRef("pve"));
        LbHost h1 = new LbHost();
        h1.setName("lb1");
        h1.setPriority(150);
        LbHost h2 = new LbHost();
        h2.setName("lb2");
        h2.setPriority(100);
        spec.setHosts(new ArrayList<>(List.of(h1, h2)));
        Vip vip = new Vip();
        vip.setAddress("10.20.0.10");
        spec.setVip(vip);
        lb.setSpec(spec);
        LoadBalancerPairStatus s = new LoadBalancerPairStatus();
        s.setVipHolder("lb1");
        s.setVipHolderSince(T0.toString());
        for (String h : List.of("lb1", "lb2")) {
            LoadBalancerPairStatus.HostStatus hs = new LoadBalancerPairStatus.HostStatus();
            hs.setName(h);
            hs.setVrrpState(h.equals("lb1") ? "MASTER" : "BACKUP");
            hs.setHoldsVip(h.equals("lb1"));
            hs.setReachable(true);
            hs.setKeepalivedUp(true);
            hs.setHaproxyUp(true);
            s.getHosts().add(hs);
        }
        for (int i = 1; i <= 2; i++) {
            LoadBalancerPairStatus.BackendStatus b = new LoadBalancerPairStatus.BackendStatus();
            b.setService("pos-api");
            b.setServer("pos-api-" + i);
            b.setAddress("10.20.0.2" + i + ":8080");
            b.setHaVm("pos-api-" + i);
            b.setState("UP");
            s.getBackends().add(b);
        }
        s.getConditions().add(cond("Ready", "True", "Ready"));
        s.getConditions().add(cond("VipHeld", "True", "HeldByMaster"));
        s.getConditions().add(cond("BackendsHealthy", "True", "AllUp"));
        lb.setStatus(s);
        return lb;
    }

    static BackupPolicy backup() {
        BackupPolicy bp = new BackupPolicy();
        bp.setMetadata(new ObjectMetaBuilder().withName("nightly").withNamespace(NS).build());
        BackupPolicySpec spec = new BackupPolicySpec();
        spec.setClusterRef(new ObjectRef("pve"));
        spec.setSchedule("02:00");
        bp.setSpec(spec);
        BackupPolicyStatus s = new BackupPolicyStatus();
        s.setNextRun("2026-12-07T02:00:00Z");
        BackupPolicyStatus.VmBackup v = new BackupPolicyStatus.VmBackup();
        v.setVmid(201);
        v.setHaVm("pos-api-1");
        v.setTime("2026-12-06T02:00:12Z");
        v.setCount(3);
        s.getVms().add(v);
        s.getConditions().add(cond("Ready", "True", "Ready"));
        bp.setStatus(s);
        return bp;
    }

    static io.fabric8.kubernetes.api.model.Condition cond(
            String type, String status, String reason) {
        return new ConditionBuilder().withType(type).withStatus(status).withReason(reason).build();
    }

    static final class MutableClock extends Clock {
        Instant now = T0;

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    @Test
    void allReadyIsOperationalWithEveryClusterNodeAndVmInBothLanguages() throws Exception {
        Platform p = new Platform();
        try (StatusPage page =
                new StatusPage(p, StatusPage.Settings.defaults(), new MutableClock())) {
            PlatformView v = page.view();
            assertThat(v.verdict()).isEqualTo(PlatformView.Level.OPERATIONAL);
            assertThat(v.issues()).isEmpty();
            PlatformView.ClusterView c = v.clusters().get(0);
            assertThat(c.nodesOnline()).isEqualTo(3);
            assertThat(c.vmsRunning()).isEqualTo(2);
            assertThat(c.loadBalancers().get(0).vipHolder()).isEqualTo("lb1");
            assertThat(c.lastGoodBackup()).isEqualTo("2026-12-06T02:00:12Z");
            assertThat(c.storageMaxPercent()).isEqualTo(6.0);
            assertThat(c.haVms().get(0).checks().get(0).state()).isEqualTo("ok");

            String zh = StatusPageHtml.page(v, Texts.ZH, T0, 15);
            String en = StatusPageHtml.page(v, Texts.EN, T0, 15);
            assertThat(zh)
                    .contains(
                            "lang=\"zh-CN\"",
                            "一切正常",
                            "pve1",
                            "pve2",
                            "pve3",
                            "pos-api-1",
                            "pos-api-2",
                            "store-lb",
                            "nightly",
                            "monthly-patching");
            assertThat(en).contains("lang=\"en\"", "All systems operational", "pve3", "pos-api-2");
            for (String html : List.of(zh, en)) {
                assertThat(html).doesNotContain("<script>", "style=\"", "http://", "https://");
            }
            JsonNode json = new ObjectMapper().readTree(page.json());
            assertThat(json.get("verdict").asText()).isEqualTo("operational");
            assertThat(json.at("/clusters/0/nodes/2/name").asText()).isEqualTo("pve3");
            assertThat(json.at("/clusters/0/loadBalancers/0/hosts/0/vrrpState").asText())
                    .isEqualTo("MASTER");
        }
    }

    @Test
    void aNodePoweredOffIsAPartialOutageWithItsIncidentAndItsTimelineSurvivesTheResolution() {
        Platform p = new Platform();
        MutableClock clock = new MutableClock();
        try (StatusPage page = new StatusPage(p, StatusPage.Settings.defaults(), clock)) {
            long before = page.view().seq();
            // pve2 goes down: the alert engine fires NodeOffline and opens the incident in one
            // pass.
            clock.now = T0.plusSeconds(60);
            p.node("pve2").setOnline(false);
            p.node("pve2").setHaState("unknown");
            IncidentState incident = new IncidentState();
            incident.setId("node/pve2@1");
            incident.setNode("pve2");
            incident.setStartedAt(clock.now.toString());
            IncidentState.IncidentVm vm = new IncidentState.IncidentVm();
            vm.setName("pos-api-2");
            vm.setVmid(202);
            incident.getVms().add(vm);
            AlertState alert = new AlertState();
            alert.setAlertname("NodeOffline");
            alert.setSubject("node/pve2");
            alert.setSeverity("critical");
            alert.setState("firing");
            alert.setSince(clock.now.toString());
            alert.setSummary("节点 pve2 离线 <b>");
            p.cluster.getStatus().getAlerting().getAlerts().add(alert);
            p.cluster.getStatus().getAlerting().getIncidents().add(incident);
            HaVm moving = p.vms.get(1);
            moving.getStatus().setHaState("fence");
            moving.getStatus().getConditions().set(0, cond("Ready", "False", "NodeOffline"));
            page.refresh();

            PlatformView v = page.view();
            assertThat(v.seq()).isGreaterThan(before);
            assertThat(v.verdict()).isEqualTo(PlatformView.Level.PARTIAL_OUTAGE);
            assertThat(v.issues()).extracting(PlatformView.Issue::code).contains("node_offline");
            assertThat(v.clusters().get(0).incidents()).hasSize(1);
            assertThat(v.clusters().get(0).alerts())
                    .extracting(PlatformView.AlertView::alertname)
                    .containsExactly("NodeOffline");
            String zh = StatusPageHtml.page(v, Texts.ZH, clock.now, 15);
            assertThat(zh)
                    .contains("部分中断", "节点 pve2 离线", "data-incident=\"node/pve2@1\"", "&lt;b&gt;")
                    .doesNotContain("离线 <b>");

            // PVE fences it and restarts pos-api-2 on pve3; then the node returns and it closes.
            clock.now = T0.plusSeconds(70);
            incident.setFenced(true);
            vm.setStartedOn("pve3");
            incident.setRecoveredAt(clock.now.toString());
            moving.getStatus().setNode("pve3");
            moving.getStatus().setHaState("started");
            moving.getStatus().getConditions().set(0, cond("Ready", "True", "Ready"));
            page.refresh();
            clock.now = T0.plusSeconds(90);
            p.node("pve2").setOnline(true);
            p.node("pve2").setHaState("online");
            p.cluster.getStatus().getAlerting().getIncidents().clear();
            alert.setState("resolved");
            alert.setSince(clock.now.toString());
            page.refresh();

            v = page.view();
            assertThat(v.verdict()).isEqualTo(PlatformView.Level.OPERATIONAL);
            PlatformView.IncidentView resolved = v.clusters().get(0).incidents().get(0);
            assertThat(resolved.open()).isFalse();
            assertThat(resolved.timeline())
                    .extracting(PlatformView.TimelineEntry::event)
                    .containsExactly("node_down", "fenced", "vm_started", "recovered", "resolved");
            assertThat(resolved.resolvedAt()).isEqualTo(T0.plusSeconds(90).toString());
            // pve2's history: online, offline, online again.
            assertThat(v.clusters().get(0).nodes().get(1).history())
                    .extracting(PlatformView.Segment::state)
                    .containsExactly("online", "offline", "online");
            assertThat(StatusPageHtml.page(v, Texts.EN, clock.now, 15))
                    .contains("pos-api-2 restarted on pve3", "node pve2 back, resolved", "h-down");
        }
    }

    @Test
    void loadBalancerStatesMapToLevels() {
        Platform p = new Platform();
        MutableClock clock = new MutableClock();
        try (StatusPage page = new StatusPage(p, StatusPage.Settings.defaults(), clock)) {
            LoadBalancerPairStatus s = p.lb.getStatus();
            s.getBackends().get(0).setState("DOWN");
            s.getConditions().set(2, cond("BackendsHealthy", "False", "SomeDown"));
            page.refresh();
            assertThat(page.view().verdict()).isEqualTo(PlatformView.Level.DEGRADED);
            assertThat(page.view().issues())
                    .extracting(PlatformView.Issue::code)
                    .containsExactly("backend_down");

            s.getBackends().get(0).setState("UP");
            s.getConditions().set(2, cond("BackendsHealthy", "True", "AllUp"));
            s.setVipHolder("lb2");
            s.getConditions().set(0, cond("Ready", "False", "VipOnBackup"));
            s.getConditions().set(1, cond("VipHeld", "True", "HeldByBackup"));
            page.refresh();
            assertThat(page.view().issues())
                    .extracting(PlatformView.Issue::code)
                    .containsExactly("vip_on_backup");

            s.setVipHolder("lb1,lb2");
            s.getConditions().set(1, cond("VipHeld", "False", "SplitBrain"));
            page.refresh();
            assertThat(page.view().verdict()).isEqualTo(PlatformView.Level.MAJOR_OUTAGE);
        }
    }

    @Test
    void anOpenMaintenanceWindowIsUnderMaintenanceAndCoversItsNodes() {
        Platform p = new Platform();
        MutableClock clock = new MutableClock();
        clock.now = Instant.parse("2026-12-06T02:30:00Z"); // Sunday 6 Dec, 10:30 in Shanghai
        p.cluster.getSpec().getAlerting().getMaintenance().get(0).setSchedule("sun 10:00");
        p.cluster
                .getSpec()
                .getAlerting()
                .getMaintenance()
                .get(0)
                .setNodes(new ArrayList<>(List.of("pve3")));
        p.node("pve3").setOnline(false);
        try (StatusPage page = new StatusPage(p, StatusPage.Settings.defaults(), clock)) {
            assertThat(page.view().verdict()).isEqualTo(PlatformView.Level.UNDER_MAINTENANCE);
            assertThat(page.view().clusters().get(0).maintenance().get(0).open()).isTrue();
        }
    }

    @Test
    void aDisasterRecoveryIsShownWithItsProgressAndDecidesTheVerdictUntilItCompletes() {
        Platform p = new Platform();
        MutableClock clock = new MutableClock();
        p.cluster.getSpec().setDisasterRecovery(new io.pveha.api.cluster.DisasterRecovery());
        var dr = new io.pveha.api.cluster.DisasterRecoveryStatus();
        var other = new io.pveha.api.cluster.DisasterRecoveryStatus.SiteInfo();
        other.setRole("standby");
        other.setClusterName("store-b");
        other.setReachable(true);
        other.setNodesSummary("3/3");
        dr.setOther(other);
        p.cluster.getStatus().setDisasterRecovery(dr);
        try (StatusPage page = new StatusPage(p, StatusPage.Settings.defaults(), clock)) {
            PlatformView v = page.view();
            assertThat(v.verdict()).isEqualTo(PlatformView.Level.OPERATIONAL);
            assertThat(StatusPageHtml.page(v, Texts.EN, T0, 15))
                    .contains(
                            "The platform runs on the primary cluster.",
                            "The standby cluster store-b: reachable, nodes online 3/3.",
                            "No recovery has run.");

            // The standby stops answering: the safety net is gone, the platform still runs.
            other.setReachable(false);
            clock.now = T0.plusSeconds(30);
            page.refresh();
            assertThat(page.view().verdict()).isEqualTo(PlatformView.Level.DEGRADED);
            assertThat(page.view().issues())
                    .extracting(PlatformView.Issue::code)
                    .contains("dr_standby_unreachable");

            // Switched: restoring on the standby is a partial outage with its progress.
            dr.setActiveCluster("standby");
            other.setRole("primary");
            other.setClusterName("store-a");
            var r = new io.pveha.api.cluster.DisasterRecoveryStatus.Recovery();
            r.setPhase("Restoring");
            r.setTargetClusterName("store-b@standby");
            r.setVmsTotal(5);
            r.setVmsRestored(2);
            r.setVmsFailed(0);
            r.setStage("2/3 pos");
            r.setElapsedSeconds(95L);
            r.setEstimatedRemainingSeconds(380L);
            dr.setRecovery(r);
            clock.now = T0.plusSeconds(60);
            page.refresh();
            v = page.view();
            assertThat(v.verdict()).isEqualTo(PlatformView.Level.PARTIAL_OUTAGE);
            assertThat(v.issues()).extracting(PlatformView.Issue::code).contains("dr_recovering");
            assertThat(StatusPageHtml.page(v, Texts.ZH, T0, 15))
                    .contains(
                            "平台当前运行在备用集群上。",
                            "在 store-b@standby 上恢复：恢复中；已恢复 2/5 台",
                            "阶段 2/3 pos。",
                            "预计还需 380 秒。",
                            "正在灾难恢复（已恢复 pve: 2/5 台）");

            // Completed: back to operational, the record stays on the page.
            r.setPhase("Completed");
            r.setVmsRestored(5);
            clock.now = T0.plusSeconds(90);
            page.refresh();
            v = page.view();
            assertThat(v.verdict()).isEqualTo(PlatformView.Level.OPERATIONAL);
            assertThat(v.clusters().get(0).disasterRecovery().phase()).isEqualTo("Completed");
            assertThat(StatusPageHtml.page(v, Texts.EN, T0, 15))
                    .contains("Recovery on store-b@standby: completed; 5 of 5 VMs restored");
        }
    }

    @Test
    void bothLanguagesHaveTheSameKeysAndAcceptLanguageChoosesDefaultChinese() throws Exception {
        Properties en = load("messages.properties");
        Properties zh = load("messages_zh_CN.properties");
        assertThat(zh.keySet()).isEqualTo(en.keySet());
        assertThat(Texts.forRequest(null, null).tag()).isEqualTo("zh-CN");
        assertThat(Texts.forRequest(null, "en-US,en;q=0.9").tag()).isEqualTo("en");
        assertThat(Texts.forRequest(null, "fr-FR, en;q=0.5, zh;q=0.8").tag()).isEqualTo("zh-CN");
        assertThat(Texts.forRequest(null, "fr-FR").tag()).isEqualTo("zh-CN");
        assertThat(Texts.forRequest("en", "zh-CN").tag()).isEqualTo("en");
    }

    static Properties load(String name) throws Exception {
        Properties p = new Properties();
        try (InputStream in = StatusPage.class.getResourceAsStream(name)) {
            p.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
        }
        return p;
    }

    @Test
    void servesReadOnlyWithTheTokenAndStreamsUpdates() throws Exception {
        Platform p = new Platform();
        String token = "t0ken-c4n4ry-5ec12e7c0de5";
        try (StatusPage page =
                new StatusPage(
                                p,
                                StatusPage.Settings.defaults()
                                        .withToken(token)
                                        .withSampleInterval(Duration.ofMillis(50)),
                                Clock.systemUTC())
                        .start()) {
            var server = page.listen("127.0.0.1", 0);
            try {
                String base = "http://127.0.0.1:" + server.getAddress().getPort();
                HttpClient http = HttpClient.newHttpClient();
                assertThat(get(http, base + "/status.json", null).statusCode()).isEqualTo(401);
                assertThat(get(http, base + "/", null).statusCode()).isEqualTo(401);
                assertThat(get(http, base + "/status.css", null).statusCode()).isEqualTo(200);
                HttpResponse<String> json = get(http, base + "/status.json", "Bearer " + token);
                assertThat(json.statusCode()).isEqualTo(200);
                assertThat(json.body()).contains("\"verdict\"").doesNotContain(token);
                HttpResponse<String> redirect = get(http, base + "/?token=" + token, null);
                assertThat(redirect.statusCode()).isEqualTo(303);
                String cookie = redirect.headers().firstValue("Set-Cookie").orElseThrow();
                assertThat(cookie).contains("HttpOnly", "SameSite=Strict");
                HttpResponse<String> html =
                        http.send(
                                HttpRequest.newBuilder(URI.create(base + "/"))
                                        .header("Cookie", cookie.split(";")[0])
                                        .header("Accept-Language", "en")
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                assertThat(html.statusCode()).isEqualTo(200);
                assertThat(html.body()).contains("All systems operational").doesNotContain(token);
                assertThat(html.headers().firstValue("Content-Security-Policy").orElseThrow())
                        .contains("default-src 'none'");
                assertThat(
                                http.send(
                                                HttpRequest.newBuilder(
                                                                URI.create(base + "/status.json"))
                                                        .header("Authorization", "Bearer " + token)
                                                        .POST(HttpRequest.BodyPublishers.noBody())
                                                        .build(),
                                                HttpResponse.BodyHandlers.ofString())
                                        .statusCode())
                        .isEqualTo(405);

                // The event stream: the current page at once, then the next change.
                AtomicReference<String> seen = new AtomicReference<>("");
                HttpResponse<InputStream> stream =
                        http.send(
                                HttpRequest.newBuilder(URI.create(base + "/status/events?lang=en"))
                                        .header("Authorization", "Bearer " + token)
                                        .build(),
                                HttpResponse.BodyHandlers.ofInputStream());
                assertThat(stream.headers().firstValue("Content-Type").orElseThrow())
                        .startsWith("text/event-stream");
                Thread reader =
                        new Thread(
                                () -> {
                                    ByteArrayOutputStream buf = new ByteArrayOutputStream();
                                    try (InputStream in = stream.body()) {
                                        byte[] chunk = new byte[8192];
                                        int n;
                                        while ((n = in.read(chunk)) > 0) {
                                            buf.write(chunk, 0, n);
                                            seen.set(buf.toString(StandardCharsets.UTF_8));
                                        }
                                    } catch (Exception e) {
                                        // closed by the test
                                    }
                                });
                reader.setDaemon(true);
                reader.start();
                org.awaitility.Awaitility.await()
                        .atMost(Duration.ofSeconds(5))
                        .until(
                                () ->
                                        seen.get().contains("event: update")
                                                && seen.get().contains("All systems operational"));
                p.node("pve1").setOnline(false);
                org.awaitility.Awaitility.await()
                        .atMost(Duration.ofSeconds(5))
                        .until(() -> seen.get().contains("Node pve1 offline"));
                assertThat(seen.get()).doesNotContain(token);
            } finally {
                server.stop(0);
            }
        }
    }

    static HttpResponse<String> get(HttpClient http, String url, String auth) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
        if (auth != null) {
            b.header("Authorization", auth);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
