package io.pveha.reconciler.cluster;

import io.pveha.cluster.ClusterConnection;
import io.pveha.cluster.ClusterConnections;
import io.pveha.cluster.ClusterKey;
import io.pveha.pve.PveApiException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out a ProxmoxCluster plan: keeps the connection on the planned settings (a change of
 * settings, e.g. a rotated token, replaces the client and polls at once) and makes the planned HA
 * group changes, in order, stopping at the first PVE refuses.
 */
final class ProxmoxClusterExecutor {
    private static final Logger LOG = LoggerFactory.getLogger(ProxmoxClusterExecutor.class);

    private final ClusterConnections connections;

    ProxmoxClusterExecutor(ClusterConnections connections) {
        this.connections = connections;
    }

    /**
     * @return what the HA group changes came to, when the plan had any to check
     */
    Optional<HaGroupSync.Outcome> act(ClusterKey key, ProxmoxClusterPlanner.Plan plan) {
        if (plan.connect().isEmpty()) {
            return Optional.empty();
        }
        ClusterConnection connection = connections.ensure(key, plan.connect().get());
        return plan.haGroups().map(groups -> apply(connection, groups));
    }

    /** Stops polling and forgets the cluster: its spec is invalid, or it was deleted. */
    void disconnect(ClusterKey key) {
        connections.remove(key);
    }

    private static HaGroupSync.Outcome apply(ClusterConnection connection, HaGroupSync.Plan plan) {
        List<HaGroupSync.Action> done = new ArrayList<>();
        try {
            for (HaGroupSync.Action action : plan.actions()) {
                if (action instanceof HaGroupSync.CreateGroup create) {
                    connection.vms().createHaGroup(create.params());
                } else if (action instanceof HaGroupSync.UpdateGroup update) {
                    connection.vms().updateHaGroup(update.group(), update.params());
                } else {
                    connection.vms().deleteHaGroup(action.group());
                }
                LOG.info("HA group {}", action.done());
                done.add(action);
            }
        } catch (PveApiException e) {
            LOG.warn("PVE refused or failed: {}", e.describe());
            return HaGroupSync.failed(e.describe());
        }
        return HaGroupSync.outcome(plan, done);
    }
}
