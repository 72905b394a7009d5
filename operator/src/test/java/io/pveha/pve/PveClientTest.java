package io.pveha.pve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pveha.pve.model.CephHealth;
import io.pveha.pve.model.ClusterResource;
import io.pveha.pve.model.ClusterStatusEntry;
import io.pveha.pve.model.TaskStatus;
import io.pveha.testing.Fixtures;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PveClientTest {
    static final PveToken TOKEN =
            new PveToken("pveha@pve!operator", "6f1c2d3e-aaaa-bbbb-cccc-1234567890ab");

    MockWebServer server;
    final List<String> calls = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = new MockWebServer();
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    PveClient client(String... endpoints) {
        PveClient.Config config =
                PveClient.Config.of(List.of(endpoints), TOKEN, PveTls.insecure())
                        .withRequestsPerSecond(1000)
                        .withConnectTimeout(Duration.ofSeconds(2))
                        .withRequestTimeout(Duration.ofSeconds(3));
        return new PveClient(config, (m, p, e, s, t) -> calls.add(m + " " + p + " " + s));
    }

    String url() {
        return "http://" + server.getHostName() + ":" + server.getPort();
    }

    static MockResponse ok(String body) {
        return new MockResponse.Builder()
                .code(200)
                .setHeader("Content-Type", "application/json")
                .body(body)
                .build();
    }

    static MockResponse error(int code, String reason, String body) {
        return new MockResponse.Builder()
                .status("HTTP/1.1 " + code + " " + reason)
                .body(body)
                .build();
    }

    @Test
    void sendsTheTokenAndReadsRealClusterResources() throws Exception {
        server.enqueue(ok(Fixtures.read("cluster_resources.json")));
        try (PveClient client = client(url())) {
            List<ClusterResource> resources = new PveApi(client).clusterResources();

            assertThat(resources).isNotEmpty();
            assertThat(resources)
                    .filteredOn(ClusterResource::isQemu)
                    .allSatisfy(
                            r -> {
                                assertThat(r.vmid()).isPositive();
                                assertThat(r.id()).isEqualTo("qemu/" + r.vmid());
                            });
            assertThat(resources).filteredOn(ClusterResource::isNode).isNotEmpty();
            assertThat(resources)
                    .filteredOn(ClusterResource::isStorage)
                    .allSatisfy(r -> assertThat(r.storage()).isNotBlank());
        }
        RecordedRequest request = server.takeRequest(1, TimeUnit.SECONDS);
        assertThat(request.getUrl().encodedPath()).isEqualTo("/api2/json/cluster/resources");
        assertThat(request.getHeaders().get("Authorization"))
                .isEqualTo("PVEAPIToken=pveha@pve!operator=6f1c2d3e-aaaa-bbbb-cccc-1234567890ab");
    }

    @Test
    void toleratesPveLooseTypes() {
        server.enqueue(
                ok(
                        "{\"data\":[{\"type\":\"cluster\",\"id\":\"cluster\",\"name\":\"store\",\"nodes\":\"3\",\"quorate\":\"1\",\"version\":4},"
                                + "{\"type\":\"node\",\"id\":\"node/pve1\",\"name\":\"pve1\",\"nodeid\":1,\"online\":0,\"local\":true,\"ip\":\"10.0.0.1\",\"level\":\"\"}]}"));
        server.enqueue(ok(Fixtures.read("cluster_nextid.json")));
        try (PveClient client = client(url())) {
            List<ClusterStatusEntry> status = new PveApi(client).clusterStatus();
            assertThat(status.get(0).quorate()).isTrue();
            assertThat(status.get(0).nodes()).isEqualTo(3);
            assertThat(status.get(1).online()).isFalse();
            assertThat(status.get(1).local()).isTrue();
            assertThat(client.get("/cluster/nextid").asText()).isEqualTo("100");
        }
    }

    @Test
    void cephStatusGivesChecksAndTheOsdMapsCounts() {
        // Octopus and later: osdmap holds the counts; Nautilus nests them in osdmap.osdmap.
        server.enqueue(
                ok(
                        "{\"data\":{\"health\":{\"status\":\"HEALTH_WARN\",\"checks\":{\"OSD_DOWN\":{\"severity\":\"HEALTH_WARN\",\"summary\":{\"message\":\"3 osds down\",\"count\":3}}}},"
                                + "\"osdmap\":{\"epoch\":112,\"num_osds\":9,\"num_up_osds\":6,\"num_in_osds\":9}}}"));
        server.enqueue(
                ok(
                        "{\"data\":{\"health\":{\"status\":\"HEALTH_OK\",\"checks\":{}},"
                                + "\"osdmap\":{\"osdmap\":{\"epoch\":7,\"num_osds\":3,\"num_up_osds\":3,\"num_in_osds\":3}}}}"));
        try (PveClient client = client(url())) {
            CephHealth warn = new PveApi(client).cephHealth();
            assertThat(warn.status()).isEqualTo("HEALTH_WARN");
            assertThat(warn.checks()).containsExactly("OSD_DOWN");
            assertThat(warn.messages()).containsExactly("OSD_DOWN: 3 osds down");
            assertThat(warn.osds()).isEqualTo(new CephHealth.OsdCounts(9, 6, 9));
            assertThat(warn.osds().allUpAndIn()).isFalse();
            CephHealth nautilus = new PveApi(client).cephHealth();
            assertThat(nautilus.osds()).isEqualTo(new CephHealth.OsdCounts(3, 3, 3));
            assertThat(nautilus.osds().allUpAndIn()).isTrue();
        }
    }

    @Test
    void readsRealClusterStatusFixture() {
        server.enqueue(ok(Fixtures.read("cluster_status.json")));
        try (PveClient client = client(url())) {
            List<ClusterStatusEntry> status = new PveApi(client).clusterStatus();
            assertThat(status)
                    .filteredOn(ClusterStatusEntry::isCluster)
                    .singleElement()
                    .satisfies(c -> assertThat(c.quorate()).isTrue());
            assertThat(status).filteredOn(ClusterStatusEntry::isNode).hasSizeGreaterThan(1);
        }
    }

    @Test
    void readsTaskStatusFixtures() throws Exception {
        server.enqueue(ok(Fixtures.read("task_status_stopped_ok.json")));
        server.enqueue(ok(Fixtures.read("task_status_stopped_error.json")));
        server.enqueue(ok(Fixtures.read("task_status_running.json")));
        Upid upid = Upid.parse("UPID:pve1:0000C3A1:00B4D2E6:6563F0A1:qmcreate:101:root@pam:");
        try (PveClient client = client(url())) {
            PveApi api = new PveApi(client);
            TaskStatus ok = api.taskStatus(upid);
            TaskStatus failed = api.taskStatus(upid);
            TaskStatus running = api.taskStatus(upid);
            assertThat(ok.succeeded()).isTrue();
            assertThat(failed.failed()).isTrue();
            assertThat(failed.exitstatus()).isNotEqualTo("OK");
            assertThat(running.running()).isTrue();
        }
        RecordedRequest request = server.takeRequest(1, TimeUnit.SECONDS);
        assertThat(request.getTarget())
                .isEqualTo(
                        "/api2/json/nodes/pve1/tasks/UPID:pve1:0000C3A1:00B4D2E6:6563F0A1:qmcreate:101:root@pam:/status");
    }

    @Test
    void lockedVmErrorComesFromTheReasonPhraseAndIsRetryable() {
        server.enqueue(
                error(
                        500,
                        "VM is locked (backup)",
                        Fixtures.read("derived/error_500_locked_pve8.json")));
        try (PveClient client = client(url())) {
            assertThatThrownBy(() -> client.post("/nodes/pve1/qemu/100/status/start", Map.of()))
                    .isInstanceOfSatisfying(
                            PveApiException.class,
                            e -> {
                                assertThat(e.kind()).isEqualTo(PveErrorKind.LOCKED);
                                assertThat(e.retryable()).isTrue();
                                assertThat(e.httpStatus()).isEqualTo(500);
                                assertThat(e.getMessage()).isEqualTo("VM is locked (backup)");
                            });
        }
        assertThat(server.getRequestCount()).as("a POST is never repeated").isEqualTo(1);
    }

    @Test
    void errorTextFallsBackToTheBodyMessageOfNewerPve() {
        server.enqueue(
                error(500, "", Fixtures.read("derived/error_500_locked_httpserver52plus.json")));
        try (PveClient client = client(url())) {
            assertThatThrownBy(() -> client.post("/nodes/pve1/qemu/100/status/start", Map.of()))
                    .isInstanceOfSatisfying(
                            PveApiException.class,
                            e -> {
                                assertThat(e.kind()).isEqualTo(PveErrorKind.LOCKED);
                                assertThat(e.getMessage()).startsWith("VM is locked (backup)");
                            });
        }
    }

    @Test
    void parameterErrorsAreNamed() {
        server.enqueue(
                error(
                        400,
                        "Parameter verification failed.",
                        Fixtures.read("error_400_cluster_nextid_vmid_exists.json")));
        try (PveClient client = client(url())) {
            assertThatThrownBy(() -> client.get("/cluster/nextid", Map.of("vmid", 200)))
                    .isInstanceOfSatisfying(
                            PveApiException.class,
                            e -> {
                                assertThat(e.kind()).isEqualTo(PveErrorKind.VALIDATION);
                                assertThat(e.retryable()).isFalse();
                                assertThat(e.parameterErrors())
                                        .containsEntry("vmid", "VM 200 already exists");
                                assertThat(e.getMessage())
                                        .isEqualTo(
                                                "Parameter verification failed. vmid: VM 200 already exists");
                            });
        }
        assertThat(server.getRequestCount()).as("permanent errors are not retried").isEqualTo(1);
    }

    @Test
    void permissionErrorsNameTheMissingPrivilege() {
        server.enqueue(
                error(403, "Permission check failed (/vms/100, VM.PowerMgmt)", "{\"data\":null}"));
        try (PveClient client = client(url())) {
            assertThatThrownBy(() -> client.post("/nodes/pve1/qemu/100/status/start", Map.of()))
                    .isInstanceOfSatisfying(
                            PveApiException.class,
                            e -> {
                                assertThat(e.kind()).isEqualTo(PveErrorKind.PERMISSION);
                                assertThat(e.missingPrivilege())
                                        .contains("VM.PowerMgmt on /vms/100");
                            });
        }
    }

    @Test
    void wrongTokenIsAnAuthenticationErrorWithoutTheSecret() {
        server.enqueue(error(401, "authentication failure", ""));
        try (PveClient client = client(url())) {
            assertThatThrownBy(() -> client.get("/version"))
                    .isInstanceOfSatisfying(
                            PveApiException.class,
                            e -> {
                                assertThat(e.kind()).isEqualTo(PveErrorKind.AUTHENTICATION);
                                assertThat(TOKEN.appearsIn(e.getMessage())).isFalse();
                                assertThat(TOKEN.appearsIn(e.describe())).isFalse();
                            });
        }
        assertThat(TOKEN.toString()).doesNotContain("6f1c2d3e");
    }

    @Test
    void offlineNodeIs595AndRetryable() {
        for (int i = 0; i < 3; i++) {
            server.enqueue(error(595, "Connection refused", ""));
        }
        try (PveClient client = client(url())) {
            assertThatThrownBy(() -> client.get("/nodes/pve3/status"))
                    .isInstanceOfSatisfying(
                            PveApiException.class,
                            e -> assertThat(e.kind()).isEqualTo(PveErrorKind.NODE_UNREACHABLE));
        }
        assertThat(server.getRequestCount()).as("GETs are retried").isEqualTo(3);
    }

    @Test
    void getsAreRetriedThroughPassingServerErrors() {
        server.enqueue(error(500, "proxy loop detected", ""));
        server.enqueue(error(503, "Service Unavailable", ""));
        server.enqueue(ok(Fixtures.read("version.json")));
        try (PveClient client = client(url())) {
            assertThat(new PveApi(client).version().release()).isNotBlank();
        }
        assertThat(server.getRequestCount()).isEqualTo(3);
    }

    @Test
    void failsOverToTheNextEndpointWhenOneRefusesConnections() throws IOException {
        String dead = "http://127.0.0.1:" + freePort();
        server.enqueue(ok(Fixtures.read("version.json")));
        server.enqueue(ok(Fixtures.read("version.json")));
        try (PveClient client = client(dead, url())) {
            new PveApi(client).version();
            assertThat(client.activeEndpoint()).isEqualTo(url());
            new PveApi(client).version();
            assertThat(client.endpointHealth())
                    .filteredOn(h -> h.url().equals(dead))
                    .singleElement()
                    .satisfies(h -> assertThat(h.lastError()).contains("connection refused"));
        }
        assertThat(calls).containsExactly("GET /version 0", "GET /version 200", "GET /version 200");
    }

    @Test
    void aWriteMovesToAnotherEndpointOnlyWhenItWasNeverSent() throws IOException {
        String dead = "http://127.0.0.1:" + freePort();
        server.enqueue(
                ok(
                        "{\"data\":\"UPID:pve1:00001234:00005678:6563F0A1:qmstart:100:pveha@pve!operator:\"}"));
        try (PveClient client = client(dead, url())) {
            assertThat(client.post("/nodes/pve1/qemu/100/status/start", Map.of()).asText())
                    .startsWith("UPID:");
        }
        assertThat(server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void aWriteWhoseConnectionBreaksAfterSendingIsNeverRepeated() throws IOException {
        MockWebServer second = new MockWebServer();
        second.start();
        try {
            server.enqueue(
                    new MockResponse.Builder()
                            .onResponseStart(new SocketEffect.CloseSocket())
                            .build());
            second.enqueue(ok("{\"data\":null}"));
            try (PveClient client =
                    client(url(), "http://" + second.getHostName() + ":" + second.getPort())) {
                assertThatThrownBy(() -> client.post("/nodes/pve1/qemu", Map.of("vmid", 100)))
                        .isInstanceOfSatisfying(
                                PveApiException.class,
                                e -> assertThat(e.kind()).isEqualTo(PveErrorKind.OUTCOME_UNKNOWN));
            }
            assertThat(server.getRequestCount()).isEqualTo(1);
            assertThat(second.getRequestCount())
                    .as("the write must not be sent again elsewhere")
                    .isZero();
        } finally {
            second.close();
        }
    }

    @Test
    void formEncodesParametersWithBooleansAsZeroOrOne() throws Exception {
        server.enqueue(ok("{\"data\":null}"));
        try (PveClient client = client(url())) {
            client.put(
                    "/nodes/pve1/qemu/100/config",
                    new java.util.LinkedHashMap<>(Map.of("onboot", true)));
        }
        RecordedRequest request = server.takeRequest(1, TimeUnit.SECONDS);
        assertThat(request.getMethod()).isEqualTo("PUT");
        assertThat(request.getBody().utf8()).isEqualTo("onboot=1");
        assertThat(request.getHeaders().get("Content-Type"))
                .startsWith("application/x-www-form-urlencoded");
    }

    @Test
    void theRateLimitSpacesRequests() {
        for (int i = 0; i < 7; i++) {
            server.enqueue(ok("{\"data\":null}"));
        }
        PveClient.Config config =
                PveClient.Config.of(List.of(url()), TOKEN, PveTls.insecure())
                        .withRequestsPerSecond(3);
        try (PveClient client = new PveClient(config, null)) {
            long start = System.nanoTime();
            for (int i = 0; i < 7; i++) {
                client.get("/version");
            }
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .as("7 requests at 3/s need two refills")
                    .isGreaterThanOrEqualTo(Duration.ofMillis(1000));
        }
    }

    @Test
    void pinnedFingerprintAcceptsTheRightCertificateAndRefusesAnother() throws IOException {
        HeldCertificate serverCert =
                new HeldCertificate.Builder().addSubjectAlternativeName("localhost").build();
        HandshakeCertificates serverTls =
                new HandshakeCertificates.Builder().heldCertificate(serverCert).build();
        server.close();
        server = new MockWebServer();
        server.useHttps(serverTls.sslSocketFactory());
        server.start();
        server.enqueue(ok(Fixtures.read("version.json")));
        String https = "https://127.0.0.1:" + server.getPort();
        String rightPin = PveTls.fingerprintOf(serverCert.certificate());
        String wrongPin = PveTls.fingerprintOf(new HeldCertificate.Builder().build().certificate());

        try (PveClient pinned =
                new PveClient(
                        PveClient.Config.of(List.of(https), TOKEN, PveTls.pinned(rightPin)),
                        null)) {
            assertThat(new PveApi(pinned).version().version()).isNotBlank();
        }
        try (PveClient wrong =
                new PveClient(
                        PveClient.Config.of(List.of(https), TOKEN, PveTls.pinned(wrongPin))
                                .withGetAttempts(1),
                        null)) {
            assertThatThrownBy(() -> new PveApi(wrong).version())
                    .isInstanceOfSatisfying(
                            PveApiException.class,
                            e -> {
                                assertThat(e.kind()).isEqualTo(PveErrorKind.TLS);
                                assertThat(e.getMessage())
                                        .contains(
                                                "does not match the pinned fingerprint "
                                                        + PveTls.normalizeFingerprint(wrongPin));
                            });
        }
    }

    @Test
    void caBundleVerifiesChainAndHostName() throws IOException {
        HeldCertificate ca = new HeldCertificate.Builder().certificateAuthority(0).build();
        HeldCertificate leaf =
                new HeldCertificate.Builder()
                        .signedBy(ca)
                        .addSubjectAlternativeName("127.0.0.1")
                        .build();
        server.close();
        server = new MockWebServer();
        server.useHttps(
                new HandshakeCertificates.Builder()
                        .heldCertificate(leaf, ca.certificate())
                        .build()
                        .sslSocketFactory());
        server.start();
        server.enqueue(ok(Fixtures.read("version.json")));
        String https = "https://127.0.0.1:" + server.getPort();

        try (PveClient client =
                new PveClient(
                        PveClient.Config.of(
                                List.of(https), TOKEN, PveTls.caBundle(ca.certificatePem())),
                        null)) {
            assertThat(new PveApi(client).version().version()).isNotBlank();
        }
        HeldCertificate otherCa = new HeldCertificate.Builder().certificateAuthority(0).build();
        try (PveClient client =
                new PveClient(
                        PveClient.Config.of(
                                        List.of(https),
                                        TOKEN,
                                        PveTls.caBundle(otherCa.certificatePem()))
                                .withGetAttempts(1),
                        null)) {
            assertThatThrownBy(() -> new PveApi(client).version())
                    .isInstanceOfSatisfying(
                            PveApiException.class,
                            e -> assertThat(e.kind()).isEqualTo(PveErrorKind.TLS));
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
