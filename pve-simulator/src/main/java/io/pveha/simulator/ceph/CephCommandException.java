package io.pveha.simulator.ceph;

/**
 * A Ceph command that the monitor (or {@code rbd}) refused; the message is Ceph's, without the CLI
 * prefix.
 */
public final class CephCommandException extends RuntimeException {
    public CephCommandException(String message) {
        super(message);
    }
}
