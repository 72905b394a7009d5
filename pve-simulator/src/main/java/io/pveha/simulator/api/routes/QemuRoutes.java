package io.pveha.simulator.api.routes;

import io.pveha.simulator.api.Access;
import io.pveha.simulator.api.ApiRequest;
import io.pveha.simulator.api.ApiResult;
import io.pveha.simulator.api.ParamSpec;
import io.pveha.simulator.api.Route;
import io.pveha.simulator.api.Router;
import io.pveha.simulator.model.Drive;
import io.pveha.simulator.model.NodeState;
import io.pveha.simulator.model.PropertyString;
import io.pveha.simulator.model.PveException;
import io.pveha.simulator.model.PveRelease;
import io.pveha.simulator.model.StorageDefinition;
import io.pveha.simulator.model.Storages;
import io.pveha.simulator.model.VmConfigSchema;
import io.pveha.simulator.model.VmState;
import io.pveha.simulator.model.Volume;
import io.pveha.simulator.ops.Qemu;
import io.pveha.simulator.tasks.Task;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code /nodes/{node}/qemu/...}: every QEMU guest method of this part of the simulator. */
public final class QemuRoutes {
    private static final String VM = "/nodes/{node}/qemu/{vmid}";
    private static final String[] CONFIG_PRIVILEGES = {
        "VM.Config.Disk",
        "VM.Config.CDROM",
        "VM.Config.CPU",
        "VM.Config.Memory",
        "VM.Config.Network",
        "VM.Config.HWType",
        "VM.Config.Options",
        "VM.Config.Cloudinit"
    };

    /** Parameters of a create request that are not config settings. */
    private static final Set<String> CREATE_OPTIONS =
            Set.of(
                    "node",
                    "vmid",
                    "archive",
                    "storage",
                    "force",
                    "unique",
                    "live-restore",
                    "pool",
                    "bwlimit",
                    "start",
                    "ha-managed",
                    "import-working-storage");

    private static final Set<String> UPDATE_OPTIONS =
            Set.of(
                    "node",
                    "vmid",
                    "skiplock",
                    "delete",
                    "revert",
                    "force",
                    "digest",
                    "background_delay",
                    "import-working-storage");
    private static final Pattern NEW_DISK = Pattern.compile("^(([^/:\\s]+):)?(\\d+(\\.\\d+)?)$");

    private final RouteContext ctx;

    private QemuRoutes(RouteContext ctx) {
        this.ctx = ctx;
    }

