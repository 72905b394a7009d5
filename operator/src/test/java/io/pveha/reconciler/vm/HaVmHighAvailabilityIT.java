package io.pveha.reconciler.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.pveha.api.DeletionPolicy;
import io.pveha.api.cluster.ProxmoxCluster;
import io.pveha.api.cluster.ProxmoxClusterSpec;
import io.pveha.api.vm.Ha;
import io.pveha.api.vm.HaVm;
import io.pveha.api.vm.HaVmStatus;
import io.pveha.api.vm.Placement;
import io.pveha.api.vm.Source;
import io.pveha.api.vm.TemplateSource;
import io.pveha.reconciler.Conditions;
import io.pveha.simulator.ha.HaLogEntry;
import io.pveha.testing.SimHarness;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * HaVms under PVE HA: registration, a node power-off (status follows the VM), migration through HA,
 * deletion order.
 */
class HaVmHighAvailabilityIT {
    static final int TEMPLATE = 9000;
    SimHarness h;

    @BeforeEach
    void start() {
        // 60 simulated seconds per real second: the 2-minute HA recovery takes a few real seconds.
        h = new SimHarness(60.0, 1.0);
        h.sim.cluster()
                .createTemplate(
                        "pve1",
                        TEMPLATE,
                        Map.of(
                                "name",
                                "tpl",
                                "memory",
                                "1024",
                                "scsi0",
                                "ceph-vm:8",
                                "net0",
                                "virtio,bridge=vmbr0"));
        ProxmoxCluster cluster =
                h.client
                        .resources(ProxmoxCluster.class)
                        .inNamespace(SimHarness.NS)
                        .withName(SimHarness.CLUSTER)
                        .get();
        ProxmoxClusterSpec.HaGroup group = new ProxmoxClusterSpec.HaGroup();
        group.setName("frontline");
        group.setNodes(List.of(node("pve1", 2), node("pve2", 2), node("pve3", 1)));
        cluster.getSpec().setHaGroups(List.of(group));
        h.client.resource(cluster).update();
    }

    @AfterEach
    void stop() {
        h.close();
    }

    static ProxmoxClusterSpec.HaGroupNode node(String name, int priority) {
        ProxmoxClusterSpec.HaGroupNode n = new ProxmoxClusterSpec.HaGroupNode();
        n.setNode(name);
        n.setPriority(priority);
        return n;
    }

    static void haClone(HaVm vm, String node) {
        Source source = new Source();
        TemplateSource t = new TemplateSource();
        t.setVmid(TEMPLATE);
        source.setTemplate(t);
        vm.getSpec().setSource(source);
        Ha ha = new Ha();
        ha.setEnabled(true);
        ha.setGroup("frontline");
        vm.getSpec().setHa(ha);
        Placement placement = new Placement();
        placement.setNode(node);
        vm.getSpec().setPlacement(placement);
    }

