package io.pveha.simulator.spi;

/**
 * An add-on to the simulated cluster (e.g. the HA manager, Ceph, backups). Installed when the
 * simulator is built: it registers API routes, guest hooks and node listeners through the {@link
 * ModuleContext}.
 */
@FunctionalInterface
public interface SimulatorModule {
    void install(ModuleContext context);
}
