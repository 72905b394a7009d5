package io.pveha.lb.ssh;

/**
 * Where and as whom to connect, and the only host key to accept.
 *
 * @param pinnedHostKey an OpenSSH public key line, "ssh-ed25519 AAAA..."
 */
public record HostEndpoint(String address, int port, String user, String pinnedHostKey) {
    @Override
    public String toString() {
        return user + "@" + address + ":" + port;
    }
}
