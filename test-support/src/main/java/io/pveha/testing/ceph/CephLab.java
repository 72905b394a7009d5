package io.pveha.testing.ceph;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Ceph (Debian's ceph 16.2 packages) on loopback in a temporary directory: one
 * monitor on two free ports, one manager and three memstore OSDs, replicas across OSDs ({@code osd
 * crush chooseleaf type = 0}), no cephx. The daemons are this JVM's children; {@link #close()} ends
 * exactly them by PID and removes the directory. Needs root (OSDs) and the binaries; see {@link
 * #missingRequirement()}.
 */
public final class CephLab implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CephLab.class);
    private static final List<String> BINARIES =
            List.of("ceph", "ceph-mon", "ceph-mgr", "ceph-osd", "monmaptool", "rbd");
    private static final int OSDS = 3;

    /**
     * memstore keeps data in RAM; 1 GiB per OSD is plenty for tests and never allocated unless
     * written.
     */
    private static final long OSD_BYTES = 1L << 30;

    private final Path dir;
    private final Path conf;
    private final List<Process> daemons = new ArrayList<>();
    private Duration startupTime;

    private CephLab(Path dir) {
        this.dir = dir;
        this.conf = dir.resolve("ceph.conf");
    }

    /** Why a lab cannot run here (a binary is missing, not root), or null when it can. */
    public static String missingRequirement() {
        for (String binary : BINARIES) {
            boolean present =
                    Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                            .anyMatch(d -> !d.isEmpty() && Files.isExecutable(Path.of(d, binary)));
            if (!present) {
                return binary
                        + " is not installed (apt-get install ceph ceph-common ceph-mgr ceph-mon ceph-osd)";
            }
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            return "Ceph OSDs need root";
        }
        return null;
    }

    /**
     * Starts mon, mgr and three OSDs and waits for HEALTH_OK; on failure everything started is
     * ended.
     */
    public static CephLab start(Duration timeout) {
        long begin = System.nanoTime();
        CephLab lab;
        try {
            lab = new CephLab(Files.createTempDirectory("ceph-lab-"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            lab.bootstrap();
            lab.awaitHealthOk(timeout);
            lab.startupTime = Duration.ofNanos(System.nanoTime() - begin);
            LOG.info("Ceph lab in {} healthy after {} ms", lab.dir, lab.startupTime.toMillis());
            return lab;
        } catch (RuntimeException | Error e) {
            lab.close();
            throw e;
        }
    }

    /** The conf file clients use ({@code ceph -c}). */
    public Path conf() {
        return conf;
    }

    /** From start to HEALTH_OK. */
    public Duration startupTime() {
        return startupTime;
    }

    /**
     * Runs {@code ceph -c <conf> args...} and returns its standard output; fails on a non-zero
     * exit.
     */
    public String ceph(String... args) {
        return run(prepend("ceph", args));
    }

    /** Runs {@code rbd -c <conf> args...}. */
    public String rbd(String... args) {
        return run(prepend("rbd", args));
    }

    private void bootstrap() {
        try {
            String fsid = UUID.randomUUID().toString();
            int v2 = freePort();
            int v1 = freePort();
            String monAddr = "[v2:127.0.0.1:" + v2 + ",v1:127.0.0.1:" + v1 + "]";
            Files.createDirectories(dir.resolve("run"));
            Files.createDirectories(dir.resolve("log"));
            Files.createDirectories(dir.resolve("mon.a"));
            Files.createDirectories(dir.resolve("mgr.x"));
            Files.writeString(
                    conf,
                    String.join(
                            "\n",
                            "[global]",
                            "fsid = " + fsid,
                            "mon host = " + monAddr,
                            "auth cluster required = none",
                            "auth service required = none",
                            "auth client required = none",
                            "auth allow insecure global id reclaim = false",
                            "public network = 127.0.0.0/8",
                            "ms bind ipv4 = true",
                            "ms bind ipv6 = false",
                            "run dir = " + dir.resolve("run"),
                            "admin socket = " + dir.resolve("run") + "/$name.asok",
                            "log file = " + dir.resolve("log") + "/$name.log",
                            "pid file = " + dir.resolve("run") + "/$name.pid",
                            "osd objectstore = memstore",
                            "memstore device bytes = " + OSD_BYTES,
                            // one host: replicas go to different OSDs instead of different hosts
                            "osd crush chooseleaf type = 0",
                            "osd pool default size = 3",
                            "mon allow pool delete = true",
                            // big shared disks here are often fuller than the default 30 % free
                            "mon data avail warn = 5",
                            // modules that need no extra Python packages
                            "mgr initial modules = iostat",
                            "[mon.a]",
                            "mon data = " + dir.resolve("mon.a"),
                            "[mgr.x]",
                            "mgr data = " + dir.resolve("mgr.x"),
                            "[osd]",
                            "osd data = " + dir + "/osd.$id",
                            ""),
                    StandardCharsets.UTF_8);
            Path monmap = dir.resolve("monmap");
            run(
                    List.of(
                            "monmaptool",
                            "--create",
                            "--fsid",
                            fsid,
                            "--addv",
                            "a",
                            monAddr,
                            monmap.toString()));
            run(
                    List.of(
                            "ceph-mon",
                            "-c",
                            conf.toString(),
                            "--mkfs",
                            "-i",
                            "a",
                            "--monmap",
                            monmap.toString()));
            daemon("mon.a", "ceph-mon", "-i", "a");
            ceph("status", "--connect-timeout", "30");
            daemon("mgr.x", "ceph-mgr", "-i", "x");
            for (int i = 0; i < OSDS; i++) {
                String uuid = UUID.randomUUID().toString();
                String id = ceph("osd", "new", uuid).trim();
                Files.createDirectories(dir.resolve("osd." + id));
                run(
                        List.of(
                                "ceph-osd",
                                "-c",
                                conf.toString(),
                                "-i",
                                id,
                                "--mkfs",
                                "--osd-uuid",
                                uuid));
                daemon("osd." + id, "ceph-osd", "-i", id);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitHealthOk(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            try {
                last = ceph("health", "--format", "json");
                if (last.contains("\"HEALTH_OK\"")) {
                    return;
                }
            } catch (IllegalStateException e) {
                last = e.getMessage();
            }
            sleep(500); // a waiting helper (HEALTH_OK), not an assertion
        }
        throw new IllegalStateException("Ceph lab not healthy after " + timeout + ": " + last);
    }

    private void daemon(String name, String binary, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(binary, "-f", "-c", conf.toString()));
        command.addAll(List.of(args));
        Path log = dir.resolve("log").resolve(name + ".out");
        Process process =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
        daemons.add(process);
        LOG.info("Ceph lab: {} started, pid {}", name, process.pid());
    }

    /**
     * Ends the daemons this lab started (by PID, SIGTERM then SIGKILL) and removes the directory.
     */
    @Override
    public void close() {
        for (Process p : daemons) {
            p.destroy();
        }
        for (Process p : daemons) {
            try {
                // memstore OSDs have nothing to flush and the directory goes anyway: do not wait
                // long.
                if (!p.waitFor(3, TimeUnit.SECONDS)) {
                    LOG.warn("Ceph lab: pid {} ignored SIGTERM; killing it", p.pid());
                    p.destroyForcibly();
                    p.waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        daemons.clear();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            LOG.warn("Ceph lab: cannot remove {}", dir, e);
        }
    }

    private List<String> prepend(String binary, String... args) {
        List<String> command = new ArrayList<>(List.of(binary, "-c", conf.toString()));
        command.addAll(List.of(args));
        return command;
    }

    private String run(List<String> command) {
        try {
            Process process =
                    new ProcessBuilder(command)
                            .redirectError(dir.resolve("log").resolve("cli.err").toFile())
                            .start();
            process.getOutputStream().close();
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("timed out: " + command);
            }
            if (process.exitValue() != 0) {
                String err =
                        Files.readString(
                                        dir.resolve("log").resolve("cli.err"),
                                        StandardCharsets.UTF_8)
                                .trim();
                throw new IllegalStateException(
                        "exit " + process.exitValue() + " from " + command + ": " + err);
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + command, e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
