package io.pveha.lb;

import io.pveha.lb.observe.HostObservation;
import io.pveha.lb.ssh.HostChannelException;

/**
 * The result of looking at a host: an observation, or why there is none.
 *
 * @param observation what the host reported, or null when it could not be observed
 * @param failure why it could not be observed (null when it could)
 * @param message the failure in words (never a secret)
 * @param hostKeyFingerprint the key the host presented, also when it was refused
 */
public record HostFacts(
        HostObservation observation,
        HostChannelException.Reason failure,
        String message,
        String hostKeyFingerprint) {
    public static HostFacts observed(HostObservation observation, String fingerprint) {
        return new HostFacts(observation, null, null, fingerprint);
    }

    public static HostFacts failed(
            HostChannelException.Reason reason, String message, String fingerprint) {
        return new HostFacts(null, reason, message, fingerprint);
    }

    public boolean reachable() {
        return observation != null;
    }
}