    public static void register(Router router, RouteContext ctx) {
        QemuRoutes routes = new QemuRoutes(ctx);
        ParamSpec vmSpec = ParamSpec.create().node().vmid();
        router.register(
                Route.get("/nodes/{node}/qemu")
                        .proxied()
                        .params(ParamSpec.create().node().bool("full"))
                        .handler(routes::list));
        router.register(
                Route.post("/nodes/{node}/qemu")
                        .proxied()
                        .params(
                                ParamSpec.create()
                                        .node()
                                        .vmid()
                                        .string("archive", true)
                                        .storageId("storage", true)
                                        .bool("force")
                                        .bool("unique")
                                        .bool("live-restore")
                                        .string("pool", true)
                                        .integer("bwlimit", true, 0L, null)
                                        .bool("start")
                                        .bool("ha-managed")
                                        .storageId("import-working-storage", true)
                                        .vmConfigKeys())
                        .handler(routes::create));
        router.register(
                Route.get(VM)
                        .proxied()
                        .params(vmSpec)
                        .access(Access.perm("/vms/{vmid}", "VM.Audit"))
                        .handler(routes::index));
        router.register(
                Route.get(VM + "/config")
                        .proxied()
                        .params(
                                ParamSpec.create()
                                        .node()
                                        .vmid()
                                        .bool("current")
                                        .string("snapshot", true))
                        .access(Access.perm("/vms/{vmid}", "VM.Audit"))
                        .handler(routes::config));
        router.register(
                Route.get(VM + "/pending")
                        .proxied()
                        .params(vmSpec)
                        .access(Access.perm("/vms/{vmid}", "VM.Audit"))
                        .handler(routes::pending));
        router.register(
                Route.post(VM + "/config")
                        .proxied()
                        .params(updateSpec().integer("background_delay", true, 1L, 30L))
                        .access(Access.permAny("/vms/{vmid}", CONFIG_PRIVILEGES))
                        .handler(r -> routes.update(r, false)));
        router.register(
                Route.put(VM + "/config")
                        .proxied()
                        .params(updateSpec())
                        .access(Access.permAny("/vms/{vmid}", CONFIG_PRIVILEGES))
                        .handler(r -> routes.update(r, true)));
        router.register(
                Route.get(VM + "/status")
                        .proxied()
                        .params(vmSpec)
                        .access(Access.perm("/vms/{vmid}", "VM.Audit"))
                        .handler(routes::statusIndex));
        router.register(
                Route.get(VM + "/status/current")
                        .proxied()
                        .params(vmSpec)
                        .access(Access.perm("/vms/{vmid}", "VM.Audit"))
                        .handler(routes::current));
        router.register(
                Route.post(VM + "/status/start")
                        .proxied()
                        .params(
                                ParamSpec.create()
                                        .node()
                                        .vmid()
                                        .bool("skiplock")
                                        .string("stateuri", true)
                                        .nodeName("migratedfrom", true)
                                        .enumeration("migration_type", true, "secure", "insecure")
                                        .string("migration_network", true)
                                        .string("machine", true)
                                        .string("force-cpu", true)
                                        .string("targetstorage", true)
                                        .integer("timeout", true, 0L, null)
                                        .string("nets-host-mtu", true))
                        .access(Access.perm("/vms/{vmid}", "VM.PowerMgmt"))
                        .handler(routes::start));
        router.register(
                Route.post(VM + "/status/stop")
                        .proxied()
                        .params(
                                ParamSpec.create()
                                        .node()
                                        .vmid()
                                        .bool("skiplock")
                                        .bool("keepActive")
                                        .integer("timeout", true, 0L, null)
                                        .nodeName("migratedfrom", true)
                                        .bool("overrule-shutdown"))
                        .access(Access.perm("/vms/{vmid}", "VM.PowerMgmt"))
                        .handler(
                                r ->
                                        routes.task(
                                                ctx.qemu()
                                                        .stop(
                                                                r.caller(),
                                                                r.vmid(),
                                                                r.flag("skiplock"),
                                                                r.flag("overrule-shutdown")))));
        router.register(
                Route.post(VM + "/status/shutdown")
                        .proxied()
                        .params(
                                ParamSpec.create()
                                        .node()
                                        .vmid()
                                        .bool("skiplock")
                                        .bool("keepActive")
                                        .integer("timeout", true, 0L, null)
                                        .bool("forceStop"))
                        .access(Access.perm("/vms/{vmid}", "VM.PowerMgmt"))
                        .handler(
                                r ->
                                        routes.task(
                                                ctx.qemu()
                                                        .shutdown(
                                                                r.caller(),
                                                                r.vmid(),
                                                                r.flag("skiplock"),
                                                                r.optionalInt("timeout"),
                                                                r.flag("forceStop")))));
        router.register(
                Route.post(VM + "/status/reboot")
                        .proxied()
                        .params(ParamSpec.create().node().vmid().integer("timeout", true, 0L, null))
                        .access(Access.perm("/vms/{vmid}", "VM.PowerMgmt"))
                        .handler(r -> routes.task(ctx.qemu().reboot(r.caller(), r.vmid()))));
        router.register(
                Route.post(VM + "/clone")
                        .proxied()
                        .params(
                                ParamSpec.create()
                                        .node()
                                        .vmid()
                                        .integer("newid", false, 100L, 999_999_999L)
                                        .string("name", true)
                                        .string("description", true)
                                        .string("pool", true)
                                        .string("snapname", true)
                                        .storageId("storage", true)
                                        .enumeration("format", true, "raw", "qcow2", "vmdk")
                                        .bool("full")
                                        .nodeName("target", true)
                                        .integer("bwlimit", true, 0L, null))
                        .access(
                                (auth, params) -> {
                                    Access.require(auth, "/vms/" + params.get("vmid"), "VM.Clone");
                                    Access.require(
                                            auth, "/vms/" + params.get("newid"), "VM.Allocate");
                                })
                        .handler(routes::cloneVm));
        router.register(
                Route.post(VM + "/template")
                        .proxied()
                        .params(ParamSpec.create().node().vmid().string("disk", true))
                        .access(Access.perm("/vms/{vmid}", "VM.Allocate"))
                        .handler(
                                r ->
                                        routes.task(
                                                ctx.qemu()
                                                        .template(
                                                                r.caller(),
                                                                r.vmid(),
                                                                r.param("disk")))));
        router.register(
                Route.get(VM + "/migrate")
                        .proxied()
                        .params(ParamSpec.create().node().vmid().nodeName("target", true))
                        .access(Access.perm("/vms/{vmid}", "VM.Migrate"))
                        .handler(routes::migratePrecondition));
        router.register(
                Route.post(VM + "/migrate")
                        .proxied()
                        .params(
                                ParamSpec.create()
                                        .node()
                                        .vmid()
                                        .nodeName("target", false)
                                        .bool("online")
                                        .bool("force")
                                        .enumeration("migration_type", true, "secure", "insecure")
                                        .string("migration_network", true)
                                        .bool("with-local-disks")
                                        .string("targetstorage", true)
                                        .integer("bwlimit", true, 0L, null))
                        .access(Access.perm("/vms/{vmid}", "VM.Migrate"))
                        .handler(
                                r ->
                                        routes.task(
                                                ctx.qemu()
                                                        .migrate(
                                                                r.caller(),
                                                                r.vmid(),
                                                                r.param("target"),
                                                                r.flag("online"),
                                                                r.flag("with-local-disks"),
                                                                r.param("targetstorage"),
                                                                r.flag("force")))));
        router.register(
                Route.delete(VM)
                        .proxied()
                        .params(
                                ParamSpec.create()
                                        .node()
                                        .vmid()
                                        .bool("skiplock")
                                        .bool("purge")
                                        .bool("destroy-unreferenced-disks"))
                        .access(Access.perm("/vms/{vmid}", "VM.Allocate"))
                        .handler(
                                r ->
                                        routes.task(
                                                ctx.qemu()
                                                        .destroy(
                                                                r.caller(),
                                                                r.vmid(),
                                                                r.flag("purge"),
                                                                r.flag("skiplock"),
                                                                r.flag(
                                                                        "destroy-unreferenced-disks")))));
        router.register(
                Route.get(VM + "/agent/network-get-interfaces")
                        .proxied()
                        .params(vmSpec)
                        .access(Access.perm("/vms/{vmid}", "VM.Monitor"))
                        .handler(routes::agentInterfaces));
        router.register(
                Route.get(VM + "/snapshot")
                        .proxied()
                        .params(vmSpec)
                        .access(Access.perm("/vms/{vmid}", "VM.Audit"))
                        .handler(routes::snapshots));
    }

