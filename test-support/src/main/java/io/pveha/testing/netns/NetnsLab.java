package io.pveha.testing.netns;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A small network made of namespaces on one machine, built and torn down by the tests:
 *
 * <pre>
 *   root namespace (test JVM: operator + request loop)  --veth--+
 *   lb1  (sshd :2222; keepalived + haproxy started by the operator) --+
 *   lb2  (same)                                                     --+-- br0 in namespace "sw"
 *   be1..beN  (python3 http.server :8080)                           --+
 * </pre>
 *
 * Names carry a random id so parallel runs do not clash; the /24 is a random 10.x.y.0 that no
 * existing address or route of the machine touches. Only namespaces, links and processes the lab
 * created are ever changed: teardown kills the processes inside its own namespaces (nothing else
 * can be in them), deletes those namespaces (which removes their links, including the root end of
 * the uplink) and its directory. A JVM shutdown hook does the same if a test run is killed.
 */
public final class NetnsLab implements AutoCloseable {
    public static final int SSH_PORT = 2222;
    public static final int BACKEND_PORT = 8080;
    public static final String PYTHON = "/usr/bin/python3";

    private final String id;
    private final String net;
    private final Path dir;
    private final int backends;
    private final List<String> namespaces = new ArrayList<>();
    private final List<Path> etcDirs = new ArrayList<>();
    private final Map<String, Process> processes = new LinkedHashMap<>();
    private final Thread shutdownHook = new Thread(this::teardown, "netns-lab-teardown");
    private String uplink;
    private volatile boolean closed;

    private NetnsLab(String id, String net, Path dir, int backends) {
        this.id = id;
        this.net = net;
        this.dir = dir;
        this.backends = backends;
    }

    /** The commands a lab needs, besides root and network namespaces. */
    public static final List<String> COMMANDS =
            List.of(
                    "ip",
                    "keepalived",
                    "haproxy",
                    "sshd",
                    "ssh-keygen",
                    "socat",
                    "sha256sum",
                    "setsid");

    /**
     * What this machine lacks for a lab, in words (empty: a lab can be built): root, the commands,
     * python3 for the backends, working network namespaces.
     */
    public static List<String> missing() {
        List<String> missing = new ArrayList<>();
        if (!"root".equals(System.getProperty("user.name"))) {
            missing.add("the lab needs root");
        }
        for (String command : COMMANDS) {
            if (Stream.of("/usr/sbin", "/usr/bin", "/sbin", "/bin")
                    .noneMatch(d -> Files.isExecutable(Path.of(d, command)))) {
                missing.add("command '" + command + "' is not installed");
            }
        }
        if (!Files.isExecutable(Path.of(PYTHON))) {
            missing.add(PYTHON + " is not installed");
        }
        if (missing.isEmpty()) {
            Cmd.Result probe = Cmd.run("ip", "netns", "list");
            if (!probe.ok()) {
                missing.add("ip netns does not work here: " + probe.output().strip());
            }
        }
        return missing;
    }

    public static NetnsLab create(int backends) throws Exception {
        SecureRandom random = new SecureRandom();
        String id = HexFormat.of().formatHex(random.generateSeed(3));
        NetnsLab lab =
                new NetnsLab(
                        id,
                        freeSubnet(random),
                        Files.createTempDirectory("pveha-lab-" + id + "-"),
                        backends);
        Runtime.getRuntime().addShutdownHook(lab.shutdownHook);
        try {
            lab.build();
            return lab;
        } catch (Exception | Error e) {
            lab.close();
            throw e;
        }
    }

