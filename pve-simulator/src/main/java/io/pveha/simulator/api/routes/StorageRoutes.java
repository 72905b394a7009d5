package io.pveha.simulator.api.routes;

import io.pveha.simulator.api.Access;
import io.pveha.simulator.api.ApiRequest;
import io.pveha.simulator.api.ApiResult;
import io.pveha.simulator.api.ParamSpec;
import io.pveha.simulator.api.Route;
import io.pveha.simulator.api.Router;
import io.pveha.simulator.model.BackupArchive;
import io.pveha.simulator.model.PruneRules;
import io.pveha.simulator.model.PveException;
import io.pveha.simulator.model.StorageDefinition;
import io.pveha.simulator.model.StoragePool;
import io.pveha.simulator.model.StorageType;
import io.pveha.simulator.model.Storages;
import io.pveha.simulator.model.Volume;
import io.pveha.simulator.tasks.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code /storage} (storage.cfg) and {@code /nodes/{node}/storage/...} (status and content per
 * node).
 */
public final class StorageRoutes {
    private static final Set<String> CONTENT_TYPES =
            Set.of("images", "rootdir", "vztmpl", "iso", "backup", "snippets", "import");

    /** Space of a storage defined through the API (an NFS export): 2 TiB. */
    private static final long NEW_STORAGE_CAPACITY = 2L << 40;

    private final RouteContext ctx;

    private StorageRoutes(RouteContext ctx) {
        this.ctx = ctx;
    }

    public static void register(Router router, RouteContext ctx) {
        StorageRoutes routes = new StorageRoutes(ctx);
        router.register(
                Route.get("/storage")
                        .params(
                                ParamSpec.create()
                                        .enumeration(
                                                "type",
                                                true,
                                                "btrfs",
                                                "cephfs",
                                                "cifs",
                                                "dir",
                                                "esxi",
                                                "glusterfs",
                                                "iscsi",
                                                "iscsidirect",
                                                "lvm",
                                                "lvmthin",
                                                "nfs",
                                                "pbs",
                                                "rbd",
                                                "zfs",
                                                "zfspool"))
                        .handler(routes::configList));
        router.register(
                Route.get("/storage/{storage}")
                        .params(ParamSpec.create().storageId("storage", false))
                        .access(Access.perm("/storage/{storage}", "Datastore.Allocate"))
                        .handler(routes::configEntry));
        router.register(
                Route.get("/nodes/{node}/storage")
                        .proxied()
                        .params(
                                ParamSpec.create()
                                        .node()
                                        .storageId("storage", true)
                                        .string("content", true)
                                        .bool("enabled")
                                        .nodeName("target", true)
                                        .bool("format"))
                        .handler(routes::nodeList));
        router.register(
                Route.get("/nodes/{node}/storage/{storage}")
                        .params(ParamSpec.create().node().storageId("storage", false))
                        .access(
                                Access.permAny(
                                        "/storage/{storage}",
                                        "Datastore.Audit",
                                        "Datastore.AllocateSpace"))
                        .handler(
                                r ->
                                        ApiResult.of(
                                                DatacenterRoutes.subdirs(
                                                        "content",
                                                        "download-url",
                                                        "file-restore",
                                                        "import-metadata",
                                                        "prunebackups",
                                                        "rrd",
                                                        "rrddata",
                                                        "status",
                                                        "upload"))));
        router.register(
                Route.get("/nodes/{node}/storage/{storage}/status")
                        .proxied()
                        .params(ParamSpec.create().node().storageId("storage", false))
                        .access(
                                Access.permAny(
                                        "/storage/{storage}",
                                        "Datastore.Audit",
                                        "Datastore.AllocateSpace"))
                        .handler(routes::status));
        router.register(
                Route.get("/nodes/{node}/storage/{storage}/content")
                        .proxied()
                        .params(
                                ParamSpec.create()
                                        .node()
                                        .storageId("storage", false)
                                        .enumeration(
                                                "content",
                                                true,
                                                CONTENT_TYPES.toArray(String[]::new))
                                        .optionalVmid("vmid"))
                        .access(
                                Access.permAny(
                                        "/storage/{storage}",
                                        "Datastore.Audit",
                                        "Datastore.AllocateSpace"))
                        .handler(routes::content));
        Access allocate = Access.perm("/storage", "Datastore.Allocate");
        router.register(
                Route.post("/storage")
                        .access(allocate)
                        .params(
                                definitionOptions(
                                        ParamSpec.create()
                                                .storageId("storage", false)
                                                .enumeration("type", false, "nfs", "dir")))
                        .handler(routes::define));
        router.register(
                Route.put("/storage/{storage}")
                        .access(allocate)
                        .params(
                                definitionOptions(ParamSpec.create().storageId("storage", false))
                                        .string("delete", true)
                                        .string("digest", true))
                        .handler(routes::redefine));
        router.register(
                Route.delete("/storage/{storage}")
                        .access(allocate)
                        .params(ParamSpec.create().storageId("storage", false))
                        .handler(routes::undefine));
        ParamSpec volume =
                ParamSpec.create().node().storageId("storage", true).string("volume", false);
        router.register(
                Route.get("/nodes/{node}/storage/{storage}/content/{volume}")
                        .proxied()
                        .params(volume)
                        .access(
                                Access.permAny(
                                        "/storage/{storage}",
                                        "Datastore.Audit",
                                        "Datastore.AllocateSpace"))
                        .handler(routes::volumeInfo));
        router.register(
                Route.put("/nodes/{node}/storage/{storage}/content/{volume}")
                        .proxied()
                        .params(
                                ParamSpec.create()
                                        .node()
                                        .storageId("storage", true)
                                        .string("volume", false)
                                        .string("notes", true)
                                        .bool("protected"))
                        .access(Access.perm("/storage/{storage}", "Datastore.AllocateSpace"))
                        .handler(routes::updateVolume));
        router.register(
                Route.delete("/nodes/{node}/storage/{storage}/content/{volume}")
                        .proxied()
                        .params(
                                ParamSpec.create()
                                        .node()
                                        .storageId("storage", true)
                                        .string("volume", false)
                                        .integer("delay", true, 1L, 30L))
                        .access(Access.perm("/storage/{storage}", "Datastore.AllocateSpace"))
                        .handler(routes::deleteVolume));
    }