    /**
     * {@code GET .../snapshot} ({@code snapshot_list}): guests have no snapshots here, so only the
     * {@code current} entry ("You are here!").
     */
    private ApiResult snapshots(ApiRequest request) {
        VmState vm = ctx.ops().loadConfig(request.vmid(), request.executedOn());
        Map<String, Object> current = new LinkedHashMap<>();
        current.put("name", "current");
        current.put("digest", vm.digest());
        current.put("running", vm.running() ? 1 : 0);
        current.put("description", "You are here!");
        return ApiResult.of(List.of(current));
    }

    private static ParamSpec updateSpec() {
        return ParamSpec.create()
                .node()
                .vmid()
                .bool("skiplock")
                .string("delete", true)
                .string("revert", true)
                .bool("force")
                .string("digest", true)
                .storageId("import-working-storage", true)
                .vmConfigKeys();
    }

    private ApiResult task(Task task) {
        return ApiResult.of(task.upidText());
    }

    private ApiResult list(ApiRequest request) {
        NodeState node = ctx.cluster().requireNode(request.executedOn());
        long now = ctx.clock().nowMillis();
        List<Map<String, Object>> result = new ArrayList<>();
        if (Access.has(request.auth(), "VM.Audit")) {
            for (VmState vm : ctx.cluster().vmsOn(node.name())) {
                Map<String, Object> entry =
                        request.flag("full")
                                ? Views.vmStatus(vm, node, now, ctx.ops().hooks())
                                : Views.vmListEntry(vm, node, now);
                result.add(entry);
            }
        }
        return ApiResult.of(result);
    }

