package io.pveha.pve.model;

/**
 * One entry of {@code GET /cluster/status}: the cluster itself ({@code type=cluster}) or a member
 * node.
 */
public record ClusterStatusEntry(
        String type,
        String id,
        String name,
        Integer nodes,
        Boolean quorate,
        Integer version,
        Integer nodeid,
        String ip,
        Boolean local,
        Boolean online,
        String level) {
    public boolean isCluster() {
        return "cluster".equals(type);
    }

    public boolean isNode() {
        return "node".equals(type);
    }
}
