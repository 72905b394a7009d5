package io.pveha.simulator.ops;

/**
 * Told when a node becomes reachable or unreachable (power, boot, network). The HTTP front end uses
 * it to close and reopen the node's API port; an HA layer can use it to start fencing.
 */
@FunctionalInterface
public interface NodeListener {
    /** Called after the change, without holding the state lock. */
    void onlineChanged(String node, boolean online);
}
