package io.pveha.simulator.api.routes;

import io.pveha.simulator.api.Access;
import io.pveha.simulator.api.ApiRequest;
import io.pveha.simulator.api.ApiResult;
import io.pveha.simulator.api.ParamSpec;
import io.pveha.simulator.api.Route;
import io.pveha.simulator.api.Router;
import io.pveha.simulator.model.PveException;
import java.util.List;

/**
 * {@code /nodes/{node}/lxc}: the simulator has no containers, so a node answers as a PVE node
 * without any: an empty list, and for a container's own paths the error {@code
 * PVE::LXC::Config->load_config} raises for a VMID without {@code nodes/<node>/lxc/<vmid>.conf}
 * (also for the VMID of a QEMU guest). Reference: pve-container {@code src/PVE/API2/LXC.pm}, {@code
 * LXC/Status.pm}, {@code LXC/Snapshot.pm}, {@code LXC/Config.pm}.
 */
public final class LxcRoutes {
    private static final String CT = "/nodes/{node}/lxc/{vmid}";

    private LxcRoutes() {}

    public static void register(Router router) {
        router.register(
                Route.get("/nodes/{node}/lxc")
                        .proxied()
                        .params(ParamSpec.create().node())
                        .handler(r -> ApiResult.of(List.of())));
        ParamSpec ct = ParamSpec.create().node().vmid();
        Access audit = Access.perm("/vms/{vmid}", "VM.Audit");
        for (String path :
                List.of(
                        CT,
                        CT + "/status",
                        CT + "/status/current",
                        CT + "/pending",
                        CT + "/snapshot",
                        CT + "/firewall/options",
                        CT + "/firewall/rules")) {
            router.register(
                    Route.get(path).proxied().params(ct).access(audit).handler(LxcRoutes::missing));
        }
        router.register(
                Route.get(CT + "/config")
                        .proxied()
                        .params(
                                ParamSpec.create()
                                        .node()
                                        .vmid()
                                        .bool("current")
                                        .string("snapshot", true))
                        .access(audit)
                        .handler(LxcRoutes::missing));
    }

    private static ApiResult missing(ApiRequest request) {
        throw PveException.internal(
                "Configuration file 'nodes/"
                        + request.executedOn()
                        + "/lxc/"
                        + request.vmid()
                        + ".conf' does not exist");
    }
}
