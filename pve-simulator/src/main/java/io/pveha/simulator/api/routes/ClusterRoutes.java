package io.pveha.simulator.api.routes;

import com.fasterxml.jackson.core.JsonGenerator;
import io.pveha.simulator.api.Access;
import io.pveha.simulator.api.ApiRequest;
import io.pveha.simulator.api.ApiResult;
import io.pveha.simulator.api.Json;
import io.pveha.simulator.api.ParamSpec;
import io.pveha.simulator.api.Route;
import io.pveha.simulator.api.Router;
import io.pveha.simulator.model.ClusterState;
import io.pveha.simulator.model.NodeState;
import io.pveha.simulator.model.PveException;
import io.pveha.simulator.model.PveRelease;
import io.pveha.simulator.model.StorageDefinition;
import io.pveha.simulator.model.StoragePool;
import io.pveha.simulator.model.VmState;
import io.pveha.simulator.tasks.Task;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** {@code /version} and {@code /cluster/...}: status, resources, next free VMID, recent tasks. */
public final class ClusterRoutes {
    /**
     * What each node broadcasts as its task list (pve-common RESTEnvironment::active_workers,
     * pve-cluster broadcast_tasklist): every running task plus at most 25 recently finished ones,
     * newest first, cut from the end to fit pmxcfs's status size limit (128 KiB).
     */
    private static final int FINISHED_TASKS_PER_NODE = 25;

    private static final int TASKLIST_BYTES_PER_NODE = 128 * 1024;

    private final RouteContext ctx;

    /**
     * Rendered {@code /cluster/resources} answers. The answer is a function of the state (its lock
     * version), the simulated second (uptimes) and what the caller may see; pollers of a large
     * cluster get the same bytes until one of these changes, as PVE serves them from a cache
     * updated by pvestatd.
     */
    private final ConcurrentHashMap<ResourcesKey, byte[]> resourcesCache =
            new ConcurrentHashMap<>();

    private record ResourcesKey(
            long version,
            long sharedStorage,
            PveRelease answering,
            long second,
            String type,
            boolean vmAudit,
            boolean sysAudit,
            boolean storageAudit) {}

    private ClusterRoutes(RouteContext ctx) {
        this.ctx = ctx;
    }

    public static void register(Router router, RouteContext ctx) {
        ClusterRoutes routes = new ClusterRoutes(ctx);
        router.register(
                Route.get("/version")
                        .handler(
                                r ->
                                        ApiResult.of(
                                                Views.version(
                                                        ctx.cluster().releaseOf(r.localNode())))));
        router.register(
                Route.get("/cluster/status")
                        .access(Access.perm("/", "Sys.Audit"))
                        .handler(routes::status));
        router.register(
                Route.get("/cluster/resources")
                        .params(
                                ParamSpec.create()
                                        .enumeration("type", true, "vm", "storage", "node", "sdn"))
                        .handler(routes::resources));
        router.register(
                Route.get("/cluster/nextid")
                        .params(ParamSpec.create().optionalVmid("vmid"))
                        .handler(routes::nextId));
        router.register(Route.get("/cluster/tasks").handler(routes::tasks));
    }

    private ApiResult status(ApiRequest request) {
        ClusterState cluster = ctx.cluster();
        List<Map<String, Object>> result = new ArrayList<>();
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("type", "cluster");
        summary.put("id", "cluster");
        summary.put("name", cluster.clusterName());
        summary.put("nodes", cluster.nodes().size());
        summary.put("quorate", cluster.quorate() ? 1 : 0);
        summary.put("version", cluster.nodes().size() + 1);
        result.add(summary);
        for (NodeState node : cluster.nodes()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("type", "node");
            entry.put("id", "node/" + node.name());
            entry.put("name", node.name());
            entry.put("nodeid", node.nodeid());
            entry.put("ip", node.ip());
            entry.put("local", node.name().equals(request.localNode()) ? 1 : 0);
            entry.put("online", node.online() ? 1 : 0);
            entry.put("level", "");
            result.add(entry);
        }
        return ApiResult.of(result);
    }

    /**
     * Everything in one list: guests (VMID in string order, as PVE sorts them), nodes, storages per
     * node, SDN zones. Guests and storages of an unreachable node keep their last state for five
     * minutes.
     */
    private ApiResult resources(ApiRequest request) {
        ResourcesKey key =
                new ResourcesKey(
                        ctx.cluster().lock().version(),
                        ctx.cluster().storages().sharedVersion(),
                        ctx.cluster().releaseOf(request.localNode()),
                        ctx.clock().nowEpochSeconds(),
                        request.param("type"),
                        Access.has(request.auth(), "VM.Audit"),
                        Access.has(request.auth(), "Sys.Audit"),
                        Access.has(request.auth(), "Datastore.Audit"));
        if (resourcesCache.size() > 16) {
            resourcesCache
                    .keySet()
                    .removeIf(
                            k ->
                                    k.version() != key.version()
                                            || k.sharedStorage() != key.sharedStorage()
                                            || k.second() != key.second());
        }
        // computeIfAbsent renders once while concurrent pollers of the same answer wait for it.
        return ApiResult.rawJson(
                resourcesCache.computeIfAbsent(key, k -> renderResources(request)));
    }

