package io.pveha.simulator.ha;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The CRM's record of one service ({@code $sd}, an entry of {@code service_status} in {@code
 * /etc/pve/ha/manager_status}). Mutable: only the master's {@link Manager} changes it, under the
 * cluster state lock; everything else sees copies.
 */
final class ServiceStatus {
    String state;
    String node;
    String uid;

    /** Set once the LRM confirmed the start; only meaningful while {@code started}. */
    boolean running;

    /** Migration or relocation target. */
    String target;

    /** Nodes where a start failed (relocation policy). */
    List<String> failedNodes;

    /**
     * A queued CRM command: {@code [migrate, node]}, {@code [relocate, node]} or {@code [stop,
     * timeout]}.
     */
    List<String> cmd;

    /** Where the service ran before its node entered maintenance, to move it back. */
    String maintenanceNode;

    /** Stop timeout of a {@code request_stop} from a CRM {@code stop} command. */
    Integer timeout;

    ServiceStatus(String state, String node, String uid) {
        this.state = state;
        this.node = node;
        this.uid = uid;
    }

    ServiceStatus copy() {
        ServiceStatus copy = new ServiceStatus(state, node, uid);
        copy.running = running;
        copy.target = target;
        copy.failedNodes = failedNodes == null ? null : new ArrayList<>(failedNodes);
        copy.cmd = cmd == null ? null : new ArrayList<>(cmd);
        copy.maintenanceNode = maintenanceNode;
        copy.timeout = timeout;
        return copy;
    }

    /** The JSON object PVE writes; optional keys only when set. */
    Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("node", node);
        if (running) {
            json.put("running", 1);
        }
        json.put("state", state);
        if (target != null) {
            json.put("target", target);
        }
        if (timeout != null) {
            json.put("timeout", timeout);
        }
        if (cmd != null) {
            json.put("cmd", List.copyOf(cmd));
        }
        if (failedNodes != null) {
            json.put("failed_nodes", List.copyOf(failedNodes));
        }
        if (maintenanceNode != null) {
            json.put("maintenance_node", maintenanceNode);
        }
        json.put("uid", uid);
        return json;
    }

    static ServiceStatus fromJson(JsonNode json) {
        ServiceStatus sd =
                new ServiceStatus(text(json, "state"), text(json, "node"), text(json, "uid"));
        sd.running = json.path("running").asInt(0) == 1;
        sd.target = text(json, "target");
        sd.timeout = json.has("timeout") ? json.get("timeout").asInt() : null;
        sd.cmd = list(json.get("cmd"));
        sd.failedNodes = list(json.get("failed_nodes"));
        sd.maintenanceNode = text(json, "maintenance_node");
        return sd;
    }

    static String text(JsonNode json, String field) {
        JsonNode value = json.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static List<String> list(JsonNode array) {
        if (array == null || !array.isArray()) {
            return null;
        }
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }
}
