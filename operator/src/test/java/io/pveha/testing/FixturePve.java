package io.pveha.testing;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;

/**
 * A PVE endpoint that answers the poll calls with real captured bodies (testdata/pve-fixtures) over
 * HTTPS, checking the token like PVE does. For tests of the operator's plumbing that need no PVE
 * behaviour; behaviour is tested against pve-simulator.
 */
public final class FixturePve implements AutoCloseable {
    public static final String TOKEN_ID = "pveha@pve!operator";

    private final MockWebServer server = new MockWebServer();
    private final HeldCertificate certificate =
            new HeldCertificate.Builder().addSubjectAlternativeName("127.0.0.1").build();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private volatile String expectedSecret;
    private volatile String permissionsBody =
            "{\"data\":{\"/\":{\"Sys.Audit\":1,\"Sys.Modify\":1,\"Sys.Console\":1,"
                    + "\"VM.Audit\":1,\"VM.Allocate\":1,\"VM.Clone\":1,\"VM.Config.Disk\":1,\"VM.Config.CPU\":1,\"VM.Config.Memory\":1,"
                    + "\"VM.Config.Network\":1,\"VM.Config.Options\":1,\"VM.Config.Cloudinit\":1,\"VM.Config.CDROM\":1,\"VM.Config.HWType\":1,"
                    + "\"VM.PowerMgmt\":1,\"VM.Migrate\":1,\"VM.Backup\":1,\"Datastore.Audit\":1,\"Datastore.AllocateSpace\":1,\"Datastore.Allocate\":1}}}";

    public FixturePve(String secret) throws IOException {
        this.expectedSecret = secret;
        server.useHttps(
                new HandshakeCertificates.Builder()
                        .heldCertificate(certificate)
                        .build()
                        .sslSocketFactory());
        server.setDispatcher(
                new Dispatcher() {
                    @Override
                    public MockResponse dispatch(RecordedRequest request) {
                        return answer(request);
                    }
                });
        server.start();
    }

    public String url() {
        return "https://127.0.0.1:" + server.getPort();
    }

    public String fingerprint() {
        return io.pveha.pve.PveTls.fingerprintOf(certificate.certificate());
    }

    public void acceptSecret(String secret) {
        this.expectedSecret = secret;
    }

    /** Grants exactly these privileges on "/" (JSON object body of /access/permissions). */
    public void grant(String privilegesJson) {
        this.permissionsBody = "{\"data\":{\"/\":" + privilegesJson + "}}";
    }

    public int calls(String path) {
        return calls.getOrDefault(path, new AtomicInteger()).get();
    }

    private MockResponse answer(RecordedRequest request) {
        String path = request.getUrl().encodedPath().replaceFirst("^/api2/json", "");
        calls.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
        String auth = request.getHeaders().get("Authorization");
        if (auth == null || !auth.equals("PVEAPIToken=" + TOKEN_ID + "=" + expectedSecret)) {
            return new MockResponse.Builder()
                    .status("HTTP/1.1 401 authentication failure")
                    .body("{\"data\":null}")
                    .build();
        }
        String body =
                switch (path) {
                    case "/version" -> Fixtures.read("version.json");
                    case "/cluster/status" -> Fixtures.read("cluster_status.json");
                    case "/cluster/resources" -> Fixtures.read("cluster_resources.json");
                    case "/cluster/ha/status/current" ->
                            Fixtures.read("derived/ha_status_current_pve8.json");
                    case "/access/permissions" -> permissionsBody;
                    case "/cluster/ceph/status" -> null;
                    default -> null;
                };
        if ("/cluster/ceph/status".equals(path)) {
            return new MockResponse.Builder()
                    .status("HTTP/1.1 500 binary not installed: /usr/bin/ceph-mon")
                    .body("{\"data\":null}")
                    .build();
        }
        if (body == null) {
            return new MockResponse.Builder()
                    .status("HTTP/1.1 501 Method 'GET " + path + "' not implemented")
                    .body("{\"data\":null}")
                    .build();
        }
        return new MockResponse.Builder()
                .code(200)
                .setHeader("Content-Type", "application/json;charset=UTF-8")
                .body(body)
                .build();
    }

    @Override
    public void close() {
        server.close();
    }
}
