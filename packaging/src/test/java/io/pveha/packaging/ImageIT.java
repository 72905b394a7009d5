package io.pveha.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pveha.api.cluster.ProxmoxCluster;
import io.pveha.simulator.PveSimulator;
import io.pveha.testing.Fixtures;
import io.pveha.testing.RealTools;
import io.pveha.testing.kube.EmbeddedKube;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The container image the build made (target/pve-ha-operator-image.tar, Docker archive, FROM
 * scratch): built twice to the same digest, non-root, and working from its own filesystem:
 * unpacked, then run the way a container runtime would run it under the chart's security context
 * (its entrypoint, environment, user 65532 and working directory, in its own mount and PID
 * namespace with /proc, a read-only root and a tmpfs on /tmp), through {@code --version}, {@code
 * validate -f examples/} and {@code run} against the embedded API server and the PVE simulator.
 * Needs root for the namespaces and chroot (CI runs as root).
 */
class ImageIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Path TAR =
            Path.of(System.getProperty("image.tar", "target/pve-ha-operator-image.tar"));
    static final Path TAR_AGAIN =
            Path.of(
                    System.getProperty(
                            "image.tar.again", "target/pve-ha-operator-image-again.tar"));
    static final String VERSION = System.getProperty("project.version", "0.1.0-SNAPSHOT");

    @TempDir static Path work;
    static Path root;
    static JsonNode config;

    @BeforeAll
    static void unpack() throws IOException {
        Assumptions.assumeFalse(Boolean.getBoolean("image.skip"), "image not built (-Dimage.skip)");
        assertThat(TAR).as("the image tar (mvn package builds it)").exists();
        root = work.resolve("rootfs");
        Files.createDirectories(root);
        Path extracted = work.resolve("archive");
        extract(Files.newInputStream(TAR), extracted, false);
        JsonNode manifest = JSON.readTree(extracted.resolve("manifest.json").toFile()).get(0);
        config = JSON.readTree(extracted.resolve(manifest.get("Config").asText()).toFile());
        for (JsonNode layer : manifest.get("Layers")) {
            extract(
                    new GzipCompressorInputStream(
                            Files.newInputStream(extracted.resolve(layer.asText()))),
                    root,
                    true);
        }
    }

    /** Extracts a tar with modes and links; fails on whiteouts (a FROM-scratch image has none). */
    private static void extract(InputStream in, Path into, boolean keepModes) throws IOException {
        try (TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                Path target = into.resolve(entry.getName()).normalize();
                assertThat(target.startsWith(into)).as(entry.getName()).isTrue();
                assertThat(target.getFileName().toString()).doesNotStartWith(".wh.");
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else if (entry.isSymbolicLink()) {
                    Files.createDirectories(target.getParent());
                    Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
                    continue;
                } else if (entry.isLink()) {
                    Files.createDirectories(target.getParent());
                    Files.createLink(target, into.resolve(entry.getLinkName()));
                    continue;
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(tar, target);
                }
                if (keepModes) {
                    Files.setPosixFilePermissions(target, permissions(entry.getMode()));
                }
            }
        }
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> out = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {
            PosixFilePermission.OTHERS_EXECUTE,
            PosixFilePermission.OTHERS_WRITE,
            PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE,
            PosixFilePermission.OWNER_WRITE,
            PosixFilePermission.OWNER_READ
        };
        for (int i = 0; i < order.length; i++) {
            if ((mode & (1 << i)) != 0) {
                out.add(order[i]);
            }
        }
        return out;
    }

    @Test
    void buildingTwiceFromTheSameFilesGivesTheSameImage() throws Exception {
        Path digest = TAR.resolveSibling("pve-ha-operator-image.digest");
        Path again = TAR_AGAIN.resolveSibling("pve-ha-operator-image-again.digest");
        assertThat(Files.readString(digest))
                .startsWith("sha256:")
                .isEqualTo(Files.readString(again));
        assertThat(sha256(TAR)).isEqualTo(sha256(TAR_AGAIN));
        long rootfsBytes;
        try (Stream<Path> files = Files.walk(root)) {
            rootfsBytes =
                    files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
        String report =
                String.format(
                        java.util.Locale.ROOT,
                        "image %s: tar %.1f MB (compressed layers), unpacked %.1f MB, digest %s",
                        TAR.getFileName(),
                        Files.size(TAR) / 1e6,
                        rootfsBytes / 1e6,
                        Files.readString(digest));
        System.out.println(report);
        Files.writeString(TAR.resolveSibling("pve-ha-operator-image.txt"), report + "\n");
    }

    @Test
    void isNonRootWithAMinimalJavaRuntimeAndNoShell() {
        JsonNode c = config.get("config");
        assertThat(c.get("User").asText()).isEqualTo("65532:65532");
        assertThat(c.get("Entrypoint").get(0).asText()).isEqualTo("/opt/java/bin/java");
        assertThat(c.get("Cmd").get(0).asText()).isEqualTo("run");
        assertThat(root.resolve("bin/sh")).doesNotExist();
        assertThat(root.resolve("opt/java/jmods")).doesNotExist();
        assertThat(root.resolve("opt/java/lib/libawt_xawt.so")).doesNotExist();
        assertThat(root.resolve("app/pve-ha-operator.jar")).exists();
        assertThat(root.resolve("etc/passwd")).content().contains("nonroot:x:65532:65532");
        assertThat(Files.isExecutable(root.resolve("opt/java/bin/java"))).isTrue();
        assertThat(Files.isWritable(root.resolve("tmp"))).isTrue();
    }

    @Test
    void printsItsVersionFromItsOwnFilesystem() throws Exception {
        requireRoot();
        Result r = inImage(List.of("--version"), 60);
        assertThat(r.exit).as(r.output).isZero();
        assertThat(r.output).contains("pve-ha-operator " + VERSION);
    }

    @Test
    void validatesTheExamplesFromItsOwnFilesystem() throws Exception {
        requireRoot();
        copyInto(Fixtures.repoRoot().resolve("examples"), root.resolve("examples"));
        Result r = inImage(List.of("validate", "-f", "/examples"), 120);
        assertThat(r.exit).as(r.output).isZero();
        assertThat(r.output).contains("documents in").contains("0 errors");
    }

    @Test
    void runsTheOperatorFromItsOwnFilesystem() throws Exception {
        requireRoot();
        try (EmbeddedKube kube = new EmbeddedKube();
                KubernetesClient admin = kube.newClient();
                PveSimulator sim =
                        PveSimulator.builder()
                                .nodes(3)
                                .timeScale(20)
                                .authFailureDelay(Duration.ZERO)
                                .build()
                                .start()) {
            admin.namespaces()
                    .resource(
                            new NamespaceBuilder()
                                    .withNewMetadata()
                                    .withName("store")
                                    .endMetadata()
                                    .build())
                    .create();
            PveSecrets.create(admin, "store", sim);
            Files.createDirectories(root.resolve("etc/pveha"));
            Files.writeString(root.resolve("etc/pveha/kubeconfig"), kube.kubeconfig("store"));
            int port = OperatorProcess.freePort();
            Path log = work.resolve("operator-in-image.log");
            Process p =
                    start(
                            List.of("run", "--health-port=" + port, "--no-leader-election"),
                            Map.of("KUBECONFIG", "/etc/pveha/kubeconfig"),
                            log);
            try {
                await("ready")
                        .atMost(Duration.ofSeconds(90))
                        .until(() -> status(port, "/readyz") == 200 || !p.isAlive());
                assertThat(p.isAlive()).as(Files.readString(log)).isTrue();
                assertThat(status(port, "/healthz")).isEqualTo(200);
                ProxmoxCluster cluster =
                        admin.resource(
                                        io.fabric8.kubernetes.client.utils.Serialization.unmarshal(
                                                """
                        apiVersion: pveha.io/v1alpha1
                        kind: ProxmoxCluster
                        metadata: {name: pve, namespace: store}
                        spec:
                          endpoints: %s
                          credentialsSecretRef: {name: pve-token}
                          tls: {caSecretRef: {name: pve-ca}}
                        """
                                                        .formatted(
                                                                sim.nodeNames().stream()
                                                                        .map(sim::nodeUrl)
                                                                        .map(u -> "\"" + u + "\"")
                                                                        .toList()),
                                                ProxmoxCluster.class))
                                .create();
                await("ProxmoxCluster Ready")
                        .atMost(Duration.ofSeconds(60))
                        .until(
                                () -> {
                                    ProxmoxCluster c =
                                            admin.resources(ProxmoxCluster.class)
                                                    .inNamespace("store")
                                                    .withName(cluster.getMetadata().getName())
                                                    .get();
                                    return c.getStatus() != null
                                            && c.getStatus().getConditions() != null
                                            && c.getStatus().getConditions().stream()
                                                    .anyMatch(
                                                            cond ->
                                                                    cond.getType().equals("Ready")
                                                                            && cond.getStatus()
                                                                                    .equals(
                                                                                            "True"));
                                });
                // SIGTERM to the JVM (PID 1 of its namespace), as the kubelet stops a container.
                p.toHandle()
                        .descendants()
                        .filter(
                                h ->
                                        h.info()
                                                .command()
                                                .map(cmd -> cmd.endsWith("/java"))
                                                .orElse(false))
                        .forEach(ProcessHandle::destroy);
                assertThat(p.waitFor(30, TimeUnit.SECONDS))
                        .as("stopped on SIGTERM; " + Files.readString(log))
                        .isTrue();
            } finally {
                p.destroyForcibly();
            }
            assertThat(Files.readString(log))
                    .contains("operator started")
                    .contains("shutting down")
                    .doesNotContain("Exception in thread");
        }
    }

    private static int status(int port, String path) {
        try {
            return java.net.http.HttpClient.newHttpClient()
                    .send(
                            java.net.http.HttpRequest.newBuilder(
                                            java.net.URI.create("http://127.0.0.1:" + port + path))
                                    .timeout(Duration.ofSeconds(2))
                                    .build(),
                            java.net.http.HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    record Result(int exit, String output) {}

    private static Result inImage(List<String> args, int timeoutSeconds) throws Exception {
        Path log = Files.createTempFile(work, "out", ".txt");
        Process p = start(args, Map.of(), log);
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + args + "\n" + Files.readString(log));
        }
        return new Result(p.exitValue(), Files.readString(log));
    }

    /**
     * The image's entrypoint and {@code args} as a container runtime would run them: in a private
     * mount and PID namespace, the unpacked root bound read-only with /proc and a tmpfs on /tmp,
     * then (unshare --root, --wd, --setuid, --setgid) the image's root directory, working
     * directory, user and environment only.
     */
    private static Process start(List<String> args, Map<String, String> extraEnv, Path log)
            throws IOException {
        JsonNode c = config.get("config");
        Files.createDirectories(root.resolve("proc"));
        String[] user = c.get("User").asText().split(":");
        List<String> command =
                new ArrayList<>(
                        List.of(
                                "unshare",
                                "--mount",
                                "--pid",
                                "--fork",
                                "--kill-child",
                                "/bin/sh",
                                "-c",
                                "mount --bind \"$0\" \"$0\" && mount -o remount,bind,ro \"$0\" && mount -t proc proc \"$0/proc\""
                                        + " && mount -t tmpfs -o size=64m,mode=1777 tmpfs \"$0/tmp\" && exec /usr/bin/env -i \"$@\"",
                                root.toString()));
        c.get("Env").forEach(e -> command.add(e.asText()));
        extraEnv.forEach((k, v) -> command.add(k + "=" + v));
        command.addAll(
                List.of(
                        "/usr/bin/unshare",
                        "--root=" + root,
                        "--wd=" + c.get("WorkingDir").asText(),
                        "--setgid",
                        user[1],
                        "--setuid",
                        user[0]));
        c.get("Entrypoint").forEach(e -> command.add(e.asText()));
        command.addAll(args);
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .directory(work.toFile())
                .start();
    }

    private static void requireRoot() throws IOException, InterruptedException {
        String uid =
                new String(
                                new ProcessBuilder("id", "-u")
                                        .start()
                                        .getInputStream()
                                        .readAllBytes(),
                                StandardCharsets.UTF_8)
                        .trim();
        if (!uid.equals("0")) {
            if (RealTools.inCi()) {
                throw new AssertionError(
                        "running the image needs root (mount and PID namespaces, chroot)");
            }
            Assumptions.abort("running the image needs root (mount and PID namespaces, chroot)");
        }
        RealTools.require("unshare");
        RealTools.require("chroot");
    }

    private static void copyInto(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static String sha256(Path file) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                md.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
