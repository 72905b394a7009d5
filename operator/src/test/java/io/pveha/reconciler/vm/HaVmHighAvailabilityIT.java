package io.pveha.reconciler.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Event;
import io.pveha.api.DeletionPolicy;
import io.pveha.api.cluster.ProxmoxCluster;
import io.pveha.api.cluster.ProxmoxClusterSpec;
import io.pveha.api.vm.Ha;
import io.pveha.api.vm.HaVm;
import io.pveha.api.vm.HaVmSet;
import io.pveha.api.vm.HaVmStatus;
import io.pveha.api.vm.Placement;
import io.pveha.api.vm.Source;
import io.pveha.api.vm.TemplateSource;
import io.pveha.pve.PveClient;
import io.pveha.reconciler.Conditions;
import io.pveha.simulator.ha.HaLogEntry;
import io.pveha.testing.Fixtures;
import io.pveha.testing.SimHarness;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * HaVms under PVE HA, on PVE 8 (HA groups) and PVE 9 (HA rules): registration, a node power-off
 * (status follows the VM), migration through HA, deletion order; on PVE 9 the rules made from the
 * spec against the reference's shapes, two VMs kept apart through a node failure, and an upgrade
 * from 8 to 9 the operator follows by itself. The PVE 9 node failure runs on a real kube-apiserver.
 */
class HaVmHighAvailabilityIT {
    static final int TEMPLATE = 9000;
    SimHarness h;

    void start(int pveVersion) {
        start(pveVersion, false);
    }

    /**
     * @param realApiServer a real kube-apiserver (the CRDs' schemas and CEL rules, the status
     *     subresource and watches as production has them) instead of the embedded mock
     */
    void start(int pveVersion, boolean realApiServer) {
        // 60 simulated seconds per real second: the 2-minute HA recovery takes a few real seconds.
        SimHarness.Options options = SimHarness.options().timeScale(60.0).pveVersion(pveVersion);
        h = (realApiServer ? options.realApiServer() : options).start();
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
        ProxmoxClusterSpec.PlacementPolicy frontline = new ProxmoxClusterSpec.PlacementPolicy();
        frontline.setName("frontline");
        frontline.setNodes(List.of(node("pve1", 2), node("pve2", 2), node("pve3", 1)));
        ProxmoxClusterSpec.PlacementPolicy payments = new ProxmoxClusterSpec.PlacementPolicy();
        payments.setName("payments");
        payments.setNodes(List.of(node("pve2", 1)));
        payments.setFailback(false);
        cluster.getSpec().setPlacementPolicies(List.of(frontline, payments));
        h.client.resource(cluster).update();
    }

    @AfterEach
    void stop() {
        if (h != null) {
            h.close();
        }
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
        ha.setPlacementPolicy("frontline");
        vm.getSpec().setHa(ha);
        Placement placement = new Placement();
        placement.setNode(node);
        vm.getSpec().setPlacement(placement);
    }

