package io.pveha.pve;

import com.fasterxml.jackson.databind.JsonNode;
import io.pveha.pve.model.CephPoolEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The Ceph pool calls of PVE 7.4+/8 ({@code /nodes/{node}/ceph/pool}); every change is a task. */
public final class PveCephApi {
    private final PveClient client;

    public PveCephApi(PveClient client) {
        this.client = client;
    }

    /**
     * All pools of the cluster, asked of one node (any node of a hyperconverged cluster sees them
     * all).
     */
    public List<CephPoolEntry> pools(String node) {
        return PveApi.list(
                client.get(PvePath.of("nodes", node, "ceph", "pool")), CephPoolEntry.class);
    }

    public Upid createPool(String node, Map<String, ?> params) {
        return PveVmApi.upid(
                client.post(PvePath.of("nodes", node, "ceph", "pool"), params), "POST ceph/pool");
    }

    public Upid updatePool(String node, String pool, Map<String, ?> params) {
        return PveVmApi.upid(
                client.put(PvePath.of("nodes", node, "ceph", "pool", pool), params),
                "PUT ceph/pool");
    }

    public Upid deletePool(String node, String pool, Map<String, ?> params) {
        return PveVmApi.upid(
                client.delete(PvePath.of("nodes", node, "ceph", "pool", pool), params),
                "DELETE ceph/pool");
    }

    /**
     * Volume ids of the VM disks on a storage ({@code content=images}), e.g. {@code
     * apps:vm-100-disk-0}.
     */
    public List<String> images(String node, String storage) {
        JsonNode data =
                client.get(
                        PvePath.of("nodes", node, "storage", storage, "content"),
                        Map.of("content", "images"));
        List<String> volids = new ArrayList<>();
        data.forEach(v -> volids.add(v.path("volid").asText()));
        return volids;
    }
}
