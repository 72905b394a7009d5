package io.pveha.reconciler.placement;

import io.pveha.api.cluster.ProxmoxClusterSpec;
import io.pveha.api.vm.Ha;
import io.pveha.api.vm.HaVm;
import io.pveha.api.vm.HaVmSet;
import io.pveha.pve.model.PveVersion;
import io.pveha.reconciler.lb.LabelSelectors;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The one, version-independent way to say where HA VMs run, and how it maps onto PVE: named
 * placement policies of the ProxmoxCluster (and the deprecated HA groups, which are the same
 * thing), a HaVm's own preferred nodes, and HaVms kept apart from or together with others. PVE 8
 * keeps placement in HA groups (no resource affinity); PVE 9 in HA rules. Pure functions, shared by
 * the ProxmoxCluster and HaVm controllers.
 */
public final class Placements {
    /** How PVE keeps placement. */
    public enum Model {
        /** PVE 7 and 8: HA groups, named on each HA resource. */
        GROUPS,
        /** PVE 9: HA rules (node affinity, resource affinity) and resource {@code failback}. */
        RULES;

        public String label() {
            return this == GROUPS ? "groups" : "rules";
        }
    }

    /**
     * A placement policy: nodes with priorities (higher wins, equal ones share the load), whether
     * other nodes are forbidden ({@code strict}) and whether VMs move back to a returning node of
     * higher priority ({@code failback}).
     */
    public record Policy(
            String name, Map<String, Integer> nodes, boolean strict, boolean failback) {
        public Policy {
            nodes = new LinkedHashMap<>(nodes);
        }

        /** More than one priority class (PVE 9 refuses such a rule for VMs in affinity rules). */
        public boolean multiplePriorities() {
            return nodes.values().stream().distinct().count() > 1;
        }

        /** {@code node[:priority]} as PVE 9 encodes it: sorted, {@code :0} left out. */
        public String rulesNodes() {
            return new TreeMap<>(nodes)
                    .entrySet().stream()
                            .map(
                                    e ->
                                            e.getValue() == 0
                                                    ? e.getKey()
                                                    : e.getKey() + ":" + e.getValue())
                            .collect(Collectors.joining(","));
        }
    }

    private Placements() {}

    /** PVE 9 and later keep placement in rules; earlier versions (and an unknown one) in groups. */
    public static Model model(PveVersion version) {
        return major(version) >= 9 ? Model.RULES : Model.GROUPS;
    }

    /** The major release of {@code 8.4.1}, {@code 9.1.1} or {@code 7.4-16}; 0 when unknown. */
    public static int major(PveVersion version) {
        if (version == null || version.version() == null) {
            return 0;
        }
        String v = version.version().strip();
        int end = 0;
        while (end < v.length() && Character.isDigit(v.charAt(end))) {
            end++;
        }
        return end == 0 ? 0 : Integer.parseInt(v.substring(0, end));
    }

    /**
     * The policies a ProxmoxCluster declares: {@code placementPolicies}, then the deprecated {@code
     * haGroups} (restricted is strict, nofailback is failback false). The first of a name wins.
     */
    public static Map<String, Policy> policies(ProxmoxClusterSpec spec) {
        Map<String, Policy> out = new LinkedHashMap<>();
        if (spec == null) {
            return out;
        }
        for (ProxmoxClusterSpec.PlacementPolicy p : spec.getPlacementPolicies()) {
            out.putIfAbsent(
                    p.getName(),
                    new Policy(
                            p.getName(),
                            nodes(p.getNodes()),
                            Boolean.TRUE.equals(p.getStrict()),
                            !Boolean.FALSE.equals(p.getFailback())));
        }
        for (ProxmoxClusterSpec.HaGroup g : spec.getHaGroups()) {
            out.putIfAbsent(
                    g.getName(),
                    new Policy(
                            g.getName(),
                            nodes(g.getNodes()),
                            Boolean.TRUE.equals(g.getRestricted()),
                            !Boolean.TRUE.equals(g.getNofailback())));
        }
        return out;
    }