    private ApiResult create(ApiRequest request) {
        int vmid = request.vmid();
        Map<String, String> settings = new TreeMap<>();
        request.params()
                .forEach(
                        (key, value) -> {
                            if (!CREATE_OPTIONS.contains(key)) {
                                settings.put(key, value);
                            }
                        });
        Access.require(request.auth(), "/vms/" + vmid, "VM.Allocate");
        String storage = request.param("storage");
        if (storage != null) {
            Access.require(request.auth(), "/storage/" + storage, "Datastore.AllocateSpace");
        }
        checkDiskStoragePermissions(request, settings, storage);
        ConfigPermissions.check(request.auth(), vmid, settings, List.of());
        if (request.has("archive")) {
            for (String key : settings.keySet()) {
                if (VmConfigSchema.isDrive(key)) {
                    throw PveException.param(key, "option conflicts with option 'archive'");
                }
            }
            Access.require(request.auth(), "/vms/" + vmid, "VM.Backup");
            // Other options override the restored config (qemu-server 7.2+ 'override_conf').
            return task(
                    ctx.qemu()
                            .restore(
                                    request.caller(),
                                    vmid,
                                    request.param("archive"),
                                    storage,
                                    request.flag("force"),
                                    request.flag("unique"),
                                    request.flag("start"),
                                    settings));
        }
        boolean haManaged = request.flag("ha-managed");
        if (request.has("ha-managed")
                && !ctx.cluster().releaseOf(request.executedOn()).hasHaRules()) {
            throw PveRelease.unknownParameter("ha-managed");
        }
        if (haManaged) {
            Access.require(request.auth(), "/", "Sys.Console");
        }
        return task(
                ctx.qemu()
                        .create(
                                request.caller(),
                                vmid,
                                settings,
                                storage,
                                request.flag("start"),
                                request.param("pool"),
                                haManaged));
    }

    private ApiResult index(ApiRequest request) {
        ctx.ops().loadConfig(request.vmid(), request.executedOn());
        List<Map<String, Object>> result = new ArrayList<>();
        for (String subdir :
                List.of(
                        "config",
                        "pending",
                        "status",
                        "unlink",
                        "vncproxy",
                        "termproxy",
                        "migrate",
                        "resize",
                        "move",
                        "rrd",
                        "rrddata",
                        "monitor",
                        "agent",
                        "snapshot",
                        "spiceproxy",
                        "sendkey",
                        "firewall",
                        "mtunnel",
                        "remote_migrate")) {
            result.add(Map.of("subdir", subdir));
        }
        return ApiResult.of(result);
    }

    private ApiResult config(ApiRequest request) {
        if (request.has("snapshot")) {
            if (request.flag("current")) {
                throw PveException.param(
                        Map.of(
                                "snapshot",
                                "cannot use 'snapshot' parameter with 'current'",
                                "current",
                                "cannot use 'snapshot' parameter with 'current'"));
            }
            ctx.ops().loadConfig(request.vmid(), request.executedOn());
            throw PveException.internal(
                    "snapshot '" + request.param("snapshot") + "' does not exist");
        }
        VmState vm = ctx.ops().loadConfig(request.vmid(), request.executedOn());
        return ApiResult.of(Views.config(vm, request.flag("current")));
    }

    /**
     * {@code GET .../pending}: every key with its active value, pending value and deletion mark.
     */
    private ApiResult pending(ApiRequest request) {
        VmState vm = ctx.ops().loadConfig(request.vmid(), request.executedOn());
        Map<String, Map<String, Object>> rows = new TreeMap<>();
        vm.config().forEach((key, value) -> row(rows, key).put("value", Views.typed(key, value)));
        vm.pending()
                .forEach((key, value) -> row(rows, key).put("pending", Views.typed(key, value)));
        vm.pendingDelete().forEach(key -> row(rows, key).put("delete", 1));
        rows.values()
                .forEach(
                        r -> {
                            if ("cipassword".equals(r.get("key"))) {
                                r.computeIfPresent("value", (k, v) -> "**********");
                                r.computeIfPresent("pending", (k, v) -> "**********");
                            }
                        });
        return ApiResult.of(new ArrayList<>(rows.values()));
    }

    private static Map<String, Object> row(Map<String, Map<String, Object>> rows, String key) {
        return rows.computeIfAbsent(
                key,
                k -> {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("key", k);
                    return row;
                });
    }

