package io.pveha.simulator.api.routes;

import io.pveha.simulator.api.Access;
import io.pveha.simulator.api.ApiRequest;
import io.pveha.simulator.api.ApiResult;
import io.pveha.simulator.api.ParamSpec;
import io.pveha.simulator.api.Route;
import io.pveha.simulator.api.Router;
import io.pveha.simulator.model.PveException;
import io.pveha.simulator.model.StorageDefinition;
import io.pveha.simulator.model.StoragePool;
import io.pveha.simulator.model.Volume;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code /storage} (storage.cfg) and {@code /nodes/{node}/storage/...} (status and content per node). */
public final class StorageRoutes {
    private static final Set<String> CONTENT_TYPES = Set.of("images", "rootdir", "vztmpl", "iso", "backup",
            "snippets", "import");

    private final RouteContext ctx;

    private StorageRoutes(RouteContext ctx) {
        this.ctx = ctx;
    }

    public static void register(Router router, RouteContext ctx) {
        StorageRoutes routes = new StorageRoutes(ctx);
        router.register(Route.get("/storage")
                .params(ParamSpec.create().enumeration("type", true, "btrfs", "cephfs", "cifs", "dir", "esxi",
                        "glusterfs", "iscsi", "iscsidirect", "lvm", "lvmthin", "nfs", "pbs", "rbd", "zfs", "zfspool"))
                .handler(routes::configList));
        router.register(Route.get("/storage/{storage}")
                .params(ParamSpec.create().storageId("storage", false))
                .access(Access.perm("/storage/{storage}", "Datastore.Allocate"))
                .handler(routes::configEntry));
        router.register(Route.get("/nodes/{node}/storage").proxied()
                .params(ParamSpec.create().node()
                        .storageId("storage", true)
                        .string("content", true)
                        .bool("enabled")
                        .nodeName("target", true)
                        .bool("format"))
                .handler(routes::nodeList));
        router.register(Route.get("/nodes/{node}/storage/{storage}/status").proxied()
                .params(ParamSpec.create().node().storageId("storage", false))
                .access(Access.permAny("/storage/{storage}", "Datastore.Audit", "Datastore.AllocateSpace"))
                .handler(routes::status));
        router.register(Route.get("/nodes/{node}/storage/{storage}/content").proxied()
                .params(ParamSpec.create().node().storageId("storage", false)
                        .enumeration("content", true, CONTENT_TYPES.toArray(String[]::new))
                        .optionalVmid("vmid"))
                .access(Access.permAny("/storage/{storage}", "Datastore.Audit", "Datastore.AllocateSpace"))
                .handler(routes::content));
    }

    private ApiResult configList(ApiRequest request) {
        List<Map<String, Object>> result = new ArrayList<>();
        if (!Access.has(request.auth(), "Datastore.Audit") && !Access.has(request.auth(), "Datastore.AllocateSpace")) {
            return ApiResult.of(result);
        }
        for (StorageDefinition def : ctx.cluster().storages().definitions()) {
            if (!request.has("type") || def.type().pluginType().equals(request.param("type"))) {
                result.add(configView(def));
            }
        }
        return ApiResult.of(result);
    }

    private ApiResult configEntry(ApiRequest request) {
        StorageDefinition def = ctx.cluster().storages().definition(request.param("storage")).orElseThrow(
                () -> PveException.internal("storage '" + request.param("storage") + "' does not exist"));
        return ApiResult.of(configView(def));
    }

    private Map<String, Object> configView(StorageDefinition def) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("storage", def.id());
        entry.put("type", def.type().pluginType());
        entry.put("content", String.join(",", def.content()));
        def.properties().forEach((key, value) -> entry.put(key, key.equals("krbd") ? Integer.parseInt(value) : value));
        if (def.shared()) {
            entry.put("shared", 1);
        }
        entry.put("digest", ctx.cluster().storages().configDigest());
        return entry;
    }

    private ApiResult nodeList(ApiRequest request) {
        String node = request.executedOn();
        String only = request.param("storage");
        if (only != null && ctx.cluster().storages().definition(only).isEmpty()) {
            throw PveException.param("storage", "No such storage.");
        }
        List<String> wanted = request.has("content") ? List.of(request.param("content").split("[,;\\s]+")) : null;
        String target = request.param("target");
        boolean otherTarget = target != null && !target.equals(node) && !target.equals("localhost");
        List<Map<String, Object>> result = new ArrayList<>();
        for (StorageDefinition def : ctx.cluster().storages().definitions()) {
            if (only != null && !only.equals(def.id())) {
                continue;
            }
            if (wanted != null && wanted.stream().noneMatch(def::holds)) {
                continue;
            }
            if (otherTarget && !def.shared()) {
                continue;
            }
            if (!Access.has(request.auth(), "Datastore.Audit") && !Access.has(request.auth(), "Datastore.AllocateSpace")) {
                continue;
            }
            result.add(Views.nodeStorage(ctx.cluster().storages().pool(def.id(), node)));
        }
        return ApiResult.of(result);
    }

    private ApiResult status(ApiRequest request) {
        StoragePool pool = pool(request);
        Map<String, Object> data = Views.nodeStorage(pool);
        data.remove("storage");
        data.remove("used_fraction");
        return ApiResult.of(data);
    }

    /** {@code GET .../content}: the volumes on the storage, as {@code PVE::Storage::volume_list} lists them. */
    private ApiResult content(ApiRequest request) {
        StoragePool pool = pool(request);
        String content = request.param("content");
        Integer vmid = request.optionalInt("vmid");
        List<Map<String, Object>> result = new ArrayList<>();
        for (Volume volume : pool.volumes()) {
            if (content != null && !content.equals(volume.content())) {
                continue;
            }
            if (vmid != null && volume.vmid() != vmid) {
                continue;
            }
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("volid", pool.definition().id() + ":" + volume.volname());
            entry.put("content", volume.content());
            entry.put("format", volume.format());
            entry.put("size", volume.base() != null
                    ? pool.volume(volume.base()).map(Volume::size).orElse(0L) : volume.size());
            entry.put("ctime", volume.ctime());
            if (volume.vmid() != 0) {
                entry.put("vmid", volume.vmid());
            }
            if (volume.base() != null) {
                entry.put("parent", volume.base());
            }
            result.add(entry);
        }
        return ApiResult.of(result);
    }

    private StoragePool pool(ApiRequest request) {
        String storage = request.param("storage");
        if (ctx.cluster().storages().definition(storage).isEmpty()) {
            throw PveException.param("storage", "No such storage.");
        }
        return ctx.cluster().storages().pool(storage, request.executedOn());
    }
}