    private byte[] renderResources(ApiRequest request) {
        String type = request.param("type");
        ClusterState cluster = ctx.cluster();
        long now = ctx.clock().nowMillis();
        boolean pve9 = cluster.releaseOf(request.localNode()).hasHaRules();
        ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 16);
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
            g.writeStartArray();
            if ((type == null || type.equals("vm")) && Access.has(request.auth(), "VM.Audit")) {
                List<VmState> vms = new ArrayList<>(cluster.vms());
                vms.sort(Comparator.comparing(VmState::vmidText));
                for (VmState vm : vms) {
                    NodeState node = cluster.requireNode(vm.node());
                    Views.writeVmResource(
                            g,
                            vm,
                            node,
                            now,
                            cluster.statusStale(node, now),
                            pve9 && node.release().hasHaRules(),
                            ctx.ops().hooks());
                }
            }
            if (type == null || type.equals("node")) {
                boolean audit = Access.has(request.auth(), "Sys.Audit");
                Map<String, ClusterState.NodeLoad> loads = cluster.nodeLoads();
                for (NodeState node : cluster.nodes()) {
                    Map<String, Object> entry =
                            Views.nodeResource(
                                    node,
                                    loads.get(node.name()),
                                    cluster.statusStale(node, now),
                                    now);
                    if (!audit) {
                        List.of("uptime", "cpu", "mem", "disk", "maxcpu", "maxmem", "maxdisk")
                                .forEach(entry::remove);
                    }
                    ctx.ops().hooks().stream()
                            .map(h -> h.nodeHaState(node.name()))
                            .flatMap(Optional::stream)
                            .findFirst()
                            .ifPresent(state -> entry.put("hastate", state));
                    g.writeObject(entry);
                }
            }
            if ((type == null || type.equals("storage"))
                    && Access.has(request.auth(), "Datastore.Audit")) {
                for (StorageDefinition def : cluster.storages().definitions()) {
                    for (NodeState node : cluster.nodes()) {
                        StoragePool pool = cluster.storages().pool(def.id(), node.name());
                        g.writeObject(
                                Views.storageResource(pool, node, cluster.statusStale(node, now)));
                    }
                }
            }
            if (type == null || type.equals("sdn")) {
                for (NodeState node : cluster.nodes()) {
                    if (pve9 && node.release().hasHaRules()) {
                        // a PVE 9 node reports its zones as network entries, not as sdn
                        continue;
                    }
                    Map<String, Object> zone = new LinkedHashMap<>();
                    zone.put("id", "sdn/" + node.name() + "/localnetwork");
                    zone.put("sdn", "localnetwork");
                    zone.put("node", node.name());
                    zone.put("type", "sdn");
                    zone.put("status", cluster.statusStale(node, now) ? "unknown" : "ok");
                    g.writeObject(zone);
                }
            }
            if (type == null && pve9) {
                // PVE 9: the default "localnetwork" zone of every node as a network entry
                for (NodeState node : cluster.nodes()) {
                    Map<String, Object> zone = new LinkedHashMap<>();
                    zone.put("id", "network/" + node.name() + "/zone/localnetwork");
                    zone.put("type", "network");
                    zone.put("network-type", "zone");
                    zone.put("network", "localnetwork");
                    zone.put("node", node.name());
                    zone.put("status", "ok");
                    g.writeObject(zone);
                }
            }
            g.writeEndArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot render /cluster/resources", e);
        }
        return out.toByteArray();
    }

    /** The lowest free VMID from 100 (a string, as PVE returns it), or a check of a given one. */
    private ApiResult nextId(ApiRequest request) {
        ClusterState cluster = ctx.cluster();
        Integer asked = request.optionalInt("vmid");
        if (asked != null) {
            if (cluster.vm(asked).isPresent()) {
                throw PveException.param("vmid", "VM " + asked + " already exists");
            }
            return ApiResult.of(Integer.toString(asked));
        }
        for (int id = 100; id < 1_000_000; id++) {
            if (cluster.vm(id).isEmpty()) {
                return ApiResult.of(Integer.toString(id));
            }
        }
        throw PveException.internal("unable to get any free VMID in range [100, 1000000]");
    }

    private ApiResult tasks(ApiRequest request) {
        boolean all = Access.has(request.auth(), "Sys.Audit");
        List<Map<String, Object>> result = new ArrayList<>();
        for (NodeState node : ctx.cluster().nodes()) {
            int finished = 0;
            int bytes = 2;
            for (Task task : ctx.tasks().tasksOf(node.name())) {
                if (!task.running() && finished++ >= FINISHED_TASKS_PER_NODE) {
                    continue;
                }
                bytes += task.upidText().length() + 120;
                if (bytes > TASKLIST_BYTES_PER_NODE) {
                    break;
                }
                if (all || task.upid().user().equals(request.auth().authId())) {
                    Map<String, Object> entry = Views.taskListEntry(task);
                    if (task.running()) {
                        entry.remove("status");
                    }
                    entry.put("saved", task.running() ? "0" : "1");
                    result.add(entry);
                }
            }
        }
        return ApiResult.of(result);
    }
}
