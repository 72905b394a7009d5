package io.pveha.lb;

import io.pveha.lb.ssh.HostEndpoint;
import io.pveha.lb.ssh.SshIdentity;

/**
 * One host of a pair and how to reach it.
 *
 * @param serviceManager "auto", "systemd" or "direct" as the spec asks; "auto" is resolved on the
 *     host
 */
public record HostTarget(
        LbHost host, HostEndpoint endpoint, SshIdentity identity, String serviceManager) {}