    private void build() throws Exception {
        String sw = addNamespace("sw");
        Cmd.check("ip", "-n", sw, "link", "add", "br0", "type", "bridge");
        Cmd.check("ip", "-n", sw, "link", "set", "br0", "up");
        uplink = "pvlb" + id + "h";
        Cmd.check(
                "ip", "link", "add", "name", uplink, "type", "veth", "peer", "name", "p-host",
                "netns", sw);
        Cmd.check("ip", "-n", sw, "link", "set", "p-host", "master", "br0", "up");
        Cmd.check("ip", "addr", "add", address("host") + "/24", "dev", uplink);
        Cmd.check("ip", "link", "set", uplink, "up");

        List<String> hosts = new ArrayList<>(List.of("lb1", "lb2"));
        for (int i = 1; i <= backends; i++) {
            hosts.add("be" + i);
        }
        for (String host : hosts) {
            String ns = addNamespace(host);
            Cmd.check(
                    "ip",
                    "link",
                    "add",
                    "name",
                    "eth0",
                    "netns",
                    ns,
                    "type",
                    "veth",
                    "peer",
                    "name",
                    "p-" + host,
                    "netns",
                    sw);
            Cmd.check("ip", "-n", sw, "link", "set", "p-" + host, "master", "br0", "up");
            Cmd.check("ip", "-n", ns, "addr", "add", address(host) + "/24", "dev", "eth0");
            Cmd.check("ip", "-n", ns, "link", "set", "eth0", "up");
            Cmd.check("ip", "-n", ns, "link", "set", "lo", "up");
        }
        String clientKey = dir.resolve("client_key").toString();
        Cmd.check(
                "ssh-keygen",
                "-q",
                "-t",
                "ed25519",
                "-N",
                "",
                "-C",
                "pveha-lab-operator",
                "-f",
                clientKey);
        Files.createDirectories(Path.of("/run/sshd"));
        for (String lb : List.of("lb1", "lb2")) {
            giveRootAPlainShell(lb);
            // haproxy on the backup binds the VIP before it holds it.
            Cmd.check(
                    "ip",
                    "netns",
                    "exec",
                    ns(lb),
                    "sysctl",
                    "-q",
                    "-w",
                    "net.ipv4.ip_nonlocal_bind=1");
            startSshd(lb, clientKey + ".pub");
        }
        for (int i = 1; i <= backends; i++) {
            startBackend(i);
        }
    }

    /**
     * This machine's root runs bash with a .bashrc that initialises pyenv, and sshd runs every
     * command through the login shell, which sources .bashrc: ~0.5 s per command, nothing like a
     * balancer host. {@code ip netns exec} bind-mounts /etc/netns/NAME/FILE over /etc/FILE, so the
     * lab hosts get their own /etc/passwd in which root's shell is /bin/sh. Only files under our
     * own namespaces' names are written.
     */
    private void giveRootAPlainShell(String lb) throws IOException {
        if (!Files.exists(Path.of("/etc/netns"))) {
            etcDirs.add(Files.createDirectories(Path.of("/etc/netns")));
        }
        Path etc = Files.createDirectories(Path.of("/etc/netns", ns(lb)));
        etcDirs.add(etc);
        String passwd =
                Files.readString(Path.of("/etc/passwd"))
                        .lines()
                        .map(
                                line ->
                                        line.startsWith("root:")
                                                ? line.substring(0, line.lastIndexOf(':') + 1)
                                                        + "/bin/sh"
                                                : line)
                        .collect(java.util.stream.Collectors.joining("\n", "", "\n"));
        Files.writeString(etc.resolve("passwd"), passwd);
    }

    private void startSshd(String lb, String authorizedKeys) throws Exception {
        Path sshDir = Files.createDirectories(dir.resolve(lb).resolve("ssh"));
        Path hostKey = sshDir.resolve("ssh_host_ed25519_key");
        Cmd.check(
                "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", lb, "-f", hostKey.toString());
        Path config = sshDir.resolve("sshd_config");
        Files.writeString(
                config,
                String.join(
                        "\n",
                        "Port " + SSH_PORT,
                        "ListenAddress " + address(lb),
                        "HostKey " + hostKey,
                        "AuthorizedKeysFile " + authorizedKeys,
                        "PidFile " + sshDir.resolve("sshd.pid"),
                        "PermitRootLogin prohibit-password",
                        "PasswordAuthentication no",
                        "KbdInteractiveAuthentication no",
                        "UsePAM no",
                        "StrictModes no",
                        "Subsystem sftp /usr/lib/openssh/sftp-server",
                        ""));
        // -D: stays a child of this JVM, so teardown knows its pid; an absolute -f keeps sshd's
        // re-exec working.
        start(
                "sshd-" + lb,
                sshDir.resolve("sshd.log"),
                "ip",
                "netns",
                "exec",
                ns(lb),
                "/usr/sbin/sshd",
                "-D",
                "-e",
                "-f",
                config.toAbsolutePath().toString());
        awaitPort(address(lb), SSH_PORT, Duration.ofSeconds(10));
    }

