package io.pveha.simulator.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The control API under {@code /simulator/} over plain HTTP, as a shell script with curl would use
 * it.
 */
class ControlApiIT extends SimulatorIT {
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void overviewListsNodesClockAndFaults() {
        JsonNode data = call("GET", "/simulator", null).get("data");
        assertThat(data.get("nodes")).hasSize(3);
        assertThat(data.get("nodes").get(1).get("url").asText()).isEqualTo(sim.nodeUrl("pve2"));
        assertThat(data.get("clock").get("scale").asDouble()).isZero();
    }

    @Test
    void nodePowerAndNetworkOverHttp() {
        JsonNode off = call("POST", "/simulator/nodes/pve3/power-off", null).get("data");
        assertThat(off.get("power").asText()).isEqualTo("off");
        assertThat(api.get("/nodes/pve3/status").status()).isEqualTo(595);
        call("POST", "/simulator/nodes/pve3/power-on", null);
        call("POST", "/simulator/clock", "{\"advance\": 31}");
        assertThat(api.get("/nodes/pve3/status").status()).isEqualTo(200);
        call("POST", "/simulator/nodes/pve3/network-off", null);
        assertThat(api.get("/nodes/pve3/status").status()).isEqualTo(595);
        call("POST", "/simulator/reset", null);
        assertThat(api.get("/nodes/pve3/status").status()).isEqualTo(200);
    }

    @Test
    void faultRulesTaskFailuresAndStorageFillOverHttp() {
        JsonNode rule =
                call(
                                "POST",
                                "/simulator/faults/fail-rate",
                                "{\"path\": \"^/version$\", \"rate\": 1, \"status\": 500, \"reason\": \"boom\"}")
                        .get("data");
        assertThat(api.get("/version").reason()).isEqualTo("boom");
        assertThat(call("GET", "/simulator/faults", null).get("data")).hasSize(1);
        call("DELETE", "/simulator/faults/" + rule.get("id").asLong(), null);
        assertThat(api.get("/version").status()).isEqualTo(200);

        sim.cluster().createVm("pve1", 600, Map.of("name", "ctl"));
        call(
                "POST",
                "/simulator/faults/fail-next-task",
                "{\"type\": \"qmstart\", \"error\": \"start failed: injected\"}");
        assertThat(exitStatus(api.post("/nodes/pve1/qemu/600/status/start").data().asText()))
                .isEqualTo("start failed: injected");

        call("POST", "/simulator/storage/local-lvm/fill?node=pve1", null);
        assertThat(api.get("/nodes/pve1/storage/local-lvm/status").data().get("avail").asLong())
                .isZero();
        assertThat(api.get("/nodes/pve2/storage/local-lvm/status").data().get("avail").asLong())
                .isPositive();
        call("POST", "/simulator/storage/local-lvm/free", null);
        assertThat(api.get("/nodes/pve1/storage/local-lvm/status").data().get("avail").asLong())
                .isPositive();
    }

    @Test
    void clockStatsAndTokensOverHttp() {
        long before = call("GET", "/simulator/clock", null).get("data").get("epoch").asLong();
        long after =
                call("POST", "/simulator/clock", "advance=120").get("data").get("epoch").asLong();
        assertThat(after - before).isBetween(120L, 121L);

        call("DELETE", "/simulator/stats", null);
        api.get("/cluster/resources");
        api.get("/cluster/resources", "type", "vm");
        api.get("/nodes/pve1/status");
        JsonNode stats = call("GET", "/simulator/stats", null).get("data");
        assertThat(stats.get("total").asLong()).isEqualTo(3);
        assertThat(stats.get("requests").get("GET /cluster/resources").asLong()).isEqualTo(2);
        assertThat(stats.get("requests").get("GET /nodes/{node}/status").asLong()).isEqualTo(1);
        assertThat(sim.requestStats().count("GET /cluster/resources")).isEqualTo(2);

        call(
                "POST",
                "/simulator/tokens",
                "{\"tokenid\": \"ops@pve!script\", \"secret\": \"s3cret\", "
                        + "\"privileges\": [\"VM.Audit\"]}");
        PveHttp ops =
                api.withoutHeaders()
                        .withHeader("Authorization", "PVEAPIToken=ops@pve!script=s3cret");
        assertThat(ops.get("/version").status()).isEqualTo(200);
        assertThat(ops.get("/cluster/status").reason())
                .isEqualTo("Permission check failed (/, Sys.Audit)");
    }

    @Test
    void unknownControlPathIs404AndBadInputIs400() throws Exception {
        HttpResponse<String> missing = send("GET", "/simulator/nope", null);
        assertThat(missing.statusCode()).isEqualTo(404);
        HttpResponse<String> bad = send("POST", "/simulator/faults/latency", "{}");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(PveHttp.JSON.readTree(bad.body()).get("message").asText())
                .isEqualTo("parameter 'path' is required");
    }

    private JsonNode call(String method, String path, String body) {
        try {
            HttpResponse<String> response = send(method, path, body);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            return PveHttp.JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private HttpResponse<String> send(String method, String path, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(sim.plainHttpUrl().orElseThrow() + path));
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header(
                            "Content-Type",
                            body.startsWith("{")
                                    ? "application/json"
                                    : "application/x-www-form-urlencoded")
                    .method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
