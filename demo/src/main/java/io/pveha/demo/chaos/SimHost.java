package io.pveha.demo.chaos;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.pveha.simulator.PveSimulator;
import io.pveha.simulator.TaskView;
import io.pveha.simulator.VmView;
import io.pveha.simulator.model.VmState;
import io.pveha.simulator.ops.GuestHooks;
import io.pveha.simulator.tasks.TaskDurations;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A simulator process of the chaos harness: several simulated PVE clusters in one JVM (ten JVMs
 * would not fit a 2-core machine next to the operator), each with its own HTTPS ports, token, CA,
 * control API (also on a plain-HTTP port that stays up when nodes lose power) and a template to
 * clone. Besides PVE's API it serves, on a loopback port of its own, what the judge reads: the
 * simulators' own state (every VM with the owner its description names, every VM destroyed since
 * the start with its owner at that moment, task counts per type and VMID). Nothing here is seen by
 * the operator.
 */
public final class SimHost implements AutoCloseable {
    /** What to start. */
    public record Settings(
            int clusters,
            int firstIndex,
            int nodes,
            double timeScale,
            double taskScale,
            long nodeMemoryBytes,
            int pveVersion,
            int foreignVmsPerCluster,
            int inventoryPort) {}

    public static final int TEMPLATE = 9000;
    public static final int FIRST_FOREIGN_VMID = 90000;
    static final Pattern OWNER = Pattern.compile("pveha\\.io/uid=([0-9A-Za-z-]+)");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Settings settings;
    private final List<Cluster> clusters = new ArrayList<>();
    private final HttpServer server;

    /** A destroyed VM and who owned it when it went. */
    record Destroyed(int vmid, String owner, String name, String node, String at) {}

    private static final class Cluster {
        final int index;
        final String name;
        final PveSimulator sim;
        final String tokenSecret;
        final Map<Integer, Destroyed> going = new ConcurrentHashMap<>();
        final List<Destroyed> destroyed = new CopyOnWriteArrayList<>();

        Cluster(int index, String name, PveSimulator sim, String tokenSecret) {
            this.index = index;
            this.name = name;
            this.sim = sim;
            this.tokenSecret = tokenSecret;
        }
    }

