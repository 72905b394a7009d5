package io.pveha.simulator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pveha.simulator.faults.ApiFaults;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Fault injection through the Java API: nodes, the API itself, tasks and storages. */
class FaultsIT extends SimulatorIT {

    @Test
    void poweredOffNodeRefusesConnectionsAndIsUnreachableThroughOthers() {
        sim.cluster().createRunningVm("pve2", 400, Map.of("name", "on-pve2", "onboot", "1"));
        PveHttp pve2 =
                PveHttp.forUrl(sim, sim.nodeUrl("pve2"))
                        .withHeader("Authorization", sim.authorizationHeader());
        assertThat(pve2.get("/version").status()).isEqualTo(200);

        sim.faults().powerOff("pve2");

        assertThatThrownBy(() -> pve2.get("/version"))
                .isInstanceOf(UncheckedIOException.class)
                .hasCauseInstanceOf(ConnectException.class);
        PveHttp.Resp proxied = api.get("/nodes/pve2/qemu/400/status/current");
        assertThat(proxied.status()).isEqualTo(595);
        assertThat(proxied.reason()).isEqualTo("No route to host");
        assertThat(proxied.raw()).isEmpty();
        assertThat(api.get("/nodes/pve2/status").status()).isEqualTo(595);

        JsonNode node =
                ClusterApiIT.find(
                        api.get("/cluster/resources", "type", "node").data(), "node", "pve2");
        assertThat(node.get("status").asText()).isEqualTo("offline");
        JsonNode vm =
                ClusterApiIT.find(
                        api.get("/cluster/resources", "type", "vm").data(), "vmid", "400");
        assertThat(vm.get("status").asText())
                .as("last reported state is kept for a while")
                .isEqualTo("running");
        assertThat(sim.cluster().vm(400).orElseThrow().running()).isFalse();
        sim.clock().advance(Duration.ofMinutes(6));
        JsonNode stale =
                ClusterApiIT.find(
                        api.get("/cluster/resources", "type", "vm").data(), "vmid", "400");
        assertThat(stale.get("status").asText()).isEqualTo("unknown");
        assertThat(stale.has("maxmem")).isFalse();
        assertThat(api.get("/cluster/status").data().get(0).get("quorate").asInt()).isEqualTo(1);

        sim.faults().powerOn("pve2");
        assertThat(sim.cluster().node("pve2").power()).isEqualTo("booting");
        sim.clock().advance(Duration.ofSeconds(31));
        assertThat(sim.cluster().node("pve2").online()).isTrue();
        assertThat(pve2.get("/version").status()).isEqualTo(200);
        sim.clock().advance(Duration.ofSeconds(5));
        assertThat(sim.cluster().vm(400).orElseThrow().running())
                .as("onboot guest started at boot")
                .isTrue();
    }

    @Test
    void twoNodesDownMeansNoQuorumForWrites() {
        sim.faults().powerOff("pve2");
        sim.faults().networkOff("pve3");
        assertThat(sim.cluster().quorate()).isFalse();
        PveHttp.Resp create = api.post("/nodes/pve1/qemu", "vmid", "410", "name", "no-quorum");
        assertThat(create.status()).isEqualTo(500);
        assertThat(create.reason()).isEqualTo("cluster not ready - no quorum?");
        assertThat(api.get("/cluster/status").data().get(0).get("quorate").asInt()).isZero();
    }

    @Test
    void cutNetworkKeepsGuestsRunningButMakesTheNodeUnreachable() {
        sim.cluster().createRunningVm("pve3", 420, Map.of("name", "on-pve3"));
        sim.faults().networkOff("pve3");
        PveHttp pve3 =
                PveHttp.forUrl(sim, sim.nodeUrl("pve3"))
                        .withHeader("Authorization", sim.authorizationHeader());
        assertThatThrownBy(() -> pve3.get("/version")).hasCauseInstanceOf(ConnectException.class);
        assertThat(api.post("/nodes/pve3/qemu/420/status/stop").status()).isEqualTo(595);
        assertThat(sim.cluster().vm(420).orElseThrow().running()).isTrue();
        sim.faults().networkOn("pve3");
        assertThat(pve3.get("/nodes/pve3/qemu/420/status/current").data().get("status").asText())
                .isEqualTo("running");
    }

