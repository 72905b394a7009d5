package io.pveha.simulator.ceph;

import io.pveha.simulator.api.Access;
import io.pveha.simulator.api.AuthInfo;
import io.pveha.simulator.model.PveException;
import io.pveha.simulator.model.StorageDefinition;
import io.pveha.simulator.model.StorageType;
import io.pveha.simulator.ops.Caller;
import io.pveha.simulator.spi.ModuleContext;
import io.pveha.simulator.tasks.Task;
import io.pveha.simulator.tasks.TaskEngine;
import io.pveha.simulator.tasks.TaskError;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code pve-manager}'s {@code PVE::API2::Ceph::Pool} and {@code PVE::Ceph::Tools} do around
 * the monitor commands: defaults, the synchronous checks, the {@code cephcreatepool}/{@code
 * cephsetpool}/ {@code cephdestroypool} workers with their log lines and errors, {@code
 * add_storages}/{@code remove_storages}, and the JSON of the list and status calls. Called under
 * the cluster state lock (write lock for changes).
 */
final class CephPools {
    static final Duration CREATE_DURATION = Duration.ofSeconds(3);
    static final Duration SET_DURATION = Duration.ofSeconds(1);
    static final Duration DESTROY_DURATION = Duration.ofSeconds(2);

    /** {@code pve-storage-id}. */
    private static final Pattern STORAGE_ID = Pattern.compile("^(?i:[a-z][a-z0-9\\-_.]*[a-z0-9])$");

    /**
     * Images PVE's RBD plugin counts as VM disks ({@code PVE::Storage::RBDPlugin::list_images}).
     */
    private static final Pattern VM_DISK = Pattern.compile("^(vm|base)-\\d+-\\S+$");

    private static final Pattern SIZE = Pattern.compile("^(\\d+(?:\\.\\d+)?)([KMGT])?$");

    /** Capacity a new RBD storage reports; usage comes from its volumes. */
    private static final long RBD_STORAGE_CAPACITY = 4L << 40;

    private final ModuleContext ctx;
    private final CephBackend ceph;

    CephPools(ModuleContext ctx, CephBackend ceph) {
        this.ctx = ctx;
        this.ceph = ceph;
    }

    Map<String, Object> status() {
        return ceph(ceph::status);
    }

    /** {@code GET /nodes/{node}/ceph/pool} ({@code lspools}). */
    List<Map<String, Object>> list() {
        List<Map<String, Object>> result = new ArrayList<>();
        for (CephPoolState p : ceph(ceph::pools)) {
            Map<String, Object> entry = new LinkedHashMap<>();
            // Ceph's 'osd dump' prints the pool and rule ids as strings; PVE 8 passes them on
            // unchanged.
            entry.put("pool", Integer.toString(p.id()));
            entry.put("pool_name", p.name());
            entry.put("size", p.size());
            entry.put("min_size", p.minSize());
            entry.put("pg_num", p.pgNum());
            entry.put("crush_rule", Integer.toString(p.crushRule()));
            entry.put("pg_autoscale_mode", p.pgAutoscaleMode());
            Map<String, Object> apps = new TreeMap<>();
            p.applications().forEach(a -> apps.put(a, Map.of()));
            entry.put("application_metadata", apps);
            entry.put("autoscale_status", autoscaleStatus(p));
            entry.put("pg_num_final", p.pgNumFinal());
            entry.put("pg_num_min", p.pgNumMin());
            entry.put("target_size", p.targetSizeBytes());
            entry.put("target_size_ratio", p.targetSizeRatio());
            entry.put("crush_rule_name", p.crushRuleName());
            entry.put("bytes_used", p.bytesUsed());
            entry.put("percent_used", p.percentUsed());
            entry.put("type", p.type() == 1 ? "replicated" : p.type() == 3 ? "erasure" : "unknown");
            result.add(entry);
        }
        return result;
    }

    /** {@code GET /nodes/{node}/ceph/pool/{name}/status} ({@code getpool}). */
    Map<String, Object> poolStatus(String name, boolean verbose) {
        CephPoolState p = find(name);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("id", p.id());
        data.put("name", p.name());
        data.put("size", p.size());
        data.put("min_size", p.minSize());
        data.put("pg_num", p.pgNum());
        data.put("pg_num_min", p.pgNumMin());
        data.put("pgp_num", p.pgpNum());
        data.put("crush_rule", p.crushRuleName());
        data.put("pg_autoscale_mode", p.pgAutoscaleMode());
        data.put("target_size", p.targetSizeBytes());
        data.put("target_size_ratio", p.targetSizeRatio());
        for (String flag :
                List.of(
                        "noscrub",
                        "nodeep-scrub",
                        "nodelete",
                        "nopgchange",
                        "nosizechange",
                        "write_fadvise_dontneed",
                        "fast_read")) {
            data.put(flag, "0");
        }
        data.put("hashpspool", "1");
        data.put("use_gmt_hitset", "1");
        if (verbose) {
            data.put("application_list", p.applications());
            Map<String, Object> stats = new LinkedHashMap<>();
            stats.put("stored", p.bytesUsed());
            stats.put("bytes_used", p.bytesUsed() * p.size());
            stats.put("percent_used", p.percentUsed());
            data.put("statistics", stats);
            data.put("autoscale_status", autoscaleStatus(p));
        }
        return data;
    }