    /** The storage.cfg options this simulator keeps for dir and NFS storages. */
    private static ParamSpec definitionOptions(ParamSpec spec) {
        return spec.string("content", true)
                .string("server", true)
                .string("export", true)
                .string("path", true)
                .string("options", true)
                .string("prune-backups", true)
                .string("nodes", true)
                .bool("disable")
                .bool("shared")
                .integer("max-protected-backups", true, -1L, null)
                .bool("create-base-path")
                .bool("create-subdirs");
    }

    /**
     * {@code POST /storage}: defines a storage; NFS needs server and export, content must be known
     * types.
     */
    private ApiResult define(ApiRequest request) {
        String id = request.param("storage");
        if (ctx.cluster().storages().definition(id).isPresent()) {
            throw PveException.internal(
                    "create storage failed: storage ID '" + id + "' already defined");
        }
        StorageType type = request.param("type").equals("nfs") ? StorageType.NFS : StorageType.DIR;
        Map<String, String> properties = storageProperties(request, type, Map.of());
        List<String> content = contentList(request.param("content"), type);
        ctx.cluster()
                .storages()
                .define(new StorageDefinition(id, type, content, properties, NEW_STORAGE_CAPACITY));
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("storage", id);
        result.put("type", type.pluginType());
        return ApiResult.of(result);
    }

    private ApiResult redefine(ApiRequest request) {
        String id = request.param("storage");
        StorageDefinition def =
                ctx.cluster()
                        .storages()
                        .definition(id)
                        .orElseThrow(
                                () ->
                                        PveException.internal(
                                                "update storage failed: storage '"
                                                        + id
                                                        + "' does not exist"));
        String digest = request.param("digest");
        if (digest != null && !digest.equals(ctx.cluster().storages().configDigest())) {
            throw PveException.internal(
                    "update storage failed: detected modified configuration - file changed by"
                            + " other user? Try again.");
        }
        for (String fixed : List.of("server", "export", "path")) {
            if (request.has(fixed)) {
                throw PveException.param(
                        fixed, "can't change value of fixed parameter '" + fixed + "'");
            }
        }
        Map<String, String> properties = new LinkedHashMap<>(def.properties());
        if (request.has("delete")) {
            for (String key : request.param("delete").split("[,;\\s]+")) {
                properties.remove(key);
            }
        }
        properties = storageProperties(request, def.type(), properties);
        List<String> content =
                request.has("content")
                        ? contentList(request.param("content"), def.type())
                        : def.content();
        ctx.cluster()
                .storages()
                .redefine(
                        new StorageDefinition(id, def.type(), content, properties, def.capacity()));
        return ApiResult.empty();
    }

