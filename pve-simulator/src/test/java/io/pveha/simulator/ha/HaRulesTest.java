package io.pveha.simulator.ha;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pveha.simulator.PveSimulator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * PVE 9's HA rules in the CRM, on the manual clock through {@code sim.ha()}: the scenarios of
 * pve-ha-manager 5.2's own regression tests ({@code src/test/test-*}, named per test), with this
 * simulator's 10 s rounds (times within a round of the reference's 20 s ones).
 */
class HaRulesTest {
    static HaTestCluster pve9(String... nodes) {
        return new HaTestCluster(PveSimulator.builder().pveVersion(9).nodeNames(nodes));
    }

    static HaTestCluster pve8(String... nodes) {
        return new HaTestCluster(PveSimulator.builder().pveVersion(8).nodeNames(nodes));
    }

    /**
     * test-resource-affinity-strict-negative1: node3 fails; vm:102 goes to node1 although node1
     * runs two services, because node2 runs vm:101, which it must be kept apart from.
     */
    @Test
    void negativeAffinityKeepsServicesApartAfterANodeFailure() {
        try (HaTestCluster c = pve9("node1", "node2", "node3")) {
            c.addVm("node2", 101, "started", Map.of());
            c.addVm("node3", 102, "started", Map.of());
            c.addVm("node1", 103, "started", Map.of());
            c.addVm("node1", 104, "started", Map.of());
            // the API counts the nodes of the manager status: before the CRM's first round none
            c.at(20);
            c.sim.ha()
                    .addRule(
                            "lonely-must-vms-be",
                            "resource-affinity",
                            Map.of("resources", "vm:101,vm:102", "affinity", "negative"));
            c.at(120);
            c.sim.faults().networkOff("node3");
            c.at(300);
            assertThat(c.vm(102).node()).isEqualTo("node1");
            assertThat(c.vm(102).running()).isTrue();
            assertThat(c.messages())
                    .contains("recover service 'vm:102' from fenced node 'node3' to node 'node1'");
        }
    }

    /**
     * No node left that runs none of the services to keep apart: the service stays in recovery
     * (what PVE does when it cannot), and is recovered once a node allows it.
     */
    @Test
    void withoutAnAllowedNodeTheServiceWaitsInRecovery() {
        try (HaTestCluster c = pve9("node1", "node2", "node3")) {
            c.addVm("node1", 101, "started", Map.of());
            c.addVm("node2", 102, "started", Map.of());
            c.addVm("node3", 103, "started", Map.of());
            c.at(20);
            c.sim.ha()
                    .addRule(
                            "spread",
                            "resource-affinity",
                            Map.of("resources", "vm:101,vm:102,vm:103", "affinity", "negative"));
            c.at(120);
            c.sim.faults().powerOff("node3");
            c.at(400);
            assertThat(c.state("vm:103")).isEqualTo("recovery");
            assertThat(c.messages())
                    .contains(
                            "recovering service 'vm:103' from fenced node 'node3' failed, no"
                                    + " recovery node found");
            c.sim.faults().powerOn("node3");
            c.at(600);
            assertThat(c.state("vm:103")).isEqualTo("started");
            assertThat(c.vm(103).node()).isEqualTo("node3");
        }
    }

    /** test-node-affinity-strict3: the only node of a strict rule fails, recovery waits. */
    @Test
    void strictNodeAffinityNeverLeavesItsNodes() {
        try (HaTestCluster c = pve9("node1", "node2", "node3")) {
            c.addVm("node3", 101, "started", Map.of());
            c.sim.ha()
                    .addRule(
                            "must-be-on-node3",
                            "node-affinity",
                            Map.of("resources", "vm:101", "nodes", "node3", "strict", "1"));
            c.at(120);
            c.sim.faults().networkOff("node3");
            c.at(400);
            assertThat(c.state("vm:101")).isEqualTo("recovery");
            assertThat(c.vm(101).node()).isEqualTo("node3");
        }
    }

