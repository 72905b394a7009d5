package io.pveha.simulator.api.routes;

import io.pveha.simulator.api.Access;
import io.pveha.simulator.api.ApiRequest;
import io.pveha.simulator.api.ApiResult;
import io.pveha.simulator.api.ParamSpec;
import io.pveha.simulator.api.Route;
import io.pveha.simulator.api.Router;
import io.pveha.simulator.model.ClusterState;
import io.pveha.simulator.model.NodeState;
import io.pveha.simulator.model.PveException;
import io.pveha.simulator.model.VmState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Datacenter reads of a cluster with nothing configured beyond what the simulator has: the API
 * root, the {@code /cluster} index, datacenter options ({@code datacenter.cfg} empty), the corosync
 * configuration ({@code /cluster/config/...}), replication (no jobs), the datacenter firewall (not
 * configured: no {@code cluster.fw}), resource pools (none), metric servers and resource mappings
 * (none). Shapes from pve-manager {@code PVE/API2.pm}, {@code PVE/API2/Cluster.pm}, {@code
 * ReplicationConfig.pm}, {@code Pool.pm}, {@code Cluster/MetricServer.pm}, {@code
 * Cluster/Mapping.pm}; pve-cluster {@code src/PVE/API2/ClusterConfig.pm}, {@code
 * DataCenterConfig.pm}, {@code Corosync.pm} ({@code create_conf}, {@code nodelist}); pve-firewall
 * {@code API2/Firewall/Cluster.pm} and {@code Firewall.pm} ({@code copy_opject_with_digest});
 * pve-guest-common {@code GuestHelpers::get_allowed_tags}.
 */
public final class DatacenterRoutes {
    /** What {@code parse_datacenter_config} fills in for an empty file: Proxmox's OUI. */
    private static final String MAC_PREFIX = "BC:24:11";

    /** {@code PVE::Cluster::Setup::JOIN_API_VERSION} (PVE 8). */
    private static final int JOIN_API_VERSION = 1;

    private final RouteContext ctx;

    private DatacenterRoutes(RouteContext ctx) {
        this.ctx = ctx;
    }

    public static void register(Router router, RouteContext ctx) {
        DatacenterRoutes routes = new DatacenterRoutes(ctx);
        router.register(
                Route.get("/")
                        .handler(
                                r ->
                                        ApiResult.of(
                                                subdirs(
                                                        "version", "cluster", "nodes", "storage",
                                                        "access", "pools"))));
        router.register(
                Route.get("/cluster")
                        .handler(
                                r ->
                                        ApiResult.of(
                                                NodeInfoRoutes.names(
                                                        List.of(
                                                                "acme",
                                                                "backup",
                                                                "backup-info",
                                                                "ceph",
                                                                "config",
                                                                "firewall",
                                                                "ha",
                                                                "jobs",
                                                                "log",
                                                                "mapping",
                                                                "metrics",
                                                                "notifications",
                                                                "nextid",
                                                                "options",
                                                                "replication",
                                                                "resources",
                                                                "status",
                                                                "tasks",
                                                                "sdn")))));
        router.register(Route.get("/cluster/options").handler(routes::options));

        Access rootAudit = Access.perm("/", "Sys.Audit");
        router.register(
                Route.get("/cluster/config")
                        .access(rootAudit)
                        .handler(
                                r ->
                                        ApiResult.of(
                                                NodeInfoRoutes.names(
                                                        List.of(
                                                                "nodes",
                                                                "totem",
                                                                "join",
                                                                "qdevice",
                                                                "apiversion")))));
        router.register(
                Route.get("/cluster/config/apiversion")
                        .access(rootAudit)
                        .handler(r -> ApiResult.of(JOIN_API_VERSION)));
        router.register(
                Route.get("/cluster/config/nodes")
                        .access(rootAudit)
                        .handler(routes::corosyncNodes));
        router.register(
                Route.get("/cluster/config/totem")
                        .access(rootAudit)
                        .handler(r -> ApiResult.of(routes.totem())));
        router.register(
                Route.get("/cluster/config/join")
                        .params(ParamSpec.create().nodeName("node", true))
                        .access(rootAudit)
                        .handler(routes::joinInfo));
        router.register(
                Route.get("/cluster/config/qdevice")
                        .access(rootAudit)
                        .handler(r -> ApiResult.of(Map.of())));

        router.register(Route.get("/cluster/replication").handler(r -> ApiResult.of(List.of())));
        router.register(
                Route.get("/cluster/replication/{id}")
                        .params(
                                ParamSpec.create()
                                        .pattern("id", false, "^[1-9][0-9]{2,8}-\\d{1,9}$"))
                        .handler(
                                r -> {
                                    throw PveException.internal(
                                            "no such replication job '" + r.param("id") + "'");
                                }));

        router.register(
                Route.get("/cluster/firewall")
                        .handler(
                                r ->
                                        ApiResult.of(
                                                NodeInfoRoutes.names(
                                                        List.of(
                                                                "aliases", "rules", "options",
                                                                "groups", "ipset", "macros",
                                                                "refs")))));
        router.register(
                Route.get("/cluster/firewall/options")
                        .access(rootAudit)
                        .handler(r -> ApiResult.of(Map.of("digest", NodeInfoRoutes.EMPTY_DIGEST))));
        for (String list : List.of("rules", "groups", "aliases", "ipset", "refs")) {
            router.register(
                    Route.get("/cluster/firewall/" + list)
                            .params(
                                    list.equals("refs")
                                            ? ParamSpec.create()
                                                    .enumeration("type", true, "alias", "ipset")
                                            : ParamSpec.create())
                            .access(rootAudit)
                            .handler(r -> ApiResult.of(List.of())));
        }

        router.register(
                Route.get("/pools")
                        .params(
                                ParamSpec.create()
                                        .pattern("poolid", true, "^[A-Za-z0-9_\\-/]+$")
                                        .enumeration("type", true, "qemu", "lxc", "storage"))
                        .handler(routes::pools));
        router.register(
                Route.get("/pools/{poolid}")
                        .params(
                                ParamSpec.create()
                                        .pattern("poolid", false, "^[A-Za-z0-9_\\-/]+$")
                                        .enumeration("type", true, "qemu", "lxc", "storage"))
                        .handler(
                                r -> {
                                    throw PveException.internal(
                                            "pool '" + r.param("poolid") + "' does not exist");
                                }));

        router.register(
                Route.get("/cluster/metrics")
                        .handler(r -> ApiResult.of(subdirs("server", "export"))));
        router.register(
                Route.get("/cluster/metrics/server")
                        .access(rootAudit)
                        .handler(r -> ApiResult.of(List.of())));
        router.register(
                Route.get("/cluster/mapping")
                        .handler(
                                r ->
                                        ApiResult.of(
                                                NodeInfoRoutes.names(
                                                        List.of("dir", "pci", "usb")))));
        for (String kind : List.of("dir", "pci", "usb")) {
            router.register(
                    Route.get("/cluster/mapping/" + kind)
                            .params(ParamSpec.create().nodeName("check-node", true))
                            .handler(r -> ApiResult.of(List.of())));
        }
    }

