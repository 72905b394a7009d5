package io.pveha.reconciler.cluster;

import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.pveha.api.cluster.ProxmoxCluster;
import io.pveha.cluster.ClusterConnection;
import io.pveha.cluster.ClusterConnections;
import io.pveha.cluster.ClusterKey;
import io.pveha.cluster.PollOutcome;
import io.pveha.pve.PveApiException;
import io.pveha.pve.model.HaGroup;
import io.pveha.pve.model.HaRule;
import io.pveha.reconciler.CommonReason;
import io.pveha.reconciler.Reasons;
import io.pveha.reconciler.Secrets;
import io.pveha.reconciler.cluster.ClusterSettingsResolver.SecretKey;
import io.pveha.reconciler.cluster.ClusterSettingsResolver.SecretValue;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Reads what a ProxmoxCluster's plan needs, without changing anything: the connection's latest poll
 * (the poller observes PVE; this reads its outcome), the Secret keys the spec refers to from the
 * informer cache of Secrets (registered with the Redactor as they are read), and, only when the
 * plan asks, the HA groups (one call).
 */
final class ProxmoxClusterObserver {
    private final ClusterConnections connections;
    private final Function<ResourceID, Optional<Secret>> secrets;

    /**
     * When each cluster's HA groups were last read (by UID): a restart reads them once more, which
     * is cheap.
     */
    private final Map<String, Instant> haGroupChecks = new ConcurrentHashMap<>();

    private final Map<String, String> placementKeys = new ConcurrentHashMap<>();

    /**
     * @param secrets the informer cache of Secrets
     */
    ProxmoxClusterObserver(
            ClusterConnections connections, Function<ResourceID, Optional<Secret>> secrets) {
        this.connections = connections;
        this.secrets = secrets;
    }

    ProxmoxClusterFacts observe(ProxmoxCluster cluster) {
        ClusterKey key = ClusterKey.of(cluster);
        ClusterConnection connection = connections.get(key).orElse(null);
        PollOutcome outcome = connection == null ? PollOutcome.NONE : connection.outcome();
        return new ProxmoxClusterFacts(
                key,
                connection,
                outcome,
                secrets(cluster),
                Optional.ofNullable(haGroupChecks.get(memoryKey(cluster))),
                Optional.empty());
    }

    /**
     * PVE's HA groups, read through the cluster's connection (the plan asks only while the last
     * poll succeeded).
     */
    List<HaGroup> haGroups(ProxmoxClusterFacts facts) throws PveApiException {
        return facts.connection().vms().haGroups();
    }

    void haGroupsChecked(ProxmoxCluster cluster, Instant at) {
        haGroupChecks.put(memoryKey(cluster), at);
    }

    /** PVE 9's HA rules, one call (the plan asks only while the last poll succeeded). */
    List<HaRule> haRules(ProxmoxClusterFacts facts) throws PveApiException {
        return facts.connection().vms().haRules();
    }

    /** The desired rules the last check of the rules was made against. */
    Optional<String> placementKey(ProxmoxCluster cluster) {
        return Optional.ofNullable(placementKeys.get(memoryKey(cluster)));
    }

    void haRulesChecked(ProxmoxCluster cluster, Instant at, String key) {
        haGroupChecks.put(memoryKey(cluster), at);
        placementKeys.put(memoryKey(cluster), key);
    }

    /**
     * What the memory of HA checks is kept under: the ProxmoxCluster, and which of its clusters it
     * reaches (after a disaster-recovery switch the standby's groups or rules are read and made at
     * once, not when the primary's check would next be due).
     */
    private static String memoryKey(ProxmoxCluster cluster) {
        var dr = cluster.getSpec() == null ? null : cluster.getSpec().getDisasterRecovery();
        return cluster.getMetadata().getUid() + (dr != null && dr.onStandby() ? "#standby" : "");
    }

    void forget(ProxmoxCluster cluster) {
        haGroupChecks.keySet().removeIf(k -> k.startsWith(cluster.getMetadata().getUid()));
        placementKeys.keySet().removeIf(k -> k.startsWith(cluster.getMetadata().getUid()));
    }

    private Map<SecretKey, SecretValue> secrets(ProxmoxCluster cluster) {
        String namespace = cluster.getMetadata().getNamespace();
        Map<SecretKey, SecretValue> values = new LinkedHashMap<>();
        for (SecretKey key : ClusterSettingsResolver.secretKeys(cluster.getSpec())) {
            Secret secret = secrets.apply(new ResourceID(key.secret(), namespace)).orElse(null);
            try {
                values.put(
                        key,
                        SecretValue.of(Secrets.read(secret, namespace, key.secret(), key.key())));
            } catch (Secrets.MissingSecretException e) {
                values.put(
                        key,
                        SecretValue.missing(
                                Reasons.find(ProxmoxClusterReason.class, e.reason())
                                        .orElse(CommonReason.SecretNotFound),
                                e.getMessage()));
            }
        }
        return values;
    }
}