    @Test
    void plainHttpPortAnswersAsFirstOnlineNode() {
        PveHttp plain =
                PveHttp.forUrl(sim, sim.plainHttpUrl().orElseThrow())
                        .withHeader("Authorization", sim.authorizationHeader());
        sim.faults().powerOff("pve1");
        JsonNode status = plain.get("/cluster/status").data();
        assertThat(status.get(2).get("local").asInt()).as("pve2 answers").isEqualTo(1);
        assertThat(plain.get("/nodes/pve1/status").status()).isEqualTo(595);
    }

    @Test
    void latencyFailureAndHangRulesMatchByPath() {
        ApiFaults.Rule slow = sim.faults().latency("^/version$", Duration.ofMillis(300));
        long begin = System.nanoTime();
        assertThat(api.get("/version").status()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - begin))
                .isGreaterThanOrEqualTo(Duration.ofMillis(300));
        sim.faults().removeRule(slow);

        sim.faults().failRate("^/cluster/resources", 1.0, 503, "Service Unavailable - injected");
        PveHttp.Resp failed = api.get("/cluster/resources");
        assertThat(failed.status()).isEqualTo(503);
        assertThat(failed.reason()).isEqualTo("Service Unavailable - injected");
        assertThat(api.get("/cluster/status").status()).isEqualTo(200);
        sim.faults().reset();
        sim.faults().failRate("^/cluster/resources", 0.0, 500, "never");
        assertThat(api.get("/cluster/resources").status()).isEqualTo(200);

