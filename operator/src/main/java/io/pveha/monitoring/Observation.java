package io.pveha.monitoring;

import io.pveha.api.monitoring.Severity;
import java.time.Duration;
import java.util.Map;

/**
 * What one monitoring item or check says about one subject in this pass.
 *
 * @param verdict OK, PENDING (failing, threshold not reached), FAILING, or HOLD (no new result)
 * @param forDuration how long FAILING must hold before the alert fires (pending until then)
 * @param node the PVE node the subject depends on (its VM's node), for folding into a node incident
 * @param target the Kubernetes object the alert is about ("HaVm/pos-api-1"), for its Events; null:
 *     the ProxmoxCluster
 * @param muted a maintenance window or PVE maintenance mode covers the subject: no messages
 */
public record Observation(
        AlertKey key,
        Verdict verdict,
        Severity severity,
        Duration forDuration,
        Text summary,
        Map<String, String> labels,
        String node,
        String target,
        boolean muted) {

    public enum Verdict {
        OK,
        PENDING,
        FAILING,
        HOLD
    }

    public Observation withMuted(boolean m) {
        return new Observation(
                key, verdict, severity, forDuration, summary, labels, node, target, m);
    }
}
