package io.pveha.pve.model;

/**
 * One entry of {@code GET /cluster/resources}: a guest ({@code qemu}/{@code lxc}), a node, a
 * storage on a node, a pool or an SDN zone. Fields not reported for a type are null.
 */
public record ClusterResource(
        String id,
        String type,
        Integer vmid,
        String node,
        String name,
        String status,
        Boolean template,
        Integer maxcpu,
        Double cpu,
        Long maxmem,
        Long mem,
        Long maxdisk,
        Long disk,
        Long uptime,
        String lock,
        String tags,
        String hastate,
        String storage,
        String plugintype,
        Boolean shared,
        String content,
        String pool,
        String level) {
    public boolean isQemu() {
        return "qemu".equals(type);
    }

    public boolean isNode() {
        return "node".equals(type);
    }

    public boolean isStorage() {
        return "storage".equals(type);
    }

    public boolean isTemplate() {
        return Boolean.TRUE.equals(template);
    }

    /** The tags as a list; PVE separates them with ';' (also accepts ',' and spaces on input). */
    public java.util.List<String> tagList() {
        if (tags == null || tags.isBlank()) {
            return java.util.List.of();
        }
        return java.util.Arrays.stream(tags.split("[;, ]+")).filter(t -> !t.isBlank()).toList();
    }
}
