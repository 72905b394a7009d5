package io.pveha.reconciler.placement;

import io.pveha.api.vm.Ha;
import io.pveha.api.vm.HaVm;
import io.pveha.pve.model.HaRule;
import io.pveha.reconciler.placement.Placements.Policy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The HA rules (PVE 9) a cluster's placement needs, and what to change in PVE to get there. Pure.
 *
 * <ul>
 *   <li>a policy used by HA-registered VMs: node-affinity rule {@code pveha-<policy>}, its
 *       resources the VMs that name it;
 *   <li>a VM's own {@code preferredNodes}: node-affinity rule {@code pveha-vm-<vmid>};
 *   <li>two VMs kept apart: resource-affinity rule {@code pveha-apart-<vmid>-<vmid>} (negative),
 *       kept together: {@code pveha-together-<vmid>-<vmid>} (positive), one rule per pair (PVE
 *       keeps every pair of a negative rule apart, so a rule of more VMs would say more than the
 *       spec; PVE merges connected positive pairs itself).
 * </ul>
 *
 * Only VMs PVE lists as HA resources take part (PVE refuses rules with others). A rule PVE's
 * migration made from an operator-owned group ({@code ha-group-<name>}, the group's comment kept)
 * is adopted under that name, so an upgraded cluster keeps its placement without a gap. Rules are
 * the operator's when their comment starts with the cluster's marker (or is the owner marker of one
 * of its HaVms, as on per-VM groups); other rules are never changed.
 */
public final class PlacementRules {
    public static final String NODE_AFFINITY = "node-affinity";
    public static final String RESOURCE_AFFINITY = "resource-affinity";

    /** A rule as the spec wants it; {@code adoptable}: ids of PVE-migrated rules that count. */
    public record DesiredRule(
            String id,
            List<String> adoptable,
            String type,
            SortedSet<String> resources,
            String nodes,
            boolean strict,
            String affinity,
            String comment) {

        /** {@code POST /cluster/ha/rules} parameters. */
        public Map<String, Object> createParams() {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("rule", id);
            p.put("type", type);
            p.putAll(changeParams(null));
            return p;
        }

        /** {@code PUT} parameters bringing {@code current} (may be null) to this rule. */
        public Map<String, Object> changeParams(HaRule current) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("resources", String.join(",", resources));
            if (NODE_AFFINITY.equals(type)) {
                p.put("nodes", nodes);
                if (strict) {
                    p.put("strict", 1);
                } else if (current != null && Boolean.TRUE.equals(current.strict())) {
                    p.put("delete", "strict");
                }
            } else {
                p.put("affinity", affinity);
            }
            p.put("comment", comment);
            return p;
        }

        boolean sameAs(HaRule r) {
            return type.equals(r.type())
                    && String.join(",", resources).equals(normalize(r.resources()))
                    && (!NODE_AFFINITY.equals(type)
                            || (normalize(nodes).equals(normalize(r.nodes()))
                                    && strict == Boolean.TRUE.equals(r.strict())))
                    && (!RESOURCE_AFFINITY.equals(type) || Objects.equals(affinity, r.affinity()))
                    && Objects.equals(comment, r.comment())
                    && !Boolean.TRUE.equals(r.disable());
        }
    }

    /** A change to PVE's rules. */
    public sealed interface Action {
        String rule();

        String done();
    }

    public record CreateRule(String rule, Map<String, Object> params) implements Action {
        public String done() {
            return "created " + rule;
        }
    }

    public record UpdateRule(String rule, Map<String, Object> params, boolean shrinksOnly)
            implements Action {
        public String done() {
            return "updated " + rule;
        }
    }

    public record DeleteRule(String rule) implements Action {
        public String done() {
            return "removed " + rule;
        }
    }

    /**
     * @param actions deletions first (they free resources other rules need), then updates that only
     *     remove, then the rest, then creations
     * @param foreign desired rules whose id PVE has with another owner: left alone
     * @param desired the rule ids in effect once done
     */
    public record Plan(List<Action> actions, List<String> foreign, List<String> desired) {}

    private PlacementRules() {}

    public static String policyRule(String policy) {
        return "pveha-" + policy;
    }

    public static String vmRule(int vmid) {
        return "pveha-vm-" + vmid;
    }

    public static String pairRule(boolean apart, int a, int b) {
        return (apart ? "pveha-apart-" : "pveha-together-") + Math.min(a, b) + "-" + Math.max(a, b);
    }

    /** The rule PVE's migration makes from group {@code group}. */
    public static String migratedGroupRule(String group) {
        return "ha-group-" + group;
    }

    /**
     * The rules the HaVms of one cluster need.
     *
     * @param vms the HaVms of the cluster (same namespace and clusterRef)
     * @param registered VMIDs PVE lists as HA resources
     * @param problems what cannot be rendered (an undeclared policy), for the condition
     */
    public static List<DesiredRule> desired(
            String marker,
            Map<String, Policy> policies,
            Collection<HaVm> vms,
            Set<Integer> registered,
            List<String> problems) {
        List<HaVm> sorted =
                vms.stream().sorted(Comparator.comparing(v -> v.getMetadata().getName())).toList();
        Map<String, SortedSet<String>> members = new TreeMap<>();
        List<DesiredRule> out = new ArrayList<>();
        Map<String, DesiredRule> pairs = new TreeMap<>();
        for (HaVm vm : sorted) {
            Integer vmid = Placements.vmid(vm);
            if (!Placements.haWanted(vm) || vmid == null) {
                continue;
            }
            Ha ha = vm.getSpec().getHa();
            String name = vm.getMetadata().getName();
            String policy = ha.policyName();
            if (policy != null && !policies.containsKey(policy)) {
                problems.add(
                        "HaVm "
                                + name
                                + " names placement policy "
                                + policy
                                + ", which the ProxmoxCluster does not declare");
            }
            if (!registered.contains(vmid)) {
                continue;
            }
            String sid = "vm:" + vmid;
            if (policy != null && policies.containsKey(policy)) {
                members.computeIfAbsent(policy, p -> new TreeSet<>()).add(sid);
            } else if (policy == null && !ha.getPreferredNodes().isEmpty()) {
                Policy own = Placements.preferred(vmRule(vmid), ha.getPreferredNodes());
                out.add(
                        new DesiredRule(
                                vmRule(vmid),
                                List.of(migratedGroupRule(vmRule(vmid))),
                                NODE_AFFINITY,
                                new TreeSet<>(List.of(sid)),
                                own.rulesNodes(),
                                false,
                                null,
                                marker + " HaVm " + name + " spec.ha.preferredNodes"));
            }
            for (boolean apart : List.of(true, false)) {
                List<HaVm> partners =
                        Placements.resolve(
                                vm,
                                apart ? ha.getKeepApartFrom() : ha.getKeepTogetherWith(),
                                vms,
                                new ArrayList<>());
                for (HaVm partner : partners) {
                    Integer other = Placements.vmid(partner);
                    if (other == null
                            || !registered.contains(other)
                            || !Placements.haWanted(partner)) {
                        continue;
                    }
                    String id = pairRule(apart, vmid, other);
                    List<String> names =
                            new ArrayList<>(List.of(name, partner.getMetadata().getName()));
                    names.sort(null);
                    pairs.putIfAbsent(
                            id,
                            new DesiredRule(
                                    id,
                                    List.of(),
                                    RESOURCE_AFFINITY,
                                    new TreeSet<>(List.of(sid, "vm:" + other)),
                                    null,
                                    false,
                                    apart ? "negative" : "positive",
                                    marker
                                            + " keep "
                                            + names.get(0)
                                            + " and "
                                            + names.get(1)
                                            + (apart ? " apart" : " together")));
                }
            }
        }
        members.forEach(
                (policy, sids) -> {
                    Policy p = policies.get(policy);
                    out.add(
                            0,
                            new DesiredRule(
                                    policyRule(policy),
                                    List.of(migratedGroupRule(policy)),
                                    NODE_AFFINITY,
                                    sids,
                                    p.rulesNodes(),
                                    p.strict(),
                                    null,
                                    marker + " placement policy " + policy));
                });
        out.addAll(pairs.values());
        return out;
    }

    /**
     * What to change so that PVE has the desired rules.
     *
     * @param ownerComments comments that mark a per-VM object of one of the cluster's HaVms
     */
    public static Plan plan(
            String marker,
            List<DesiredRule> desired,
            List<HaRule> existing,
            Set<String> ownerComments) {
        Map<String, HaRule> byId = new LinkedHashMap<>();
        existing.forEach(r -> byId.put(r.rule(), r));
        List<Action> deletes = new ArrayList<>();
        List<UpdateRule> updates = new ArrayList<>();
        List<Action> creates = new ArrayList<>();
        List<String> foreign = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        Set<String> kept = new TreeSet<>();
        for (DesiredRule d : desired) {
            HaRule current = byId.get(d.id());
            if (current == null) {
                for (String alt : d.adoptable()) {
                    HaRule candidate = byId.get(alt);
                    if (candidate != null && owned(candidate, marker, ownerComments)) {
                        current = candidate;
                        break;
                    }
                }
            }
            if (current == null) {
                creates.add(new CreateRule(d.id(), d.createParams()));
                ids.add(d.id());
            } else if (!owned(current, marker, ownerComments)) {
                foreign.add(d.id());
            } else {
                kept.add(current.rule());
                ids.add(current.rule());
                if (!d.sameAs(current)) {
                    Map<String, Object> params = d.changeParams(current);
                    if (Boolean.TRUE.equals(current.disable())) {
                        params.put(
                                "delete",
                                params.containsKey("delete")
                                        ? params.get("delete") + ",disable"
                                        : "disable");
                    }
                    boolean shrinks =
                            Arrays.asList(normalize(current.resources()).split(","))
                                    .containsAll(d.resources());
                    updates.add(new UpdateRule(current.rule(), params, shrinks));
                }
            }
        }
        for (HaRule r : existing) {
            if (owned(r, marker, ownerComments) && !kept.contains(r.rule())) {
                deletes.add(new DeleteRule(r.rule()));
            }
        }
        List<Action> actions = new ArrayList<>(deletes);
        updates.stream().filter(UpdateRule::shrinksOnly).forEach(actions::add);
        updates.stream().filter(u -> !u.shrinksOnly()).forEach(actions::add);
        actions.addAll(creates);
        return new Plan(actions, foreign, ids);
    }

    /** The cluster's own rule: its comment starts with the marker, or marks one of its HaVms. */
    public static boolean owned(HaRule rule, String marker, Set<String> ownerComments) {
        String c = rule.comment();
        return c != null
                && (c.equals(marker) || c.startsWith(marker + " ") || ownerComments.contains(c));
    }

    static String normalize(String list) {
        if (list == null) {
            return "";
        }
        return Arrays.stream(list.split("[,;\\s]+"))
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .sorted()
                .collect(Collectors.joining(","));
    }
}
