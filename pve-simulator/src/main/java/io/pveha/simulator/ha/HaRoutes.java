package io.pveha.simulator.ha;

import io.pveha.simulator.api.Access;
import io.pveha.simulator.api.ApiRequest;
import io.pveha.simulator.api.ApiResult;
import io.pveha.simulator.api.ParamSpec;
import io.pveha.simulator.api.Route;
import io.pveha.simulator.api.Router;
import io.pveha.simulator.model.PveException;
import io.pveha.simulator.model.VmConfigSchema;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code /cluster/ha/...}: HA resources and groups (CRUD with {@code digest}), status, and the
 * {@code migrate}/{@code relocate} requests, with pve-ha-manager's parameter schemas and
 * permissions ({@code Sys.Audit} to read, {@code Sys.Console} to change, both on {@code /}).
 */
public final class HaRoutes {
    private static final String RESOURCES = "/cluster/ha/resources";
    private static final String GROUPS = "/cluster/ha/groups";

    /** {@code pve-ha-resource-or-vm-id}. */
    private static final Pattern SID = Pattern.compile("^([a-z]+:\\S+|\\d+)$");

    private static final String GROUP_NODE = "[a-zA-Z0-9]([a-zA-Z0-9\\-]*[a-zA-Z0-9])?(:\\d+)?";

    /**
     * {@code pve-ha-group-node-list}: {@code node[:priority]} separated by commas, semicolons or
     * spaces.
     */
    private static final Pattern GROUP_NODES =
            Pattern.compile("^[\\s,;]*" + GROUP_NODE + "([\\s,;]+" + GROUP_NODE + ")*[\\s,;]*$");

    /** {@code pve-configid}. */
    private static final Pattern CONFIG_ID =
            Pattern.compile("^[a-z][a-z0-9_\\-]+$", Pattern.CASE_INSENSITIVE);

    private HaRoutes() {}

    public static void register(Router router, HaApi ha) {
        Access audit = Access.perm("/", "Sys.Audit");
        Access console = Access.perm("/", "Sys.Console");
        router.register(
                Route.get("/cluster/ha")
                        .handler(
                                r ->
                                        ApiResult.of(
                                                List.of(
                                                        Map.of("id", "status"),
                                                        Map.of("id", "resources"),
                                                        Map.of("id", "groups")))));

        router.register(
                Route.get(RESOURCES)
                        .access(audit)
                        .params(ParamSpec.create().enumeration("type", true, "ct", "vm"))
                        .handler(r -> ApiResult.of(ha.resources(r.param("type")))));
        router.register(
                Route.get(RESOURCES + "/{sid}")
                        .access(audit)
                        .params(sid(ParamSpec.create()))
                        .handler(r -> ApiResult.of(ha.resource(r.param("sid")))));
        router.register(
                Route.post(RESOURCES)
                        .access(console)
                        .params(resourceOptions(sid(ParamSpec.create())))
                        .handler(r -> done(() -> ha.createResource(r.params()))));
        router.register(
                Route.put(RESOURCES + "/{sid}")
                        .access(console)
                        .params(changes(resourceOptions(sid(ParamSpec.create()))))
                        .handler(r -> done(() -> ha.updateResource(r.param("sid"), r.params()))));
        router.register(
                Route.delete(RESOURCES + "/{sid}")
                        .access(console)
                        .params(sid(ParamSpec.create()))
                        .handler(r -> done(() -> ha.deleteResource(r.param("sid")))));
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

        router.register(Route.get(GROUPS).access(audit).handler(r -> ApiResult.of(ha.groups())));
        router.register(
                Route.get(GROUPS + "/{group}")
                        .access(audit)
                        .params(ParamSpec.create().string("group", false))
                        .handler(r -> ApiResult.of(ha.group(groupId(r)))));
        router.register(
                Route.post(GROUPS)
                        .access(console)
                        .params(groupOptions(false))
                        .handler(r -> done(() -> ha.createGroup(withGroupId(r)))));
        router.register(
                Route.put(GROUPS + "/{group}")
                        .access(console)
                        .params(changes(groupOptions(true)))
                        .handler(r -> done(() -> ha.updateGroup(groupId(r), r.params()))));
        router.register(
                Route.delete(GROUPS + "/{group}")
                        .access(console)
                        .params(ParamSpec.create().string("group", false))
                        .handler(r -> done(() -> ha.deleteGroup(groupId(r)))));

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
