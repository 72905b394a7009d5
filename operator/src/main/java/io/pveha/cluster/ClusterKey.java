package io.pveha.cluster;

import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * Identifies a ProxmoxCluster resource: the unit of connection, polling and caching. A
 * ProxmoxCluster with disaster recovery also keeps a connection to its other cluster (the standby,
 * or after the switch the lost primary) under {@link #other(String)}: {@code <name>#<role>}, which
 * no Kubernetes name can be, so no resource refers to it.
 */
public record ClusterKey(String namespace, String name) {
    /** The key of this ProxmoxCluster's other cluster ({@code standby} or {@code primary}). */
    public ClusterKey other(String role) {
        return new ClusterKey(namespace, name + "#" + role);
    }

    /** The ProxmoxCluster's own key (itself, for a key that is not an {@link #other}). */
    public ClusterKey owner() {
        int hash = name.indexOf('#');
        return hash < 0 ? this : new ClusterKey(namespace, name.substring(0, hash));
    }

    /** True for the connection to a ProxmoxCluster's other cluster. */
    public boolean isOther() {
        return name.indexOf('#') >= 0;
    }

    public static ClusterKey of(HasMetadata cluster) {
        return new ClusterKey(
                cluster.getMetadata().getNamespace(), cluster.getMetadata().getName());
    }

    @Override
    public String toString() {
        return namespace + "/" + name;
    }
}
