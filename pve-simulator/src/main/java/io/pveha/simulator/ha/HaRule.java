package io.pveha.simulator.ha;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One section of PVE 9's {@code /etc/pve/ha/rules.cfg} ({@code PVE::HA::Rules}): a {@code
 * node-affinity} rule (resources prefer or are restricted to nodes with priorities, {@code strict})
 * or a {@code resource-affinity} rule (resources kept together, {@code positive}, or apart, {@code
 * negative}). {@code disable} keeps a rule in the file without effect.
 */
record HaRule(
        String id,
        String type,
        SortedSet<String> resources,
        Map<String, Integer> nodes,
        boolean strict,
        String affinity,
        boolean disabled,
        String comment) {

    static final String NODE_AFFINITY = "node-affinity";
    static final String RESOURCE_AFFINITY = "resource-affinity";
    static final List<String> TYPES = List.of(NODE_AFFINITY, RESOURCE_AFFINITY);

    /** Options each type takes ({@code PVE::HA::Rules::*::options}). */
    static final Map<String, List<String>> OPTIONS =
            Map.of(
                    NODE_AFFINITY,
                    List.of("resources", "nodes", "strict", "disable", "comment"),
                    RESOURCE_AFFINITY,
                    List.of("resources", "affinity", "disable", "comment"));

    /** Required options of each type. */
    static final Map<String, List<String>> REQUIRED =
            Map.of(
                    NODE_AFFINITY,
                    List.of("nodes", "resources"),
                    RESOURCE_AFFINITY,
                    List.of("affinity", "resources"));

    HaRule {
        resources = new TreeSet<>(resources);
        nodes = new TreeMap<>(nodes);
    }

    boolean nodeAffinity() {
        return NODE_AFFINITY.equals(type);
    }

    boolean positive() {
        return RESOURCE_AFFINITY.equals(type) && "positive".equals(affinity);
    }

    boolean negative() {
        return RESOURCE_AFFINITY.equals(type) && "negative".equals(affinity);
    }

    /** From a rules.cfg section; lists are decoded as {@code decode_value} does. */
    static HaRule of(SectionConfig.Section section) {
        Map<String, String> o = section.options();
        return new HaRule(
                section.id(),
                section.type(),
                parseResources(o.getOrDefault("resources", "")),
                parseNodes(o.getOrDefault("nodes", "")),
                "1".equals(o.get("strict")),
                o.get("affinity"),
                "1".equals(o.get("disable")),
                o.get("comment"));
    }

    /**
     * The section as {@code write_config} writes it: comment, disable, then the required options
     * sorted, then the optional ones sorted.
     */
    SectionConfig.Section section() {
        Map<String, String> o = new LinkedHashMap<>();
        if (comment != null && !comment.isEmpty()) {
            o.put("comment", comment);
        }
        if (disabled) {
            o.put("disable", "1");
        }
        if (nodeAffinity()) {
            o.put("nodes", encodeNodes(nodes));
            o.put("resources", String.join(",", resources));
            if (strict) {
                o.put("strict", "1");
            }
        } else {
            o.put("affinity", affinity);
            o.put("resources", String.join(",", resources));
        }
        return new SectionConfig.Section(type, id, o);
    }

    HaRule withResources(SortedSet<String> newResources) {
        return new HaRule(id, type, newResources, nodes, strict, affinity, disabled, comment);
    }

    /** {@code pve-ha-resource-id-list}: entries that are no resource id are dropped. */
    static SortedSet<String> parseResources(String value) {
        SortedSet<String> out = new TreeSet<>();
        for (String sid : HaGroup.splitList(value)) {
            if (sid.matches("[a-z]+:\\S+")) {
                out.add(sid);
            }
        }
        return out;
    }

    /** {@code node[:priority]} entries; a node without priority has 0. */
    static SortedMap<String, Integer> parseNodes(String value) {
        SortedMap<String, Integer> out = new TreeMap<>();
        for (String entry : HaGroup.splitList(value)) {
            int colon = entry.indexOf(':');
            if (colon < 0) {
                out.put(entry, 0);
            } else {
                out.put(entry.substring(0, colon), Integer.parseInt(entry.substring(colon + 1)));
            }
        }
        return out;
    }

    /** {@code encode_plugin_value}: sorted by node, {@code :priority} only when not 0. */
    static String encodeNodes(Map<String, Integer> nodes) {
        StringBuilder out = new StringBuilder();
        new TreeMap<>(nodes)
                .forEach(
                        (node, priority) -> {
                            if (out.length() > 0) {
                                out.append(',');
                            }
                            out.append(node);
                            if (priority != 0) {
                                out.append(':').append(priority);
                            }
                        });
        return out.toString();
    }
}