    private ApiResult undefine(ApiRequest request) {
        String id = request.param("storage");
        if (ctx.cluster().storages().definition(id).isEmpty()) {
            throw PveException.internal(
                    "delete storage failed: storage '" + id + "' does not exist");
        }
        ctx.cluster().storages().undefine(id);
        return ApiResult.empty();
    }

    private static Map<String, String> storageProperties(
            ApiRequest request, StorageType type, Map<String, String> current) {
        Map<String, String> properties = new LinkedHashMap<>(current);
        for (String key :
                List.of(
                        "server",
                        "export",
                        "path",
                        "options",
                        "prune-backups",
                        "nodes",
                        "disable",
                        "max-protected-backups")) {
            if (request.has(key)) {
                properties.put(key, request.param(key));
            }
        }
        if (type == StorageType.NFS) {
            for (String required : List.of("server", "export")) {
                if (!properties.containsKey(required)) {
                    throw PveException.param(
                            required, "property is missing and it is not optional");
                }
            }
            if (!properties.get("export").startsWith("/")) {
                throw PveException.param(
                        "export",
                        "invalid format - value does not look like a valid absolute path");
            }
            properties.putIfAbsent("path", "/mnt/pve/" + request.param("storage"));
        } else if (!properties.containsKey("path")) {
            throw PveException.param("path", "property is missing and it is not optional");
        }
        if (properties.containsKey("prune-backups")) {
            properties.put(
                    "prune-backups",
                    PruneRules.parse(properties.get("prune-backups"), "prune-backups").print());
        }
        return properties;
    }

    private static List<String> contentList(String text, StorageType type) {
        if (text == null) {
            return List.of("images");
        }
        List<String> content = new ArrayList<>();
        for (String item : text.split("[,;\\s]+")) {
            if (item.isEmpty()) {
                continue;
            }
            if (!CONTENT_TYPES.contains(item) && !item.equals("none")) {
                throw PveException.param(
                        "content", "invalid format - invalid content type '" + item + "'");
            }
            if (!content.contains(item) && !item.equals("none")) {
                content.add(item);
            }
        }
        return content;
    }

    private ApiResult volumeInfo(ApiRequest request) {
        StoragePool pool = onlinePool(request);
        String volname = volname(request);
        Volume volume =
                pool.volume(volname)
                        .orElseThrow(
                                () ->
                                        PveException.internal(
                                                "volume '"
                                                        + pool.definition().id()
                                                        + ":"
                                                        + volname
                                                        + "' does not exist"));
        Map<String, Object> info = new LinkedHashMap<>();
        info.put(
                "path",
                Storages.mountPath(pool.definition())
                        + "/"
                        + (volume.content().equals("backup")
                                ? volname.replaceFirst("^backup/", "dump/")
                                : volname));
        info.put("size", volume.size());
        info.put("used", volume.size());
        info.put("format", volume.format());
        pool.archive(volname)
                .ifPresent(
                        archive -> {
                            if (archive.notes() != null) {
                                info.put("notes", archive.notes());
                            }
                            info.put("protected", archive.protect() ? 1 : 0);
                        });
        return ApiResult.of(info);
    }

    /** {@code PUT .../content/{volume}}: notes and protection of backups. */
    private ApiResult updateVolume(ApiRequest request) {
        StoragePool pool = onlinePool(request);
        String volid = pool.definition().id() + ":" + volname(request);
        BackupArchive archive =
                pool.archive(volname(request))
                        .orElseThrow(
                                () ->
                                        PveException.internal(
                                                "volume '"
                                                        + volid
                                                        + "' does not exist or is not a backup"));
        if (request.has("notes")) {
            archive =
                    archive.withNotes(
                            request.param("notes").isEmpty() ? null : request.param("notes"));
        }
        if (request.has("protected")) {
            archive = archive.withProtected(request.flag("protected"));
        }
        ctx.cluster().storages().updateArchive(volid, request.executedOn(), archive);
        return ApiResult.empty();
    }

