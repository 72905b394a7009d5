package io.pveha.lb.ssh;

/**
 * The one thing the operator does with a balancer host: run a shell command and read its result.
 */
public interface HostChannel {
    /**
     * Runs the command; a non-zero exit code is a result, not an exception.
     *
     * @throws HostChannelException when the host cannot be reached, refuses us, or the command
     *     times out
     */
    CommandResult run(RemoteCommand command) throws HostChannelException;

    /** SHA-256 fingerprint of the host key the host presented on the last connection, or null. */
    String hostKeyFingerprint();
}
