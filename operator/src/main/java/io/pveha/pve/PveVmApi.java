package io.pveha.pve;

import com.fasterxml.jackson.databind.JsonNode;
import io.pveha.pve.model.HaGroup;
import io.pveha.pve.model.HaResource;
import io.pveha.pve.model.HaRule;
import io.pveha.pve.model.TaskEntry;
import io.pveha.pve.model.VmConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The VM, HA and task calls of the PVE API. Every mutating VM call returns the task it started; the
 * caller records it before doing anything else (the task id is the write-ahead log of the
 * operation).
 */
public final class PveVmApi {
    private final PveClient client;

    public PveVmApi(PveClient client) {
        this.client = client;
    }

    public Upid create(String node, Map<String, ?> params) {
        return upid(client.post(PvePath.of("nodes", node, "qemu"), params), "POST create");
    }

    public Upid cloneVm(String node, int sourceVmid, Map<String, ?> params) {
        return upid(
                client.post(PvePath.of("nodes", node, "qemu", sourceVmid, "clone"), params),
                "POST clone");
    }

    public VmConfig config(String node, int vmid) {
        JsonNode data = client.get(PvePath.of("nodes", node, "qemu", vmid, "config"));
        Map<String, String> values = new LinkedHashMap<>();
        data.fields()
                .forEachRemaining(
                        e -> {
                            if (!e.getKey().equals("digest")) {
                                values.put(
                                        e.getKey(),
                                        e.getValue().isValueNode()
                                                ? e.getValue().asText()
                                                : e.getValue().toString());
                            }
                        });
        return new VmConfig(values, PveJson.text(data, "digest"));
    }

    /** Keys with a value PVE will only apply at the next restart ({@code GET .../pending}). */
    public Map<String, String> pendingChanges(String node, int vmid) {
        Map<String, String> pending = new LinkedHashMap<>();
        for (JsonNode item : client.get(PvePath.of("nodes", node, "qemu", vmid, "pending"))) {
            if (item.has("pending") || item.has("delete")) {
                pending.put(
                        item.path("key").asText(),
                        item.has("pending") ? item.path("pending").asText() : "(delete)");
            }
        }
        return pending;
    }

    /** Synchronous config update ({@code PUT .../config}): for changes that allocate no storage. */
    public void setConfig(String node, int vmid, Map<String, ?> params) {
        client.put(PvePath.of("nodes", node, "qemu", vmid, "config"), params);
    }

    /**
     * Asynchronous config update ({@code POST .../config}); the task is absent when PVE finished
     * synchronously.
     */
    public Optional<Upid> updateConfig(String node, int vmid, Map<String, ?> params) {
        JsonNode data = client.post(PvePath.of("nodes", node, "qemu", vmid, "config"), params);
        return data.isTextual() && Upid.isUpid(data.asText())
                ? Optional.of(Upid.parse(data.asText()))
                : Optional.empty();
    }

    /** Grows a disk; PVE 8 answers with a task, older versions finish synchronously. */
    public Optional<Upid> resize(String node, int vmid, String disk, String size) {
        JsonNode data =
                client.put(
                        PvePath.of("nodes", node, "qemu", vmid, "resize"),
                        Map.of("disk", disk, "size", size));
        return data.isTextual() && Upid.isUpid(data.asText())
                ? Optional.of(Upid.parse(data.asText()))
                : Optional.empty();
    }

    public Upid power(String node, int vmid, String action, Map<String, ?> params) {
        return upid(
                client.post(PvePath.of("nodes", node, "qemu", vmid, "status", action), params),
                "POST " + action);
    }

    public Upid migrate(String node, int vmid, Map<String, ?> params) {
        return upid(
                client.post(PvePath.of("nodes", node, "qemu", vmid, "migrate"), params),
                "POST migrate");
    }

    public Upid convertToTemplate(String node, int vmid) {
        return upid(
                client.post(PvePath.of("nodes", node, "qemu", vmid, "template"), Map.of()),
                "POST template");
    }

