package io.pveha.reconciler.lb;

import io.pveha.api.lb.LoadBalancerPairStatus;

/** Null-safe lookups in a status that may not exist yet. */
final class StatusViews {
    private StatusViews() {}

    static LoadBalancerPairStatus.HostStatus host(LoadBalancerPairStatus status, String name) {
        if (status == null || status.getHosts() == null) {
            return null;
        }
        return status.getHosts().stream()
                .filter(h -> name.equals(h.getName()))
                .findFirst()
                .orElse(null);
    }

    static LoadBalancerPairStatus.BackendStatus backend(
            LoadBalancerPairStatus status, String service, String server) {
        if (status == null || status.getBackends() == null) {
            return null;
        }
        return status.getBackends().stream()
                .filter(b -> service.equals(b.getService()) && server.equals(b.getServer()))
                .findFirst()
                .orElse(null);
    }
}
