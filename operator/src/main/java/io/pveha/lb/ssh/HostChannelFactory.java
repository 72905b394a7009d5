package io.pveha.lb.ssh;

/** Hands out channels to hosts; implementations may keep connections open between calls. */
public interface HostChannelFactory extends AutoCloseable {
    HostChannel channel(HostEndpoint endpoint, SshIdentity identity);

    @Override
    void close();
}
