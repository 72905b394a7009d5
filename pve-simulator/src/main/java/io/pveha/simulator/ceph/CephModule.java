package io.pveha.simulator.ceph;

import io.pveha.simulator.api.Access;
import io.pveha.simulator.api.ApiRequest;
import io.pveha.simulator.api.ApiResult;
import io.pveha.simulator.api.ParamSpec;
import io.pveha.simulator.api.Route;
import io.pveha.simulator.api.Router;
import io.pveha.simulator.spi.ModuleContext;
import io.pveha.simulator.spi.SimulatorModule;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * PVE's hyperconverged Ceph API ({@code pve-manager PVE/API2/Ceph.pm}, {@code Ceph/Pool.pm}):
 * cluster and node status, and the pool list, create, update, delete and status, on the PVE 7.4+/8
 * path {@code /ceph/pool}. The Ceph cluster itself is a {@link CephBackend}: {@link InMemoryCeph}
 * by default, or a real one through {@link CliCephBackend}. Installed in every simulator.
 */
public final class CephModule implements SimulatorModule {
    /** OSDs per node of the in-memory Ceph. */
    public static final int DEFAULT_OSDS_PER_NODE = 2;

    /**
     * 2 TiB OSDs: three nodes of two hold the 4 TiB the default {@code ceph-vm} storage reports at
     * size 3.
     */
    public static final long DEFAULT_OSD_BYTES = 2L << 40;

    private static final String POOLS = "/nodes/{node}/ceph/pool";

    /** {@code pve-manager Ceph/Pool.pm}: a pool name has no ':', '/' or white space. */
    private static final String POOL_NAME = "^[^:/\\s]+$";

    private static final String TARGET_SIZE = "^(\\d+(\\.\\d+)?)([KMGT])?$";

    private final Function<ModuleContext, CephBackend> backendFactory;
    private CephPools pools;
    private CephBackend backend;

    private CephModule(Function<ModuleContext, CephBackend> backendFactory) {
        this.backendFactory = backendFactory;
    }

    /**
     * The default: an in-memory Ceph with {@code osdsPerNode} OSDs of {@code osdBytes} on every
     * node.
     */
    public static CephModule inMemory(int osdsPerNode, long osdBytes) {
        return new CephModule(
                ctx -> new InMemoryCeph(ctx.state(), ctx.clock(), osdsPerNode, osdBytes));
    }

    /**
     * A real Ceph cluster, driven with {@code ceph -c <conf>} and {@code rbd -c <conf>} as {@code
     * pveceph} does.
     */
    public static CephModule cli(Path cephConf) {
        return new CephModule(ctx -> new CliCephBackend(cephConf));
    }

    /**
     * The Ceph cluster behind the API (for tests and the control API); null before the module is
     * installed.
     */
    public CephBackend backend() {
        return backend;
    }

    @Override
    public void install(ModuleContext context) {
        backend = backendFactory.apply(context);
        pools = new CephPools(context, backend);
        register(context.router());
    }

    private void register(Router router) {
        Access audit = Access.perm("/", "Sys.Audit");
        Access auditOrDatastore = Access.permAny("/", "Sys.Audit", "Datastore.Audit");
        Access modify = Access.perm("/", "Sys.Modify");
        router.register(
                Route.get("/cluster/ceph")
                        .handler(
                                r ->
                                        ApiResult.of(
                                                List.of(
                                                        Map.of("name", "metadata"),
                                                        Map.of("name", "status"),
                                                        Map.of("name", "flags")))));
        router.register(
                Route.get("/cluster/ceph/status")
                        .access(audit)
                        .handler(r -> ApiResult.of(pools.status())));
        router.register(
                Route.get("/nodes/{node}/ceph/status")
                        .proxied()
                        .access(audit)
                        .params(ParamSpec.create().node())
                        .handler(r -> ApiResult.of(pools.status())));
        router.register(
                Route.get(POOLS)
                        .proxied()
                        .access(auditOrDatastore)
                        .params(ParamSpec.create().node())
                        .handler(r -> ApiResult.of(pools.list())));
        router.register(
                Route.post(POOLS)
                        .proxied()
                        .access(modify)
                        .params(
                                poolOptions(ParamSpec.create().node())
                                        .bool("add_storages")
                                        .string("erasure-coding", true))
                        .handler(this::create));
        router.register(
                Route.get(POOLS + "/{name}")
                        .proxied()
                        .access(auditOrDatastore)
                        .params(ParamSpec.create().node().string("name", false))
                        .handler(r -> ApiResult.of(List.of(Map.of("name", "status")))));
        router.register(
                Route.get(POOLS + "/{name}/status")
                        .proxied()
                        .access(auditOrDatastore)
                        .params(ParamSpec.create().node().string("name", false).bool("verbose"))
                        .handler(
                                r ->
                                        ApiResult.of(
                                                pools.poolStatus(
                                                        r.param("name"), r.flag("verbose")))));
        router.register(
                Route.put(POOLS + "/{name}")
                        .proxied()
                        .access(modify)
                        .params(poolOptions(ParamSpec.create().node()))
                        .handler(
                                r ->
                                        ApiResult.of(
                                                pools.update(
                                                                r.caller(),
                                                                r.param("name"),
                                                                settings(r))
                                                        .upidText())));
        router.register(
                Route.delete(POOLS + "/{name}")
                        .proxied()
                        .access(modify)
                        .params(
                                ParamSpec.create()
                                        .node()
                                        .string("name", false)
                                        .bool("force")
                                        .bool("remove_storages")
                                        .bool("remove_ecprofile"))
                        .handler(
                                r ->
                                        ApiResult.of(
                                                pools.destroy(
                                                                r.caller(),
                                                                r.param("name"),
                                                                r.flag("force"),
                                                                r.flag("remove_storages"),
                                                                r.auth())
                                                        .upidText())));
    }

    private ApiResult create(ApiRequest r) {
        return ApiResult.of(
                pools.create(
                                r.caller(),
                                r.param("name"),
                                settings(r),
                                r.flag("add_storages"),
                                r.param("erasure-coding"),
                                r.auth())
                        .upidText());
    }

    /** The pool settings of a request, without node, name and the create/delete switches. */
    private static Map<String, String> settings(ApiRequest r) {
        Map<String, String> settings = new java.util.LinkedHashMap<>(r.params());
        for (String key : List.of("node", "name", "add_storages", "erasure-coding")) {
            settings.remove(key);
        }
        return settings;
    }

    /**
     * {@code $ceph_pool_common_options}: defaults only matter on create, where {@link CephPools}
     * applies them.
     */
    private static ParamSpec poolOptions(ParamSpec spec) {
        return spec.pattern("name", false, POOL_NAME)
                .integer("size", true, 1L, 7L)
                .integer("min_size", true, 1L, 7L)
                .integer("pg_num", true, 1L, 32768L)
                .integer("pg_num_min", true, null, 32768L)
                .string("crush_rule", true)
                .enumeration("application", true, "rbd", "cephfs", "rgw")
                .enumeration("pg_autoscale_mode", true, "on", "off", "warn")
                .pattern("target_size", true, TARGET_SIZE)
                .number("target_size_ratio", true);
    }
}
