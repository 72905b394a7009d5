package io.pveha.simulator.api.routes;

import io.pveha.simulator.api.AuthService;
import io.pveha.simulator.api.TlsMaterial;
import io.pveha.simulator.clock.SimClock;
import io.pveha.simulator.model.ClusterState;
import io.pveha.simulator.ops.OpsSupport;
import io.pveha.simulator.ops.Qemu;
import io.pveha.simulator.tasks.TaskEngine;

/** What the API routes work with. */
public record RouteContext(
        ClusterState cluster,
        TaskEngine tasks,
        Qemu qemu,
        OpsSupport ops,
        SimClock clock,
        AuthService auth,
        TlsMaterial tls) {}
