package io.pveha.reconciler.vm;

import io.pveha.api.vm.Ha;
import io.pveha.api.vm.HaVm;
import io.pveha.cluster.ClusterSnapshot;
import io.pveha.pve.model.ClusterResource;
import io.pveha.pve.model.HaStatusEntry;
import io.pveha.reconciler.Reason;
import io.pveha.reconciler.placement.PlacementRules;
import io.pveha.reconciler.placement.Placements;
import io.pveha.reconciler.placement.Placements.Model;
import io.pveha.reconciler.placement.Placements.Policy;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where a HA VM may run, as PVE has it, and whether it runs there: the Placement condition and
 * {@code status.placement}. Pure: from the spec, the cluster's policies, the other HaVms and the
 * poll. The placement is in effect as the group the VM's HA resource names (PVE 8) or the rules the
 * ProxmoxCluster keeps for it (PVE 9); a violation is a VM running on a node its placement forbids,
 * which PVE's HA manager corrects when a node allows it (a VM kept apart from another shares its
 * node after a failure while no third node is free).
 */
final class HaVmPlacement {
    /** The condition's verdict and what status shows. */
    record Assessment(boolean holds, Reason reason, String message, String placement) {}

    private HaVmPlacement() {}

    /**
     * @param group the HA group the HA resource is to name (PVE 8), or null
     * @param policy the policy the VM names, if its cluster declares it
     */
    static Assessment assess(
            HaVm vm,
            ClusterResource obs,
            Model model,
            String group,
            Optional<Policy> policy,
            List<HaVm> neighbours,
            List<String> rendered,
            ClusterSnapshot snapshot) {
        Ha ha = vm.getSpec().getHa();
        String policyName = ha.policyName();
        List<String> missing = new ArrayList<>();
        List<HaVm> apart = Placements.resolve(vm, ha.getKeepApartFrom(), neighbours, missing);
        List<HaVm> together = Placements.resolve(vm, ha.getKeepTogetherWith(), neighbours, missing);
        List<String> notes = new ArrayList<>();
        if (!missing.isEmpty()) {
            notes.add("no HaVm named " + String.join(", ", missing) + " in this cluster");
        }
        String placement;
        if (model == Model.GROUPS) {
            placement = group == null ? "any node (no HA group)" : "HA group " + group;
        } else {
            List<String> rules = new ArrayList<>();
            if (policy.isPresent()) {
                rules.add(
                        rendered(
                                PlacementRules.policyRule(policy.get().name()),
                                PlacementRules.migratedGroupRule(policy.get().name()),
                                rendered));
            } else if (policyName == null && !ha.getPreferredNodes().isEmpty()) {
                rules.add(
                        rendered(
                                PlacementRules.vmRule(obs.vmid()),
                                PlacementRules.migratedGroupRule(PlacementRules.vmRule(obs.vmid())),
                                rendered));
            }
            for (boolean keepApart : List.of(true, false)) {
                for (HaVm partner : keepApart ? apart : together) {
                    Integer other = Placements.vmid(partner);
                    if (other != null
                            && Placements.haWanted(partner)
                            && snapshot.haService(other).isPresent()) {
                        rules.add(PlacementRules.pairRule(keepApart, obs.vmid(), other));
                    } else {
                        notes.add(
                                partner.getMetadata().getName()
                                        + " is not HA-managed yet, so not kept "
                                        + (keepApart ? "apart" : "together"));
                    }
                }
            }
            placement =
                    rules.isEmpty()
                            ? "any node (no HA rule)"
                            : "HA rules " + String.join(", ", rules);
        }
        if (policyName != null && policy.isEmpty() && model == Model.RULES) {
            return new Assessment(
                    false,
                    HaVmReason.PlacementInvalid,
                    "placement policy "
                            + policyName
                            + " is not declared in ProxmoxCluster "
                            + vm.getSpec().getClusterRef().getName(),
                    placement);
        }
        if (model == Model.GROUPS && Placements.hasAffinity(vm)) {
            return new Assessment(
                    false,
                    HaVmReason.PlacementNotSupported,
                    "PVE "
                            + snapshot.version().version()
                            + " has no resource affinity: keepApartFrom and keepTogetherWith take"
                            + " effect on PVE 9 (HA rules); "
                            + placement
                            + " is in effect",
                    placement);
        }
        boolean running = "running".equals(obs.status());
        List<String> violations = new ArrayList<>();
        if (running) {
            for (HaVm partner : apart) {
                node(partner, snapshot)
                        .filter(n -> n.equals(obs.node()))
                        .ifPresent(
                                n ->
                                        violations.add(
                                                "runs on "
                                                        + n
                                                        + " together with "
                                                        + partner.getMetadata().getName()
                                                        + ", which it must be kept apart from"));
            }
            for (HaVm partner : together) {
                node(partner, snapshot)
                        .filter(n -> !n.equals(obs.node()))
                        .ifPresent(
                                n ->
                                        violations.add(
                                                "runs on "
                                                        + obs.node()
                                                        + " while "
                                                        + partner.getMetadata().getName()
                                                        + ", which it must be kept together with,"
                                                        + " runs on "
                                                        + n));
            }
            if (policy.isPresent()
                    && policy.get().strict()
                    && !policy.get().nodes().containsKey(obs.node())) {
                violations.add(
                        "runs on "
                                + obs.node()
                                + ", outside strict placement policy "
                                + policy.get().name()
                                + " ("
                                + String.join(", ", policy.get().nodes().keySet())
                                + ")");
            }
        }
        String crm = snapshot.haService(obs.vmid()).map(HaStatusEntry::crmState).orElse(null);
        if ("recovery".equals(crm)) {
            violations.add(
                    "the HA manager finds no online node its placement allows; the VM waits in"
                            + " recovery until one is");
        }
        if (!violations.isEmpty()) {
            return new Assessment(
                    false,
                    HaVmReason.PlacementViolated,
                    String.join("; ", violations)
                            + (running && !"recovery".equals(crm)
                                    ? "; the HA manager moves it once a node allows"
                                    : ""),
                    placement);
        }
        return new Assessment(
                true,
                HaVmReason.PlacementInEffect,
                placement + (notes.isEmpty() ? "" : "; " + String.join("; ", notes)),
                placement);
    }

    /**
     * The rule's id as the ProxmoxCluster keeps it: a rule PVE migrated from a group keeps its
     * {@code ha-group-} id.
     */
    private static String rendered(String id, String migrated, List<String> rendered) {
        return !rendered.contains(id) && rendered.contains(migrated) ? migrated : id;
    }

    /** Where a partner runs, if it runs. */
    private static Optional<String> node(HaVm partner, ClusterSnapshot snapshot) {
        Integer vmid = Placements.vmid(partner);
        if (vmid == null) {
            return Optional.empty();
        }
        return snapshot.vm(vmid)
                .filter(r -> "running".equals(r.status()))
                .map(ClusterResource::node);
    }

    /** The failback the HA resource is to have on PVE 9. */
    static boolean failback(Optional<Policy> policy) {
        return policy.map(Policy::failback).orElse(true);
    }
}
