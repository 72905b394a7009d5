package io.pveha.reconciler.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.pveha.api.ObjectRef;
import io.pveha.api.cluster.ProxmoxCluster;
import io.pveha.api.cluster.ProxmoxClusterSpec;
import io.pveha.api.vm.Ha;
import io.pveha.api.vm.HaVm;
import io.pveha.api.vm.HaVmSet;
import io.pveha.api.vm.HaVmSpec;
import io.pveha.api.vm.HaVmStatus;
import io.pveha.cluster.ClusterKey;
import io.pveha.cluster.ClusterSnapshot;
import io.pveha.cluster.PollOutcome;
import io.pveha.pve.model.HaGroup;
import io.pveha.pve.model.HaRule;
import io.pveha.reconciler.placement.PlacementRules;
import io.pveha.reconciler.placement.PlacementRules.CreateRule;
import io.pveha.reconciler.placement.PlacementRules.DeleteRule;
import io.pveha.reconciler.placement.PlacementRules.UpdateRule;
import io.pveha.reconciler.placement.Placements;
import io.pveha.testing.Snapshots;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * One placement, two renderings: PVE 8 HA groups and PVE 9 HA rules, chosen by the version the
 * cluster reports; what is changed, adopted, left alone and reported.
 */
class PlacementRenderingTest {
    static final Instant NOW = Instant.parse("2026-01-10T10:00:00Z");
    static final String OURS = "pveha.io/cluster=store/main";

    static ProxmoxCluster cluster(Consumer<ProxmoxClusterSpec> spec) {
        ProxmoxCluster c = ProxmoxClusterPlannerTest.cluster(spec);
        return c;
    }

    static ProxmoxClusterSpec.PlacementPolicy policy(
            String name, boolean strict, boolean failback, String... nodes) {
        ProxmoxClusterSpec.PlacementPolicy p = new ProxmoxClusterSpec.PlacementPolicy();
        p.setName(name);
        p.setStrict(strict ? true : null);
        p.setFailback(failback ? null : false);
        p.setNodes(ProxmoxClusterPlannerTest.group(name, nodes).getNodes());
        return p;
    }

    static HaVm vm(String name, int vmid, Consumer<Ha> ha) {
        HaVm vm = new HaVm();
        vm.getMetadata().setName(name);
        vm.getMetadata().setNamespace("store");
        vm.getMetadata().setLabels(Map.of("app", name.replaceAll("-\\d+$", "")));
        vm.setSpec(new HaVmSpec());
        vm.getSpec().setClusterRef(new ObjectRef("main"));
        Ha h = new Ha();
        h.setEnabled(true);
        ha.accept(h);
        vm.getSpec().setHa(h);
        vm.setStatus(new HaVmStatus());
        vm.getStatus().setVmid(vmid);
        return vm;
    }

    static HaVmSet names(String... names) {
        HaVmSet set = new HaVmSet();
        set.setHaVmNames(List.of(names));
        return set;
    }

    static ProxmoxClusterPlanner.Plan plan(
            ProxmoxCluster cluster,
            String version,
            List<HaVm> vms,
            Optional<List<HaGroup>> groups,
            Optional<List<HaRule>> rules,
            int... registered) {
        Snapshots s = Snapshots.at(NOW).version(version).node("pve1").node("pve2").node("pve3");
        for (int vmid : registered) {
            s.haService(vmid, "pve1", "started", "started");
        }
        ClusterSnapshot snapshot = s.build();
        ProxmoxClusterFacts facts =
                new ProxmoxClusterFacts(
                        new ClusterKey("store", "main"),
                        null,
                        new PollOutcome(snapshot, null, null, List.of(), true),
                        ProxmoxClusterPlannerTest.token(),
                        Optional.of(NOW),
                        groups,
                        vms,
                        rules,
                        Optional.empty());
        return ProxmoxClusterPlanner.plan(cluster, null, facts, NOW);
    }

    static HaRule rule(String id, String type, String resources, String nodes, String comment) {
        return new HaRule(
                id,
                type,
                resources,
                nodes,
                null,
                type.equals("resource-affinity") ? "negative" : null,
                null,
                comment,
                "d",
                1,
                null);
    }

    @Nested
    class Pve8 {
        @Test
        void policiesAreGroupsStrictIsRestrictedAndFailbackOffIsNofailback() {
            ProxmoxCluster cluster =
                    cluster(
                            s ->
                                    s.setPlacementPolicies(
                                            List.of(
                                                    policy(
                                                            "payments",
                                                            true,
                                                            false,
                                                            "pve2:2",
                                                            "pve3"))));
            ProxmoxClusterPlanner.Plan plan =
                    plan(cluster, "8.4.1", List.of(), Optional.of(List.of()), Optional.empty());
            assertThat(plan.model()).isEqualTo(Placements.Model.GROUPS);
            assertThat(plan.needsHaRules()).isFalse();
            assertThat(plan.haGroups().orElseThrow().actions())
                    .containsExactly(
                            new HaGroupSync.CreateGroup(
                                    "payments",
                                    Map.of(
                                            "group",
                                            "payments",
                                            "nodes",
                                            "pve2:2,pve3",
                                            "restricted",
                                            true,
                                            "nofailback",
                                            true,
                                            "comment",
                                            OURS)));
        }

        @Test
        void aClusterOnPve8NeedsNoRules() {
            ProxmoxClusterPlanner.Plan plan =
                    plan(cluster(s -> {}), "8.4.1", List.of(), Optional.empty(), Optional.empty());
            assertThat(plan.needsHaGroups()).isTrue();
            assertThat(plan.needsHaRules()).isFalse();
        }
    }

