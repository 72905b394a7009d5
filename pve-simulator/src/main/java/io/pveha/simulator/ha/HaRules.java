package io.pveha.simulator.ha;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What pve-ha-manager 5 does with HA rules besides storing them ({@code PVE::HA::Rules}, {@code
 * Rules::NodeAffinity}, {@code Rules::ResourceAffinity}, {@code Groups::migrate_groups_to_rules}):
 * the feasibility checks (the API refuses a rule that fails one, lists the errors of stored rules;
 * the CRM drops such rules and logs why), the transforms (connected positive rules merged, implied
 * negative rules and node affinities added) and the compiled form the scheduler reads. Only enabled
 * rules take part. Pure functions; the messages are PVE's.
 */
final class HaRules {
    private HaRules() {}

    /** Rule id, then option ({@code resources}), then the messages: {@code $global_errors}. */
    static Map<String, Map<String, List<String>>> check(
            Collection<HaRule> rules, Collection<String> nodes) {
        Map<String, Map<String, List<String>>> errors = new TreeMap<>();
        List<HaRule> enabled = rules.stream().filter(r -> !r.disabled()).toList();
        List<HaRule> nodeAffinity = enabled.stream().filter(HaRule::nodeAffinity).toList();
        List<HaRule> resourceAffinity = enabled.stream().filter(r -> !r.nodeAffinity()).toList();
        List<HaRule> positive = enabled.stream().filter(HaRule::positive).toList();
        List<HaRule> negative = enabled.stream().filter(HaRule::negative).toList();

        // node affinity: a resource in one node affinity rule at most
        Map<String, List<String>> rulesOfResource = new TreeMap<>();
        for (HaRule rule : nodeAffinity) {
            for (String sid : rule.resources()) {
                rulesOfResource.computeIfAbsent(sid, s -> new ArrayList<>()).add(rule.id());
            }
        }
        rulesOfResource.forEach(
                (sid, ids) -> {
                    if (ids.size() > 1) {
                        ids.stream()
                                .sorted()
                                .forEach(
                                        id ->
                                                add(
                                                        errors,
                                                        id,
                                                        "resource '"
                                                                + sid
                                                                + "' is already used in another node affinity rule"));
                    }
                });

        // resource affinity
        for (HaRule rule : sortedById(resourceAffinity)) {
            if (rule.resources().size() < 2) {
                add(errors, rule.id(), "rule is ineffective as there are less than two resources");
            }
        }
        for (HaRule rule : sortedById(negative)) {
            if (rule.resources().size() > nodes.size()) {
                add(errors, rule.id(), "rule defines more resources than available nodes");
            }
        }
        for (Disjoint set : disjoint(positive)) {
            for (HaRule neg : negative) {
                if (intersection(set.resources(), neg.resources()).size() < 2) {
                    continue;
                }
                add(
                        errors,
                        neg.id(),
                        "rule shares two or more resources with a positive resource affinity rule");
                for (String id : set.ruleIds()) {
                    add(
                            errors,
                            id,
                            "rule shares two or more resources with a negative resource affinity rule");
                }
            }
        }

        // global: resource affinity together with node affinity
        for (HaRule ra : sortedById(resourceAffinity)) {
            boolean conflict = false;
            List<String> paired = new ArrayList<>();
            for (HaRule na : nodeAffinity) {
                if (disjointSets(ra.resources(), na.resources())) {
                    continue;
                }
                conflict |= new HashSet<>(na.nodes().values()).size() > 1;
                paired.add(na.id());
            }
            if (conflict) {
                add(
                        errors,
                        ra.id(),
                        "resources are in node affinity rules with multiple priorities");
                for (String id : paired) {
                    add(
                            errors,
                            id,
                            "resources are in a resource affinity rule and cannot be in a node"
                                    + " affinity rule with multiple priorities");
                }
            }
        }
        for (Disjoint set : disjoint(positive)) {
            List<String> paired = new ArrayList<>();
            for (HaRule na : nodeAffinity) {
                if (!disjointSets(set.resources(), na.resources())) {
                    paired.add(na.id());
                }
            }
            if (paired.size() > 1) {
                for (String id : set.ruleIds()) {
                    add(errors, id, "resources are in multiple node affinity rules");
                }
                for (String id : paired) {
                    add(
                            errors,
                            id,
                            "at least one resource is in a positive resource affinity rule and"
                                    + " there are other resources in at least one other node"
                                    + " affinity rule already");
                }
            }
        }
        for (HaRule neg : sortedById(negative)) {
            Set<String> allowedNodes = new HashSet<>();
            Set<String> located = new HashSet<>();
            List<String> paired = new ArrayList<>();
            for (HaRule na : nodeAffinity) {
                Set<String> common = intersection(neg.resources(), na.resources());
                if (common.isEmpty()) {
                    continue;
                }
                located.addAll(common);
                allowedNodes.addAll(na.nodes().keySet());
                paired.add(na.id());
            }
            if (allowedNodes.size() < located.size()) {
                add(
                        errors,
                        neg.id(),
                        "two or more resources are restricted to less nodes than available to the"
                                + " resources");
                for (String id : paired) {
                    add(
                            errors,
                            id,
                            "at least one resource is in a negative resource affinity rule and this"
                                    + " rule would restrict these to less nodes than available to"
                                    + " the resources");
                }
            }
        }
        return errors;
    }

