package io.pveha.demo.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The verdict, from the simulators' own state (every VM with the HaVm UID its description marker
 * names, every VM destroyed with its owner at that moment) against the HaVms in the API server and
 * what the driver asked for.
 *
 * <ul>
 *   <li><b>found</b>: HaVms that should exist whose {@code status.vmid} is a VM on their cluster
 *       carrying their own marker.
 *   <li><b>duplicates</b>: VMs beyond the first ever made for one HaVm (alive or destroyed since).
 *   <li><b>orphans</b>: VMs carrying a marker whose HaVm no longer exists.
 *   <li><b>wrongful deletes</b>: VMs destroyed that the driver did not ask to delete: foreign VMs,
 *       the template, VMs of HaVms that were not deleted (a duplicate's cleanup is counted as the
 *       duplicate instead).
 * </ul>
 */
final class Judge {
    /** What the driver made and asked for, per HaVm UID. */
    static final class Intent {
        final String uid;
        final String name;
        final int cluster;
        volatile boolean deleteAsked;
        volatile Integer memoryMiB;
        volatile String node;

        Intent(String uid, String name, int cluster) {
            this.uid = uid;
            this.name = name;
            this.cluster = cluster;
        }
    }

    /** A HaVm as the API server has it. */
    record Seen(String uid, String name, Integer vmid, boolean ready) {}

    record Verdict(
            int expected,
            int found,
            int duplicates,
            int orphans,
            int wrongfulDeletes,
            int changesMissing,
            List<String> details) {
        boolean ok() {
            return found == expected
                    && duplicates == 0
                    && orphans == 0
                    && wrongfulDeletes == 0
                    && changesMissing == 0;
        }
    }

    private Judge() {}

