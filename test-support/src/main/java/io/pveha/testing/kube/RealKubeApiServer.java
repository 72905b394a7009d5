package io.pveha.testing.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.pveha.testing.RealTools;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Assumptions;

/**
 * A real etcd and kube-apiserver, built from Kubernetes' Go modules by {@code
 * test-support/kube-apiserver/build.sh} (once per machine), started as two processes on loopback
 * for one test class. Unlike {@link EmbeddedKube} it checks structural schemas, CEL rules and their
 * cost, answers dry runs, prints tables from {@code additionalPrinterColumns}, and authorizes every
 * request with RBAC.
 *
 * <p>Identities are static bearer tokens ({@code --token-auth-file}): {@code admin} is in {@code
 * system:masters}; {@link Builder#user} adds others (for example the operator's ServiceAccount
 * name) whose rights come only from the RBAC objects a test creates. TLS is verified: clients trust
 * the serving certificate kube-apiserver generates for 127.0.0.1.
 *
 * <p>No controllers run (no namespace deletion, garbage collection or default ServiceAccount).
 */
public final class RealKubeApiServer implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final Map<String, String> tokens;
    private final boolean auditLog;
    private final List<Process> processes = new ArrayList<>();
    private List<String> apiServerCommand;
    private Process apiServer;
    private int port;
    private String caData;

    private RealKubeApiServer(Path dir, Map<String, String> tokens, boolean auditLog) {
        this.dir = dir;
        this.tokens = tokens;
        this.auditLog = auditLog;
    }

    /**
     * Every request the server answered, as kube-apiserver's audit log records it (level Metadata:
     * user, verb, resource, response code), with {@link Builder#auditLog()}.
     */
    public List<JsonNode> auditEvents() throws IOException {
        if (!auditLog) {
            throw new IllegalStateException("started without Builder.auditLog()");
        }
        List<JsonNode> events = new ArrayList<>();
        Path log = dir.resolve("audit.log");
        if (Files.exists(log)) {
            for (String line : Files.readAllLines(log)) {
                if (!line.isBlank()) {
                    events.add(JSON.readTree(line));
                }
            }
        }
        return events;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The admin's kubeconfig (system:masters). */
    public Path kubeconfig() {
        return dir.resolve("kubeconfig");
    }

    /** A kubeconfig for a user added with {@link Builder#user}. */
    public String kubeconfig(String user) {
        return kubeconfigText(tokenOf(user), null);
    }

    public String kubeconfig(String user, String namespace) {
        return kubeconfigText(tokenOf(user), namespace);
    }

    /** A client acting as the admin. */
    public KubernetesClient client() {
        return clientFor("admin");
    }

    public KubernetesClient clientFor(String user) {
        return new KubernetesClientBuilder()
                .withConfig(Config.fromKubeconfig(kubeconfig(user)))
                .build();
    }

    public String url() {
        return "https://127.0.0.1:" + port;
    }

    /** Runs kubectl as the admin; returns stdout and stderr; fails on a non-zero exit. */
    public String kubectl(String... args) throws IOException, InterruptedException {
        RealTools.require("kubectl");
        List<String> command =
                new ArrayList<>(List.of("kubectl", "--kubeconfig", kubeconfig().toString()));
        command.addAll(List.of(args));
        return RealTools.run(command, 60);
    }

    private String tokenOf(String user) {
        String token = tokens.get(user);
        if (token == null) {
            throw new IllegalArgumentException("no user " + user + " (add it with Builder.user)");
        }
        return token;
    }

    private String kubeconfigText(String token, String namespace) {
        return """
                apiVersion: v1
                kind: Config
                clusters:
                  - name: real
                    cluster: {server: "%s", certificate-authority-data: %s}
                users:
                  - name: user
                    user: {token: %s}
                contexts:
                  - name: real
                    context: {cluster: real, user: user%s}
                current-context: real
                """
                .formatted(
                        url(), caData, token, namespace == null ? "" : ", namespace: " + namespace);
    }

    private void start(Path binaries) throws IOException, InterruptedException {
        int etcdPort = freePort();
        int peerPort = freePort();
        port = freePort();
        writeServiceAccountKeys();
        StringBuilder tokenFile = new StringBuilder();
        for (Map.Entry<String, String> e : tokens.entrySet()) {
            tokenFile
                    .append(e.getValue())
                    .append(',')
                    .append(e.getKey())
                    .append(',')
                    .append(e.getKey());
            if (e.getKey().equals("admin")) {
                tokenFile.append(",\"system:masters\"");
            }
            tokenFile.append('\n');
        }
        Files.writeString(dir.resolve("tokens.csv"), tokenFile);

        String etcdUrl = "http://127.0.0.1:" + etcdPort;
        launch(
                "etcd",
                List.of(
                        binaries.resolve("etcd").toString(),
                        "--data-dir=" + dir.resolve("etcd"),
                        "--listen-client-urls=" + etcdUrl,
                        "--advertise-client-urls=" + etcdUrl,
                        "--listen-peer-urls=http://127.0.0.1:" + peerPort,
                        "--initial-advertise-peer-urls=http://127.0.0.1:" + peerPort,
                        "--initial-cluster=default=http://127.0.0.1:" + peerPort,
                        // Test data: losing it on a crash is fine, waiting for fsync is not.
                        "--unsafe-no-fsync",
                        "--log-level=warn"));
        // The flags envtest uses, trimmed: loopback only, RBAC on, tokens from a file, the two
        // mandatory service-account flags, and no endpoint reconciler (there are no nodes).
        List<String> apiserver =
                new ArrayList<>(
                        List.of(
                                binaries.resolve("kube-apiserver").toString(),
                                "--advertise-address=127.0.0.1",
                                "--bind-address=127.0.0.1",
                                "--secure-port=" + port,
                                "--cert-dir=" + dir.resolve("certs"),
                                "--etcd-servers=" + etcdUrl,
                                "--token-auth-file=" + dir.resolve("tokens.csv"),
                                "--authorization-mode=RBAC",
                                "--service-account-issuer=https://127.0.0.1:" + port,
                                "--service-account-signing-key-file=" + dir.resolve("sa.key"),
                                "--service-account-key-file=" + dir.resolve("sa.pub"),
                                "--service-cluster-ip-range=10.0.0.0/24",
                                "--disable-admission-plugins=ServiceAccount",
                                "--endpoint-reconciler-type=none"));
        if (auditLog) {
            Files.writeString(
                    dir.resolve("audit-policy.yaml"),
                    "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n  - level: Metadata\n");
            apiserver.add("--audit-policy-file=" + dir.resolve("audit-policy.yaml"));
            apiserver.add("--audit-log-path=" + dir.resolve("audit.log"));
        }
        apiServerCommand = List.copyOf(apiserver);
        apiServer = launch("kube-apiserver", apiserver);
        awaitReady();
        Files.writeString(kubeconfig(), kubeconfigText(tokenOf("admin"), null));
    }

    private Process launch(String name, List<String> command) throws IOException {
        Path log = dir.resolve(name + ".log");
        Process process =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        // appended: a restarted kube-apiserver keeps its predecessor's log
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                        .start();
        processes.add(process);
        // A test JVM that ends without close() (a failed set-up, a killed fork) must not leave
        // etcd and kube-apiserver running: child processes outlive their JVM.
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
        return process;
    }

    /**
     * SIGKILLs kube-apiserver, as a crashed or evicted control plane; etcd and its data stay.
     * Clients get connection resets, then refusals, until {@link #startApiServer()}.
     */
    public void killApiServer() throws InterruptedException {
        if (apiServer == null || !apiServer.isAlive()) {
            throw new IllegalStateException("kube-apiserver is not running");
        }
        apiServer.destroyForcibly();
        if (!apiServer.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("kube-apiserver did not die on SIGKILL in 30 s");
        }
        processes.remove(apiServer);
    }

    /**
     * A new kube-apiserver process after {@link #killApiServer()}: the same flags, port, etcd data,
     * tokens and serving certificate (it reuses the one in its cert dir), so existing kubeconfigs
     * keep working. Returns once it answers /readyz.
     */
    public void startApiServer() throws IOException, InterruptedException {
        if (apiServer != null && apiServer.isAlive()) {
            throw new IllegalStateException("kube-apiserver is still running");
        }
        apiServer = launch("kube-apiserver", apiServerCommand);
        awaitReady();
    }

    /** The kube-apiserver process's id (etcd's is not exposed: it is never restarted). */
    public long apiServerPid() {
        return apiServer.pid();
    }

    /**
     * Where the server keeps its etcd data, certificates and logs (deleted by {@link #close()}).
     */
    public Path dir() {
        return dir;
    }

    /**
     * Whether the binaries are built on this machine, for callers outside JUnit (which cannot let
     * {@link Builder#start()} skip).
     */
    public static boolean available() {
        try {
            return binaries() != null;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Polls /readyz once kube-apiserver has written its serving certificate (trusting only it). */
    private void awaitReady() throws IOException, InterruptedException {
        Path cert = dir.resolve("certs/apiserver.crt");
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        HttpClient http = null;
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            for (Process p : processes) {
                if (!p.isAlive()) {
                    throw new IllegalStateException(
                            "exited with " + p.exitValue() + " while starting:\n" + logTails());
                }
            }
            if (http == null && Files.isRegularFile(cert) && Files.size(cert) > 0) {
                byte[] pem = Files.readAllBytes(cert);
                caData = Base64.getEncoder().encodeToString(pem);
                http = HttpClient.newBuilder().sslContext(trusting(pem)).build();
            }
            if (http != null) {
                try {
                    HttpResponse<String> r =
                            http.send(
                                    HttpRequest.newBuilder(URI.create(url() + "/readyz"))
                                            .header("Authorization", "Bearer " + tokenOf("admin"))
                                            .timeout(Duration.ofSeconds(5))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200) {
                        return;
                    }
                    last = r.statusCode() + " " + r.body();
                } catch (IOException e) {
                    last = e.toString();
                }
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(
                "kube-apiserver not ready after "
                        + START_TIMEOUT
                        + " ("
                        + last
                        + "):\n"
                        + logTails());
    }

    private static SSLContext trusting(byte[] pem) {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate c :
                    CertificateFactory.getInstance("X.509")
                            .generateCertificates(new ByteArrayInputStream(pem))) {
                store.setCertificateEntry("c" + i++, c);
            }
            TrustManagerFactory tmf =
                    TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            return ssl;
        } catch (Exception e) {
            throw new IllegalStateException("kube-apiserver's certificate: " + e, e);
        }
    }

    private void writeServiceAccountKeys() throws IOException {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair keys = generator.generateKeyPair();
            Files.writeString(
                    dir.resolve("sa.key"), pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
            Files.writeString(
                    dir.resolve("sa.pub"), pem("PUBLIC KEY", keys.getPublic().getEncoded()));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN "
                + type
                + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(der)
                + "\n-----END "
                + type
                + "-----\n";
    }

    private String logTails() {
        StringBuilder out = new StringBuilder();
        for (String name : List.of("etcd", "kube-apiserver")) {
            Path log = dir.resolve(name + ".log");
            try {
                List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
                out.append("--- ").append(name).append(".log (last 30 lines)\n");
                lines.subList(Math.max(0, lines.size() - 30), lines.size())
                        .forEach(l -> out.append(l).append('\n'));
            } catch (IOException e) {
                out.append(name).append(": ").append(e).append('\n');
            }
        }
        return out.toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        // kube-apiserver first, so it does not log etcd's absence while stopping.
        for (int i = processes.size() - 1; i >= 0; i--) {
            Process p = processes.get(i);
            p.destroy();
            try {
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Where build.sh keeps the binaries, or null when they are not built on this machine. */
    static Path binaries() throws IOException, InterruptedException {
        Path script = repoRoot().resolve("test-support/kube-apiserver/build.sh");
        Process p =
                new ProcessBuilder("bash", script.toString(), "--where")
                        .redirectError(ProcessBuilder.Redirect.DISCARD)
                        .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        return p.waitFor() == 0 ? Path.of(out) : null;
    }

    static Path repoRoot() {
        String fromBuild = System.getenv("PVEHA_REPO_ROOT");
        if (fromBuild != null && !fromBuild.isBlank()) {
            return Path.of(fromBuild);
        }
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("test-support/kube-apiserver/build.sh"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException(
                    "test-support/kube-apiserver/build.sh not found above "
                            + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    public static final class Builder {
        private final Map<String, String> tokens = new LinkedHashMap<>();
        private boolean auditLog;

        private Builder() {
            tokens.put("admin", UUID.randomUUID().toString());
        }

        /**
         * A user known by a bearer token, with no rights until RBAC grants some (a ServiceAccount's
         * name such as {@code system:serviceaccount:ns:name} works too).
         */
        public Builder user(String name) {
            tokens.put(name, UUID.randomUUID().toString());
            return this;
        }

        /** Records every request in kube-apiserver's audit log ({@link #auditEvents()}). */
        public Builder auditLog() {
            auditLog = true;
            return this;
        }

        /**
         * Starts etcd and kube-apiserver. Without the binaries it fails in CI (.ci/run builds them)
         * and skips elsewhere, saying how to build them.
         */
        public RealKubeApiServer start() throws IOException, InterruptedException {
            Path binaries = binaries();
            if (binaries == null) {
                String message =
                        "kube-apiserver is not built on this machine: run test-support/kube-apiserver/build.sh"
                                + " (once; .ci/run does it)";
                if (RealTools.inCi()) {
                    throw new AssertionError(message);
                }
                Assumptions.abort(message);
            }
            RealKubeApiServer server =
                    new RealKubeApiServer(
                            Files.createTempDirectory("pveha-kube-"), tokens, auditLog);
            try {
                server.start(binaries);
                return server;
            } catch (IOException | InterruptedException | RuntimeException e) {
                server.close();
                throw e;
            }
        }
    }
}