    /** The compiled rules the scheduler reads ({@code PVE::HA::Rules->compile}). */
    record Compiled(
            Map<String, Map<String, Integer>> nodeAffinity,
            Map<String, Set<String>> positive,
            Map<String, Set<String>> negative) {
        static final Compiled NONE = new Compiled(Map.of(), Map.of(), Map.of());

        Set<String> together(String sid) {
            return positive.getOrDefault(sid, Set.of());
        }

        Set<String> apart(String sid) {
            return negative.getOrDefault(sid, Set.of());
        }
    }

    /**
     * {@code transform} then {@code compile}: infeasible rules are dropped ({@code dropped} gets
     * PVE's {@code Drop rule 'x', because ...} lines), connected positive rules merged, implied
     * rules added; then per resource its effective nodes (a non-strict rule adds every other node
     * of the cluster with priority -1) and its positive and negative partners.
     */
    static Compiled compile(List<HaRule> rules, Collection<String> nodes, List<String> dropped) {
        Map<String, Map<String, List<String>>> errors = check(rules, nodes);
        errors.forEach(
                (id, options) ->
                        options.forEach(
                                (option, messages) ->
                                        messages.forEach(
                                                m ->
                                                        dropped.add(
                                                                "Drop rule '"
                                                                        + id
                                                                        + "', because "
                                                                        + m
                                                                        + "."))));
        List<HaRule> kept = new ArrayList<>();
        for (HaRule rule : rules) {
            if (!errors.containsKey(rule.id()) && !rule.disabled()) {
                kept.add(rule);
            }
        }
        // merge connected positive rules
        List<HaRule> positive = kept.stream().filter(HaRule::positive).toList();
        for (Disjoint set : disjoint(positive)) {
            if (set.ruleIds().size() < 2) {
                continue;
            }
            kept.removeIf(r -> set.ruleIds().contains(r.id()));
            kept.add(
                    new HaRule(
                            "_merged-" + String.join("-", set.ruleIds()),
                            HaRule.RESOURCE_AFFINITY,
                            set.resources(),
                            Map.of(),
                            false,
                            "positive",
                            false,
                            null));
        }
        // implied negative rules: a resource kept together with one kept apart from others
        positive = kept.stream().filter(HaRule::positive).toList();
        List<HaRule> negative = kept.stream().filter(HaRule::negative).toList();
        for (HaRule pos : positive) {
            Map<String, Set<String>> separatedFrom = new TreeMap<>();
            for (HaRule neg : negative) {
                for (String sid : pos.resources()) {
                    if (!neg.resources().contains(sid)) {
                        continue;
                    }
                    for (String other : neg.resources()) {
                        if (!other.equals(sid)) {
                            separatedFrom.computeIfAbsent(other, o -> new TreeSet<>()).add(sid);
                        }
                    }
                }
            }
            separatedFrom.forEach(
                    (other, from) -> {
                        for (String sid : pos.resources()) {
                            if (!from.contains(sid)) {
                                kept.add(
                                        new HaRule(
                                                "_implicit-negative-"
                                                        + pos.id()
                                                        + "-"
                                                        + sid
                                                        + "-"
                                                        + other,
                                                HaRule.RESOURCE_AFFINITY,
                                                new TreeSet<>(List.of(sid, other)),
                                                Map.of(),
                                                false,
                                                "negative",
                                                false,
                                                null));
                            }
                        }
                    });
        }
        // a node affinity of one resource of a positive set holds for all of them
        positive = kept.stream().filter(HaRule::positive).toList();
        for (HaRule pos : positive) {
            for (int i = 0; i < kept.size(); i++) {
                HaRule na = kept.get(i);
                if (na.nodeAffinity() && !disjointSets(pos.resources(), na.resources())) {
                    SortedSet<String> all = new TreeSet<>(na.resources());
                    all.addAll(pos.resources());
                    kept.set(i, na.withResources(all));
                    break;
                }
            }
        }

        Map<String, Map<String, Integer>> nodeAffinity = new TreeMap<>();
        Map<String, Set<String>> together = new TreeMap<>();
        Map<String, Set<String>> apart = new TreeMap<>();
        for (HaRule rule : kept) {
            if (rule.nodeAffinity()) {
                Map<String, Integer> effective = new LinkedHashMap<>(rule.nodes());
                if (!rule.strict()) {
                    for (String node : nodes) {
                        effective.putIfAbsent(node, -1);
                    }
                }
                rule.resources().forEach(sid -> nodeAffinity.put(sid, effective));
            } else {
                Map<String, Set<String>> target = rule.positive() ? together : apart;
                for (String sid : rule.resources()) {
                    for (String other : rule.resources()) {
                        if (!other.equals(sid)) {
                            target.computeIfAbsent(sid, s -> new TreeSet<>()).add(other);
                        }
                    }
                }
            }
        }
        return new Compiled(nodeAffinity, together, apart);
    }