    public Upid destroy(String node, int vmid, Map<String, ?> params) {
        return upid(client.delete(PvePath.of("nodes", node, "qemu", vmid), params), "DELETE vm");
    }

    /** Tasks on a node about one VMID, newest first, running ones included. */
    public List<TaskEntry> tasks(String node, int vmid, String type) {
        Map<String, Object> query = new LinkedHashMap<>();
        query.put("vmid", vmid);
        query.put("source", "all");
        query.put("limit", 50);
        if (type != null) {
            query.put("typefilter", type);
        }
        return PveApi.list(client.get(PvePath.of("nodes", node, "tasks"), query), TaskEntry.class);
    }

    /** IPv4/IPv6 addresses the QEMU guest agent reports, loopback and link-local left out. */
    public List<String> guestAddresses(String node, int vmid) {
        JsonNode data =
                client.get(
                        PvePath.of("nodes", node, "qemu", vmid, "agent", "network-get-interfaces"));
        JsonNode interfaces = data.has("result") ? data.get("result") : data;
        List<String> out = new ArrayList<>();
        for (JsonNode nic : interfaces) {
            if ("lo".equals(nic.path("name").asText())) {
                continue;
            }
            for (JsonNode address : nic.path("ip-addresses")) {
                String ip = address.path("ip-address").asText();
                if (!ip.isEmpty()
                        && !ip.startsWith("127.")
                        && !ip.startsWith("fe80")
                        && !ip.equals("::1")) {
                    out.add(ip);
                }
            }
        }
        return out;
    }

    public Optional<HaResource> haResource(int vmid) {
        try {
            return Optional.of(
                    PveApi.convert(
                            client.get(PvePath.of("cluster", "ha", "resources", "vm:" + vmid)),
                            HaResource.class));
        } catch (PveApiException e) {
            if (e.kind() == PveErrorKind.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    public void createHaResource(Map<String, ?> params) {
        client.post("/cluster/ha/resources", params);
    }

    public void updateHaResource(int vmid, Map<String, ?> params) {
        client.put(PvePath.of("cluster", "ha", "resources", "vm:" + vmid), params);
    }

    public void deleteHaResource(int vmid) {
        client.delete(PvePath.of("cluster", "ha", "resources", "vm:" + vmid), Map.of());
    }

    public void migrateHaResource(int vmid, String node) {
        client.post(
                PvePath.of("cluster", "ha", "resources", "vm:" + vmid, "migrate"),
                Map.of("node", node));
    }

    public List<HaGroup> haGroups() {
        return PveApi.list(client.get("/cluster/ha/groups"), HaGroup.class);
    }

    public void createHaGroup(Map<String, ?> params) {
        client.post("/cluster/ha/groups", params);
    }

    public void updateHaGroup(String group, Map<String, ?> params) {
        client.put(PvePath.of("cluster", "ha", "groups", group), params);
    }

    public void deleteHaGroup(String group) {
        client.delete(PvePath.of("cluster", "ha", "groups", group), Map.of());
    }

    /** PVE 9's HA rules (a PVE 8 node answers 501). */
    public List<HaRule> haRules() {
        return PveApi.list(client.get("/cluster/ha/rules"), HaRule.class);
    }

    public void createHaRule(Map<String, ?> params) {
        client.post("/cluster/ha/rules", params);
    }

    public void updateHaRule(String rule, Map<String, ?> params) {
        client.put(PvePath.of("cluster", "ha", "rules", rule), params);
    }

    public void deleteHaRule(String rule) {
        client.delete(PvePath.of("cluster", "ha", "rules", rule), Map.of());
    }

    static Upid upid(JsonNode data, String what) {
        if (data != null && data.isTextual() && Upid.isUpid(data.asText())) {
            return Upid.parse(data.asText());
        }
        throw new PveApiException(
                PveErrorKind.PROTOCOL,
                200,
                "POST",
                what,
                what + " answered without a task id: " + (data == null ? "null" : data.toString()),
                null,
                null);
    }
}