    /**
     * test-node-affinity-nonstrict5 and -6: a returning higher-priority node gets its service back,
     * unless the resource has {@code failback 0}.
     */
    @Test
    void failbackDecidesWhetherAServiceMovesBack() {
        try (HaTestCluster c = pve9("node1", "node2", "node3")) {
            c.addVm("node2", 101, "started", Map.of());
            c.addVm("node2", 102, "started", Map.of("failback", "0"));
            c.sim.ha()
                    .addRule(
                            "prefer-node2",
                            "node-affinity",
                            Map.of("resources", "vm:101,vm:102", "nodes", "node2:2,node3:1"));
            c.at(120);
            c.sim.faults().powerOff("node2");
            c.at(400);
            assertThat(c.vm(101).node()).isEqualTo("node3");
            assertThat(c.vm(102).node()).isEqualTo("node3");
            c.sim.faults().powerOn("node2");
            c.at(700);
            assertThat(c.vm(101).node()).isEqualTo("node2");
            assertThat(c.vm(102).node()).isEqualTo("node3");
        }
    }

    /**
     * A rule made while two services run together: the HA manager moves one of them away (the
     * violation lasts until then).
     */
    @Test
    void aNewNegativeRuleSeparatesServicesRunningTogether() {
        try (HaTestCluster c = pve9("node1", "node2", "node3")) {
            c.addVm("node1", 101, "started", Map.of());
            c.addVm("node1", 102, "started", Map.of());
            c.at(60);
            c.sim.ha()
                    .addRule(
                            "apart",
                            "resource-affinity",
                            Map.of("resources", "vm:101,vm:102", "affinity", "negative"));
            c.at(120);
            assertThat(c.vm(101).node()).isNotEqualTo(c.vm(102).node());
        }
    }

    /**
     * test-resource-affinity-strict-negative8: a migration onto the node of a service to keep apart
     * from is refused; test-resource-affinity-strict-positive: partners move along.
     */
    @Test
    void migrationsHonourResourceAffinity() {
        try (HaTestCluster c = pve9("node1", "node2", "node3")) {
            c.addVm("node1", 101, "started", Map.of());
            c.addVm("node2", 102, "started", Map.of());
            c.addVm("node3", 103, "started", Map.of());
            c.addVm("node3", 104, "started", Map.of());
            c.at(20);
            c.sim.ha()
                    .addRule(
                            "apart",
                            "resource-affinity",
                            Map.of("resources", "vm:101,vm:102", "affinity", "negative"));
            c.sim.ha()
                    .addRule(
                            "together",
                            "resource-affinity",
                            Map.of("resources", "vm:103,vm:104", "affinity", "positive"));
            c.at(60);
            c.sim.ha().migrate("vm:101", "node2");
            c.sim.ha().migrate("vm:103", "node1");
            c.at(120);
            assertThat(c.messages())
                    .contains(
                            "crm command 'migrate vm:101 node2' error - service 'vm:102' on node"
                                    + " 'node2' in negative affinity with service 'vm:101'",
                            "crm command 'migrate vm:103 node1' - migrate service 'vm:104' to"
                                    + " node 'node1' (service 'vm:104' in positive affinity with"
                                    + " service 'vm:103')");
            assertThat(c.vm(101).node()).isEqualTo("node1");
            assertThat(c.vm(103).node()).isEqualTo("node1");
            assertThat(c.vm(104).node()).isEqualTo("node1");
        }
    }