    @Nested
    class Pve9 {
        final ProxmoxCluster cluster =
                cluster(
                        s ->
                                s.setPlacementPolicies(
                                        List.of(
                                                policy("frontline", false, true, "pve1", "pve2"),
                                                policy("payments", false, false, "pve2"))));
        final List<HaVm> vms =
                List.of(
                        vm(
                                "pos-api-1",
                                201,
                                h -> {
                                    h.setPlacementPolicy("frontline");
                                    h.setKeepApartFrom(names("pos-api-2"));
                                }),
                        vm(
                                "pos-api-2",
                                202,
                                h -> {
                                    h.setPlacementPolicy("frontline");
                                    HaVmSet set = new HaVmSet();
                                    set.setHaVmSelector(
                                            new LabelSelectorBuilder()
                                                    .withMatchLabels(Map.of("app", "pos-api"))
                                                    .build());
                                    h.setKeepApartFrom(set);
                                }),
                        vm("payment-gateway", 401, h -> h.setPlacementPolicy("payments")),
                        vm("erp-db", 301, h -> h.setPreferredNodes(List.of("pve3", "pve2"))));

        @Test
        void rulesAreReadWhenTheDesiredRulesChange() {
            ProxmoxClusterPlanner.Plan plan =
                    plan(cluster, "9.1.1", vms, Optional.empty(), Optional.empty(), 201, 202);
            assertThat(plan.model()).isEqualTo(Placements.Model.RULES);
            assertThat(plan.needsHaRules()).isTrue();
            assertThat(plan.needsHaGroups()).isFalse();
        }

        @Test
        void registeredVmsGetPolicyRulesOwnRulesAndOneNegativeRulePerPair() {
            ProxmoxClusterPlanner.Plan plan =
                    plan(
                            cluster,
                            "9.1.1",
                            vms,
                            Optional.empty(),
                            Optional.of(List.of()),
                            201,
                            202,
                            301);
            assertThat(plan.haRules().orElseThrow().actions())
                    .containsExactly(
                            new CreateRule(
                                    "pveha-frontline",
                                    Map.of(
                                            "rule",
                                            "pveha-frontline",
                                            "type",
                                            "node-affinity",
                                            "resources",
                                            "vm:201,vm:202",
                                            "nodes",
                                            "pve1,pve2",
                                            "comment",
                                            OURS + " placement policy frontline")),
                            new CreateRule(
                                    "pveha-vm-301",
                                    Map.of(
                                            "rule",
                                            "pveha-vm-301",
                                            "type",
                                            "node-affinity",
                                            "resources",
                                            "vm:301",
                                            "nodes",
                                            "pve2:1,pve3:2",
                                            "comment",
                                            OURS + " HaVm erp-db spec.ha.preferredNodes")),
                            new CreateRule(
                                    "pveha-apart-201-202",
                                    Map.of(
                                            "rule",
                                            "pveha-apart-201-202",
                                            "type",
                                            "resource-affinity",
                                            "resources",
                                            "vm:201,vm:202",
                                            "affinity",
                                            "negative",
                                            "comment",
                                            OURS + " keep pos-api-1 and pos-api-2 apart")));
            // payment-gateway (401) is not an HA resource yet: PVE would refuse it in a rule
            assertThat(plan.haRules().orElseThrow().desired()).doesNotContain("pveha-payments");
        }

        @Test
        void migratedGroupRulesAreAdoptedForeignRulesLeftAloneOwnLeftoversRemoved() {
            List<HaRule> existing =
                    List.of(
                            rule(
                                    "ha-group-frontline",
                                    "node-affinity",
                                    "vm:201",
                                    "pve1,pve2",
                                    OURS),
                            rule(
                                    "pveha-apart-201-202",
                                    "resource-affinity",
                                    "vm:201,vm:202",
                                    null,
                                    "an admin's rule"),
                            rule("pveha-old", "node-affinity", "vm:999", "pve1", OURS + " old"),
                            rule("admins", "node-affinity", "vm:500", "pve3", null));
            PlacementRules.Plan plan =
                    plan(cluster, "9.1.1", vms, Optional.empty(), Optional.of(existing), 201, 202)
                            .haRules()
                            .orElseThrow();
            assertThat(plan.actions())
                    .containsExactly(
                            new DeleteRule("pveha-old"),
                            new UpdateRule(
                                    "ha-group-frontline",
                                    Map.of(
                                            "resources",
                                            "vm:201,vm:202",
                                            "nodes",
                                            "pve1,pve2",
                                            "comment",
                                            OURS + " placement policy frontline"),
                                    false));
            assertThat(plan.foreign()).containsExactly("pveha-apart-201-202");
            // the foreign rule is not counted as ours
            assertThat(plan.desired()).containsExactly("ha-group-frontline");
        }

        @Test
        void anUndeclaredPolicyAndAStrictPolicyOnAnUnknownNodeAreReported() {
            ProxmoxCluster strict =
                    cluster(
                            s ->
                                    s.setPlacementPolicies(
                                            List.of(policy("db", true, true, "pve3", "pve9"))));
            ProxmoxClusterPlanner.Plan plan =
                    plan(
                            strict,
                            "9.1.1",
                            List.of(vm("web-1", 100, h -> h.setPlacementPolicy("frontline"))),
                            Optional.empty(),
                            Optional.of(List.of()),
                            100);
            assertThat(plan.placementProblems())
                    .containsExactly(
                            "placement policy db is strict to pve9, which is not a node of this"
                                    + " cluster",
                            "HaVm web-1 names placement policy frontline, which the ProxmoxCluster"
                                    + " does not declare");
        }
    }
}
