package io.pveha.reconciler.recovery;

import io.fabric8.kubernetes.api.model.Condition;
import io.pveha.api.cluster.ProxmoxClusterStatus;
import io.pveha.reconciler.Conditions;
import io.pveha.reconciler.cluster.ProxmoxClusterReason;
import java.time.Instant;
import java.util.Optional;

/**
 * Puts the disaster-recovery pass's outcome into the ProxmoxCluster's status: {@code
 * status.disasterRecovery}, the {@code Recovered} condition, and Ready while a recovery runs (so
 * Argo CD and {@code kubectl get} show Progressing/Degraded until the platform is back, not a
 * Healthy cluster with nothing on it).
 */
public final class RecoveryReport {
    private RecoveryReport() {}

    /**
     * @param previous the status before this pass: Ready keeps its lastTransitionTime while the
     *     recovery holds it (the builder has just set Ready from the connection alone)
     */
    public static void apply(
            RecoveryPlanner.Outcome outcome,
            ProxmoxClusterStatus status,
            ProxmoxClusterStatus previous,
            long generation,
            Instant now) {
        status.setDisasterRecovery(outcome.status());
        if (outcome.recovered().isEmpty()) {
            status.setConditions(
                    status.getConditions().stream()
                            .filter(c -> !RecoveryPlanner.RECOVERED.equals(c.getType()))
                            .toList());
            return;
        }
        RecoveryPlanner.Verdict verdict = outcome.recovered().get();
        Conditions.set(
                status,
                RecoveryPlanner.RECOVERED,
                verdict.ok(),
                verdict.reason(),
                verdict.message(),
                generation,
                now);
        Optional<Condition> ready = Conditions.find(status.getConditions(), Conditions.READY);
        boolean clusterReady =
                ready.map(c -> Conditions.TRUE.equals(c.getStatus())).orElse(false)
                        && ready.map(c -> ProxmoxClusterReason.Ready.name().equals(c.getReason()))
                                .orElse(false);
        if (clusterReady && !verdict.ok()) {
            Conditions.ready(status, verdict.reason(), false, verdict.message(), generation, now);
        }
    }
}