        sim.faults().hang("^/nodes$");
        PveHttp impatient = api.withReadTimeout(Duration.ofMillis(300));
        assertThatThrownBy(() -> impatient.get("/nodes"))
                .hasCauseInstanceOf(SocketTimeoutException.class);
        sim.faults().reset();
        assertThat(impatient.get("/nodes").status()).isEqualTo(200);
    }

    @Test
    void failuresAfterTheEffectAndBoundedPartialHangs() {
        // Answered 500 after the request was handled: the VM exists although the client saw a
        // failure.
        sim.faults().api().failRate("^/nodes/pve1/qemu$", "POST", 1.0, 500, "lost answer", 1.0);
        PveHttp.Resp lost = api.post("/nodes/pve1/qemu", "vmid", "1440", "name", "after-effect");
        assertThat(lost.status()).isEqualTo(500);
        assertThat(lost.reason()).isEqualTo("lost answer");
        await().atMost(Duration.ofSeconds(10)).until(() -> sim.cluster().vm(1440).isPresent());
        sim.faults().reset();

        // A hang held for 400 ms then handled: the impatient client times out, the request still
        // takes effect.
        sim.faults().api().hang("^/nodes/pve1/qemu$", "POST", 1.0, Duration.ofMillis(400));
        PveHttp impatient = api.withReadTimeout(Duration.ofMillis(150));
        assertThatThrownBy(() -> impatient.post("/nodes/pve1/qemu", "vmid", "1441"))
                .hasCauseInstanceOf(SocketTimeoutException.class);
        await().atMost(Duration.ofSeconds(10)).until(() -> sim.cluster().vm(1441).isPresent());
        // A rate of 0 holds nothing: answered well within the minute a hang would take (not
        // within the 150 ms above, which a loaded build machine can miss for any request).
        sim.faults().reset();
        sim.faults().api().hang("^/version$", null, 0.0, Duration.ofMinutes(1));
        assertThat(api.withReadTimeout(Duration.ofSeconds(20)).get("/version").status())
                .isEqualTo(200);
        sim.faults().reset();
    }

    @Test
    void nextTaskOfAKindFailsAndCleansUp() {
        sim.cluster()
                .createTemplate("pve1", 430, Map.of("name", "fail-tmpl", "scsi0", "local-lvm:4"));
        sim.faults().failNextTask("qmclone", "clone failed: injected by test");
        String failed = api.post("/nodes/pve1/qemu/430/clone", "newid", "431").data().asText();
        assertThat(exitStatus(failed)).isEqualTo("clone failed: injected by test");
        assertThat(sim.cluster().vm(431)).as("failed clone leaves no VM behind").isEmpty();
        assertThat(api.get("/nodes/pve1/storage/local-lvm/content", "vmid", "431").data())
                .isEmpty();
        awaitOk(api.post("/nodes/pve1/qemu/430/clone", "newid", "431").data().asText());
    }

    @Test
    void fullStorageFailsAllocationsWithThePluginsError() {
        sim.faults().fillStorage("local-lvm");
        String create =
                api.post("/nodes/pve1/qemu", "vmid", "440", "scsi0", "local-lvm:8").data().asText();
        assertThat(exitStatus(create))
                .isEqualTo(
                        "unable to create VM 440 - lvcreate 'pve/vm-440-disk-0' error:   "
                                + "Cannot create new thin volume, free space in thin pool pve/data reached threshold.");
        assertThat(sim.cluster().vm(440)).isEmpty();
        JsonNode status = api.get("/nodes/pve1/storage/local-lvm/status").data();
        assertThat(status.get("avail").asLong()).isZero();

        sim.faults().freeStorage("local-lvm");
        sim.faults().fillStorage("ceph-vm");
        sim.cluster()
                .createTemplate("pve2", 441, Map.of("name", "ceph-tmpl", "scsi0", "local-lvm:4"));
        String clone =
                api.post(
                                "/nodes/pve2/qemu/441/clone",
                                "newid",
                                "442",
                                "full",
                                "1",
                                "storage",
                                "ceph-vm")
                        .data()
                        .asText();
        assertThat(exitStatus(clone))
                .isEqualTo(
                        "clone failed: rbd create 'vm-442-disk-0' error: rbd: create error: "
                                + "(28) No space left on device");

        awaitOk(
                api.post("/nodes/pve1/qemu", "vmid", "440", "scsi0", "local-lvm:8")
                        .data()
                        .asText());
    }

    @Test
    void migrationToAnOfflineNodeOrWithoutTargetMemoryFails() {
        sim.cluster().createVm("pve1", 450, Map.of("name", "to-offline", "scsi0", "ceph-vm:4"));
        sim.faults().powerOff("pve3");
        String offline = api.post("/nodes/pve1/qemu/450/migrate", "target", "pve3").data().asText();
        assertThat(exitStatus(offline)).isEqualTo("migration aborted");
        assertThat(String.join("\n", sim.cluster().task(offline).orElseThrow().log()))
                .contains(
                        "ERROR: migration aborted (duration 00:00:00): Can't connect to destination address using "
                                + "public key");
        assertThat(sim.cluster().vm(450).orElseThrow().lock()).isEmpty();

        sim.cluster()
                .createRunningVm(
                        "pve1",
                        451,
                        Map.of("name", "big", "memory", "15360", "scsi0", "ceph-vm:4"));
        String tooBig =
                api.post("/nodes/pve1/qemu/451/migrate", "target", "pve2", "online", "1")
                        .data()
                        .asText();
        sim.cluster().createRunningVm("pve2", 452, Map.of("name", "occupant", "memory", "4096"));
        assertThat(exitStatus(tooBig)).isEqualTo("migration problems");
        assertThat(sim.cluster().vm(451).orElseThrow().node()).isEqualTo("pve1");
        assertThat(sim.cluster().vm(451).orElseThrow().running()).isTrue();
    }
}
