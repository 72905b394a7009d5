package io.pveha.simulator.ha;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pveha.simulator.tasks.TaskDurations;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The CRM/LRM state machine through the Java API, without HTTP: requests, commands, start failures,
 * maintenance, shutdown policies, group rules. Scenario timings against pve-ha-manager's regression
 * tests are in {@code HaScenariosIT}.
 */
class HaStateMachineTest {

    @Test
    void requestedStatesStopAndStartTheGuestThroughTheLrm() {
        try (HaTestCluster c = new HaTestCluster("node1", "node2", "node3")) {
            c.addVm("node1", 100, "started", Map.of());
            c.at(20);
            assertThat(c.vm(100).running()).isTrue();
            assertThat(c.sim.ha().status().services().get("vm:100").running()).isTrue();

            c.sim.ha().setResource("vm:100", Map.of("state", "stopped"));
            c.at(40);
            assertThat(c.vm(100).running()).isFalse();
            c.sim.ha().setResource("vm:100", Map.of("state", "started"));
            c.at(60);
            assertThat(c.vm(100).running()).isTrue();
            assertThat(c.transitions("vm:100"))
                    .containsExactly(
                            "request_start -> started",
                            "started -> request_stop",
                            "request_stop -> stopped",
                            "stopped -> request_start",
                            "request_start -> started");
            assertThat(c.taskTypes(100)).containsExactly("qmstart", "qmshutdown", "qmstart");
            assertThat(c.sim.cluster().tasks())
                    .allSatisfy(t -> assertThat(t.user()).isEqualTo("root@pam"));
        }
    }

    @Test
    void crmStopCommandHardStopsAndRewritesTheRequestedState() {
        try (HaTestCluster c = new HaTestCluster("node1", "node2", "node3")) {
            c.addVm("node2", 100, "started", Map.of());
            c.at(20);
            c.sim.ha().stop("vm:100", 0);
            c.at(40);
            assertThat(c.messages())
                    .contains(
                            "got crm command: stop vm:100 0",
                            "request immediate service hard-stop for service 'vm:100'",
                            "service 'vm:100': state changed from 'started' to 'request_stop'  (timeout = 0)");
            assertThat(c.state("vm:100")).isEqualTo("stopped");
            assertThat(c.taskTypes(100)).containsExactly("qmstart", "qmstop");
            assertThat(c.sim.ha().api().resources(null))
                    .singleElement()
                    .satisfies(r -> assertThat(r).containsEntry("state", "stopped"));
        }
    }

    @Test
    void failedStartIsRetriedThenRelocatedThenErrorUntilDisabled() {
        try (HaTestCluster c = new HaTestCluster("node1", "node2", "node3")) {
            for (int i = 0; i < 4; i++) {
                c.sim.faults().failNextTask("qmstart", "start failed: injected");
            }
            c.addVm("node1", 100, "started", Map.of("max_restart", "1", "max_relocate", "1"));
            c.at(120);
            assertThat(c.messages())
                    .containsSubsequence(
                            "restart policy: retry number 1 for service 'vm:100'",
                            "unable to start service vm:100 on local node after 1 retries",
                            "starting service vm:100 on node 'node1' failed, relocating service.",
                            "migrate service 'vm:100' to node 'node2' (running)",
                            "service 'vm:100': state changed from 'migrate' to 'started'  (node = node2)",
                            "restart policy: retry number 1 for service 'vm:100'",
                            "recovery policy for service vm:100 failed, entering error state. Failed nodes: node1, node2",
                            "service 'vm:100': state changed from 'started' to 'error'");
            assertThat(c.state("vm:100")).isEqualTo("error");
            assertThat(c.vm(100).node()).isEqualTo("node2");

            assertThatThrownBy(() -> c.sim.ha().setResource("vm:100", Map.of("state", "started")))
                    .hasMessage(
                            "service 'vm:100' in error state, must be disabled and fixed first");
            c.sim.ha().setResource("vm:100", Map.of("state", "disabled"));
            c.at(140);
            assertThat(c.state("vm:100")).isEqualTo("stopped");
            c.sim.ha().setResource("vm:100", Map.of("state", "started"));
            c.at(160);
            assertThat(c.state("vm:100")).isEqualTo("started");
            assertThat(c.vm(100).running()).isTrue();
        }
    }

