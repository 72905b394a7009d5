package io.pveha.reconciler.cluster;

import io.pveha.api.cluster.ProxmoxCluster;
import io.pveha.api.cluster.ProxmoxClusterSpec;
import io.pveha.cluster.ClusterConnection;
import io.pveha.pve.PveApiException;
import io.pveha.pve.model.HaGroup;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Keeps the HA groups a ProxmoxCluster declares in PVE: creates missing ones, corrects drifted ones,
 * and removes the ones it created that the spec no longer declares. Groups it did not create (no
 * comment naming this ProxmoxCluster) are never changed or removed. Checked when the spec changes
 * and every {@link #RECHECK}, not at every poll: one call per check.
 */
final class HaGroupSync {
    static final Duration RECHECK = Duration.ofMinutes(10);
    /** After a failed sync (PVE refused, or the API is not there): retry, but not at every poll. */
    static final Duration RETRY = Duration.ofMinutes(1);

    /** The outcome, for the HaGroupsInSync condition. */
    record Outcome(boolean inSync, String reason, String message) {
    }

    private record Checked(long generation, Instant at, Outcome outcome) {
    }

    private final Clock clock;
    private final Map<String, Checked> checked = new ConcurrentHashMap<>();

    HaGroupSync(Clock clock) {
        this.clock = clock;
    }

    static String marker(ProxmoxCluster cluster) {
        return "pveha.io/cluster=" + cluster.getMetadata().getNamespace() + "/" + cluster.getMetadata().getName();
    }

    Outcome sync(ProxmoxCluster cluster, ClusterConnection connection) {
        String key = cluster.getMetadata().getUid();
        long generation = cluster.getMetadata().getGeneration() == null ? 0 : cluster.getMetadata().getGeneration();
        Checked last = checked.get(key);
        if (last != null && last.generation() == generation
                && Duration.between(last.at(), clock.instant()).compareTo(last.outcome().inSync() ? RECHECK : RETRY) < 0) {
            return last.outcome();
        }
        Outcome outcome;
        try {
            outcome = apply(cluster, connection);
        } catch (PveApiException e) {
            outcome = new Outcome(false, "HaGroupSyncFailed", e.describe());
        }
        checked.put(key, new Checked(generation, clock.instant(), outcome));
        return outcome;
    }

    void forget(ProxmoxCluster cluster) {
        checked.remove(cluster.getMetadata().getUid());
    }

    private Outcome apply(ProxmoxCluster cluster, ClusterConnection connection) {
        String marker = marker(cluster);
        Map<String, HaGroup> existing = connection.vms().haGroups().stream()
                .collect(Collectors.toMap(HaGroup::group, g -> g, (a, b) -> a, LinkedHashMap::new));
        List<String> done = new ArrayList<>();
        List<String> foreign = new ArrayList<>();
        for (ProxmoxClusterSpec.HaGroup declared : cluster.getSpec().getHaGroups()) {
            Map<String, Object> wanted = params(declared, marker);
            HaGroup current = existing.get(declared.getName());
            if (current == null) {
                Map<String, Object> create = new LinkedHashMap<>(wanted);
                create.put("group", declared.getName());
                connection.vms().createHaGroup(create);
                done.add("created " + declared.getName());
            } else if (current.comment() != null && !current.comment().equals(marker)) {
                foreign.add(declared.getName());
            } else if (!same(current, wanted)) {
                connection.vms().updateHaGroup(declared.getName(), wanted);
                done.add("updated " + declared.getName());
            }
        }
        List<String> declaredNames = cluster.getSpec().getHaGroups().stream().map(ProxmoxClusterSpec.HaGroup::getName).toList();
        for (HaGroup group : existing.values()) {
            if (marker.equals(group.comment()) && !declaredNames.contains(group.group())) {
                connection.vms().deleteHaGroup(group.group());
                done.add("removed " + group.group());
            }
        }
        if (!foreign.isEmpty()) {
            return new Outcome(false, "HaGroupNotOwned", "HA group(s) " + String.join(", ", foreign)
                    + " exist in PVE and were not created by this ProxmoxCluster; they are left as they are");
        }
        String summary = declaredNames.isEmpty() ? "no HA groups declared" : declaredNames.size() + " HA group(s) in sync";
        return new Outcome(true, "HaGroupsInSync", done.isEmpty() ? summary : summary + " (" + String.join(", ", done) + ")");
    }

    static Map<String, Object> params(ProxmoxClusterSpec.HaGroup group, String marker) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("nodes", group.getNodes().stream()
                .map(n -> n.getPriority() == null ? n.getNode() : n.getNode() + ":" + n.getPriority())
                .collect(Collectors.joining(",")));
        p.put("restricted", Boolean.TRUE.equals(group.getRestricted()));
        p.put("nofailback", Boolean.TRUE.equals(group.getNofailback()));
        p.put("comment", marker);
        return p;
    }

    private static boolean same(HaGroup current, Map<String, Object> wanted) {
        return Objects.equals(normalizeNodes(current.nodes()), normalizeNodes((String) wanted.get("nodes")))
                && Boolean.TRUE.equals(current.restricted()) == (Boolean) wanted.get("restricted")
                && Boolean.TRUE.equals(current.nofailback()) == (Boolean) wanted.get("nofailback")
                && Objects.equals(current.comment(), wanted.get("comment"));
    }

    private static String normalizeNodes(String nodes) {
        return nodes == null ? "" : java.util.Arrays.stream(nodes.split(",")).map(String::strip).sorted().collect(Collectors.joining(","));
    }
}
