package io.pveha.simulator.ha;

import io.pveha.simulator.api.Access;
import io.pveha.simulator.api.ApiRequest;
import io.pveha.simulator.api.ApiResult;
import io.pveha.simulator.api.ParamSpec;
import io.pveha.simulator.api.Route;
import io.pveha.simulator.api.Router;
import io.pveha.simulator.model.ClusterState;
import io.pveha.simulator.model.PveException;
import io.pveha.simulator.model.PveRelease;
import io.pveha.simulator.model.VmConfigSchema;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * {@code /cluster/ha/...}: HA resources and groups (CRUD with {@code digest}), status, and the
 * {@code migrate}/{@code relocate} requests, with pve-ha-manager's parameter schemas and
 * permissions ({@code Sys.Audit} to read, {@code Sys.Console} to change, both on {@code /}).
 */
public final class HaRoutes {
    private static final String RESOURCES = "/cluster/ha/resources";
    private static final String GROUPS = "/cluster/ha/groups";
    private static final String RULES = "/cluster/ha/rules";

    /** {@code pve-ha-resource-or-vm-id}. */
    private static final Pattern SID = Pattern.compile("^([a-z]+:\\S+|\\d+)$");

    private static final String GROUP_NODE = "[a-zA-Z0-9]([a-zA-Z0-9\\-]*[a-zA-Z0-9])?(:\\d+)?";

    /**
     * {@code pve-ha-group-node-list}: {@code node[:priority]} separated by commas, semicolons or
     * spaces.
     */
    private static final Pattern GROUP_NODES =
            Pattern.compile("^[\\s,;]*" + GROUP_NODE + "([\\s,;]+" + GROUP_NODE + ")*[\\s,;]*$");

    /** {@code pve-ha-resource-id-list}. */
    private static final Pattern RESOURCE_LIST =
            Pattern.compile("^[\\s,;]*[a-z]+:\\S+?([\\s,;]+[a-z]+:\\S+?)*[\\s,;]*$");

    /** {@code pve-configid}. */
    private static final Pattern CONFIG_ID =
            Pattern.compile("^[a-z][a-z0-9_\\-]+$", Pattern.CASE_INSENSITIVE);

    private HaRoutes() {}

