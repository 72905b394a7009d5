package io.pveha.simulator.api.routes;

import io.pveha.simulator.api.Access;
import io.pveha.simulator.api.ApiRequest;
import io.pveha.simulator.api.ApiResult;
import io.pveha.simulator.api.ParamSpec;
import io.pveha.simulator.api.Route;
import io.pveha.simulator.api.Router;
import io.pveha.simulator.model.PveException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The reads of {@code user.cfg}: users, their API tokens, groups, roles and ACLs. The simulator's
 * user database is {@code root@pam} plus the owner (realm {@code pve}, or the realm named) of every
 * API token it knows; there are no groups; roles are PVE 8's built-in ones, computed from the
 * privilege groups as {@code PVE::AccessControl::create_roles} computes them. ACLs: a user owning
 * an unrestricted token has {@code Administrator} on {@code /} (that is what the simulator grants
 * it); restricted tokens' sets have no role to show and are left out. Reference: pve-access-control
 * {@code src/PVE/API2/User.pm}, {@code Group.pm}, {@code Role.pm}, {@code ACL.pm}, {@code
 * AccessControl.pm}.
 */
public final class AccessConfigRoutes {
    private static final String USERID = "^[^\\s:/]+@[A-Za-z][A-Za-z0-9.\\-_]+$";
    private static final String TOKEN_SUBID = "^[A-Za-z][A-Za-z0-9.\\-_]+$";

    /** {@code $privgroups} of AccessControl.pm (PVE 8): category → root, admin, user, audit. */
    private static final Map<String, List<List<String>>> PRIVGROUPS = new LinkedHashMap<>();

    static {
        PRIVGROUPS.put(
                "VM",
                List.of(
                        List.of(),
                        List.of(
                                "VM.Config.Disk",
                                "VM.Config.CPU",
                                "VM.Config.Memory",
                                "VM.Config.Network",
                                "VM.Config.HWType",
                                "VM.Config.Options",
                                "VM.Allocate",
                                "VM.Clone",
                                "VM.Migrate",
                                "VM.Monitor",
                                "VM.Snapshot",
                                "VM.Snapshot.Rollback"),
                        List.of(
                                "VM.Config.CDROM",
                                "VM.Config.Cloudinit",
                                "VM.Console",
                                "VM.Backup",
                                "VM.PowerMgmt"),
                        List.of("VM.Audit")));
        PRIVGROUPS.put(
                "Sys",
                List.of(
                        List.of("Sys.PowerMgmt", "Sys.Modify", "Sys.Incoming", "Sys.AccessNetwork"),
                        List.of("Sys.Console", "Sys.Syslog"),
                        List.of(),
                        List.of("Sys.Audit")));
        PRIVGROUPS.put(
                "Datastore",
                List.of(
                        List.of(),
                        List.of("Datastore.Allocate", "Datastore.AllocateTemplate"),
                        List.of("Datastore.AllocateSpace"),
                        List.of("Datastore.Audit")));
        PRIVGROUPS.put(
                "SDN",
                List.of(
                        List.of(),
                        List.of("SDN.Allocate", "SDN.Audit"),
                        List.of("SDN.Use"),
                        List.of("SDN.Audit")));
        PRIVGROUPS.put(
                "User",
                List.of(
                        List.of("Realm.Allocate"),
                        List.of("User.Modify", "Group.Allocate", "Realm.AllocateUser"),
                        List.of(),
                        List.of()));
        PRIVGROUPS.put(
                "Pool",
                List.of(
                        List.of(),
                        List.of("Pool.Allocate"),
                        List.of("Pool.Audit"),
                        List.of("Pool.Audit")));
        PRIVGROUPS.put(
                "Mapping",
                List.of(
                        List.of(),
                        List.of("Mapping.Modify"),
                        List.of("Mapping.Use"),
                        List.of("Mapping.Audit")));
    }

    /** Built-in roles: name → privileges (sorted). */
    static final SortedMap<String, TreeSet<String>> ROLES = builtinRoles();

    private final RouteContext ctx;

    private AccessConfigRoutes(RouteContext ctx) {
        this.ctx = ctx;
    }

