package io.pveha.reconciler.cluster;

import io.pveha.api.vm.HaVm;
import io.pveha.cluster.ClusterConnection;
import io.pveha.cluster.ClusterKey;
import io.pveha.cluster.PollOutcome;
import io.pveha.pve.model.HaGroup;
import io.pveha.pve.model.HaRule;
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
 * @param haGroups PVE's HA groups: read only when the plan asks for them (PVE 8)
 * @param haVms the HaVms of this cluster, from the informer cache (their placement, on PVE 9)
 * @param haRules PVE's HA rules: read only when the plan asks for them (PVE 9)
 * @param lastPlacementKey what the rules were last checked against (the desired rules), if they
 *     were since the operator started
 */
record ProxmoxClusterFacts(
        ClusterKey key,
        ClusterConnection connection,
        PollOutcome outcome,
        Map<SecretKey, SecretValue> secrets,
        Optional<Instant> lastHaGroupCheck,
        Optional<List<HaGroup>> haGroups,
        List<HaVm> haVms,
        Optional<List<HaRule>> haRules,
        Optional<String> lastPlacementKey) {

    ProxmoxClusterFacts(
            ClusterKey key,
            ClusterConnection connection,
            PollOutcome outcome,
            Map<SecretKey, SecretValue> secrets,
            Optional<Instant> lastHaGroupCheck,
            Optional<List<HaGroup>> haGroups) {
        this(
                key,
                connection,
                outcome,
                secrets,
                lastHaGroupCheck,
                haGroups,
                List.of(),
                Optional.empty(),
                Optional.empty());
    }

    ProxmoxClusterFacts withHaGroups(List<HaGroup> groups) {
        return new ProxmoxClusterFacts(
                key,
                connection,
                outcome,
                secrets,
                lastHaGroupCheck,
                Optional.of(List.copyOf(groups)),
                haVms,
                haRules,
                lastPlacementKey);
    }

    ProxmoxClusterFacts withHaRules(List<HaRule> rules) {
        return new ProxmoxClusterFacts(
                key,
                connection,
                outcome,
                secrets,
                lastHaGroupCheck,
                haGroups,
                haVms,
                Optional.of(List.copyOf(rules)),
                lastPlacementKey);
    }

    ProxmoxClusterFacts withHaVms(List<HaVm> vms, Optional<String> placementKey) {
        return new ProxmoxClusterFacts(
                key,
                connection,
                outcome,
                secrets,
                lastHaGroupCheck,
                haGroups,
                List.copyOf(vms),
                haRules,
                placementKey);
    }
}