    private ApiResult update(ApiRequest request, boolean sync) {
        int vmid = request.vmid();
        Map<String, String> settings = new TreeMap<>();
        request.params()
                .forEach(
                        (key, value) -> {
                            if (!UPDATE_OPTIONS.contains(key)) {
                                settings.put(key, value);
                            }
                        });
        List<String> deletes =
                request.has("delete")
                        ? List.of(request.param("delete").split("[,;\\s]+"))
                        : List.of();
        ConfigPermissions.check(request.auth(), vmid, settings, deletes);
        checkDiskStoragePermissions(request, settings, null);
        Qemu.ConfigChange change =
                new Qemu.ConfigChange(
                        settings,
                        request.param("delete"),
                        request.param("revert"),
                        request.flag("force"),
                        request.param("digest"),
                        request.flag("skiplock"));
        if (sync) {
            ctx.qemu().updateConfigNow(request.caller(), vmid, change);
            return ApiResult.empty();
        }
        return task(ctx.qemu().updateConfig(request.caller(), vmid, change));
    }

    private ApiResult statusIndex(ApiRequest request) {
        ctx.ops().loadConfig(request.vmid(), request.executedOn());
        List<Map<String, Object>> result = new ArrayList<>();
        for (String cmd :
                List.of("current", "start", "stop", "reset", "shutdown", "suspend", "reboot")) {
            result.add(Map.of("subdir", cmd));
        }
        return ApiResult.of(result);
    }

    private ApiResult current(ApiRequest request) {
        VmState vm = ctx.ops().loadConfig(request.vmid(), request.executedOn());
        NodeState node = ctx.cluster().requireNode(vm.node());
        return ApiResult.of(Views.vmStatus(vm, node, ctx.clock().nowMillis(), ctx.ops().hooks()));
    }

    private ApiResult start(ApiRequest request) {
        for (String rootOnly :
                List.of(
                        "stateuri",
                        "skiplock",
                        "migratedfrom",
                        "migration_type",
                        "migration_network",
                        "targetstorage",
                        "force-cpu",
                        "nets-host-mtu")) {
            String value = request.param(rootOnly);
            if (value != null
                    && !value.isEmpty()
                    && !value.equals("0")
                    && !request.caller().isRootUser()) {
                throw PveException.param(rootOnly, "Only root may use this option.");
            }
        }
        return task(ctx.qemu().start(request.caller(), request.vmid(), request.flag("skiplock")));
    }

    private ApiResult cloneVm(ApiRequest request) {
        String storage = request.param("storage");
        if (storage != null) {
            Access.require(request.auth(), "/storage/" + storage, "Datastore.AllocateSpace");
        }
        Qemu.CloneRequest clone =
                new Qemu.CloneRequest(
                        request.intParam("newid"),
                        request.param("name"),
                        request.param("description"),
                        request.optionalFlag("full"),
                        storage,
                        request.param("format"),
                        request.param("target"),
                        request.param("snapname"),
                        request.param("pool"));
        return task(ctx.qemu().clone(request.caller(), request.vmid(), clone));
    }