    private static SortedMap<String, TreeSet<String>> builtinRoles() {
        SortedMap<String, TreeSet<String>> roles = new TreeMap<>();
        TreeSet<String> all = new TreeSet<>(List.of("Permissions.Modify"));
        roles.put("NoAccess", new TreeSet<>());
        PRIVGROUPS.forEach(
                (category, groups) -> {
                    groups.forEach(all::addAll);
                    List<String> admin = new ArrayList<>(groups.get(1));
                    admin.addAll(groups.get(2));
                    admin.addAll(groups.get(3));
                    roles.computeIfAbsent("PVE" + category + "Admin", k -> new TreeSet<>())
                            .addAll(admin);
                    roles.computeIfAbsent("PVEAdmin", k -> new TreeSet<>()).addAll(admin);
                    if (!groups.get(2).isEmpty()) {
                        TreeSet<String> user =
                                roles.computeIfAbsent(
                                        "PVE" + category + "User", k -> new TreeSet<>());
                        user.addAll(groups.get(2));
                        user.addAll(groups.get(3));
                    }
                    roles.computeIfAbsent("PVEAuditor", k -> new TreeSet<>()).addAll(groups.get(3));
                });
        roles.get("PVEAdmin").remove("Mapping.Modify");
        roles.put("PVETemplateUser", new TreeSet<>(List.of("VM.Audit", "VM.Clone")));
        roles.put("Administrator", all);
        return roles;
    }

    public static void register(Router router, RouteContext ctx) {
        AccessConfigRoutes routes = new AccessConfigRoutes(ctx);
        router.register(
                Route.get("/access")
                        .handler(
                                r ->
                                        ApiResult.of(
                                                DatacenterRoutes.subdirs(
                                                        "users",
                                                        "groups",
                                                        "roles",
                                                        "acl",
                                                        "domains",
                                                        "openid",
                                                        "tfa",
                                                        "ticket",
                                                        "password"))));
        router.register(
                Route.get("/access/users")
                        .params(ParamSpec.create().bool("enabled").bool("full"))
                        .handler(routes::users));
        ParamSpec user = ParamSpec.create().pattern("userid", false, USERID);
        router.register(Route.get("/access/users/{userid}").params(user).handler(routes::user));
        router.register(
                Route.get("/access/users/{userid}/token")
                        .params(user)
                        .handler(r -> ApiResult.of(routes.tokensOf(routes.requireUser(r)))));
        router.register(
                Route.get("/access/users/{userid}/token/{tokenid}")
                        .params(
                                ParamSpec.create()
                                        .pattern("userid", false, USERID)
                                        .pattern("tokenid", false, TOKEN_SUBID))
                        .handler(routes::token));
        router.register(Route.get("/access/groups").handler(r -> ApiResult.of(List.of())));
        router.register(
                Route.get("/access/groups/{groupid}")
                        .params(ParamSpec.create().pattern("groupid", false, "^[A-Za-z0-9.\\-_]+$"))
                        .access(
                                Access.permAny(
                                        "/access/groups/{groupid}", "Sys.Audit", "Group.Allocate"))
                        .handler(
                                r -> {
                                    throw PveException.internal(
                                            "group '" + r.param("groupid") + "' does not exist");
                                }));
        router.register(Route.get("/access/roles").handler(r -> ApiResult.of(roles())));
        router.register(
                Route.get("/access/roles/{roleid}")
                        .params(ParamSpec.create().pattern("roleid", false, "^[A-Za-z0-9.\\-_]+$"))
                        .handler(AccessConfigRoutes::role));
        router.register(
                Route.get("/access/acl")
                        .access(Access.permAny("/access", "Sys.Audit", "Permissions.Modify"))
                        .handler(routes::acl));
    }

    private static List<Map<String, Object>> roles() {
        List<Map<String, Object>> result = new ArrayList<>();
        ROLES.forEach(
                (role, privileges) -> {
                    Map<String, Object> entry = new LinkedHashMap<>();
                    entry.put("roleid", role);
                    entry.put("privs", String.join(",", privileges));
                    entry.put("special", 1);
                    result.add(entry);
                });
        return result;
    }

    private static ApiResult role(ApiRequest request) {
        TreeSet<String> privileges = ROLES.get(request.param("roleid"));
        if (privileges == null) {
            throw PveException.internal("role '" + request.param("roleid") + "' does not exist");
        }
        Map<String, Object> result = new TreeMap<>();
        privileges.forEach(p -> result.put(p, 1));
        return ApiResult.of(result);
    }