    /** {@code POST /nodes/{node}/ceph/pool} ({@code createpool}). */
    Task create(
            Caller caller,
            String name,
            Map<String, String> requested,
            boolean addStorages,
            String erasureCoding,
            AuthInfo auth) {
        ctx.ops().checkQuorum();
        if (erasureCoding != null) {
            throw PveException.internal("erasure coded pools are not simulated");
        }
        if (addStorages) {
            Access.require(auth, "/storage", "Datastore.Allocate");
            if (!STORAGE_ID.matcher(name).matches()) {
                throw PveException.internal(
                        "pool name contains characters which are illegal for storage naming");
            }
        }
        Map<String, String> settings = cephSettings(requested);
        settings.putIfAbsent("pg_num", "128");
        settings.putIfAbsent("size", "3");
        settings.putIfAbsent("min_size", "2");
        settings.putIfAbsent("application", "rbd");
        settings.putIfAbsent("pg_autoscale_mode", "warn");
        return ctx.tasks()
                .spawn(caller.node(), "cephcreatepool", name, caller.user())
                .step(
                        CREATE_DURATION,
                        run -> {
                            ceph(
                                    () ->
                                            ceph.createPool(
                                                    name,
                                                    Integer.parseInt(settings.get("pg_num"))));
                            setPool(run, name, settings);
                            if (addStorages) {
                                addStorage(name);
                            }
                        })
                .start();
    }

    /** {@code PUT /nodes/{node}/ceph/pool/{name}} ({@code setpool}). */
    Task update(Caller caller, String name, Map<String, String> requested) {
        Map<String, String> settings = cephSettings(requested);
        return ctx.tasks()
                .spawn(caller.node(), "cephsetpool", name, caller.user())
                .step(SET_DURATION, run -> setPool(run, name, settings))
                .start();
    }

    /** {@code DELETE /nodes/{node}/ceph/pool/{name}} ({@code destroypool}). */
    Task destroy(Caller caller, String name, boolean force, boolean removeStorages, AuthInfo auth) {
        if (removeStorages) {
            Access.require(auth, "/storage", "Datastore.Allocate");
        }
        return ctx.tasks()
                .spawn(caller.node(), "cephdestroypool", name, caller.user())
                .step(
                        DESTROY_DURATION,
                        run -> {
                            List<String> storages = storagesOf(name);
                            if (!force) {
                                for (String storage : storages) {
                                    run.log("checking storage '" + storage + "' for RBD images..");
                                    List<String> images = ceph(() -> ceph.rbdImages(name));
                                    if (images.stream()
                                            .anyMatch(i -> VM_DISK.matcher(i).matches())) {
                                        throw new TaskError(
                                                "ceph pool '"
                                                        + name
                                                        + "' still in use by storage '"
                                                        + storage
                                                        + "'");
                                    }
                                }
                            }
                            find(name);
                            ceph(() -> ceph.deletePool(name));
                            if (removeStorages) {
                                storages.forEach(s -> ctx.state().storages().undefine(s));
                            }
                        })
                .start();
    }

    /**
     * {@code PVE::Ceph::Tools::set_pool}: size first (it resets min_size), then the rest; an
     * unchanged value is skipped, a refused one is printed and the task fails naming every setting
     * that could not be set.
     */
    private void setPool(TaskEngine.Context run, String pool, Map<String, String> settings) {
        CephPoolState current = find(pool);
        List<String> keys = new ArrayList<>(new TreeMap<>(settings).keySet());
        if (keys.remove("size")) {
            keys.add(0, "size");
        }
        List<String> failed = new ArrayList<>();
        for (String key : keys) {
            String value = settings.get(key);
            if (value.equals(currentValue(current, key))) {
                run.log("skipping '" + key + "', did not change");
                continue;
            }
            run.log("pool " + pool + ": applying " + key + " = " + value);
            try {
                if (key.equals("application")) {
                    ceph.enableApplication(pool, value);
                } else {
                    ceph.setPool(pool, key, value);
                }
                if (key.equals("size")) {
                    current = find(pool); // Ceph reset min_size along with it
                }
            } catch (CephCommandException e) {
                run.log("mon_command failed - " + e.getMessage());
                failed.add(key);
            }
        }
        if (!failed.isEmpty()) {
            throw new TaskError("Could not set: " + String.join(", ", failed));
        }
    }