    public void startBackend(int n) throws Exception {
        String be = "be" + n;
        Path root = Files.createDirectories(dir.resolve(be).resolve("www"));
        Files.writeString(root.resolve("index.html"), be + "\n");
        Files.writeString(root.resolve("healthz"), "ok\n");
        start(
                be,
                dir.resolve(be).resolve("http.log"),
                "ip",
                "netns",
                "exec",
                ns(be),
                PYTHON,
                "-m",
                "http.server",
                String.valueOf(BACKEND_PORT),
                "--bind",
                address(be),
                "--directory",
                root.toString());
        awaitPort(address(be), BACKEND_PORT, Duration.ofSeconds(10));
    }

    /** SIGKILL, as a crashed application: connections are refused from now on. */
    public void killBackend(int n) throws InterruptedException {
        Process p = processes.remove("be" + n);
        if (p != null) {
            p.destroyForcibly();
            p.waitFor();
        }
    }

    /**
     * Takes the host's switch port down: the cable is pulled, the host itself notices nothing at
     * first.
     */
    public void linkDown(String host) {
        Cmd.check("ip", "-n", ns("sw"), "link", "set", "p-" + host, "down");
    }

    public void linkUp(String host) {
        Cmd.check("ip", "-n", ns("sw"), "link", "set", "p-" + host, "up");
    }

    /** Cuts VRRP from {@code from} to {@code to} while both stay reachable from the operator. */
    public void blockRoute(String from, String to) {
        Cmd.check("ip", "-n", ns(from), "route", "add", "blackhole", address(to) + "/32");
    }

    public void unblockRoute(String from, String to) {
        Cmd.check("ip", "-n", ns(from), "route", "del", "blackhole", address(to) + "/32");
    }

    /**
     * Stops keepalived then haproxy on an LB host with SIGTERM (a graceful stop, as an admin would)
     * and waits for both to exit. Whatever started them (the operator, over SSH), they are the
     * processes of those names in the host's namespace; the parent of each is signalled.
     */
    public void stopDaemons(String lb) throws InterruptedException {
        for (long pid : mainPids(lb, "keepalived")) {
            terminate(pid);
        }
        for (long pid : mainPids(lb, "haproxy")) {
            terminate(pid);
        }
    }

    /** keepalived and haproxy both run on the LB host. */
    public boolean daemonsRunning(String lb) {
        return !mainPids(lb, "keepalived").isEmpty() && !mainPids(lb, "haproxy").isEmpty();
    }

    /** The processes named {@code comm} in the host's namespace whose parent is not one of them. */
    private List<Long> mainPids(String host, String comm) {
        List<Long> pids = new ArrayList<>();
        for (String pid : Cmd.run("ip", "netns", "pids", ns(host)).output().split("\\s+")) {
            if (pid.matches("[0-9]+") && comm.equals(comm(Long.parseLong(pid)))) {
                long parent =
                        ProcessHandle.of(Long.parseLong(pid))
                                .flatMap(ProcessHandle::parent)
                                .map(ProcessHandle::pid)
                                .orElse(-1L);
                if (!comm.equals(comm(parent))) {
                    pids.add(Long.parseLong(pid));
                }
            }
        }
        return pids;
    }

    private static String comm(long pid) {
        try {
            return Files.readString(Path.of("/proc/" + pid + "/comm")).strip();
        } catch (IOException e) {
            return "";
        }
    }

    /** The LB hosts whose eth0 carries the VIP right now. */
    public List<String> vipHolders() {
        List<String> holders = new ArrayList<>();
        for (String lb : List.of("lb1", "lb2")) {
            String out =
                    Cmd.run("ip", "-n", ns(lb), "-br", "-4", "addr", "show", "dev", "eth0")
                            .output();
            if (out.contains(" " + vip() + "/")) {
                holders.add(lb);
            }
        }
        return holders;
    }

    /**
     * Where an LB host keeps the operator's files (spec.hosts[].paths): the lab's hosts share one
     * filesystem, so each gets its own three locations under the lab's directory.
     */
    public record HostPaths(String haproxyConfig, String keepalivedConfig, String runDir) {}

    public HostPaths layout(String lb) {
        Path base = dir.resolve(lb);
        return new HostPaths(
                base.resolve("etc/haproxy/haproxy.cfg").toString(),
                base.resolve("etc/keepalived/keepalived.conf").toString(),
                base.resolve("run").toString());
    }

