package io.pveha.pve;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The backup calls of the PVE API: vzdump jobs, storage definitions and content, vzdump runs. */
public final class PveBackupApi {
    private final PveClient client;

    public PveBackupApi(PveClient client) {
        this.client = client;
    }

    /** {@code GET /cluster/backup}: every vzdump job, as PVE lists it (with {@code next-run}). */
    public List<JsonNode> jobs() {
        List<JsonNode> result = new ArrayList<>();
        client.get("/cluster/backup").forEach(result::add);
        return result;
    }

    public void createJob(Map<String, ?> params) {
        client.post("/cluster/backup", params);
    }

    public void updateJob(String id, Map<String, ?> params) {
        client.put(PvePath.of("cluster", "backup", id), params);
    }

    public void deleteJob(String id) {
        client.delete(PvePath.of("cluster", "backup", id), Map.of());
    }

    /** {@code POST /storage} (synchronous). */
    public void createStorage(Map<String, ?> params) {
        client.post("/storage", params);
    }

    /** {@code GET /nodes/{node}/storage/{storage}/content?content=backup}. */
    public List<JsonNode> backups(String node, String storage) {
        List<JsonNode> result = new ArrayList<>();
        client.get(
                        PvePath.of("nodes", node, "storage", storage, "content"),
                        Map.of("content", "backup"))
                .forEach(result::add);
        return result;
    }

    /**
     * {@code POST /nodes/{node}/vzdump}: the task, or empty when PVE found no selected guest on the
     * node (it then answers {@code OK} instead of a UPID).
     */
    public Optional<Upid> vzdump(String node, Map<String, ?> params) {
        JsonNode answer = client.post(PvePath.of("nodes", node, "vzdump"), params);
        String text = answer == null ? "" : answer.asText("");
        return Upid.isUpid(text) ? Optional.of(Upid.parse(text)) : Optional.empty();
    }
}