    @Test
    void aNodePowerOffMovesTheVmAndTheStatusFollowsIt() {
        await().atMost(Duration.ofSeconds(30))
                .until(
                        () ->
                                h.condition(
                                                ProxmoxCluster.class,
                                                SimHarness.CLUSTER,
                                                "HaGroupsInSync")
                                        .map(c -> "True".equals(c.getStatus()))
                                        .orElse(false));
        h.havm("pos-api-1", vm -> haClone(vm, "pve1"));
        HaVm ready = h.awaitReady("pos-api-1", Duration.ofSeconds(60));
        assertThat(ready.getStatus().getHaState()).isEqualTo("started");
        assertThat(ready.getStatus().getNode()).isEqualTo("pve1");
        assertThat(h.condition(HaVm.class, "pos-api-1", "HaManaged"))
                .get()
                .extracting(c -> c.getStatus())
                .isEqualTo("True");
        int vmid = ready.getStatus().getVmid();
        assertThat(h.sim.ha().serviceState("vm:" + vmid)).contains("started");

        Instant simStart = h.sim.clock().now();
        List<String> reasons = new ArrayList<>();
        h.sim.faults().powerOff("pve1");
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(250))
                .until(
                        () -> {
                            // One read per look: status, node and reason from the same object.
                            HaVm now = h.get("pos-api-1");
                            String reason =
                                    Conditions.find(
                                                    now.getStatus().getConditions(),
                                                    Conditions.READY)
                                            .map(c -> c.getReason())
                                            .orElse("");
                            if (reasons.isEmpty()
                                    || !reasons.get(reasons.size() - 1).equals(reason)) {
                                reasons.add(reason);
                            }
                            return !"pve1".equals(now.getStatus().getNode())
                                    && "running".equals(now.getStatus().getPowerState())
                                    && "Ready".equals(reason);
                        });
        Duration simulated = Duration.between(simStart, h.sim.clock().now());
        HaVmStatus moved = h.get("pos-api-1").getStatus();
        System.out.println(
                "HA recovery of vm:"
                        + vmid
                        + " to "
                        + moved.getNode()
                        + " after "
                        + simulated.toSeconds()
                        + " simulated s; Ready reasons seen: "
                        + reasons);
        assertThat(moved.getNode()).isIn("pve2", "pve3");
        assertThat(moved.getHaState()).isEqualTo("started");
        // Status showed the outage (the node offline, or PVE HA fencing/recovering the VM; how many
        // of these
        // transient states a 1 s poll catches depends on the machine's load) before Ready on the
        // new node.
        assertThat(reasons).containsAnyOf("NodeOffline", "HaRecovering");
        assertThat(reasons.get(reasons.size() - 1)).isEqualTo("Ready");
        assertThat(simulated).isBetween(Duration.ofSeconds(100), Duration.ofSeconds(300));
        assertThat(h.sim.ha().log())
                .extracting(HaLogEntry::message)
                .anyMatch(
                        m ->
                                m.contains(
                                        "service 'vm:"
                                                + vmid
                                                + "': state changed from 'started' to 'fence'"))
                .anyMatch(m -> m.contains("recover service 'vm:" + vmid + "'"));
        assertThat(events("pos-api-1")).extracting(Event::getReason).contains("VmMoved");
        // The move is not drift: the operator does not migrate the VM back although
        // spec.placement.node says pve1.
        h.sim.faults().powerOn("pve1");
        // Once the operator's poll shows pve1 online again, and for three polls after: no migration
        // asked for,
        // neither directly nor through HA.
        await().atMost(Duration.ofSeconds(30))
                .until(
                        () -> {
                            ProxmoxCluster cluster =
                                    h.client
                                            .resources(ProxmoxCluster.class)
                                            .inNamespace(SimHarness.NS)
                                            .withName(SimHarness.CLUSTER)
                                            .get();
                            return cluster.getStatus().getNodes().stream()
                                    .anyMatch(
                                            n ->
                                                    "pve1".equals(n.getName())
                                                            && Boolean.TRUE.equals(n.getOnline()));
                        });
        await().during(Duration.ofSeconds(3))
                .atMost(Duration.ofSeconds(5))
                .until(
                        () ->
                                h.sim.cluster().tasks().stream()
                                                .noneMatch(
                                                        t ->
                                                                t.type().equals("qmigrate")
                                                                        && t.user()
                                                                                .contains("pveha"))
                                        && h.sim.requestStats().snapshot().keySet().stream()
                                                .noneMatch(
                                                        k ->
                                                                k.startsWith("POST ")
                                                                        && (k.endsWith("/migrate")
                                                                                || k.endsWith(
                                                                                        "/relocate"))));
    }

    @Test
    void changingPlacementMigratesThroughHa() {
        // No group: with group priorities preferring other nodes, PVE's HA manager would move the
        // VM back at once.
        h.havm(
                "erp",
                vm -> {
                    haClone(vm, "pve2");
                    vm.getSpec().getHa().setGroup(null);
                });
        HaVm ready = h.awaitReady("erp", Duration.ofSeconds(60));
        assertThat(ready.getStatus().getNode()).isEqualTo("pve2");

        HaVm current = h.get("erp");
        current.getSpec().getPlacement().setNode("pve3");
        h.client.resource(current).update();

        await().atMost(Duration.ofSeconds(60))
                .until(
                        () ->
                                "pve3".equals(h.get("erp").getStatus().getNode())
                                        && "Ready"
                                                .equals(
                                                        h.readyReason(HaVm.class, "erp")
                                                                .orElse("")));
        // The HA manager migrated it (its LRM runs qmigrate as root@pam); the operator only queued
        // the request.
        assertThat(h.sim.cluster().tasks())
                .anyMatch(t -> t.type().equals("qmigrate") && t.user().equals("root@pam"));
        assertThat(h.get("erp").getStatus().getAppliedPlacement()).isEqualTo("pve3");
    }

    @Test
    void deletingAnHaVmRemovesTheHaResourceBeforeDestroyingTheVm() {
        h.havm(
                "gone",
                vm -> {
                    haClone(vm, "pve1");
                    vm.getSpec().setDeletionPolicy(DeletionPolicy.Delete);
                });
        int vmid = h.awaitReady("gone", Duration.ofSeconds(60)).getStatus().getVmid();

        h.client.resource(h.get("gone")).delete();

        await().atMost(Duration.ofSeconds(60)).until(() -> h.get("gone") == null);
        assertThat(h.sim.cluster().vm(vmid)).isEmpty();
        assertThat(h.sim.ha().serviceState("vm:" + vmid)).isEmpty();
        assertThat(events("gone"))
                .extracting(Event::getReason)
                .containsSubsequence("HaRemoved", "Destroyed");
    }

    List<Event> events(String name) {
        return h.client.v1().events().inNamespace(SimHarness.NS).list().getItems().stream()
                .filter(e -> name.equals(e.getInvolvedObject().getName()))
                .sorted(java.util.Comparator.comparing(Event::getFirstTimestamp))
                .toList();
    }
}
