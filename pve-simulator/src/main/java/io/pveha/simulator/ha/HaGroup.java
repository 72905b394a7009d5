package io.pveha.simulator.ha;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An HA group as the CRM uses it: member nodes with their priority (higher wins, default 0),
 * whether services may leave the member set ({@code restricted}) and whether they move back to a
 * returning node of higher priority ({@code nofailback} prevents that).
 */
record HaGroup(String name, Map<String, Integer> nodes, boolean restricted, boolean nofailback) {

    HaGroup {
        nodes = new LinkedHashMap<>(nodes);
    }

    /** From a {@code groups.cfg} section ({@code nodes pve1:2,pve2}). */
    static HaGroup of(SectionConfig.Section section) {
        Map<String, Integer> nodes = new LinkedHashMap<>();
        for (String entry : splitList(section.options().getOrDefault("nodes", ""))) {
            int colon = entry.indexOf(':');
            if (colon < 0) {
                nodes.put(entry, 0);
            } else {
                nodes.put(entry.substring(0, colon), Integer.parseInt(entry.substring(colon + 1)));
            }
        }
        return new HaGroup(
                section.id(),
                nodes,
                "1".equals(section.options().get("restricted")),
                "1".equals(section.options().get("nofailback")));
    }

    /** {@code PVE::Tools::split_list}: commas, semicolons and white space separate. */
    static String[] splitList(String value) {
        String trimmed = value.strip().replaceAll("^[,;\\s]+|[,;\\s]+$", "");
        return trimmed.isEmpty() ? new String[0] : trimmed.split("[,;\\s]+");
    }
}
