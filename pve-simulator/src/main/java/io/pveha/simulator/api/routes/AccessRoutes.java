package io.pveha.simulator.api.routes;

import io.pveha.simulator.api.Access;
import io.pveha.simulator.api.ApiRequest;
import io.pveha.simulator.api.ApiResult;
import io.pveha.simulator.api.AuthInfo;
import io.pveha.simulator.api.AuthService;
import io.pveha.simulator.api.ParamSpec;
import io.pveha.simulator.api.Route;
import io.pveha.simulator.api.Router;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@code /access/ticket} (login and ticket renewal), {@code /access/domains} and {@code
 * /access/permissions}.
 */
public final class AccessRoutes {
    /**
     * Privileges of root@pam per area, as {@code compute_api_permission} reports them in {@code
     * cap}.
     */
    private static final Map<String, List<String>> ROOT_CAPABILITIES =
            Map.of(
                    "vms",
                            List.of(
                                    "VM.Allocate",
                                    "VM.Audit",
                                    "VM.Backup",
                                    "VM.Clone",
                                    "VM.Config.CDROM",
                                    "VM.Config.CPU",
                                    "VM.Config.Cloudinit",
                                    "VM.Config.Disk",
                                    "VM.Config.HWType",
                                    "VM.Config.Memory",
                                    "VM.Config.Network",
                                    "VM.Config.Options",
                                    "VM.Console",
                                    "VM.Migrate",
                                    "VM.Monitor",
                                    "VM.PowerMgmt",
                                    "VM.Snapshot",
                                    "VM.Snapshot.Rollback",
                                    "Permissions.Modify"),
                    "storage",
                            List.of(
                                    "Datastore.Allocate",
                                    "Datastore.AllocateSpace",
                                    "Datastore.AllocateTemplate",
                                    "Datastore.Audit",
                                    "Permissions.Modify"),
                    "nodes",
                            List.of(
                                    "Sys.Audit",
                                    "Sys.Console",
                                    "Sys.Incoming",
                                    "Sys.Modify",
                                    "Sys.PowerMgmt",
                                    "Sys.Syslog",
                                    "Permissions.Modify"),
                    "access", List.of("Group.Allocate", "User.Modify", "Permissions.Modify"),
                    "dc",
                            List.of(
                                    "SDN.Allocate",
                                    "SDN.Audit",
                                    "SDN.Use",
                                    "Sys.Audit",
                                    "Sys.Modify"),
                    "sdn", List.of("SDN.Allocate", "SDN.Audit", "SDN.Use", "Permissions.Modify"),
                    "mapping",
                            List.of(
                                    "Mapping.Audit",
                                    "Mapping.Modify",
                                    "Mapping.Use",
                                    "Permissions.Modify"));

    /**
     * Every privilege of PVE 8 (role {@code Administrator}: all privilege groups plus
     * Permissions.Modify).
     */
    private static final Set<String> ALL_PRIVILEGES =
            new TreeSet<>(
                    List.of(
                            "Datastore.Allocate",
                            "Datastore.AllocateSpace",
                            "Datastore.AllocateTemplate",
                            "Datastore.Audit",
                            "Group.Allocate",
                            "Mapping.Audit",
                            "Mapping.Modify",
                            "Mapping.Use",
                            "Permissions.Modify",
                            "Pool.Allocate",
                            "Pool.Audit",
                            "Realm.Allocate",
                            "Realm.AllocateUser",
                            "SDN.Allocate",
                            "SDN.Audit",
                            "SDN.Use",
                            "Sys.AccessNetwork",
                            "Sys.Audit",
                            "Sys.Console",
                            "Sys.Incoming",
                            "Sys.Modify",
                            "Sys.PowerMgmt",
                            "Sys.Syslog",
                            "User.Modify",
                            "VM.Allocate",
                            "VM.Audit",
                            "VM.Backup",
                            "VM.Clone",
                            "VM.Config.CDROM",
                            "VM.Config.CPU",
                            "VM.Config.Cloudinit",
                            "VM.Config.Disk",
                            "VM.Config.HWType",
                            "VM.Config.Memory",
                            "VM.Config.Network",
                            "VM.Config.Options",
                            "VM.Console",
                            "VM.Migrate",
                            "VM.Monitor",
                            "VM.PowerMgmt",
                            "VM.Snapshot",
                            "VM.Snapshot.Rollback"));

