package io.pveha.lb.ssh;

import io.pveha.lb.Hashes;
import java.util.Arrays;

/**
 * The client's private key, as the bytes of an OpenSSH private key file from a Secret. Never
 * printed; identified in logs and pool keys by a hash of the bytes only.
 */
public final class SshIdentity {
    private final byte[] privateKey;
    private final String id;

    public SshIdentity(byte[] privateKey) {
        this.privateKey = privateKey.clone();
        this.id = Hashes.sha256Hex(privateKey).substring(0, 16);
    }

    public byte[] privateKey() {
        return privateKey.clone();
    }

    /** A short hash of the key bytes: equal keys, equal ids. */
    public String id() {
        return id;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SshIdentity other && Arrays.equals(privateKey, other.privateKey);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    @Override
    public String toString() {
        return "SshIdentity[" + id + "]";
    }
}
