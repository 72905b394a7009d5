package io.pveha.simulator.api.routes;

import io.pveha.simulator.api.ApiRequest;
import io.pveha.simulator.api.ApiResult;
import io.pveha.simulator.api.AuthService;
import io.pveha.simulator.api.ParamSpec;
import io.pveha.simulator.api.Route;
import io.pveha.simulator.api.Router;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code /access/ticket} (login and ticket renewal) and {@code /access/domains}. */
public final class AccessRoutes {
    /** Privileges of root@pam per area, as {@code compute_api_permission} reports them in {@code cap}. */
    private static final Map<String, List<String>> ROOT_CAPABILITIES = Map.of(
            "vms", List.of("VM.Allocate", "VM.Audit", "VM.Backup", "VM.Clone", "VM.Config.CDROM", "VM.Config.CPU",
                    "VM.Config.Cloudinit", "VM.Config.Disk", "VM.Config.HWType", "VM.Config.Memory",
                    "VM.Config.Network", "VM.Config.Options", "VM.Console", "VM.Migrate", "VM.Monitor",
                    "VM.PowerMgmt", "VM.Snapshot", "VM.Snapshot.Rollback", "Permissions.Modify"),
            "storage", List.of("Datastore.Allocate", "Datastore.AllocateSpace", "Datastore.AllocateTemplate",
                    "Datastore.Audit", "Permissions.Modify"),
            "nodes", List.of("Sys.Audit", "Sys.Console", "Sys.Incoming", "Sys.Modify", "Sys.PowerMgmt", "Sys.Syslog",
                    "Permissions.Modify"),
            "access", List.of("Group.Allocate", "User.Modify", "Permissions.Modify"),
            "dc", List.of("SDN.Allocate", "SDN.Audit", "SDN.Use", "Sys.Audit", "Sys.Modify"),
            "sdn", List.of("SDN.Allocate", "SDN.Audit", "SDN.Use", "Permissions.Modify"),
            "mapping", List.of("Mapping.Audit", "Mapping.Modify", "Mapping.Use", "Permissions.Modify"));

    private final RouteContext ctx;

    private AccessRoutes(RouteContext ctx) {
        this.ctx = ctx;
    }

    public static void register(Router router, RouteContext ctx) {
        AccessRoutes routes = new AccessRoutes(ctx);
        router.register(Route.get("/access/ticket").anonymous().handler(r -> ApiResult.empty()));
        router.register(Route.post("/access/ticket").anonymous().noToken()
                .params(ParamSpec.create()
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
    }

    private ApiResult createTicket(ApiRequest request) {
        AuthService.Login login = ctx.auth().login(request.param("username"), request.param("realm"),
                request.param("password"));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("username", login.username());
        data.put("ticket", login.ticket());
        data.put("CSRFPreventionToken", login.csrfToken());
        Map<String, Object> cap = new LinkedHashMap<>();
        ROOT_CAPABILITIES.forEach((area, privileges) -> {
            Map<String, Object> set = new LinkedHashMap<>();
            privileges.forEach(p -> set.put(p, 1));
            cap.put(area, set);
        });
        data.put("cap", cap);
        data.put("clustername", ctx.cluster().clusterName());
        return ApiResult.of(data);
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
