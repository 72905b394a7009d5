package io.pveha.reconciler.cluster;

import io.pveha.cluster.ClusterConnection;
import io.pveha.cluster.ClusterKey;
import io.pveha.cluster.PollOutcome;
import io.pveha.pve.model.HaGroup;
import io.pveha.reconciler.cluster.ClusterSettingsResolver.SecretKey;
import io.pveha.reconciler.cluster.ClusterSettingsResolver.SecretValue;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the observer found for one ProxmoxCluster: everything the planner decides from.
 *
 * @param connection the cluster's connection, if there is one yet
 * @param outcome its latest poll (facts kept through failures); {@link PollOutcome#NONE} before the
 *     first
 * @param secrets each Secret key the spec refers to, as the informer cache has it
 * @param lastHaGroupCheck when this operator last read the HA groups, if it did since it started
 * @param haGroups PVE's HA groups: read only when the plan asks for them
 */
record ProxmoxClusterFacts(
        ClusterKey key,
        ClusterConnection connection,
        PollOutcome outcome,
        Map<SecretKey, SecretValue> secrets,
        Optional<Instant> lastHaGroupCheck,
        Optional<List<HaGroup>> haGroups) {

    ProxmoxClusterFacts withHaGroups(List<HaGroup> groups) {
        return new ProxmoxClusterFacts(
                key,
                connection,
                outcome,
                secrets,
                lastHaGroupCheck,
                Optional.of(List.copyOf(groups)));
    }
}
