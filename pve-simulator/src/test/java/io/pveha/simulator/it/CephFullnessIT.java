package io.pveha.simulator.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pveha.simulator.PveSimulator;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Small OSDs fill up: the in-memory Ceph raises the nearfull and full checks as VM disks grow. */
class CephFullnessIT {

    @Test
    void nearfullThenFullAsDisksGrow() {
        // One 20 GiB OSD per node: 60 GiB raw; at size 3, 17 GiB of data is 85 %, 18 GiB 90 %, 19
        // GiB 95 %.
        try (PveSimulator sim =
                PveSimulator.builder()
                        .nodes(3)
                        .manualClock()
                        .cephOsds(1, 20L << 30)
                        .build()
                        .start()) {
            PveHttp api = PveHttp.forSim(sim);
            assertThat(health(api).get("status").asText()).isEqualTo("HEALTH_OK");

            sim.cluster().createVm("pve1", 100, Map.of("name", "fill", "scsi0", "ceph-vm:16"));
            assertThat(health(api).get("status").asText()).isEqualTo("HEALTH_OK");
            sim.cluster().createVm("pve1", 101, Map.of("name", "fill2", "scsi0", "ceph-vm:1"));
            JsonNode nearfull = health(api);
            assertThat(nearfull.get("status").asText()).isEqualTo("HEALTH_WARN");
            assertThat(nearfull.get("checks").has("OSD_NEARFULL")).isTrue();
            assertThat(nearfull.get("checks").has("POOL_NEARFULL")).isTrue();

            sim.cluster().createVm("pve1", 102, Map.of("name", "fill3", "scsi0", "ceph-vm:1"));
            assertThat(health(api).get("checks").has("OSD_BACKFILLFULL")).isTrue();
            sim.cluster().createVm("pve1", 103, Map.of("name", "fill4", "scsi0", "ceph-vm:1"));
            JsonNode full = health(api);
            assertThat(full.get("status").asText()).isEqualTo("HEALTH_ERR");
            assertThat(full.get("checks").has("OSD_FULL")).isTrue();
        }
    }

    private static JsonNode health(PveHttp api) {
        return api.get("/cluster/ceph/status").data().get("health");
    }
}