    @Test
    void migrateMovesTheRunningGuestLiveAndRelocateRestartsItOnTheTarget() {
        try (HaTestCluster c = new HaTestCluster("node1", "node2", "node3")) {
            c.addVm("node1", 100, "started", Map.of());
            c.at(20);
            c.sim.ha().migrate("vm:100", "node2");
            c.at(40);
            assertThat(c.vm(100).node()).isEqualTo("node2");
            assertThat(c.vm(100).running()).isTrue();
            assertThat(c.messages())
                    .contains(
                            "got crm command: migrate vm:100 node2",
                            "migrate service 'vm:100' to node 'node2'");

            c.sim.ha().relocate("vm:100", "node3");
            c.at(80);
            assertThat(c.vm(100).node()).isEqualTo("node3");
            assertThat(c.vm(100).running()).isTrue();
            assertThat(c.transitions("vm:100"))
                    .endsWith(
                            "started -> migrate",
                            "migrate -> started",
                            "started -> relocate",
                            "relocate -> started");
            assertThat(c.taskTypes(100))
                    .containsExactly("qmstart", "qmigrate", "qmshutdown", "qmigrate", "qmstart");
        }
    }

    @Test
    void commandsForOfflineTargetsAreLoggedAndIgnored() {
        try (HaTestCluster c = new HaTestCluster("node1", "node2", "node3")) {
            c.addVm("node1", 100, "started", Map.of());
            c.at(20);
            c.sim.faults().powerOff("node3");
            c.at(40);
            c.sim.ha().migrate("vm:100", "node3");
            c.sim.ha().migrate("vm:100", "node1");
            c.at(50);
            assertThat(c.messages())
                    .contains(
                            "crm command error - node not online: migrate vm:100 node3",
                            "ignore crm command - service already on target node: migrate vm:100 node1");
            assertThat(c.state("vm:100")).isEqualTo("started");
        }
    }

    @Test
    void nodeMaintenanceMovesServicesAwayAndBringsThemBack() {
        try (HaTestCluster c = new HaTestCluster("node1", "node2", "node3")) {
            c.addVm("node3", 103, "started", Map.of());
            c.at(20);
            c.sim.faults().enableMaintenance("node3");
            c.at(60);
            assertThat(c.sim.ha().nodeState("node3")).contains("maintenance");
            assertThat(c.vm(103).node()).isNotEqualTo("node3");
            assertThat(c.vm(103).running()).isTrue();
            assertThat(c.sim.ha().status().lrmStates()).containsEntry("node3", "maintenance");

            c.sim.faults().disableMaintenance("node3");
            c.at(100);
            assertThat(c.sim.ha().nodeState("node3")).contains("online");
            assertThat(c.vm(103).node()).isEqualTo("node3");
            assertThat(c.messages())
                    .contains(
                            "node 'node3': state changed from 'online' => 'maintenance'",
                            "moving service 'vm:103' back to 'node3', node came back from maintenance.",
                            "node 'node3': state changed from 'maintenance' => 'online'");
        }
    }

    @Test
    void shutdownPolicyMigrateEmptiesTheNodeBeforeItRebootsAndRefillsItAfter() {
        try (HaTestCluster c = new HaTestCluster("node1", "node2", "node3")) {
            c.sim.ha().setShutdownPolicy(ShutdownPolicy.MIGRATE);
            c.addVm("node3", 103, "started", Map.of());
            c.at(20);
            c.sim.faults().reboot("node3");
            c.at(200);
            assertThat(c.messages())
                    .contains(
                            "got shutdown request with shutdown policy 'migrate'",
                            "reboot LRM, doing maintenance, removing this node from active list",
                            "moving service 'vm:103' back to 'node3', node came back from maintenance.");
            assertThat(c.transitions("vm:103")).doesNotContain("started -> fence");
            assertThat(c.vm(103).node()).isEqualTo("node3");
            assertThat(c.vm(103).running()).isTrue();
        }
    }

    @Test
    void shutdownPolicyFreezeKeepsServicesOnTheNodeWhileItIsOff() {
        try (HaTestCluster c = new HaTestCluster("node1", "node2", "node3")) {
            c.sim.ha().setShutdownPolicy(ShutdownPolicy.FREEZE);
            c.addVm("node3", 103, "started", Map.of());
            c.at(20);
            c.sim.faults().shutdown("node3");
            c.at(400);
            assertThat(c.sim.cluster().node("node3").power()).isEqualTo("off");
            assertThat(c.state("vm:103")).isEqualTo("freeze");
            assertThat(c.vm(103).node()).isEqualTo("node3");
            c.sim.faults().powerOn("node3");
            c.at(440);
            assertThat(c.transitions("vm:103"))
                    .containsExactly(
                            "request_start -> started", "started -> freeze", "freeze -> started");
            assertThat(c.vm(103).running()).isTrue();
        }
    }

