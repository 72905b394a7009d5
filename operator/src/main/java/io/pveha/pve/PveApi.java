package io.pveha.pve;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import io.pveha.pve.model.CephHealth;
import io.pveha.pve.model.ClusterResource;
import io.pveha.pve.model.ClusterStatusEntry;
import io.pveha.pve.model.HaStatusEntry;
import io.pveha.pve.model.PveVersion;
import io.pveha.pve.model.StorageConfig;
import io.pveha.pve.model.TaskStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Typed calls of the PVE API that the operator uses, on top of {@link PveClient}. */
public class PveApi {
    private final PveClient client;

    public PveApi(PveClient client) {
        this.client = client;
    }

    public PveClient client() {
        return client;
    }

    public PveVersion version() {
        return convert(client.get("/version"), PveVersion.class);
    }

    /**
     * Each node's certificate fingerprint as {@code /nodes} reports it ({@code ssl_fingerprint}),
     * normalised; nodes without one are left out.
     */
    public Map<String, String> nodeFingerprints() {
        Map<String, String> result = new LinkedHashMap<>();
        for (JsonNode node : client.get("/nodes")) {
            String fingerprint = node.path("ssl_fingerprint").asText("");
            if (node.hasNonNull("node") && !fingerprint.isEmpty()) {
                try {
                    result.put(node.get("node").asText(), PveTls.normalizeFingerprint(fingerprint));
                } catch (IllegalArgumentException e) {
                    // not a SHA-256 fingerprint: nothing to offer for this node
                }
            }
        }
        return result;
    }

    public List<ClusterStatusEntry> clusterStatus() {
        return list(client.get("/cluster/status"), ClusterStatusEntry.class);
    }

    /** All resources (guests, nodes, storages, pools) in one call: the basis of every poll. */
    public List<ClusterResource> clusterResources() {
        return list(client.get("/cluster/resources"), ClusterResource.class);
    }

    public List<HaStatusEntry> haStatus() {
        return list(client.get("/cluster/ha/status/current"), HaStatusEntry.class);
    }

    /**
     * Ceph health, or {@link CephHealth#NONE} when Ceph is not set up (PVE answers 500 {@code
     * binary not installed} or {@code pveceph configuration not initialized}).
     */
    public CephHealth cephHealth() {
        JsonNode status;
        try {
            status = client.get("/cluster/ceph/status");
        } catch (PveApiException e) {
            String m = e.getMessage() == null ? "" : e.getMessage();
            if (e.httpStatus() == 500
                    && (m.contains("not installed")
                            || m.contains("not initialized")
                            || m.contains("got timeout"))) {
                return CephHealth.NONE;
            }
            if (e.kind() == PveErrorKind.NOT_IMPLEMENTED) {
                return CephHealth.NONE;
            }
            throw e;
        }
        JsonNode health = status.path("health");
        List<String> checks = new ArrayList<>();
        List<String> messages = new ArrayList<>();
        health.path("checks")
                .fields()
                .forEachRemaining(
                        e -> {
                            checks.add(e.getKey());
                            String message =
                                    e.getValue().path("summary").path("message").asText("");
                            messages.add(
                                    message.isEmpty() ? e.getKey() : e.getKey() + ": " + message);
                        });
        // Ceph before Octopus nests the counts one level deeper (osdmap.osdmap).
        JsonNode osdmap = status.path("osdmap");
        if (osdmap.has("osdmap")) {
            osdmap = osdmap.path("osdmap");
        }
        CephHealth.OsdCounts osds =
                osdmap.has("num_osds")
                        ? new CephHealth.OsdCounts(
                                osdmap.path("num_osds").asInt(),
                                osdmap.path("num_up_osds").asInt(),
                                osdmap.path("num_in_osds").asInt())
                        : null;
        return new CephHealth(health.path("status").asText("UNKNOWN"), checks, messages, osds);
    }

    public List<StorageConfig> storageConfigs() {
        return list(client.get("/storage"), StorageConfig.class);
    }

    /**
     * The token's effective privileges: path → privileges granted there ({@code GET
     * /access/permissions} without parameters answers for the caller).
     */
    public Map<String, Set<String>> permissions() {
        JsonNode data = client.get("/access/permissions");
        Map<String, Set<String>> result = new LinkedHashMap<>();
        data.fields()
                .forEachRemaining(
                        path -> {
                            Set<String> granted = new TreeSet<>();
                            path.getValue()
                                    .fields()
                                    .forEachRemaining(
                                            p -> {
                                                if (PveJson.bool(path.getValue(), p.getKey())) {
                                                    granted.add(p.getKey());
                                                }
                                            });
                            result.put(path.getKey(), granted);
                        });
        return result;
    }

    /** Recent tasks of all nodes, running ones without a status ({@code GET /cluster/tasks}). */
    public List<io.pveha.pve.model.TaskEntry> clusterTasks() {
        return list(client.get("/cluster/tasks"), io.pveha.pve.model.TaskEntry.class);
    }

    public TaskStatus taskStatus(Upid upid) {
        return convert(
                client.get(PvePath.of("nodes", upid.node(), "tasks", upid.value(), "status")),
                TaskStatus.class);
    }

    /** The last {@code limit} lines of a task's log. */
    public List<String> taskLog(Upid upid, int limit) {
        JsonNode lines =
                client.get(
                        PvePath.of("nodes", upid.node(), "tasks", upid.value(), "log"),
                        Map.of("start", 0, "limit", 10_000));
        List<String> out = new ArrayList<>();
        lines.forEach(l -> out.add(l.path("t").asText()));
        return out.size() <= limit ? out : out.subList(out.size() - limit, out.size());
    }

    static <T> T convert(JsonNode node, Class<T> type) {
        try {
            return PveJson.MAPPER.treeToValue(node, type);
        } catch (Exception e) {
            throw new PveApiException(
                    PveErrorKind.PROTOCOL,
                    200,
                    "GET",
                    type.getSimpleName(),
                    "cannot read PVE's answer as " + type.getSimpleName() + ": " + e.getMessage(),
                    null,
                    e);
        }
    }

    static <T> List<T> list(JsonNode node, Class<T> type) {
        if (node == null || !node.isArray()) {
            return List.of();
        }
        JavaType listType =
                PveJson.MAPPER.getTypeFactory().constructCollectionType(List.class, type);
        try {
            return PveJson.MAPPER.convertValue(node, listType);
        } catch (IllegalArgumentException e) {
            throw new PveApiException(
                    PveErrorKind.PROTOCOL,
                    200,
                    "GET",
                    type.getSimpleName(),
                    "cannot read PVE's answer as a list of "
                            + type.getSimpleName()
                            + ": "
                            + e.getMessage(),
                    null,
                    e);
        }
    }
}