    /** user → its tokens (id → restricted), root@pam first known even without a token. */
    private SortedMap<String, SortedMap<String, Boolean>> userDatabase() {
        SortedMap<String, SortedMap<String, Boolean>> users = new TreeMap<>();
        users.put("root@pam", new TreeMap<>());
        ctx.auth()
                .tokens()
                .restrictedById()
                .forEach(
                        (id, restricted) -> {
                            int bang = id.indexOf('!');
                            users.computeIfAbsent(id.substring(0, bang), k -> new TreeMap<>())
                                    .put(id.substring(bang + 1), restricted);
                        });
        return users;
    }

    private ApiResult users(ApiRequest request) {
        boolean full = request.flag("full");
        Boolean enabled = request.optionalFlag("enabled");
        boolean all =
                Access.has(request.auth(), "User.Modify")
                        || Access.has(request.auth(), "Sys.Audit");
        List<Map<String, Object>> result = new ArrayList<>();
        userDatabase()
                .forEach(
                        (userid, tokens) -> {
                            if (!all && !userid.equals(request.auth().user())) {
                                return;
                            }
                            if (Boolean.FALSE.equals(enabled)) {
                                return; // every user is enabled
                            }
                            Map<String, Object> entry = userEntry(tokens, full);
                            if (full) {
                                // the index joins the group list into a string
                                entry.put("groups", "");
                            }
                            String realm = userid.substring(userid.indexOf('@') + 1);
                            if (realm.equals("pam") || realm.equals("pve")) {
                                entry.put("realm-type", realm);
                            }
                            entry.put("userid", userid);
                            result.add(entry);
                        });
        return ApiResult.of(result);
    }

    private Map<String, Object> userEntry(SortedMap<String, Boolean> tokens, boolean full) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("enable", 1);
        entry.put("expire", 0);
        if (full) {
            entry.put("groups", List.of());
            entry.put("tokens", tokenInfos(tokens));
        }
        return entry;
    }

    private static List<Map<String, Object>> tokenInfos(SortedMap<String, Boolean> tokens) {
        List<Map<String, Object>> infos = new ArrayList<>();
        tokens.forEach(
                (name, restricted) -> {
                    Map<String, Object> info = new LinkedHashMap<>();
                    info.put("tokenid", name);
                    info.put("expire", 0);
                    info.put("privsep", restricted ? 1 : 0);
                    infos.add(info);
                });
        return infos;
    }

    private String requireUser(ApiRequest request) {
        String userid = request.param("userid");
        if (!userid.equals(request.auth().user())) {
            Access.requireAny(
                    request.auth(), "/access/users/" + userid, "User.Modify", "Sys.Audit");
        }
        if (!userDatabase().containsKey(userid)) {
            throw PveException.internal("no such user ('" + userid + "')");
        }
        return userid;
    }

    private ApiResult user(ApiRequest request) {
        String userid = requireUser(request);
        return ApiResult.of(userEntry(userDatabase().get(userid), true));
    }

    private List<Map<String, Object>> tokensOf(String userid) {
        return tokenInfos(userDatabase().get(userid));
    }

    private ApiResult token(ApiRequest request) {
        String userid = requireUser(request);
        Boolean restricted = userDatabase().get(userid).get(request.param("tokenid"));
        if (restricted == null) {
            throw PveException.internal(
                    "no such token '" + request.param("tokenid") + "' for user '" + userid + "'");
        }
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("expire", 0);
        info.put("privsep", restricted ? 1 : 0);
        return ApiResult.of(info);
    }

    private ApiResult acl(ApiRequest request) {
        List<Map<String, Object>> result = new ArrayList<>();
        userDatabase()
                .forEach(
                        (userid, tokens) -> {
                            if (userid.equals("root@pam") || !tokens.containsValue(false)) {
                                return;
                            }
                            Map<String, Object> entry = new LinkedHashMap<>();
                            entry.put("path", "/");
                            entry.put("type", "user");
                            entry.put("ugid", userid);
                            entry.put("roleid", "Administrator");
                            entry.put("propagate", 1);
                            result.add(entry);
                        });
        return ApiResult.of(result);
    }
}