    /**
     * {@code migrate_groups_to_rules}: every group used by a resource becomes the node affinity
     * rule {@code ha-group-<group>} (restricted: strict; the group's comment, else "Generated from
     * HA group 'x'.").
     */
    static List<HaRule> fromGroups(
            Map<String, HaGroup> groups,
            Map<String, String> groupOfResource,
            Map<String, String> groupComments) {
        Map<String, SortedSet<String>> members = new TreeMap<>();
        groupOfResource.forEach(
                (sid, group) -> {
                    if (group != null && groups.containsKey(group)) {
                        members.computeIfAbsent(group, g -> new TreeSet<>()).add(sid);
                    }
                });
        List<HaRule> rules = new ArrayList<>();
        members.forEach(
                (group, sids) -> {
                    HaGroup g = groups.get(group);
                    String comment = groupComments.get(group);
                    rules.add(
                            new HaRule(
                                    "ha-group-" + group,
                                    HaRule.NODE_AFFINITY,
                                    sids,
                                    g.nodes(),
                                    g.restricted(),
                                    null,
                                    false,
                                    comment == null || comment.isEmpty()
                                            ? "Generated from HA group '" + group + "'."
                                            : comment));
                });
        return rules;
    }

    /** {@code find_disjoint_rules_resource_sets}: rule ids and the union of their resources. */
    record Disjoint(List<String> ruleIds, SortedSet<String> resources) {}

    static List<Disjoint> disjoint(List<HaRule> rules) {
        List<HaRule> sorted = new ArrayList<>(sortedById(rules));
        sorted.sort(
                Comparator.comparing(r -> r.resources().isEmpty() ? "" : r.resources().first()));
        List<Disjoint> sets = new ArrayList<>();
        for (HaRule rule : sorted) {
            Disjoint found = null;
            for (Disjoint set : sets) {
                if (!disjointSets(rule.resources(), set.resources())) {
                    found = set;
                    break;
                }
            }
            if (found != null) {
                found.ruleIds().add(rule.id());
                found.resources().addAll(rule.resources());
            } else {
                sets.add(
                        new Disjoint(
                                new ArrayList<>(List.of(rule.id())),
                                new TreeSet<>(rule.resources())));
            }
        }
        return sets;
    }

    private static List<HaRule> sortedById(List<HaRule> rules) {
        return rules.stream().sorted(Comparator.comparing(HaRule::id)).toList();
    }

    private static boolean disjointSets(Set<String> a, Set<String> b) {
        return a.stream().noneMatch(b::contains);
    }

    private static Set<String> intersection(Set<String> a, Set<String> b) {
        Set<String> out = new TreeSet<>(a);
        out.retainAll(b);
        return out;
    }

    private static void add(
            Map<String, Map<String, List<String>>> errors, String rule, String message) {
        errors.computeIfAbsent(rule, r -> new TreeMap<>())
                .computeIfAbsent("resources", o -> new ArrayList<>())
                .add(message);
    }
}