    public String hostKey(String lb) throws IOException {
        String[] parts =
                Files.readString(dir.resolve(lb).resolve("ssh").resolve("ssh_host_ed25519_key.pub"))
                        .strip()
                        .split(" ");
        return parts[0] + " " + parts[1];
    }

    public byte[] clientPrivateKey() throws IOException {
        return Files.readAllBytes(dir.resolve("client_key"));
    }

    public String address(String host) {
        return switch (host) {
            case "host" -> net + ".1";
            case "vip" -> net + ".10";
            case "lb1" -> net + ".11";
            case "lb2" -> net + ".12";
            default ->
                    host.startsWith("be")
                            ? net + "." + (20 + Integer.parseInt(host.substring(2)))
                            : fail(host);
        };
    }

    public String vip() {
        return address("vip");
    }

    public String ns(String name) {
        return "pvlb-" + id + "-" + name;
    }

    public Path dir() {
        return dir;
    }

    public String id() {
        return id;
    }

    private String addNamespace(String name) {
        String ns = ns(name);
        Cmd.check("ip", "netns", "add", ns);
        namespaces.add(ns);
        return ns;
    }

    private void start(String name, Path log, String... argv) throws IOException {
        Files.createDirectories(log.getParent());
        Process p =
                new ProcessBuilder(argv)
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
        processes.put(name, p);
    }

    private static void awaitPort(String address, int port, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(address, port), 200);
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            address + ":" + port + " did not open within " + timeout, e);
                }
                Thread.sleep(20); // a waiting helper of the lab's setup, not an assertion
            }
        }
    }

    private static void terminate(long pid) throws InterruptedException {
        if (pid <= 0) {
            return;
        }
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
        for (int i = 0;
                i < 100 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
                i++) {
            Thread.sleep(20); // waits for the process to exit (up to 2 s), not an assertion
        }
    }

    /** A /24 in 10.0.0.0/8 whose /16 no address or route of this machine uses. */
    private static String freeSubnet(SecureRandom random) {
        String used =
                Cmd.run("ip", "-4", "-o", "addr", "show").output()
                        + "\n"
                        + Cmd.run("ip", "-4", "route", "show", "table", "all").output();
        for (int attempt = 0; attempt < 50; attempt++) {
            String sixteen = "10." + (64 + random.nextInt(190));
            if (!used.contains(" " + sixteen + ".")
                    && !used.contains("\n" + sixteen + ".")
                    && !used.startsWith(sixteen + ".")
                    && !used.contains(" 10.0.0.0/8")) {
                return sixteen + "." + random.nextInt(255);
            }
        }
        throw new IllegalStateException("no free 10.x.y.0/24 for the lab");
    }

    private static String fail(String host) {
        throw new IllegalArgumentException("unknown lab host " + host);
    }

    @Override
    public void close() {
        teardown();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down: the hook runs teardown, which is idempotent
        }
    }

    private synchronized void teardown() {
        if (closed) {
            return;
        }
        closed = true;
        processes.values().forEach(Process::destroyForcibly);
        List<ProcessHandle> killed = new ArrayList<>();
        for (String ns : namespaces) {
            // Whatever runs in our namespaces was started by this lab or by the operator under test
            // in it.
            for (String pid : Cmd.run("ip", "netns", "pids", ns).output().split("\\s+")) {
                if (pid.matches("[0-9]+")) {
                    ProcessHandle.of(Long.parseLong(pid))
                            .ifPresent(
                                    h -> {
                                        h.destroyForcibly();
                                        killed.add(h);
                                    });
                }
            }
        }
        for (ProcessHandle h : killed) {
            try {
                h.onExit().get(5, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                // reported by the namespace deletion below if it matters
            }
        }
        for (Process p : processes.values()) {
            try {
                p.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (int i = namespaces.size() - 1; i >= 0; i--) {
            Cmd.run("ip", "netns", "del", namespaces.get(i));
        }
        for (int i = etcDirs.size() - 1; i >= 0; i--) {
            deleteTree(etcDirs.get(i));
        }
        if (uplink != null && Cmd.run("ip", "link", "show", "dev", uplink).ok()) {
            Cmd.run("ip", "link", "del", "dev", uplink);
        }
        deleteTree(dir);
    }

    public static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: the lab's own temporary files
        }
    }
}
