package io.pveha.simulator.spi;

import io.pveha.simulator.api.Router;
import io.pveha.simulator.clock.SimClock;
import io.pveha.simulator.model.ClusterState;
import io.pveha.simulator.ops.NodeControl;
import io.pveha.simulator.ops.OpsSupport;
import io.pveha.simulator.ops.Qemu;
import io.pveha.simulator.tasks.TaskEngine;

/**
 * What a {@link SimulatorModule} can extend: the API's method table, the cluster state (guard it
 * with its lock), the task engine, guest hooks ({@link OpsSupport#addHooks}), guest operations,
 * node events ({@link NodeControl#addListener}) and the clock.
 */
public record ModuleContext(
        Router router,
        ClusterState state,
        TaskEngine tasks,
        OpsSupport ops,
        Qemu qemu,
        NodeControl nodes,
        SimClock clock) {}