    public static void register(Router router, HaApi ha, ClusterState cluster) {
        Function<ApiRequest, PveRelease> release = r -> cluster.releaseOf(r.localNode());
        Access audit = Access.perm("/", "Sys.Audit");
        Access console = Access.perm("/", "Sys.Console");
        router.register(
                Route.get("/cluster/ha")
                        .handler(
                                r ->
                                        ApiResult.of(
                                                cluster.releaseOf(r.localNode()).hasHaRules()
                                                        ? List.of(
                                                                Map.of("id", "status"),
                                                                Map.of("id", "resources"),
                                                                Map.of("id", "groups"),
                                                                Map.of("id", "rules"))
                                                        : List.of(
                                                                Map.of("id", "status"),
                                                                Map.of("id", "resources"),
                                                                Map.of("id", "groups")))));

        router.register(
                Route.get(RESOURCES)
                        .access(audit)
                        .params(ParamSpec.create().enumeration("type", true, "ct", "vm"))
                        .handler(
                                r ->
                                        ApiResult.of(
                                                ha.resources(r.param("type"), release.apply(r)))));
        router.register(
                Route.get(RESOURCES + "/{sid}")
                        .access(audit)
                        .params(sid(ParamSpec.create()))
                        .handler(r -> ApiResult.of(ha.resource(r.param("sid"), release.apply(r)))));
        router.register(
                Route.post(RESOURCES)
                        .access(console)
                        .params(resourceOptions(sid(ParamSpec.create())))
                        .handler(r -> done(() -> ha.createResource(r.params(), release.apply(r)))));
        router.register(
                Route.put(RESOURCES + "/{sid}")
                        .access(console)
                        .params(changes(resourceOptions(sid(ParamSpec.create()))))
                        .handler(
                                r ->
                                        done(
                                                () ->
                                                        ha.updateResource(
                                                                r.param("sid"),
                                                                r.params(),
                                                                release.apply(r)))));
        router.register(
                Route.delete(RESOURCES + "/{sid}")
                        .access(console)
                        .params(sid(ParamSpec.create()).bool("purge"))
                        .handler(
                                r ->
                                        done(
                                                () ->
                                                        ha.deleteResource(
                                                                r.param("sid"),
                                                                r.optionalFlag("purge"),
                                                                release.apply(r)))));
        for (String kind : List.of("migrate", "relocate")) {
            router.register(
                    Route.post(RESOURCES + "/{sid}/" + kind)
                            .access(console)
                            .params(sid(ParamSpec.create()).nodeName("node", false))
                            .handler(
                                    r ->
                                            done(
                                                    () ->
                                                            ha.queueMove(
                                                                    kind,
                                                                    r.param("sid"),
                                                                    r.param("node")))));
        }

        router.register(
                Route.get(GROUPS)
                        .access(audit)
                        .handler(r -> ApiResult.of(ha.groups(release.apply(r)))));
        router.register(
                Route.get(GROUPS + "/{group}")
                        .access(audit)
                        .params(ParamSpec.create().string("group", false))
                        .handler(r -> ApiResult.of(ha.group(groupId(r), release.apply(r)))));
        router.register(
                Route.post(GROUPS)
                        .access(console)
                        .params(groupOptions(false))
                        .handler(
                                r -> done(() -> ha.createGroup(withGroupId(r), release.apply(r)))));
        router.register(
                Route.put(GROUPS + "/{group}")
                        .access(console)
                        .params(changes(groupOptions(true)))
                        .handler(
                                r ->
                                        done(
                                                () ->
                                                        ha.updateGroup(
                                                                groupId(r),
                                                                r.params(),
                                                                release.apply(r)))));
        router.register(
                Route.delete(GROUPS + "/{group}")
                        .access(console)
                        .params(ParamSpec.create().string("group", false))
                        .handler(r -> done(() -> ha.deleteGroup(groupId(r), release.apply(r)))));

        // PVE 9: rules; a PVE 8 node has no such method
        router.register(
                Route.get(RULES)
                        .access(audit)
                        .params(
                                ParamSpec.create()
                                        .enumeration(
                                                "type", true, HaRule.TYPES.toArray(String[]::new))
                                        .string("resource", true))
                        .handler(
                                r ->
                                        pve9(
                                                cluster,
                                                r,
                                                () ->
                                                        ApiResult.of(
                                                                ha.rules(
                                                                        r.param("type"),
                                                                        r.param("resource"))))));
        router.register(
                Route.get(RULES + "/{rule}")
                        .access(audit)
                        .params(ParamSpec.create().string("rule", false))
                        .handler(r -> pve9(cluster, r, () -> ApiResult.of(ha.rule(ruleId(r))))));
        router.register(
                Route.post(RULES)
                        .access(console)
                        .params(ruleOptions(false))
                        .handler(
                                r ->
                                        pve9(
                                                cluster,
                                                r,
                                                () -> {
                                                    ruleId(r);
                                                    return done(() -> ha.createRule(r.params()));
                                                })));
        router.register(
                Route.put(RULES + "/{rule}")
                        .access(console)
                        .params(changes(ruleOptions(true)))
                        .handler(
                                r ->
                                        pve9(
                                                cluster,
                                                r,
                                                () ->
                                                        done(
                                                                () ->
                                                                        ha.updateRule(
                                                                                ruleId(r),
                                                                                r.params())))));
        router.register(
                Route.delete(RULES + "/{rule}")
                        .access(console)
                        .params(ParamSpec.create().string("rule", false))
                        .handler(
                                r -> pve9(cluster, r, () -> done(() -> ha.deleteRule(ruleId(r))))));

        router.register(
                Route.get("/cluster/ha/status")
                        .handler(
                                r ->
                                        ApiResult.of(
                                                List.of(
                                                        Map.of("name", "current"),
                                                        Map.of("name", "manager_status")))));
        router.register(
                Route.get("/cluster/ha/status/current")
                        .access(audit)
                        .handler(r -> ApiResult.of(ha.statusCurrent(r.localNode()))));
        router.register(
                Route.get("/cluster/ha/status/manager_status")
                        .access(audit)
                        .handler(r -> ApiResult.of(ha.managerStatus(r.localNode()))));
    }