    /**
     * {@code DELETE .../content/{volume}}: an {@code imgdel} task; protected backups are refused.
     */
    private ApiResult deleteVolume(ApiRequest request) {
        StoragePool pool = onlinePool(request);
        String volname = volname(request);
        String volid = pool.definition().id() + ":" + volname;
        Volume volume =
                pool.volume(volname)
                        .orElseThrow(
                                () ->
                                        PveException.internal(
                                                "volume '" + volid + "' does not exist"));
        if (pool.archive(volname).map(BackupArchive::protect).orElse(false)) {
            throw PveException.internal(
                    "cannot remove protected archive '"
                            + Storages.mountPath(pool.definition())
                            + "/"
                            + volname.replaceFirst("^backup/", "dump/")
                            + "'");
        }
        if (volume.content().equals("images") && ctx.cluster().vm(volume.vmid()).isPresent()) {
            throw PveException.internal(
                    "unable to delete '"
                            + volid
                            + "' - volume is still in use (guest "
                            + volume.vmid()
                            + ")");
        }
        String node = request.executedOn();
        Task task =
                ctx.tasks()
                        .spawn(
                                node,
                                "imgdel",
                                volume.vmid() == 0
                                        ? ""
                                        : volume.vmid() + "@" + pool.definition().id(),
                                request.caller().user())
                        .step(Duration.ZERO, run -> ctx.cluster().storages().free(volid, node))
                        .start();
        return ApiResult.of(task.upidText());
    }

    /** The volume name of {@code {volume}}: a full volume id of this storage, or just the name. */
    private static String volname(ApiRequest request) {
        String volume = request.param("volume");
        String storage = request.param("storage");
        if (volume.contains(":")) {
            if (storage != null && !Storages.storageOf(volume).equals(storage)) {
                throw PveException.internal("got volume from wrong storage");
            }
            return Storages.volnameOf(volume);
        }
        return volume;
    }

    private StoragePool onlinePool(ApiRequest request) {
        String storage = request.param("storage");
        if (storage == null && request.param("volume").contains(":")) {
            storage = Storages.storageOf(request.param("volume"));
        }
        if (storage == null || ctx.cluster().storages().definition(storage).isEmpty()) {
            throw PveException.param("storage", "No such storage.");
        }
        StoragePool pool = ctx.cluster().storages().pool(storage, request.executedOn());
        if (!pool.online()) {
            throw PveException.internal("storage '" + storage + "' is not online");
        }
        return pool;
    }

    private ApiResult configList(ApiRequest request) {
        List<Map<String, Object>> result = new ArrayList<>();
        if (!Access.has(request.auth(), "Datastore.Audit")
                && !Access.has(request.auth(), "Datastore.AllocateSpace")) {
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
        StorageDefinition def =
                ctx.cluster()
                        .storages()
                        .definition(request.param("storage"))
                        .orElseThrow(
                                () ->
                                        PveException.internal(
                                                "storage '"
                                                        + request.param("storage")
                                                        + "' does not exist"));
        return ApiResult.of(configView(def));
    }

    private Map<String, Object> configView(StorageDefinition def) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("storage", def.id());
        entry.put("type", def.type().pluginType());
        entry.put("content", String.join(",", def.content()));
        def.properties()
                .forEach(
                        (key, value) ->
                                entry.put(
                                        key, key.equals("krbd") ? Integer.parseInt(value) : value));
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
        List<String> wanted =
                request.has("content") ? List.of(request.param("content").split("[,;\\s]+")) : null;
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
            if (!Access.has(request.auth(), "Datastore.Audit")
                    && !Access.has(request.auth(), "Datastore.AllocateSpace")) {
                continue;
            }
            result.add(Views.nodeStorage(ctx.cluster().storages().pool(def.id(), node)));
        }
        return ApiResult.of(result);
    }

    private ApiResult status(ApiRequest request) {
        StoragePool pool = pool(request);
        if (!pool.online()) {
            throw PveException.internal("storage '" + pool.definition().id() + "' is not online");
        }
        Map<String, Object> data = Views.nodeStorage(pool);
        data.remove("storage");
        data.remove("used_fraction");
        return ApiResult.of(data);
    }

    /**
     * {@code GET .../content}: the volumes on the storage, as {@code PVE::Storage::volume_list}
     * lists them.
     */
    private ApiResult content(ApiRequest request) {
        StoragePool pool = onlinePool(request);
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
            entry.put(
                    "size",
                    volume.base() != null
                            ? pool.volume(volume.base()).map(Volume::size).orElse(0L)
                            : volume.size());
            entry.put("ctime", volume.ctime());
            if (volume.vmid() != 0) {
                entry.put("vmid", volume.vmid());
            }
            if (volume.base() != null) {
                entry.put("parent", volume.base());
            }
            pool.archive(volume.volname())
                    .ifPresent(
                            archive -> {
                                entry.put("subtype", archive.subtype());
                                if (archive.notes() != null) {
                                    entry.put("notes", archive.notes());
                                }
                                if (archive.protect()) {
                                    entry.put("protected", 1);
                                }
                            });
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
