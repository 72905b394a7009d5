package io.pveha.simulator.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.pveha.simulator.PveSimulator;
import io.pveha.simulator.TaskView;
import io.pveha.simulator.VmView;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A simulator with a state file survives a restart: guests, volumes, tasks, node states, time,
 * certificates.
 */
class StateFileIT {

    @Test
    void restartedSimulatorContinuesFromTheStateFile(@TempDir Path dir) {
        Path file = dir.resolve("state.json");
        String fingerprint;
        String finishedUpid;
        String runningUpid;
        long savedAt;
        try (PveSimulator first =
                PveSimulator.builder().manualClock().stateFile(file).build().start()) {
            PveHttp api = PveHttp.forSim(first);
            first.cluster()
                    .createTemplate("pve1", 700, Map.of("name", "tmpl", "scsi0", "local-lvm:8"));
            finishedUpid =
                    api.post("/nodes/pve1/qemu/700/clone", "newid", "701", "name", "kept")
                            .data()
                            .asText();
            first.clock().advance(Duration.ofSeconds(5));
            runningUpid = api.post("/nodes/pve1/qemu/701/status/start").data().asText();
            first.clock().advance(Duration.ofMillis(1));
            api.put("/nodes/pve1/qemu/701/config", "description", "survives: restarts");
            first.faults().powerOff("pve3");
            fingerprint = first.fingerprintSha256("pve2");
            savedAt = first.clock().nowEpochSeconds();
        }
        assertThat(file).exists();

        try (PveSimulator second =
                PveSimulator.builder().manualClock().stateFile(file).build().start()) {
            VmView clone = second.cluster().vm(701).orElseThrow();
            assertThat(clone.name()).isEqualTo("kept");
            assertThat(clone.config().get("scsi0")).isEqualTo("local-lvm:vm-701-disk-0,size=8G");
            assertThat(clone.config().get("description")).isEqualTo("survives: restarts");
            assertThat(second.cluster().vm(700).orElseThrow().template()).isTrue();
            TaskView finished = second.cluster().task(finishedUpid).orElseThrow();
            assertThat(finished.exitStatus()).isEqualTo("OK");
            assertThat(second.cluster().task(runningUpid).orElseThrow().exitStatus())
                    .as("a task cut off by the restart")
                    .isEqualTo("unexpected status");
            assertThat(second.cluster().node("pve3").power()).isEqualTo("off");
            assertThat(second.fingerprintSha256("pve2")).isEqualTo(fingerprint);
            assertThat(second.clock().nowEpochSeconds()).isGreaterThanOrEqualTo(savedAt);

            PveHttp api = PveHttp.forSim(second);
            assertThat(api.get("/nodes/pve1/storage/local-lvm/content", "vmid", "701").data())
                    .hasSize(1);
            assertThat(api.get("/nodes/pve3/status").status()).isEqualTo(595);
            assertThat(
                            api.get("/nodes/pve1/tasks/" + finishedUpid + "/status")
                                    .data()
                                    .get("exitstatus")
                                    .asText())
                    .isEqualTo("OK");
        }
    }

    @Test
    void saveStateWritesAnExplicitFile(@TempDir Path dir) throws Exception {
        try (PveSimulator sim = PveSimulator.builder().manualClock().build().start()) {
            sim.cluster().createVm("pve2", 710, Map.of("name", "snap"));
            Path written = sim.saveState(dir.resolve("explicit.json"));
            assertThat(Files.readString(written))
                    .contains("\"vmid\" : 710", "\"clusterName\" : \"pve-sim\"");
        }
    }
}
