package io.pveha.pve.model;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * {@code GET /cluster/ha/rules} (PVE 9): a {@code node-affinity} rule ({@code nodes} as {@code
 * node[:priority]}, {@code strict}) or a {@code resource-affinity} rule ({@code affinity} {@code
 * positive|negative}); {@code resources} comma-separated; {@code errors} by option when PVE deems
 * the rule infeasible (the HA manager then ignores it).
 */
public record HaRule(
        String rule,
        String type,
        String resources,
        String nodes,
        Boolean strict,
        String affinity,
        Boolean disable,
        String comment,
        String digest,
        Integer order,
        JsonNode errors) {

    public boolean hasErrors() {
        return errors != null && !errors.isNull() && !errors.isEmpty();
    }
}
