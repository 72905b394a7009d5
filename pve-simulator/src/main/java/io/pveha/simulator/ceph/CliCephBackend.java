package io.pveha.simulator.ceph;

import com.fasterxml.jackson.databind.JsonNode;
import io.pveha.simulator.api.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A real Ceph cluster, driven like {@code pveceph} drives it but through the {@code ceph} and
 * {@code rbd} command line tools with {@code -c <conf>}: the same monitor commands ({@code osd
 * dump}, {@code df}, {@code osd pool create/set/delete}, {@code osd pool application enable},
 * {@code health detail}), JSON output. The conf file says how to reach the monitors and which key
 * to use; nothing of it is logged.
 */
public final class CliCephBackend implements CephBackend {
    private static final long TIMEOUT_SECONDS = 60;

    /**
     * The CLI prints monitor errors as {@code Error EINVAL: <message>}; PVE's RADOS binding has
     * only the message.
     */
    private static final Pattern CLI_ERROR_PREFIX = Pattern.compile("^Error E[A-Z]+: ");

    /** Runs independent CLI commands side by side (daemon threads: never keeps the JVM alive). */
    private static final java.util.concurrent.ExecutorService COMMANDS =
            java.util.concurrent.Executors.newCachedThreadPool(
                    r -> {
                        Thread t = new Thread(r, "ceph-cli");
                        t.setDaemon(true);
                        return t;
                    });

    /**
     * How long a read of the pools or the status is served again. Every {@code ceph} start costs
     * about half a second of CPU and a client polling each second would otherwise keep the machine
     * busy; our own writes drop the cached reads at once, so only changes made outside (and Ceph's
     * own health) show late.
     */
    static final long READ_TTL_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(2);

    private final Path conf;
    private final Object cacheLock = new Object();
    private Cached<List<CephPoolState>> cachedPools;
    private Cached<Map<String, Object>> cachedStatus;

    private record Cached<T>(T value, long readAtNanos) {
        boolean fresh() {
            return System.nanoTime() - readAtNanos < READ_TTL_NANOS;
        }
    }

    public CliCephBackend(Path conf) {
        this.conf = conf;
    }

    public Path conf() {
        return conf;
    }

    @Override
    public List<CephPoolState> pools() {
        synchronized (cacheLock) {
            if (cachedPools != null && cachedPools.fresh()) {
                return cachedPools.value();
            }
        }
        List<CephPoolState> pools = readPools();
        synchronized (cacheLock) {
            cachedPools = new Cached<>(pools, System.nanoTime());
        }
        return pools;
    }

    private List<CephPoolState> readPools() {
        // The four commands are independent; each CLI start costs about half a second, so run them
        // together.
        CompletableFuture<JsonNode> dumpCall = async(() -> json("ceph", "osd", "dump"));
        CompletableFuture<JsonNode> dfCall = async(() -> json("ceph", "df"));
        CompletableFuture<JsonNode> rulesCall =
                async(() -> json("ceph", "osd", "crush", "rule", "dump"));
        CompletableFuture<JsonNode> autoscaleCall =
                async(
                        () -> {
                            try {
                                return json("ceph", "osd", "pool", "autoscale-status");
                            } catch (CephCommandException e) {
                                // PVE tolerates a cluster without the autoscaler module, so do we.
                                return Json.MAPPER.createArrayNode();
                            }
                        });
        JsonNode dump = join(dumpCall);
        JsonNode df = join(dfCall);
        Map<Integer, String> rules = new HashMap<>();
        for (JsonNode rule : join(rulesCall)) {
            rules.put(rule.path("rule_id").asInt(), rule.path("rule_name").asText());
        }
        Map<Integer, JsonNode> stats = new HashMap<>();
        for (JsonNode pool : df.path("pools")) {
            stats.put(pool.path("id").asInt(), pool.path("stats"));
        }
        Map<String, JsonNode> autoscale = new HashMap<>();
        for (JsonNode entry : join(autoscaleCall)) {
            autoscale.put(entry.path("pool_name").asText(), entry);
        }
        long capacity = df.path("stats").path("total_bytes").asLong();
        List<CephPoolState> result = new ArrayList<>();
        for (JsonNode p : dump.path("pools")) {
            int id = p.path("pool").asInt();
            String name = p.path("pool_name").asText();
            JsonNode options = p.path("options");
            JsonNode stat = stats.getOrDefault(id, Json.MAPPER.createObjectNode());
            List<String> apps = new ArrayList<>();
            p.path("application_metadata").fieldNames().forEachRemaining(apps::add);
            JsonNode auto = autoscale.get(name);
            result.add(
                    new CephPoolState(
                            id,
                            name,
                            p.path("type").asInt(),
                            p.path("size").asInt(),
                            p.path("min_size").asInt(),
                            p.path("pg_num").asInt(),
                            p.path("pg_placement_num").asInt(),
                            options.has("pg_num_min") ? options.get("pg_num_min").asInt() : null,
                            p.path("pg_autoscale_mode").asText(),
                            p.path("crush_rule").asInt(),
                            rules.get(p.path("crush_rule").asInt()),
                            apps,
                            stat.path("bytes_used").asLong(),
                            stat.path("percent_used").asDouble(),
                            options.has("target_size_bytes")
                                    ? options.get("target_size_bytes").asLong()
                                    : null,
                            options.has("target_size_ratio")
                                    ? options.get("target_size_ratio").asDouble()
                                    : null,
                            auto == null
                                    ? p.path("pg_num").asInt()
                                    : auto.path("pg_num_final").asInt(p.path("pg_num").asInt()),
                            auto == null
                                    ? capacity
                                    : auto.path("subtree_capacity").asLong(capacity)));
        }
        return List.copyOf(result);
    }

