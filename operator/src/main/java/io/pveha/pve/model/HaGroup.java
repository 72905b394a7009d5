package io.pveha.pve.model;

/** {@code GET /cluster/ha/groups}: nodes is {@code node[:priority]} comma-separated. */
public record HaGroup(
        String group,
        String nodes,
        Boolean restricted,
        Boolean nofailback,
        String comment,
        String digest) {}