    private static String currentValue(CephPoolState p, String key) {
        return switch (key) {
            case "size" -> Integer.toString(p.size());
            case "min_size" -> Integer.toString(p.minSize());
            case "pg_num" -> Integer.toString(p.pgNum());
            case "pg_num_min" -> p.pgNumMin() == null ? null : p.pgNumMin().toString();
            case "pg_autoscale_mode" -> p.pgAutoscaleMode();
            case "crush_rule" -> p.crushRuleName();
            case "application" -> p.applications().size() == 1 ? p.applications().get(0) : null;
            case "target_size_bytes" ->
                    p.targetSizeBytes() == null ? null : p.targetSizeBytes().toString();
            default -> null;
        };
    }

    /**
     * The API's names mapped to Ceph's: {@code target_size} (e.g. 500G) becomes {@code
     * target_size_bytes}.
     */
    private static Map<String, String> cephSettings(Map<String, String> requested) {
        Map<String, String> settings = new LinkedHashMap<>(requested);
        String target = settings.remove("target_size");
        if (target != null) {
            settings.put("target_size_bytes", Long.toString(parseSize(target)));
        }
        return settings;
    }

    /** {@code PVE::JSONSchema::parse_size}: K, M, G, T are powers of 1024. */
    static long parseSize(String text) {
        Matcher m = SIZE.matcher(text);
        if (!m.matches()) {
            throw PveException.param("target_size", "value does not match the regex pattern");
        }
        int shift =
                m.group(2) == null
                        ? 0
                        : switch (m.group(2)) {
                            case "K" -> 10;
                            case "M" -> 20;
                            case "G" -> 30;
                            default -> 40;
                        };
        return new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(1L << shift)).longValue();
    }

    /**
     * {@code $add_storage}: an RBD storage named like the pool, for disks and container volumes.
     */
    private void addStorage(String pool) {
        if (ctx.state().storages().definition(pool).isPresent()) {
            throw new TaskError(
                    "adding PVE storage for ceph pool '"
                            + pool
                            + "' failed: create storage failed: "
                            + "storage ID '"
                            + pool
                            + "' already defined");
        }
        ctx.state()
                .storages()
                .define(
                        new StorageDefinition(
                                pool,
                                StorageType.RBD,
                                List.of("rootdir", "images"),
                                Map.of("pool", pool, "krbd", "0"),
                                RBD_STORAGE_CAPACITY));
    }

    /**
     * {@code $get_storages}: the RBD storages that use a pool (an unset pool means {@code rbd}).
     */
    private List<String> storagesOf(String pool) {
        List<String> result = new ArrayList<>();
        for (StorageDefinition def : ctx.state().storages().definitions()) {
            if (def.type() == StorageType.RBD
                    && pool.equals(def.properties().getOrDefault("pool", "rbd"))) {
                result.add(def.id());
            }
        }
        return result;
    }

    private CephPoolState find(String name) {
        return ceph(() -> ceph.pools()).stream()
                .filter(p -> p.name().equals(name))
                .findFirst()
                .orElseThrow(() -> PveException.internal("unrecognized pool '" + name + "'"));
    }

    private static Map<String, Object> autoscaleStatus(CephPoolState p) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("pool_id", p.id());
        a.put("pool_name", p.name());
        a.put("pg_autoscale_mode", p.pgAutoscaleMode());
        a.put("pg_num_target", p.pgNum());
        a.put("pg_num_final", p.pgNumFinal());
        a.put("pg_num_ideal", 0);
        a.put("would_adjust", p.pgNumFinal() != p.pgNum() && !p.pgAutoscaleMode().equals("off"));
        a.put("raw_used", p.bytesUsed() * p.size());
        a.put("raw_used_rate", (double) p.size());
        a.put("logical_used", p.bytesUsed());
        a.put("actual_raw_used", p.bytesUsed() * p.size());
        a.put("subtree_capacity", p.subtreeCapacity());
        a.put("target_bytes", p.targetSizeBytes() == null ? 0 : p.targetSizeBytes());
        a.put("target_ratio", p.targetSizeRatio() == null ? 0.0 : p.targetSizeRatio());
        a.put("effective_target_ratio", p.targetSizeRatio() == null ? 0.0 : p.targetSizeRatio());
        double capacityRatio =
                p.subtreeCapacity() == 0
                        ? 0
                        : (double) p.bytesUsed() * p.size() / p.subtreeCapacity();
        a.put("capacity_ratio", capacityRatio);
        a.put("actual_capacity_ratio", capacityRatio);
        a.put("bias", 1.0);
        a.put("bulk", false);
        a.put("crush_root_id", -1);
        return a;
    }

    /**
     * A monitor error: in a worker it fails the task, in a request it is PVE's 500 (a plain die).
     */
    private static <T> T ceph(java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (CephCommandException e) {
            throw PveException.internal(e.getMessage());
        }
    }

    private static void ceph(Runnable call) {
        ceph(
                () -> {
                    call.run();
                    return null;
                });
    }
}
