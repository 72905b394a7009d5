package io.pveha.reconciler.cluster;

import io.pveha.cluster.ClusterConnection;
import io.pveha.cluster.ClusterConnections;
import io.pveha.cluster.ClusterKey;
import io.pveha.pve.PveApiException;
import io.pveha.reconciler.placement.PlacementRules;
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
        keepOther(key, plan.other());
        if (plan.connect().isEmpty()) {
            return Optional.empty();
        }
        ClusterConnection connection = connections.ensure(key, plan.connect().get());
        Optional<HaGroupSync.Outcome> outcome =
                plan.haGroups()
                        .map(groups -> apply(connection, groups))
                        .or(() -> plan.haRules().map(rules -> apply(connection, rules)));
        return outcome.map(o -> withProblems(o, plan.placementProblems()));
    }

    /**
     * Every planned rule change, in order; one PVE refuses does not stop the others (an infeasible
     * rule must not hold up the rest). Refusals are reported together.
     */
    private static HaGroupSync.Outcome apply(
            ClusterConnection connection, PlacementRules.Plan plan) {
        List<String> done = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        boolean notMigrated = false;
        for (PlacementRules.Action action : plan.actions()) {
            try {
                if (action instanceof PlacementRules.CreateRule create) {
                    connection.vms().createHaRule(create.params());
                } else if (action instanceof PlacementRules.UpdateRule update) {
                    connection.vms().updateHaRule(update.rule(), update.params());
                } else {
                    connection.vms().deleteHaRule(action.rule());
                }
                LOG.info("HA rule {}", action.done());
                done.add(action.done());
            } catch (PveApiException e) {
                LOG.warn("PVE refused or failed: {}", e.describe());
                notMigrated |= PveApiException.groupsNotYetMigrated(e);
                failed.add(action.rule() + ": " + e.describe());
            }
        }
        if (notMigrated) {
            return new HaGroupSync.Outcome(
                    false,
                    ProxmoxClusterReason.WaitingForGroupMigration,
                    "PVE has not migrated the HA groups to rules yet (it does once every node runs"
                            + " PVE 9 and is online); the groups stay in effect");
        }
        if (!failed.isEmpty()) {
            return new HaGroupSync.Outcome(
                    false,
                    ProxmoxClusterReason.HaRuleSyncFailed,
                    "PVE refused " + String.join("; ", failed));
        }
        if (!plan.foreign().isEmpty()) {
            return new HaGroupSync.Outcome(
                    false,
                    ProxmoxClusterReason.HaRuleNotOwned,
                    "HA rule(s) "
                            + String.join(", ", plan.foreign())
                            + " exist in PVE and were not created by this ProxmoxCluster; they are"
                            + " left as they are");
        }
        String summary =
                plan.desired().isEmpty()
                        ? "no HA rules needed"
                        : plan.desired().size() + " HA rule(s) in sync";
        return new HaGroupSync.Outcome(
                true,
                ProxmoxClusterReason.HaRulesInSync,
                done.isEmpty() ? summary : summary + " (" + String.join(", ", done) + ")");
    }

    /** A spec problem outweighs an otherwise good sync. */
    private static HaGroupSync.Outcome withProblems(
            HaGroupSync.Outcome outcome, List<String> problems) {
        if (problems.isEmpty() || !outcome.inSync()) {
            return outcome;
        }
        return new HaGroupSync.Outcome(
                false, ProxmoxClusterReason.PlacementPolicyInvalid, String.join("; ", problems));
    }

    /** Stops polling and forgets the cluster: its spec is invalid, or it was deleted. */
    void disconnect(ClusterKey key) {
        connections.remove(key);
        keepOther(key, Optional.empty());
    }

    /**
     * Keeps the connection to the other cluster (disaster recovery) on its settings, under {@code
     * key.other(role)}, and none under the other role; without one, none at all. Settings that do
     * not resolve keep a connection made from earlier ones.
     */
    private void keepOther(ClusterKey key, Optional<ProxmoxClusterPlanner.OtherConnection> other) {
        for (String role : List.of("standby", "primary")) {
            boolean wanted = other.isPresent() && other.get().role().equals(role);
            if (!wanted) {
                connections.remove(key.other(role));
            } else if (other.get().settings() != null) {
                connections.ensure(key.other(role), other.get().settings());
            }
        }
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
            if (PveApiException.groupsMigrated(e)) {
                // PVE 9 migrated the groups: read the version at the next poll, then switch to
                // rules
                connection.refreshVersion();
            }
            return HaGroupSync.failed(e.describe());
        }
        return HaGroupSync.outcome(plan, done);
    }
}
