package io.pveha.simulator.ha;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code /etc/pve/nodes/<node>/lrm_status}: what a node's LRM last wrote (its state and mode, the
 * results of its resource agents by service {@code uid}, the time). The file outlives the LRM: a
 * dead node's status stays with its old timestamp.
 */
record LrmStatus(String state, String mode, Map<String, LrmResult> results, long timestamp) {

    /** The outcome of one resource agent run, for the CRM to act on. */
    record LrmResult(String sid, String state, int exitCode) {}

    LrmStatus {
        results = new TreeMap<>(results);
    }

    Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("mode", mode);
        Map<String, Object> resultJson = new TreeMap<>();
        results.forEach(
                (uid, r) -> {
                    Map<String, Object> entry = new LinkedHashMap<>();
                    entry.put("exit_code", r.exitCode());
                    entry.put("sid", r.sid());
                    entry.put("state", r.state());
                    resultJson.put(uid, entry);
                });
        json.put("results", resultJson);
        json.put("state", state);
        json.put("timestamp", timestamp);
        return json;
    }

    static LrmStatus fromJson(JsonNode json) {
        Map<String, LrmResult> results = new TreeMap<>();
        json.path("results")
                .fields()
                .forEachRemaining(
                        e ->
                                results.put(
                                        e.getKey(),
                                        new LrmResult(
                                                e.getValue().path("sid").asText(),
                                                e.getValue().path("state").asText(),
                                                e.getValue().path("exit_code").asInt())));
        return new LrmStatus(
                json.path("state").asText(),
                json.path("mode").asText("active"),
                results,
                json.path("timestamp").asLong());
    }
}
