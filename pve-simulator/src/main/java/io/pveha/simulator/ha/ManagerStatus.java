package io.pveha.simulator.ha;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code /etc/pve/ha/manager_status}: what the last master wrote (master node, node states, service
 * states, maintenance requests, time). Empty until a master ever ran. The master works on its own
 * copy and writes it back at the end of each round; LRMs and the API read the written one.
 */
final class ManagerStatus {
    String masterNode;
    Long timestamp;
    final TreeMap<String, String> nodeStatus = new TreeMap<>();
    final TreeMap<String, ServiceStatus> serviceStatus = new TreeMap<>();

    /**
     * {@code node_request}: node → {maintenance: 1}; absent until a maintenance request was ever
     * made.
     */
    TreeMap<String, TreeMap<String, Integer>> nodeRequest;

    boolean written() {
        return timestamp != null;
    }

    boolean maintenanceRequested(String node) {
        return nodeRequest != null
                && nodeRequest.containsKey(node)
                && Integer.valueOf(1).equals(nodeRequest.get(node).get("maintenance"));
    }

    ManagerStatus copy() {
        ManagerStatus copy = new ManagerStatus();
        copy.masterNode = masterNode;
        copy.timestamp = timestamp;
        copy.nodeStatus.putAll(nodeStatus);
        serviceStatus.forEach((sid, sd) -> copy.serviceStatus.put(sid, sd.copy()));
        if (nodeRequest != null) {
            copy.nodeRequest = new TreeMap<>();
            nodeRequest.forEach(
                    (node, request) -> copy.nodeRequest.put(node, new TreeMap<>(request)));
        }
        return copy;
    }

    /** The file's JSON ({@code {}} before any master wrote it). */
    Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        if (!written()) {
            return json;
        }
        json.put("master_node", masterNode);
        if (nodeRequest != null) {
            json.put("node_request", nodeRequest);
        }
        json.put("node_status", new TreeMap<>(nodeStatus));
        Map<String, Object> services = new TreeMap<>();
        serviceStatus.forEach((sid, sd) -> services.put(sid, sd.toJson()));
        json.put("service_status", services);
        json.put("timestamp", timestamp);
        return json;
    }

    static ManagerStatus fromJson(JsonNode json) {
        ManagerStatus ms = new ManagerStatus();
        if (json == null || !json.has("timestamp")) {
            return ms;
        }
        ms.masterNode = ServiceStatus.text(json, "master_node");
        ms.timestamp = json.get("timestamp").asLong();
        json.path("node_status")
                .fields()
                .forEachRemaining(e -> ms.nodeStatus.put(e.getKey(), e.getValue().asText()));
        json.path("service_status")
                .fields()
                .forEachRemaining(
                        e ->
                                ms.serviceStatus.put(
                                        e.getKey(), ServiceStatus.fromJson(e.getValue())));
        if (json.has("node_request")) {
            ms.nodeRequest = new TreeMap<>();
            json.get("node_request")
                    .fields()
                    .forEachRemaining(
                            e -> {
                                TreeMap<String, Integer> request = new TreeMap<>();
                                e.getValue()
                                        .fields()
                                        .forEachRemaining(
                                                r -> request.put(r.getKey(), r.getValue().asInt()));
                                ms.nodeRequest.put(e.getKey(), request);
                            });
        }
        return ms;
    }
}