    /**
     * test-group-migrate2 and -1: once every node runs PVE 9 the CRM migrates the groups to rules
     * (restricted: strict; nofailback: the resources get failback 0) and deletes them; while one
     * node still runs PVE 8 it keeps trying every six rounds.
     */
    @Test
    void anUpgradedClusterMigratesItsGroupsToRules() {
        try (HaTestCluster c = pve8("node1", "node2", "node3")) {
            c.sim.ha().addGroup("group1", Map.of("nodes", "node1", "restricted", "1"));
            c.sim.ha().addGroup("group2", Map.of("nodes", "node2:2,node3", "nofailback", "1"));
            c.addVm("node1", 101, "started", Map.of("group", "group1"));
            c.addVm("node2", 102, "started", Map.of("group", "group2"));
            c.addVm("node3", 103, "started", Map.of("group", "group2"));
            c.at(60);
            c.sim.upgrade("node1", 9);
            c.sim.upgrade("node2", 9);
            c.at(120);
            assertThat(c.messages())
                    .contains(
                            "abort ha groups migration: node 'node3' needs at least pve-manager"
                                    + " version '9.0.0~16'",
                            "retry ha groups migration in 6 rounds (~ 60 seconds)");
            assertThat(c.sim.ha().groupsMigrated()).isFalse();
            // the groups are in effect as rules already (migrated in memory)
            assertThat(c.sim.ha().rules())
                    .extracting(r -> r.get("rule"))
                    .containsExactly("ha-group-group1", "ha-group-group2");

            c.sim.upgrade("node3", 9);
            c.at(240);
            assertThat(c.messages())
                    .contains(
                            "ha groups migration: node 'node3' has version '9.1.1'",
                            "ha groups migration: migration to rules config successful",
                            "ha groups migration: group config deletion successful",
                            "ha groups migration successful");
            assertThat(c.sim.ha().groupsMigrated()).isTrue();
            List<Map<String, Object>> rules = c.sim.ha().rules();
            assertThat(rules).hasSize(2);
            assertThat(rules.get(0))
                    .containsEntry("rule", "ha-group-group1")
                    .containsEntry("resources", "vm:101")
                    .containsEntry("nodes", "node1")
                    .containsEntry("strict", 1)
                    .containsEntry("comment", "Generated from HA group 'group1'.");
            assertThat(rules.get(1))
                    .containsEntry("resources", "vm:102,vm:103")
                    .containsEntry("nodes", "node2:2,node3")
                    .doesNotContainKey("strict");
            assertThat(c.sim.ha().api().resource("vm:102"))
                    .containsEntry("failback", 0)
                    .doesNotContainKey("group");
            assertThat(c.sim.ha().api().resource("vm:101")).doesNotContainKeys("group", "failback");
            assertThatThrownBy(() -> c.sim.ha().addGroup("late", Map.of("nodes", "node1")))
                    .hasMessage("cannot create group: ha groups have been migrated to rules");
        }
    }

    /** The API's refusals: infeasible rules and PVE 9's group rules. */
    @Test
    void infeasibleRulesAreRefused() {
        try (HaTestCluster c = pve9("node1", "node2", "node3")) {
            c.addVm("node1", 101, "started", Map.of());
            c.addVm("node2", 102, "started", Map.of());
            c.at(20);
            c.sim.ha()
                    .addRule(
                            "prefer",
                            "node-affinity",
                            Map.of("resources", "vm:101,vm:102", "nodes", "node1:2,node2"));
            assertThatThrownBy(
                            () ->
                                    c.sim.ha()
                                            .addRule(
                                                    "apart",
                                                    "resource-affinity",
                                                    Map.of(
                                                            "resources",
                                                            "vm:101,vm:102",
                                                            "affinity",
                                                            "negative")))
                    .hasMessage("Rule 'apart' is invalid.");
            assertThatThrownBy(
                            () ->
                                    c.sim.ha()
                                            .addRule(
                                                    "again",
                                                    "node-affinity",
                                                    Map.of(
                                                            "resources",
                                                            "vm:101",
                                                            "nodes",
                                                            "node3")))
                    .hasMessage("Rule 'again' is invalid.");
            assertThatThrownBy(
                            () ->
                                    c.sim.ha()
                                            .addRule(
                                                    "ghost",
                                                    "node-affinity",
                                                    Map.of(
                                                            "resources",
                                                            "vm:101",
                                                            "nodes",
                                                            "node9")))
                    .hasMessage("create ha rule failed: cannot use non-existent node(s) node9.");
            assertThatThrownBy(
                            () ->
                                    c.sim.ha()
                                            .addRule(
                                                    "unmanaged",
                                                    "resource-affinity",
                                                    Map.of(
                                                            "resources",
                                                            "vm:101,vm:999",
                                                            "affinity",
                                                            "positive")))
                    .hasMessage("create ha rule failed: cannot use unmanaged resource(s) vm:999.");
            assertThatThrownBy(
                            () ->
                                    c.sim.ha()
                                            .addRule(
                                                    "mixed",
                                                    "node-affinity",
                                                    Map.of(
                                                            "resources",
                                                            "vm:101",
                                                            "nodes",
                                                            "node1",
                                                            "affinity",
                                                            "negative")))
                    .hasMessage("unexpected property 'affinity'");
            assertThatThrownBy(() -> c.sim.ha().addGroup("g", Map.of("nodes", "node1")))
                    .hasMessage("cannot create group: ha groups have been migrated to rules");
        }
    }
}