    public SimHost(Settings settings) throws IOException {
        this.settings = settings;
        for (int i = 0; i < settings.clusters(); i++) {
            clusters.add(startCluster(settings.firstIndex() + i));
        }
        server =
                HttpServer.create(
                        new InetSocketAddress(
                                InetAddress.getLoopbackAddress(), settings.inventoryPort()),
                        16);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/info", this::info);
        server.createContext("/inventory", this::inventory);
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private Cluster startCluster(int index) {
        String name = "c" + index;
        String secret = UUID.randomUUID().toString();
        Cluster[] holder = new Cluster[1];
        PveSimulator sim =
                PveSimulator.builder()
                        .nodes(settings.nodes())
                        .clusterName("chaos-" + name)
                        .timeScale(settings.timeScale())
                        .taskDurations(TaskDurations.defaults().scaledBy(settings.taskScale()))
                        .nodeMemory(settings.nodeMemoryBytes())
                        .pveVersion(settings.pveVersion())
                        .token("root@pam!pveha", secret)
                        .httpPort(0)
                        .module(
                                context ->
                                        context.ops()
                                                .addHooks(
                                                        new GuestHooks() {
                                                            @Override
                                                            public void beforeDestroy(
                                                                    VmState vm, boolean purge) {
                                                                holder[0].going.put(
                                                                        vm.vmid(),
                                                                        new Destroyed(
                                                                                vm.vmid(),
                                                                                owner(
                                                                                        vm.config()
                                                                                                .get(
                                                                                                        "description")),
                                                                                vm.name(),
                                                                                vm.node(),
                                                                                Instant.now()
                                                                                        .toString()));
                                                            }

                                                            @Override
                                                            public void destroyed(
                                                                    int vmid, boolean purge) {
                                                                Destroyed d =
                                                                        holder[0].going.remove(
                                                                                vmid);
                                                                holder[0].destroyed.add(
                                                                        d != null
                                                                                ? d
                                                                                : new Destroyed(
                                                                                        vmid,
                                                                                        null,
                                                                                        null,
                                                                                        null,
                                                                                        Instant
                                                                                                .now()
                                                                                                .toString()));
                                                            }
                                                        }))
                        .build();
        Cluster cluster = new Cluster(index, name, sim, secret);
        holder[0] = cluster;
        sim.start();
        sim.cluster()
                .createTemplate(
                        "pve1",
                        TEMPLATE,
                        Map.of(
                                "name",
                                "chaos-template",
                                "memory",
                                "512",
                                "scsi0",
                                "ceph-vm:1",
                                "net0",
                                "virtio,bridge=vmbr0"));
        List<String> nodes = sim.nodeNames();
        for (int f = 0; f < settings.foreignVmsPerCluster(); f++) {
            // VMs the operator must never touch: no owner tag, no marker.
            sim.cluster()
                    .createRunningVm(
                            nodes.get(f % nodes.size()),
                            FIRST_FOREIGN_VMID + f,
                            Map.of("name", "foreign-" + f, "memory", "256"));
        }
        return cluster;
    }

    static String owner(String description) {
        if (description == null) {
            return null;
        }
        String text = description;
        if (text.contains("%")) {
            try {
                text = URLDecoder.decode(text, StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                // not encoded after all
            }
        }
        Matcher m = OWNER.matcher(text);
        return m.find() ? m.group(1) : null;
    }

    /** The clusters, with what a ProxmoxCluster and the driver need to reach them. */
    public List<Map<String, Object>> describe() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Cluster c : clusters) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("index", c.index);
            m.put("name", c.name);
            m.put("tokenId", c.sim.apiTokenId());
            m.put("tokenSecret", c.tokenSecret);
            m.put("caPem", c.sim.caCertificatePem());
            List<String> urls = new ArrayList<>();
            for (String node : c.sim.nodeNames()) {
                urls.add(c.sim.nodeUrl(node));
            }
            m.put("endpoints", urls);
            m.put("nodes", c.sim.nodeNames());
            m.put("control", c.sim.plainHttpUrl().orElseThrow() + "/simulator");
            out.add(m);
        }
        return out;
    }

    private void info(HttpExchange exchange) throws IOException {
        send(exchange, describe());
    }

    private void inventory(HttpExchange exchange) throws IOException {
        String query = exchange.getRequestURI().getQuery();
        int index =
                Integer.parseInt(
                        query == null ? "-1" : query.replaceAll(".*cluster=(\\d+).*", "$1"));
        Cluster c = clusters.stream().filter(x -> x.index == index).findFirst().orElse(null);
        if (c == null) {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
            return;
        }
        send(exchange, inventory(c));
    }

    private static Map<String, Object> inventory(Cluster c) {
        Map<String, Object> out = new LinkedHashMap<>();
        List<Map<String, Object>> vms = new ArrayList<>();
        for (VmView vm : c.sim.cluster().vms()) {
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("vmid", vm.vmid());
            v.put("node", vm.node());
            v.put("status", vm.status());
            v.put("template", vm.template());
            vm.lock().ifPresent(l -> v.put("lock", l));
            v.put("owner", owner(vm.config().get("description")));
            v.put("tags", vm.config().getOrDefault("tags", ""));
            v.put("memory", vm.config().get("memory"));
            if (vm.pending().containsKey("memory")) {
                v.put("pendingMemory", vm.pending().get("memory"));
            }
            v.put("configHash", hash(vm.config()));
            vms.add(v);
        }
        out.put("vms", vms);
        out.put("destroyed", c.destroyed);
        Map<String, Map<String, Integer>> tasks = new TreeMap<>();
        for (TaskView t : c.sim.cluster().tasks()) {
            tasks.computeIfAbsent(t.type(), k -> new TreeMap<>())
                    .merge(t.id() == null ? "" : t.id(), 1, Integer::sum);
        }
        out.put("tasks", tasks);
        Map<String, Object> nodes = new LinkedHashMap<>();
        c.sim.cluster().nodes().forEach(n -> nodes.put(n.name(), n.online()));
        out.put("nodesOnline", nodes);
        return out;
    }

    private static String hash(Map<String, String> config) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            new TreeMap<>(config)
                    .forEach(
                            (k, v) ->
                                    md.update(
                                            (k + "=" + v + "\n").getBytes(StandardCharsets.UTF_8)));
            return HexFormat.of().formatHex(md.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void send(HttpExchange exchange, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /**
     * Writes {"pid", "inventory", "clusters"} to {@code file} atomically: the driver waits for it.
     */
    public void writeInfo(Path file) throws IOException {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("pid", ProcessHandle.current().pid());
        info.put("inventory", "http://127.0.0.1:" + port());
        info.put("clusters", describe());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, JSON.writeValueAsBytes(info));
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public void close() {
        server.stop(0);
        clusters.forEach(c -> c.sim.close());
    }
}