    @Test
    void shutdownPolicyFailoverRecoversTheServicesOfASlowRebootElsewhere() {
        try (HaTestCluster c = new HaTestCluster("node1", "node2", "node3")) {
            c.sim.ha().setShutdownPolicy(ShutdownPolicy.FAILOVER);
            c.sim.setTaskDurations(TaskDurations.defaults().withNodeBoot(Duration.ofSeconds(180)));
            c.addVm("node3", 103, "started", Map.of());
            c.at(20);
            c.sim.faults().reboot("node3");
            c.at(200);
            assertThat(c.messages()).contains("shutdown LRM, stop all services");
            assertThat(c.transitions("vm:103"))
                    .containsExactly(
                            "request_start -> started",
                            "started -> fence",
                            "fence -> recovery",
                            "recovery -> started");
            assertThat(c.vm(103).node()).isEqualTo("node1");
            assertThat(c.vm(103).running()).isTrue();
        }
    }

    @Test
    void nofailbackKeepsARecoveredServiceOnItsNewNode() {
        try (HaTestCluster c = new HaTestCluster("node1", "node2", "node3")) {
            c.sim.ha().addGroup("prefer1", Map.of("nodes", "node1:2,node2:1", "nofailback", "1"));
            c.addVm("node1", 101, "started", Map.of("group", "prefer1"));
            c.at(20);
            c.sim.faults().powerOff("node1");
            c.at(300);
            assertThat(c.vm(101).node()).isEqualTo("node2");
            c.sim.faults().powerOn("node1");
            c.at(400);
            assertThat(c.sim.ha().nodeState("node1")).contains("online");
            assertThat(c.vm(101).node()).isEqualTo("node2");
            assertThat(c.transitions("vm:101")).last().isEqualTo("recovery -> started");
        }
    }

    @Test
    void disabledServicesAreNotFencedWhileStoppedOnesAreRecoveredStopped() {
        try (HaTestCluster c = new HaTestCluster("node1", "node2", "node3")) {
            c.addVm("node3", 101, "disabled", Map.of());
            c.addVm("node3", 102, "stopped", Map.of());
            c.at(20);
            c.sim.faults().powerOff("node3");
            c.at(300);
            assertThat(c.transitions("vm:101")).containsExactly("request_stop -> stopped");
            assertThat(c.vm(101).node()).isEqualTo("node3");
            assertThat(c.transitions("vm:102"))
                    .containsExactly(
                            "request_stop -> stopped",
                            "stopped -> fence",
                            "fence -> recovery",
                            "recovery -> request_stop",
                            "request_stop -> stopped");
            assertThat(c.vm(102).node()).isEqualTo("node1");
            assertThat(c.vm(102).running()).isFalse();
        }
    }

    @Test
    void ignoredServicesLeaveTheManagerStatusAndRemovedOnesToo() {
        try (HaTestCluster c = new HaTestCluster("node1", "node2", "node3")) {
            c.addVm("node1", 100, "started", Map.of());
            c.addVm("node2", 101, "started", Map.of());
            c.at(20);
            c.sim.ha().setResource("vm:100", Map.of("state", "ignored"));
            c.sim.ha().removeResource("vm:101");
            c.at(30);
            assertThat(c.messages())
                    .contains(
                            "removing stale service 'vm:100' (ignored state requested)",
                            "removing stale service 'vm:101' (no config)");
            assertThat(c.sim.ha().status().services()).isEmpty();
            assertThat(c.vm(100).running()).isTrue();
            assertThat(c.vm(101).running()).isTrue();
        }
    }

    @Test
    void lastNodeWithoutQuorumStopsManagingAndResetsItself() {
        try (HaTestCluster c = new HaTestCluster("node1", "node2", "node3")) {
            c.addVm("node1", 100, "started", Map.of());
            c.at(20);
            c.sim.faults().powerOff("node2");
            c.sim.faults().powerOff("node3");
            c.at(120);
            assertThat(c.messages())
                    .contains(
                            "status change master => lost_manager_lock",
                            "status change active => lost_agent_lock",
                            "watchdog of node 'node1' expired - resetting node 'node1'");
            assertThat(c.vm(100).running()).isFalse();
            assertThat(c.state("vm:100")).isEqualTo("started");
        }
    }

    @Test
    void cleanShutdownWithoutHaJustPowersTheNodeOff() {
        try (HaTestCluster c = new HaTestCluster("node1", "node2", "node3")) {
            c.sim.cluster().createRunningVm("node2", 100, Map.of("name", "plain"));
            c.sim.faults().shutdown("node2");
            assertThat(c.sim.cluster().node("node2").power()).isEqualTo("off");
            c.sim.faults().reboot("node1");
            c.at(5);
            assertThat(c.sim.cluster().node("node1").online()).isTrue();
            assertThatThrownBy(() -> c.sim.faults().reboot("node2"))
                    .hasMessage("node 'node2' is not running");
        }
    }
}