    static List<Map<String, String>> subdirs(String... names) {
        return List.of(names).stream().map(n -> Map.of("subdir", n)).toList();
    }

    /**
     * An empty {@code datacenter.cfg} as {@code parse_datacenter_config} returns it (an empty
     * description, the default MAC prefix), plus {@code allowed-tags}: the tags of the guests.
     * Without Sys.Audit on / only {@code console}, {@code tag-style} (both unset) and the tags.
     */
    private ApiResult options(ApiRequest request) {
        Map<String, Object> result = new LinkedHashMap<>();
        if (Access.has(request.auth(), "Sys.Audit")) {
            result.put("description", "");
            result.put("mac_prefix", MAC_PREFIX);
        }
        TreeSet<String> tags = new TreeSet<>();
        if (Access.has(request.auth(), "VM.Audit")) {
            for (VmState vm : ctx.cluster().vms()) {
                String value = vm.config().get("tags");
                if (value != null) {
                    for (String tag : value.split("[;,\\s]+")) {
                        if (!tag.isEmpty()) {
                            tags.add(tag);
                        }
                    }
                }
            }
        }
        result.put("allowed-tags", new ArrayList<>(tags));
        return ApiResult.of(result);
    }

    /**
     * The corosync.conf {@code create_conf} writes and {@code addnode} extends, values as strings
     * (as the parsed file holds them); one link on each node's address.
     */
    private Map<String, Object> totem() {
        Map<String, Object> totem = new LinkedHashMap<>();
        totem.put("cluster_name", ctx.cluster().clusterName());
        totem.put("config_version", Integer.toString(ctx.cluster().nodes().size() + 1));
        totem.put("interface", Map.of("0", Map.of("linknumber", "0")));
        totem.put("ip_version", "ipv4-6");
        totem.put("link_mode", "passive");
        totem.put("secauth", "on");
        totem.put("version", "2");
        return totem;
    }

    private Map<String, Object> corosyncNode(NodeState node) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("name", node.name());
        entry.put("nodeid", Integer.toString(node.nodeid()));
        entry.put("quorum_votes", "1");
        entry.put("ring0_addr", node.ip());
        return entry;
    }

    private ApiResult corosyncNodes(ApiRequest request) {
        List<Map<String, Object>> result = new ArrayList<>();
        for (NodeState node : ctx.cluster().nodes()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("node", node.name());
            entry.putAll(corosyncNode(node));
            result.add(entry);
        }
        return ApiResult.of(result);
    }

    private ApiResult joinInfo(ApiRequest request) {
        ClusterState cluster = ctx.cluster();
        String preferred = request.has("node") ? request.param("node") : request.localNode();
        if (cluster.node(preferred).isEmpty()) {
            throw PveException.internal("unknown node '" + preferred + "'");
        }
        List<Map<String, Object>> nodelist = new ArrayList<>();
        for (NodeState node : cluster.nodes()) {
            Map<String, Object> entry = corosyncNode(node);
            entry.put("pve_fp", ctx.tls().fingerprint(node.name()));
            entry.put("pve_addr", node.ip());
            nodelist.add(entry);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("nodelist", nodelist);
        result.put("preferred_node", preferred);
        result.put("totem", totem());
        result.put(
                "config_digest",
                NodeInfoRoutes.hex(
                        "SHA-1",
                        (cluster.clusterName() + nodelist)
                                .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        return ApiResult.of(result);
    }

    /**
     * {@code GET /pools}: no pools; asking for one by {@code poolid} fails as on PVE. {@code type}
     * needs {@code poolid}.
     */
    private ApiResult pools(ApiRequest request) {
        if (request.has("type") && !request.has("poolid")) {
            throw PveException.param("type", "missing property - 'poolid' for this property");
        }
        if (request.has("poolid")) {
            throw PveException.internal("pool '" + request.param("poolid") + "' does not exist");
        }
        return ApiResult.of(List.of());
    }
}
