package io.pveha.reconciler.recovery;

import io.pveha.api.backup.BackupPolicy;
import io.pveha.api.ceph.CephPool;
import io.pveha.api.cluster.DisasterRecovery;
import io.pveha.api.vm.HaVm;
import io.pveha.cluster.PollOutcome;
import java.util.List;
import java.util.Optional;

/**
 * What the ProxmoxCluster's disaster-recovery pass decides from: the active cluster's and the other
 * cluster's polls (no call of its own) and the platform's resources from the informer caches.
 *
 * @param dr the ProxmoxCluster's spec.disasterRecovery
 * @param active the poll of the cluster the platform runs on
 * @param other the other cluster's connection: the standby while the primary is active, the lost
 *     primary after the switch
 * @param haVms the HaVms of the ProxmoxCluster
 * @param cephPools its CephPools
 * @param policies its BackupPolicies
 */
public record RecoveryFacts(
        DisasterRecovery dr,
        PollOutcome active,
        Optional<OtherSite> other,
        List<HaVm> haVms,
        List<CephPool> cephPools,
        List<BackupPolicy> policies) {

    /**
     * The other cluster: its role ({@code standby} or {@code primary}), its poll, or why it cannot
     * be reached (its settings do not resolve).
     */
    public record OtherSite(String role, PollOutcome outcome, String problem) {}
}