    @ParameterizedTest(name = "PVE {0}")
    @ValueSource(ints = {8, 9})
    void aNodePowerOffMovesTheVmAndTheStatusFollowsIt(int pveVersion) {
        // The PVE 9 run against a real kube-apiserver.
        start(pveVersion, pveVersion == 9);
        awaitPlacementInSync();
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

    @ParameterizedTest(name = "PVE {0}")
    @ValueSource(ints = {8, 9})
    void changingPlacementMigratesThroughHa(int pveVersion) {
        start(pveVersion);
        // No policy: with priorities preferring other nodes, PVE's HA manager would move the VM
        // back at once.
        h.havm(
                "erp",
                vm -> {
                    haClone(vm, "pve2");
                    vm.getSpec().getHa().setPlacementPolicy(null);
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

    @ParameterizedTest(name = "PVE {0}")
    @ValueSource(ints = {8, 9})
    void deletingAnHaVmRemovesTheHaResourceBeforeDestroyingTheVm(int pveVersion) {
        start(pveVersion);
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

    @Test
    void onPve9TheRulesMatchTheReferenceAndKeepPosApiApartThroughANodeFailure() throws Exception {
        start(9);
        for (String[] vm :
                List.of(new String[] {"pos-api-1", "pve1"}, new String[] {"pos-api-2", "pve2"})) {
            h.havm(
                    vm[0],
                    v -> {
                        haClone(v, vm[1]);
                        v.getMetadata().setLabels(Map.of("app", "pos-api"));
                        v.getSpec().getHa().setPlacementPolicy(null);
                        HaVmSet apart = new HaVmSet();
                        apart.setHaVmSelector(
                                new io.fabric8.kubernetes.api.model.LabelSelectorBuilder()
                                        .withMatchLabels(Map.of("app", "pos-api"))
                                        .build());
                        v.getSpec().getHa().setKeepApartFrom(apart);
                    });
        }
        h.havm(
                "payment-gateway",
                v -> {
                    haClone(v, "pve2");
                    v.getSpec().getHa().setPlacementPolicy("payments");
                });
        int pos1 = h.awaitReady("pos-api-1", Duration.ofSeconds(60)).getStatus().getVmid();
        int pos2 = h.awaitReady("pos-api-2", Duration.ofSeconds(60)).getStatus().getVmid();
        int pay = h.awaitReady("payment-gateway", Duration.ofSeconds(60)).getStatus().getVmid();
        String apartRule = "pveha-apart-" + Math.min(pos1, pos2) + "-" + Math.max(pos1, pos2);
        await().atMost(Duration.ofSeconds(60))
                .until(
                        () ->
                                h.sim.ha().rules().stream()
                                                .map(r -> r.get("rule"))
                                                .toList()
                                                .containsAll(List.of(apartRule, "pveha-payments"))
                                        && h.condition(HaVm.class, "pos-api-1", "Placement")
                                                .map(c -> "True".equals(c.getStatus()))
                                                .orElse(false));

        // field for field against the reference (pve-ha-manager 5.2's API2/HA/Rules.pm)
        ObjectMapper json = new ObjectMapper();
        JsonNode reference = json.readTree(Fixtures.read("derived/ha_rules_pve9.json")).get("data");
        PveClient admin = h.pveAsAdmin();
        JsonNode rules = admin.get("/cluster/ha/rules");
        Set<String> optional = Set.of("comment", "strict", "errors", "disable");
        for (JsonNode rule : rules) {
            JsonNode ref = null;
            for (JsonNode candidate : reference) {
                if (candidate.get("type").equals(rule.get("type"))) {
                    ref = candidate;
                }
            }
            assertThat(ref).as("reference rule of type %s", rule.get("type")).isNotNull();
            for (Iterator<String> it = rule.fieldNames(); it.hasNext(); ) {
                String field = it.next();
                assertThat(ref.has(field) || optional.contains(field))
                        .as("%s.%s is in the reference", rule.get("rule"), field)
                        .isTrue();
                if (ref.has(field)) {
                    assertThat(rule.get(field).getNodeType())
                            .as("%s.%s", rule.get("rule"), field)
                            .isEqualTo(ref.get(field).getNodeType());
                }
            }
            for (Iterator<String> it = ref.fieldNames(); it.hasNext(); ) {
                String field = it.next();
                assertThat(rule.has(field) || optional.contains(field))
                        .as("%s has %s", rule.get("rule"), field)
                        .isTrue();
            }
        }
        JsonNode apart = admin.get("/cluster/ha/rules/" + apartRule);
        assertThat(apart.get("type").asText()).isEqualTo("resource-affinity");
        assertThat(apart.get("affinity").asText()).isEqualTo("negative");
        assertThat(apart.get("resources").asText())
                .isEqualTo("vm:" + Math.min(pos1, pos2) + ",vm:" + Math.max(pos1, pos2));
        assertThat(apart.get("comment").asText())
                .isEqualTo("pveha.io/cluster=store/main keep pos-api-1 and pos-api-2 apart");
        JsonNode payments = admin.get("/cluster/ha/rules/pveha-payments");
        assertThat(payments.get("nodes").asText()).isEqualTo("pve2:1");
        assertThat(payments.get("resources").asText()).isEqualTo("vm:" + pay);
        assertThat(admin.get("/cluster/ha/resources/vm:" + pay).get("failback").asInt()).isZero();
        assertThat(h.get("pos-api-1").getStatus().getPlacement())
                .isEqualTo("HA rules " + apartRule);
        ProxmoxCluster cluster =
                h.client
                        .resources(ProxmoxCluster.class)
                        .inNamespace(SimHarness.NS)
                        .withName(SimHarness.CLUSTER)
                        .get();
        assertThat(cluster.getStatus().getPlacementModel()).isEqualTo("rules");

        // pos-api-1's node fails: it restarts on the node that does not run pos-api-2
        h.sim.faults().powerOff("pve1");
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(250))
                .until(
                        () -> {
                            HaVmStatus now = h.get("pos-api-1").getStatus();
                            return "pve3".equals(now.getNode())
                                    && "running".equals(now.getPowerState());
                        });
        assertThat(h.sim.cluster().vm(pos2).orElseThrow().node()).isEqualTo("pve2");
        assertThat(h.sim.ha().log())
                .extracting(HaLogEntry::message)
                .contains(
                        "recover service 'vm:" + pos1 + "' from fenced node 'pve1' to node 'pve3'");
    }

    @Test
    void anUpgradeFrom8To9KeepsThePlacementAndTheOperatorSwitchesToRules() {
        start(8);
        awaitPlacementInSync();
        h.havm("pos-api-1", vm -> haClone(vm, "pve1"));
        int vmid = h.awaitReady("pos-api-1", Duration.ofSeconds(60)).getStatus().getVmid();
        assertThat(h.sim.ha().api().resource("vm:" + vmid)).containsEntry("group", "frontline");
        assertThat(h.get("pos-api-1").getStatus().getPlacement()).isEqualTo("HA group frontline");

        h.sim.upgrade(9);
        // PVE migrates the group to the rule ha-group-frontline (three CRM rounds later); the
        // operator notices the group API's refusal, reads the version and keeps the migrated rule
        await().atMost(Duration.ofSeconds(60))
                .until(
                        () -> {
                            ProxmoxCluster cluster =
                                    h.client
                                            .resources(ProxmoxCluster.class)
                                            .inNamespace(SimHarness.NS)
                                            .withName(SimHarness.CLUSTER)
                                            .get();
                            return cluster.getStatus() != null
                                    && "rules".equals(cluster.getStatus().getPlacementModel())
                                    && h.condition(
                                                    ProxmoxCluster.class,
                                                    SimHarness.CLUSTER,
                                                    "PlacementInSync")
                                            .map(c -> "True".equals(c.getStatus()))
                                            .orElse(false)
                                    && "HA rules ha-group-frontline"
                                            .equals(h.get("pos-api-1").getStatus().getPlacement());
                        });
        assertThat(h.sim.ha().groupsMigrated()).isTrue();
        Map<String, Object> rule =
                h.sim.ha().rules().stream()
                        .filter(r -> "ha-group-frontline".equals(r.get("rule")))
                        .findFirst()
                        .orElseThrow();
        assertThat(rule)
                .containsEntry("resources", "vm:" + vmid)
                .containsEntry("nodes", "pve1:2,pve2:2,pve3:1")
                .containsEntry("comment", "pveha.io/cluster=store/main placement policy frontline");
        assertThat(h.sim.cluster().vm(vmid).orElseThrow().node()).isEqualTo("pve1");
        assertThat(h.readyReason(HaVm.class, "pos-api-1")).contains("Ready");
    }

    void awaitPlacementInSync() {
        await().atMost(Duration.ofSeconds(30))
                .until(
                        () ->
                                h.condition(
                                                ProxmoxCluster.class,
                                                SimHarness.CLUSTER,
                                                "PlacementInSync")
                                        .map(c -> "True".equals(c.getStatus()))
                                        .orElse(false));
    }

    List<Event> events(String name) {
        return h.client.v1().events().inNamespace(SimHarness.NS).list().getItems().stream()
                .filter(e -> name.equals(e.getInvolvedObject().getName()))
                .sorted(java.util.Comparator.comparing(Event::getFirstTimestamp))
                .toList();
    }
}
