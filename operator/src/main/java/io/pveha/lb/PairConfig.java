package io.pveha.lb;

import java.util.List;

/** Everything needed to render both hosts of a pair: the resolved, defaulted desired state. */
public record PairConfig(
        String namespace, String name, Vrrp vrrp, List<LbHost> hosts, List<Service> services) {
    public PairConfig {
        hosts = List.copyOf(hosts);
        services = List.copyOf(services);
        if (hosts.size() != 2) {
            throw new IllegalArgumentException("a pair has exactly two hosts");
        }
    }

    public LbHost peerOf(LbHost host) {
        return hosts.get(0).equals(host) ? hosts.get(1) : hosts.get(0);
    }

    /** The host that should hold the VIP while healthy: the higher priority. */
    public LbHost preferredMaster() {
        return hosts.get(0).priority() >= hosts.get(1).priority() ? hosts.get(0) : hosts.get(1);
    }
}