    /** A HaVm's {@code preferredNodes}: highest priority first, not strict, failback. */
    public static Policy preferred(String name, List<String> nodes) {
        Map<String, Integer> ranked = new LinkedHashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            ranked.put(nodes.get(i), nodes.size() - i);
        }
        return new Policy(name, ranked, false, true);
    }

    /** The policy a HaVm names (placementPolicy or group), if its cluster declares it. */
    public static Optional<Policy> policyOf(HaVm vm, ProxmoxClusterSpec clusterSpec) {
        Ha ha = vm.getSpec().getHa();
        String name = ha == null ? null : ha.policyName();
        return name == null
                ? Optional.empty()
                : Optional.ofNullable(policies(clusterSpec).get(name));
    }

    /** Whether the VM is to be HA-managed (HA enabled and not a template). */
    public static boolean haWanted(HaVm vm) {
        Ha ha = vm.getSpec() == null ? null : vm.getSpec().getHa();
        return ha != null
                && Boolean.TRUE.equals(ha.getEnabled())
                && !Boolean.TRUE.equals(vm.getSpec().getTemplate());
    }

    /** Whether the VM declares other HaVms to keep apart from or together with. */
    public static boolean hasAffinity(HaVm vm) {
        Ha ha = vm.getSpec() == null ? null : vm.getSpec().getHa();
        return ha != null
                && ((ha.getKeepApartFrom() != null && !ha.getKeepApartFrom().isEmpty())
                        || (ha.getKeepTogetherWith() != null
                                && !ha.getKeepTogetherWith().isEmpty()));
    }

    /**
     * The HaVms of {@code set} among {@code candidates} (the same namespace and cluster): named
     * ones and those the selector matches, without {@code self}, in name order. Names that match no
     * HaVm are in {@code missing}.
     */
    public static List<HaVm> resolve(
            HaVm self, HaVmSet set, Collection<HaVm> candidates, List<String> missing) {
        if (set == null) {
            return List.of();
        }
        Map<String, HaVm> byName = new TreeMap<>();
        for (HaVm c : candidates) {
            if (sameCluster(self, c)) {
                byName.put(c.getMetadata().getName(), c);
            }
        }
        Map<String, HaVm> out = new TreeMap<>();
        for (String name : set.getHaVmNames() == null ? List.<String>of() : set.getHaVmNames()) {
            HaVm vm = byName.get(name);
            if (vm == null) {
                missing.add(name);
            } else {
                out.put(name, vm);
            }
        }
        if (set.getHaVmSelector() != null) {
            byName.forEach(
                    (name, vm) -> {
                        Map<String, String> labels = vm.getMetadata().getLabels();
                        if (LabelSelectors.matches(
                                set.getHaVmSelector(), labels == null ? Map.of() : labels)) {
                            out.put(name, vm);
                        }
                    });
        }
        out.remove(self.getMetadata().getName());
        return new ArrayList<>(out.values());
    }

    /** Same namespace and same ProxmoxCluster. */
    public static boolean sameCluster(HaVm a, HaVm b) {
        return Objects.equals(a.getMetadata().getNamespace(), b.getMetadata().getNamespace())
                && a.getSpec() != null
                && b.getSpec() != null
                && a.getSpec().getClusterRef() != null
                && b.getSpec().getClusterRef() != null
                && Objects.equals(
                        a.getSpec().getClusterRef().getName(),
                        b.getSpec().getClusterRef().getName());
    }

    /** The VMID a HaVm has: in status once known, else the one its spec declares. */
    public static Integer vmid(HaVm vm) {
        if (vm.getStatus() != null && vm.getStatus().getVmid() != null) {
            return vm.getStatus().getVmid();
        }
        return vm.getSpec() == null ? null : vm.getSpec().getVmid();
    }

    private static Map<String, Integer> nodes(List<ProxmoxClusterSpec.HaGroupNode> nodes) {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (ProxmoxClusterSpec.HaGroupNode n : nodes) {
            out.put(n.getNode(), n.getPriority() == null ? 0 : n.getPriority());
        }
        return out;
    }
}