    static Verdict judge(
            Map<String, Intent> intents,
            Map<String, Seen> havms,
            Map<Integer, JsonNode> inventories) {
        List<String> details = new ArrayList<>();
        Map<String, Set<String>> everByOwner = new HashMap<>();
        Map<String, JsonNode> currentByKey = new HashMap<>();
        Map<String, List<JsonNode>> currentByOwner = new HashMap<>();
        int orphans = 0;
        int wrongful = 0;
        for (Map.Entry<Integer, JsonNode> e : inventories.entrySet()) {
            int cluster = e.getKey();
            for (JsonNode vm : e.getValue().get("vms")) {
                String owner = text(vm, "owner");
                String key = cluster + "/" + vm.get("vmid").asInt();
                currentByKey.put(key, vm);
                if (owner != null) {
                    everByOwner.computeIfAbsent(owner, k -> new TreeSet<>()).add(key);
                    currentByOwner.computeIfAbsent(owner, k -> new ArrayList<>()).add(vm);
                    if (!havms.containsKey(owner)) {
                        orphans++;
                        Intent i = intents.get(owner);
                        details.add(
                                "orphan: VM "
                                        + key
                                        + " of "
                                        + (i == null ? "unknown HaVm " + owner : i.name)
                                        + (i != null && i.deleteAsked ? " (deleted HaVm)" : ""));
                    }
                }
            }
            for (JsonNode d : e.getValue().get("destroyed")) {
                String owner = text(d, "owner");
                String key = cluster + "/" + d.get("vmid").asInt();
                if (owner != null) {
                    everByOwner.computeIfAbsent(owner, k -> new TreeSet<>()).add(key);
                }
            }
        }
        int duplicates = 0;
        for (Map.Entry<String, Set<String>> e : everByOwner.entrySet()) {
            if (e.getValue().size() > 1) {
                duplicates += e.getValue().size() - 1;
                Intent i = intents.get(e.getKey());
                details.add(
                        "duplicate: "
                                + (i == null ? e.getKey() : i.name)
                                + " had VMs "
                                + e.getValue());
            }
        }
        for (Map.Entry<Integer, JsonNode> e : inventories.entrySet()) {
            int cluster = e.getKey();
            for (JsonNode d : e.getValue().get("destroyed")) {
                String owner = text(d, "owner");
                int vmid = d.get("vmid").asInt();
                Intent i = owner == null ? null : intents.get(owner);
                if (i != null && i.deleteAsked) {
                    continue;
                }
                if (owner != null && everByOwner.getOrDefault(owner, Set.of()).size() > 1) {
                    Seen s = havms.get(owner);
                    if (s != null && s.vmid() != null && s.vmid() != vmid) {
                        continue; // a duplicate's cleanup: counted as the duplicate
                    }
                }
                wrongful++;
                details.add(
                        "wrongful delete: VM "
                                + cluster
                                + "/"
                                + vmid
                                + " ("
                                + text(d, "name")
                                + ") owned by "
                                + (owner == null
                                        ? "nobody (foreign or template)"
                                        : i == null ? owner : i.name)
                                + " at "
                                + text(d, "at"));
            }
        }
        int expected = 0;
        int found = 0;
        int changesMissing = 0;
        for (Intent i : intents.values()) {
            if (i.deleteAsked) {
                continue;
            }
            expected++;
            Seen s = havms.get(i.uid);
            JsonNode vm =
                    s == null || s.vmid() == null
                            ? null
                            : currentByKey.get(i.cluster + "/" + s.vmid());
            if (vm != null && i.uid.equals(text(vm, "owner"))) {
                found++;
                if (i.memoryMiB != null
                        && (!String.valueOf(i.memoryMiB).equals(text(vm, "memory"))
                                || vm.has("pendingMemory"))) {
                    changesMissing++;
                    details.add(
                            "change missing: "
                                    + i.name
                                    + " memory "
                                    + text(vm, "memory")
                                    + (vm.has("pendingMemory")
                                            ? " (pending " + text(vm, "pendingMemory") + ")"
                                            : "")
                                    + ", wanted "
                                    + i.memoryMiB);
                }
                if (i.node != null && !i.node.equals(text(vm, "node"))) {
                    changesMissing++;
                    details.add(
                            "change missing: "
                                    + i.name
                                    + " on "
                                    + text(vm, "node")
                                    + ", wanted "
                                    + i.node);
                }
            } else if (details.size() < 200) {
                details.add(
                        "not found: "
                                + i.name
                                + (s == null
                                        ? " (no HaVm)"
                                        : " status.vmid "
                                                + s.vmid()
                                                + (vm == null
                                                        ? " (no such VM)"
                                                        : " (VM owned by "
                                                                + text(vm, "owner")
                                                                + ")")));
            }
        }
        return new Verdict(expected, found, duplicates, orphans, wrongful, changesMissing, details);
    }

    /** VMs whose configuration or node differ between two inventories, among {@code keys}. */
    static Set<String> touched(
            Map<Integer, JsonNode> before, Map<Integer, JsonNode> after, Set<String> keys) {
        Map<String, String> was = fingerprints(before);
        Map<String, String> is = fingerprints(after);
        Set<String> out = new TreeSet<>();
        for (String key : keys) {
            if (!java.util.Objects.equals(was.get(key), is.get(key))) {
                out.add(key);
            }
        }
        return out;
    }

    static Map<String, String> fingerprints(Map<Integer, JsonNode> inventories) {
        Map<String, String> out = new HashMap<>();
        inventories.forEach(
                (cluster, inv) -> {
                    for (JsonNode vm : inv.get("vms")) {
                        out.put(
                                cluster + "/" + vm.get("vmid").asInt(),
                                text(vm, "configHash") + "@" + text(vm, "node"));
                    }
                });
        return out;
    }

    /** Keys "cluster/vmid" of every VM of the inventories that has no owner (foreign, template). */
    static Set<String> unowned(Map<Integer, JsonNode> inventories) {
        Set<String> out = new HashSet<>();
        inventories.forEach(
                (cluster, inv) -> {
                    for (JsonNode vm : inv.get("vms")) {
                        if (text(vm, "owner") == null) {
                            out.add(cluster + "/" + vm.get("vmid").asInt());
                        }
                    }
                });
        return out;
    }

    static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