    /** {@code GET .../migrate}: which nodes the VM could go to and which of its disks are local. */
    private ApiResult migratePrecondition(ApiRequest request) {
        VmState vm = ctx.ops().loadConfig(request.vmid(), request.executedOn());
        Storages storages = ctx.cluster().storages();
        List<Map<String, Object>> localDisks = new ArrayList<>();
        for (Map.Entry<String, String> e : vm.config().entrySet()) {
            boolean unused = VmConfigSchema.isUnused(e.getKey());
            if (!VmConfigSchema.isDrive(e.getKey()) && !unused) {
                continue;
            }
            Drive drive = Drive.parse(e.getKey(), e.getValue());
            if (!drive.hasVolume()
                    || storages.definition(drive.storage())
                            .map(StorageDefinition::shared)
                            .orElse(true)) {
                continue;
            }
            Map<String, Object> disk = new LinkedHashMap<>();
            disk.put("volid", drive.file());
            disk.put(
                    "size",
                    storages.find(drive.file(), vm.node())
                            .map(Volume::size)
                            .orElse(drive.sizeBytes()));
            disk.put("drivename", e.getKey());
            disk.put("is_unused", unused ? 1 : 0);
            disk.put("cdrom", drive.isCdrom() && !drive.isCloudInit() ? 1 : 0);
            localDisks.add(disk);
        }
        List<String> allowed = new ArrayList<>();
        for (NodeState node : ctx.cluster().nodes()) {
            if (!node.name().equals(vm.node()) && node.online()) {
                allowed.add(node.name());
            }
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("running", vm.running() ? 1 : 0);
        data.put("allowed_nodes", allowed);
        data.put("not_allowed_nodes", Map.of());
        data.put("local_disks", localDisks);
        data.put("local_resources", List.of());
        data.put("mapped-resources", List.of());
        data.put("mapped-resource-info", Map.of());
        return ApiResult.of(data);
    }

    /**
     * The QEMU guest agent's view of the NICs: a running guest with {@code agent} enabled answers
     * with a fixed address per VMID (or the static address of {@code ipconfigN}).
     */
    private ApiResult agentInterfaces(ApiRequest request) {
        VmState vm = ctx.ops().loadConfig(request.vmid(), request.executedOn());
        String agent = vm.get("agent").orElse(null);
        if (agent == null || !"1".equals(PropertyString.parse(agent, "enabled").get("enabled"))) {
            throw PveException.internal("No QEMU guest agent configured");
        }
        if (!vm.running()) {
            throw PveException.internal("VM " + vm.vmid() + " is not running");
        }
        List<Map<String, Object>> interfaces = new ArrayList<>();
        interfaces.add(agentNic("lo", "00:00:00:00:00:00", "127.0.0.1", 8));
        int index = 0;
        for (Map.Entry<String, String> e : vm.config().entrySet()) {
            if (!VmConfigSchema.isNet(e.getKey())) {
                continue;
            }
            String mac =
                    PropertyString.parse(e.getValue(), "model")
                            .getOrDefault("macaddr", "")
                            .toLowerCase(Locale.ROOT);
            int n = Integer.parseInt(e.getKey().substring(3));
            interfaces.add(agentNic("eth" + index++, mac, guestAddress(vm, n), 24));
        }
        return ApiResult.of(Map.of("result", interfaces));
    }

    private static String guestAddress(VmState vm, int nic) {
        String ipconfig = vm.get("ipconfig" + nic).orElse("");
        String ip = PropertyString.parse(ipconfig, null).get("ip");
        if (ip != null && !ip.equals("dhcp") && ip.contains("/")) {
            return ip.substring(0, ip.indexOf('/'));
        }
        int id = vm.vmid();
        return "10." + (10 + nic) + "." + (id / 250 % 256) + "." + (id % 250 + 2);
    }

    private static Map<String, Object> agentNic(String name, String mac, String ip, int prefix) {
        Map<String, Object> nic = new LinkedHashMap<>();
        nic.put("name", name);
        nic.put("hardware-address", mac);
        Map<String, Object> address = new LinkedHashMap<>();
        address.put("ip-address-type", "ipv4");
        address.put("ip-address", ip);
        address.put("prefix", prefix);
        nic.put("ip-addresses", List.of(address));
        nic.put(
                "statistics",
                Map.of(
                        "rx-bytes",
                        0,
                        "rx-packets",
                        0,
                        "tx-bytes",
                        0,
                        "tx-packets",
                        0,
                        "rx-errs",
                        0,
                        "rx-dropped",
                        0,
                        "tx-errs",
                        0,
                        "tx-dropped",
                        0));
        return nic;
    }

    /** {@code Datastore.AllocateSpace} on every storage a new disk would be allocated on. */
    private static void checkDiskStoragePermissions(
            ApiRequest request, Map<String, String> settings, String defaultStorage) {
        settings.forEach(
                (key, value) -> {
                    if (!VmConfigSchema.isDrive(key)) {
                        return;
                    }
                    Drive drive = Drive.parse(key, value);
                    Matcher m = drive.file() == null ? null : NEW_DISK.matcher(drive.file());
                    String storage = null;
                    if (m != null && m.matches()) {
                        storage = m.group(2) != null ? m.group(2) : defaultStorage;
                    } else if (drive.file() != null && drive.file().endsWith(":cloudinit")) {
                        storage = Storages.storageOf(drive.file());
                    }
                    if (storage != null) {
                        Access.require(
                                request.auth(), "/storage/" + storage, "Datastore.AllocateSpace");
                    }
                });
    }
}