    @Override
    public void createPool(String pool, int pgNum) {
        try {
            run("ceph", "osd", "pool", "create", pool, Integer.toString(pgNum));
        } finally {
            changed();
        }
    }

    @Override
    public void setPool(String pool, String variable, String value) {
        try {
            run("ceph", "osd", "pool", "set", pool, variable, value);
        } finally {
            changed();
        }
    }

    @Override
    public void enableApplication(String pool, String application) {
        try {
            run("ceph", "osd", "pool", "application", "enable", pool, application);
        } finally {
            changed();
        }
    }

    @Override
    public void deletePool(String pool) {
        try {
            run("ceph", "osd", "pool", "delete", pool, pool, "--yes-i-really-really-mean-it");
        } finally {
            changed();
        }
    }

    @Override
    public List<String> rbdImages(String pool) {
        List<String> images = new ArrayList<>();
        for (JsonNode image : json("rbd", "ls", "-p", pool)) {
            images.add(image.asText());
        }
        return images;
    }

    @Override
    public Map<String, Object> status() {
        synchronized (cacheLock) {
            if (cachedStatus != null && cachedStatus.fresh()) {
                return cachedStatus.value();
            }
        }
        Map<String, Object> status = readStatus();
        synchronized (cacheLock) {
            cachedStatus = new Cached<>(status, System.nanoTime());
        }
        return status;
    }

    /** Our own change: the next reads go to Ceph. */
    private void changed() {
        synchronized (cacheLock) {
            cachedPools = null;
            cachedStatus = null;
        }
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> readStatus() {
        CompletableFuture<JsonNode> health = async(() -> json("ceph", "health", "detail"));
        Map<String, Object> status = Json.MAPPER.convertValue(json("ceph", "status"), Map.class);
        status.put("health", Json.MAPPER.convertValue(join(health), Map.class));
        return status;
    }

    private static CompletableFuture<JsonNode> async(java.util.function.Supplier<JsonNode> call) {
        return CompletableFuture.supplyAsync(call, COMMANDS);
    }

    private static JsonNode join(CompletableFuture<JsonNode> call) {
        try {
            return call.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof CephCommandException refused) {
                throw refused;
            }
            throw e;
        }
    }

    private JsonNode json(String... command) {
        List<String> args = new ArrayList<>(List.of(command));
        args.addAll(List.of("--format", "json"));
        String out = run(args.toArray(String[]::new));
        try {
            return Json.MAPPER.readTree(out.isBlank() ? "null" : out);
        } catch (IOException e) {
            throw new CephCommandException(
                    "cannot parse the output of '"
                            + String.join(" ", command)
                            + "': "
                            + e.getMessage());
        }
    }

    /**
     * Runs a command with {@code -c <conf>}; a non-zero exit becomes a {@link
     * CephCommandException}.
     */
    private String run(String... command) {
        List<String> args = new ArrayList<>();
        args.add(command[0]);
        args.add("-c");
        args.add(conf.toString());
        args.addAll(List.of(command).subList(1, command.length));
        Process process;
        try {
            process =
                    new ProcessBuilder(args)
                            .redirectInput(
                                    ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                            .start();
        } catch (IOException e) {
            throw new CephCommandException(
                    "binary not installed: " + command[0] + " (" + e.getMessage() + ")");
        }
        CompletableFuture<String> stdout =
                CompletableFuture.supplyAsync(() -> read(process.getInputStream()), COMMANDS);
        CompletableFuture<String> stderr =
                CompletableFuture.supplyAsync(() -> read(process.getErrorStream()), COMMANDS);
        try {
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new CephCommandException("got timeout");
            }
            String err = stderr.get().trim();
            if (process.exitValue() != 0) {
                String message =
                        err.isEmpty()
                                ? command[0] + " exited with " + process.exitValue()
                                : err.lines().reduce((a, b) -> b).orElse(err);
                throw new CephCommandException(CLI_ERROR_PREFIX.matcher(message).replaceFirst(""));
            }
            return stdout.get();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new CephCommandException("interrupted");
        } catch (java.util.concurrent.ExecutionException e) {
            throw new CephCommandException(
                    "cannot read the output of " + command[0] + ": " + e.getCause());
        }
    }

    private static String read(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