    private static ParamSpec sid(ParamSpec spec) {
        return spec.add(
                "sid",
                new ParamSpec.Property(
                        VmConfigSchema.Type.STRING,
                        false,
                        null,
                        null,
                        null,
                        SID,
                        "ha resource id"));
    }

    private static ParamSpec resourceOptions(ParamSpec spec) {
        return spec.enumeration("type", true, "ct", "vm")
                .enumeration("state", true, "started", "stopped", "enabled", "disabled", "ignored")
                .string("group", true)
                .bool("failback")
                .integer("max_restart", true, 0L, null)
                .integer("max_relocate", true, 0L, null)
                .string("comment", true);
    }

    private static ParamSpec groupOptions(boolean update) {
        return ParamSpec.create()
                .string("group", false)
                .add(
                        "nodes",
                        new ParamSpec.Property(
                                VmConfigSchema.Type.STRING,
                                update,
                                null,
                                null,
                                null,
                                GROUP_NODES,
                                "ha group node"))
                .bool("restricted")
                .bool("nofailback")
                .string("comment", true)
                .enumeration("type", true, "group");
    }

    /**
     * {@code createSchema}/{@code updateSchema} of {@code PVE::HA::Rules}: every type's options;
     * which belong to the rule's type is checked by the handler.
     */
    private static ParamSpec ruleOptions(boolean update) {
        ParamSpec spec =
                ParamSpec.create()
                        .string("rule", false)
                        .add(
                                "resources",
                                new ParamSpec.Property(
                                        VmConfigSchema.Type.STRING,
                                        update,
                                        null,
                                        null,
                                        null,
                                        RESOURCE_LIST,
                                        "ha resource id list"))
                        .add(
                                "nodes",
                                new ParamSpec.Property(
                                        VmConfigSchema.Type.STRING,
                                        true,
                                        null,
                                        null,
                                        null,
                                        GROUP_NODES,
                                        "ha group node"))
                        .bool("strict")
                        .enumeration("affinity", true, "positive", "negative")
                        .bool("disable")
                        .string("comment", true);
        if (!update) {
            spec.enumeration("type", false, HaRule.TYPES.toArray(String[]::new));
        }
        return spec;
    }

    /** A route of PVE 9 only: a PVE 8 node answers 501 as for any unknown method. */
    private static ApiResult pve9(
            ClusterState cluster, ApiRequest request, Supplier<ApiResult> handler) {
        if (!cluster.releaseOf(request.localNode()).hasHaRules()) {
            throw PveRelease.notImplemented(request.method(), request.path());
        }
        return handler.get();
    }

    private static String ruleId(ApiRequest request) {
        String rule = request.param("rule");
        if (!CONFIG_ID.matcher(rule).matches()) {
            throw PveException.param(
                    "rule", "invalid format - invalid configuration ID '" + rule + "'");
        }
        return rule;
    }

    /** {@code delete} and {@code digest} of update methods. */
    private static ParamSpec changes(ParamSpec spec) {
        return spec.string("delete", true).string("digest", true);
    }

    /** The group id with PVE's {@code pve-configid} check. */
    private static String groupId(ApiRequest request) {
        return checkedGroupId(request.param("group"));
    }

    private static Map<String, String> withGroupId(ApiRequest request) {
        checkedGroupId(request.param("group"));
        return request.params();
    }

    private static String checkedGroupId(String group) {
        if (!CONFIG_ID.matcher(group).matches()) {
            throw PveException.param(
                    "group", "invalid format - invalid configuration ID '" + group + "'");
        }
        return group;
    }

    private static ApiResult done(Runnable change) {
        change.run();
        return ApiResult.empty();
    }
}
