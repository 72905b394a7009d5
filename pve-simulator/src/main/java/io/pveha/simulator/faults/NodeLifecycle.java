package io.pveha.simulator.faults;

/**
 * Clean shutdown, clean reboot and node maintenance, which {@link Faults} hands on. In PVE they are
 * the HA stack's business (the node's LRM stops, freezes or migrates its services by {@code
 * shutdown_policy}, then the daemons stop and the node powers off; maintenance is a CRM command),
 * so the simulator wires its {@code HaManager} in here. An interface, so that fault injection, a
 * core package, does not depend on the HA module.
 */
public interface NodeLifecycle {
    /** {@code shutdown -h now} on {@code node}. */
    void shutdown(String node);

    /** {@code reboot} on {@code node}: a clean shutdown, then the node boots again. */
    void reboot(String node);

    /** {@code ha-manager crm-command node-maintenance enable <node>}. */
    void enableMaintenance(String node);

    /** {@code ha-manager crm-command node-maintenance disable <node>}. */
    void disableMaintenance(String node);

    /** Forgets pending clean shutdowns ({@link Faults#reset()}). */
    void cancelShutdowns();
}
