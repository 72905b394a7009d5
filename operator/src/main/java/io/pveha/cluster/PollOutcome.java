package io.pveha.cluster;

import io.pveha.pve.PveApiException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The latest state of a cluster connection: the last good snapshot (kept through failures, so
 * status keeps the last known facts), the last error if the latest poll failed, and the privilege
 * check.
 */
public record PollOutcome(
        ClusterSnapshot snapshot,
        PveApiException error,
        Instant errorAt,
        List<RequiredPrivileges.Requirement> missingPrivileges,
        boolean privilegesChecked) {
    public static final PollOutcome NONE = new PollOutcome(null, null, null, List.of(), false);

    public Optional<ClusterSnapshot> lastSnapshot() {
        return Optional.ofNullable(snapshot);
    }

    public boolean healthy() {
        return snapshot != null && error == null;
    }

    PollOutcome succeeded(
            ClusterSnapshot next, List<RequiredPrivileges.Requirement> missing, boolean checked) {
        return new PollOutcome(next, null, null, missing, checked);
    }

    PollOutcome failed(PveApiException e, Instant at) {
        return new PollOutcome(snapshot, e, at, missingPrivileges, privilegesChecked);
    }
}