    /** The paths {@code get_effective_permissions} always reports (besides those named in ACLs). */
    private static final List<String> TOP_LEVEL_PATHS =
            List.of(
                    "/",
                    "/access",
                    "/access/groups",
                    "/nodes",
                    "/pool",
                    "/sdn",
                    "/storage",
                    "/vms");

    private final RouteContext ctx;

    private AccessRoutes(RouteContext ctx) {
        this.ctx = ctx;
    }

    public static void register(Router router, RouteContext ctx) {
        AccessRoutes routes = new AccessRoutes(ctx);
        router.register(Route.get("/access/ticket").anonymous().handler(r -> ApiResult.empty()));
        router.register(
                Route.post("/access/ticket")
                        .anonymous()
                        .noToken()
                        .params(
                                ParamSpec.create()
                                        .string("username", false)
                                        .string("password", false)
                                        .string("realm", true)
                                        .string("otp", true)
                                        .string("path", true)
                                        .string("privs", true)
                                        .bool("new-format")
                                        .string("tfa-challenge", true))
                        .handler(routes::createTicket));
        router.register(Route.get("/access/domains").anonymous().handler(r -> routes.domains()));
        router.register(
                Route.get("/access/permissions")
                        .params(ParamSpec.create().string("userid", true).string("path", true))
                        .handler(routes::permissions));
    }

    private ApiResult createTicket(ApiRequest request) {
        AuthService.Login login =
                ctx.auth()
                        .login(
                                request.param("username"),
                                request.param("realm"),
                                request.param("password"));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("username", login.username());
        data.put("ticket", login.ticket());
        data.put("CSRFPreventionToken", login.csrfToken());
        Map<String, Object> cap = new LinkedHashMap<>();
        ROOT_CAPABILITIES.forEach(
                (area, privileges) -> {
                    Map<String, Object> set = new LinkedHashMap<>();
                    privileges.forEach(p -> set.put(p, 1));
                    cap.put(area, set);
                });
        data.put("cap", cap);
        data.put("clustername", ctx.cluster().clusterName());
        return ApiResult.of(data);
    }

    /**
     * {@code GET /access/permissions}: path → privilege → 1 for the caller (or {@code userid}: the
     * caller's own tokens, anyone with Sys.Audit on /access). The simulator's ACLs are
     * path-independent: root@pam and unrestricted tokens hold every privilege everywhere, a
     * restricted token its set on every path.
     */
    private ApiResult permissions(ApiRequest request) {
        String self = request.auth().authId();
        String userid = request.has("userid") ? request.param("userid") : self;
        int bang = userid.indexOf('!');
        String owner = bang < 0 ? null : userid.substring(0, bang);
        if (!userid.equals(self) && !self.equals(owner)) {
            Access.require(request.auth(), "/access", "Sys.Audit");
        }
        Set<String> granted = privilegesOf(request.auth(), userid);
        Map<String, Object> result = new TreeMap<>();
        List<String> paths = request.has("path") ? List.of(request.param("path")) : TOP_LEVEL_PATHS;
        if (!granted.isEmpty()) {
            Map<String, Integer> privileges = new TreeMap<>();
            granted.forEach(p -> privileges.put(p, 1));
            paths.forEach(path -> result.put(path, privileges));
        }
        return ApiResult.of(result);
    }

    private Set<String> privilegesOf(AuthInfo caller, String userid) {
        Optional<AuthInfo> subject =
                userid.equals(caller.authId())
                        ? Optional.of(caller)
                        : userid.equals("root@pam")
                                ? Optional.of(new AuthInfo("root@pam", false, null))
                                : ctx.auth().tokens().find(userid);
        if (subject.isEmpty()) {
            // an unknown token, or a user the simulator does not know: no privileges
            return Set.of();
        }
        // as Access.has decides: root@pam and unrestricted tokens hold everything
        Set<String> privileges = subject.get().privileges();
        if (privileges == null || subject.get().authId().equals("root@pam")) {
            return ALL_PRIVILEGES;
        }
        return new TreeSet<>(privileges);
    }

    private ApiResult domains() {
        Map<String, Object> pam = new LinkedHashMap<>();
        pam.put("realm", "pam");
        pam.put("type", "pam");
        pam.put("comment", "Linux PAM standard authentication");
        Map<String, Object> pve = new LinkedHashMap<>();
        pve.put("realm", "pve");
        pve.put("type", "pve");
        pve.put("comment", "Proxmox VE authentication server");
        return ApiResult.of(List.of(pam, pve));
    }
}
