package io.pveha.reconciler;

import io.pveha.cluster.ClusterConnection;
import io.pveha.cluster.ClusterConnections;
import io.pveha.cluster.ClusterKey;
import io.pveha.cluster.ClusterSnapshot;
import io.pveha.cluster.PollOutcome;
import io.pveha.pve.PveApiException;
import java.util.Optional;

/**
 * What a resource's observer sees of its ProxmoxCluster: the connection and the latest bulk poll,
 * which every resource of the cluster shares. Unusable until the first poll, and while the last
 * poll failed (the last known facts are kept to report from, but nothing is acted on).
 */
public record ClusterView(
        ClusterKey key,
        ClusterConnection connection,
        ClusterSnapshot snapshot,
        PveApiException error) {

    public static ClusterView of(ClusterConnections connections, ClusterKey key) {
        ClusterConnection connection = connections.get(key).orElse(null);
        PollOutcome outcome = connection == null ? PollOutcome.NONE : connection.outcome();
        return new ClusterView(key, connection, outcome.snapshot(), outcome.error());
    }

    /**
     * Why nothing can be planned on this cluster now, if so: the reason and message for
     * Ready=False.
     */
    public Optional<Blocked> blocked() {
        if (snapshot == null) {
            return Optional.of(
                    new Blocked(
                            CommonReason.ClusterNotReady,
                            "ProxmoxCluster " + key + " is not connected yet"));
        }
        if (error != null) {
            return Optional.of(
                    new Blocked(
                            CommonReason.ClusterUnreachable,
                            "cannot act while the cluster is unreachable: "
                                    + Redactor.scrub(error.getMessage())
                                    + "; showing facts from "
                                    + snapshot.polledAt()));
        }
        return Optional.empty();
    }

    public boolean usable() {
        return blocked().isEmpty();
    }

    /** A reason and message why a resource waits. */
    public record Blocked(Reason reason, String message) {}
}
