package io.pveha.cluster;

import io.fabric8.kubernetes.api.model.HasMetadata;

/** Identifies a ProxmoxCluster resource: the unit of connection, polling and caching. */
public record ClusterKey(String namespace, String name) {
    public static ClusterKey of(HasMetadata cluster) {
        return new ClusterKey(
                cluster.getMetadata().getNamespace(), cluster.getMetadata().getName());
    }

    @Override
    public String toString() {
        return namespace + "/" + name;
    }
}
