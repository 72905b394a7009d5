package io.pveha.reconciler.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.pveha.api.cluster.ProxmoxCluster;
import io.pveha.api.cluster.ProxmoxClusterStatus;
import io.pveha.api.cluster.ProxmoxClusterStatus.CephInfo;
import io.pveha.api.cluster.ProxmoxClusterStatus.HaManagerInfo;
import io.pveha.api.cluster.ProxmoxClusterStatus.NodeInfo;
import io.pveha.api.cluster.ProxmoxClusterStatus.StorageInfo;
import io.pveha.cluster.ClusterSnapshot;
import io.pveha.cluster.PollOutcome;
import io.pveha.cluster.RequiredPrivileges;
import io.pveha.pve.model.ClusterResource;
import io.pveha.pve.model.HaStatusEntry;
import io.pveha.reconciler.Conditions;
import io.pveha.reconciler.Copies;
import io.pveha.reconciler.Reason;
import io.pveha.reconciler.Redactor;
import io.pveha.reconciler.cluster.ProxmoxClusterPlanner.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Builds a ProxmoxCluster's status in one place: the facts of the last poll (kept through failures,
 * so status shows the last known cluster), the conditions as the plan judged them, and the HA group
 * check's outcome when there was one. It also decides whether the status is worth writing: a poll
 * that only moved load, memory, uptime, storage usage or the poll time is written at most every
 * {@link #HEARTBEAT}, not at every poll.
 */
final class ClusterStatusBuilder {
    static final String CONNECTED = "Connected";
    static final String QUORATE = "Quorate";
    static final String PRIVILEGES = "PrivilegesComplete";
    static final String TLS_VERIFIED = "TlsVerified";

    /**
     * Whether PVE has the HA groups (PVE 8) or rules (PVE 9) the placement needs; does not block
     * readiness (HA keeps working). Kept as it is between checks.
     */
    static final String PLACEMENT = "PlacementInSync";

    /**
     * Volatile facts (load, uptime, usage, poll time) are refreshed in status at most this often.
     */
    static final Duration HEARTBEAT = Duration.ofMinutes(5);

    private static final KubernetesSerialization JSON = new KubernetesSerialization();

    private ClusterStatusBuilder() {}

    /**
     * @param haGroups the HA group check of this pass, if there was one
     * @return the new status, or {@code previous} itself when only volatile facts moved within the
     *     heartbeat
     */
    static ProxmoxClusterStatus build(
            ProxmoxCluster cluster,
            ProxmoxClusterStatus previous,
            ProxmoxClusterFacts facts,
            ProxmoxClusterPlanner.Plan plan,
            Optional<HaGroupSync.Outcome> haGroups,
            Instant now) {
        ProxmoxClusterStatus status = Copies.copyOrNew(previous, ProxmoxClusterStatus.class);
        PollOutcome outcome = facts.outcome();
        if (outcome.snapshot() != null) {
            facts(outcome.snapshot(), status);
        }
        if (outcome.privilegesChecked()) {
            status.setMissingPrivileges(
                    outcome.missingPrivileges().stream()
                            .map(RequiredPrivileges.Requirement::toString)
                            .toList());
        }
        long g = generation(cluster);
        status.setObservedGeneration(g);
        List<Condition> c = status.getConditions();
        c = set(c, CONNECTED, plan.connected(), g, now);
        c = set(c, QUORATE, plan.quorate(), g, now);
        c = set(c, PRIVILEGES, plan.privileges(), g, now);
        c = set(c, TLS_VERIFIED, plan.tls(), g, now);
        c = set(c, Conditions.READY, plan.ready(), g, now);
        if (plan.model() != null) {
            status.setPlacementModel(plan.model().label());
        }
        plan.haGroups().ifPresent(hg -> status.setPlacementObjects(List.copyOf(hg.declared())));
        plan.haRules().ifPresent(r -> status.setPlacementObjects(List.copyOf(r.desired())));
        if (haGroups.isPresent()) {
            HaGroupSync.Outcome o = haGroups.get();
            c =
                    set(
                            c,
                            PLACEMENT,
                            o.inSync()
                                    ? Verdict.isTrue(o.reason(), o.message())
                                    : Verdict.isFalse(o.reason(), o.message()),
                            g,
                            now);
        }
        status.setConditions(c);
        return previous != null && heartbeatNotDue(previous, status, now) ? previous : status;
    }

    /**
     * The status of a pass that stopped before observing (paused, invalid spec) or failed on
     * Kubernetes: only Ready changes.
     */
    static ProxmoxClusterStatus stopped(
            ProxmoxCluster cluster,
            ProxmoxClusterStatus previous,
            Reason reason,
            String message,
            Instant now) {
        ProxmoxClusterStatus status = Copies.copyOrNew(previous, ProxmoxClusterStatus.class);
        status.setObservedGeneration(generation(cluster));
        status.setConditions(
                set(
                        status.getConditions(),
                        Conditions.READY,
                        Verdict.isFalse(reason, message),
                        generation(cluster),
                        now));
        return status;
    }

    /** Online/total nodes of a poll, e.g. "2/3". */
    static String nodesSummary(ClusterSnapshot snapshot) {
        long online = snapshot.nodes().stream().filter(r -> "online".equals(r.status())).count();
        return online + "/" + snapshot.nodes().size();
    }

    /**
     * True when {@code after} differs from {@code before} only in volatile facts and the last
     * written poll time is younger than {@link #HEARTBEAT}: such a status is not worth a write at
     * every poll.
     */
    static boolean heartbeatNotDue(
            ProxmoxClusterStatus before, ProxmoxClusterStatus after, Instant now) {
        if (!stable(before).equals(stable(after))) {
            return false;
        }
        String last = before.getLastPollTime();
        return last != null && Duration.between(Instant.parse(last), now).compareTo(HEARTBEAT) < 0;
    }

    private static JsonNode stable(ProxmoxClusterStatus status) {
        JsonNode tree = JSON.convertValue(status, JsonNode.class);
        if (tree instanceof ObjectNode o) {
            o.remove("lastPollTime");
            // The other site's poll time (disaster recovery) moves at every poll of the standby.
            if (o.path("disasterRecovery").path("other") instanceof ObjectNode other) {
                other.remove("lastPollTime");
            }
            o.path("nodes")
                    .forEach(
                            n ->
                                    ((ObjectNode) n)
                                            .remove(
                                                    Set.of(
                                                            "cpu",
                                                            "memoryUsedBytes",
                                                            "uptimeSeconds")));
            o.path("storages").forEach(s -> ((ObjectNode) s).remove("usedBytes"));
        }
        return tree;
    }

    private static void facts(ClusterSnapshot s, ProxmoxClusterStatus status) {
        status.setVersion(s.version().version());
        status.setClusterName(s.cluster().map(c -> c.name()).orElse(null));
        status.setQuorate(s.quorate());
        status.setActiveEndpoint(s.endpoint());
        status.setLastPollTime(s.polledAt().truncatedTo(ChronoUnit.SECONDS).toString());
        Map<String, String> lrm = s.lrmStates();
        List<NodeInfo> nodes =
                s.nodes().stream()
                        .sorted(Comparator.comparing(ClusterResource::node))
                        .map(r -> node(r, lrm))
                        .toList();
        status.setNodes(nodes);
        status.setNodesSummary(nodesSummary(s));
        HaManagerInfo ha = new HaManagerInfo();
        s.haMaster()
                .ifPresent(
                        m -> {
                            ha.setMaster(m.node());
                            ha.setStatus(m.status());
                        });
        ha.setServices((int) s.ha().stream().filter(HaStatusEntry::isService).count());
        status.setHaManager(ha);
        CephInfo ceph = new CephInfo();
        ceph.setHealth(s.ceph().status());
        ceph.setChecks(List.copyOf(s.ceph().checks()));
        status.setCeph(ceph);
        status.setStorages(storages(s.storages()));
        status.setVmCount(s.vmsById().size());
    }

    private static NodeInfo node(ClusterResource r, Map<String, String> lrm) {
        NodeInfo n = new NodeInfo();
        n.setName(r.node());
        n.setOnline("online".equals(r.status()));
        n.setHaState(r.hastate() != null ? r.hastate() : lrm.get(r.node()));
        n.setCpu(r.cpu() == null ? null : String.format(Locale.ROOT, "%.2f", r.cpu()));
        n.setMemoryUsedBytes(r.mem());
        n.setMemoryTotalBytes(r.maxmem());
        n.setUptimeSeconds(r.uptime());
        return n;
    }

    private static List<StorageInfo> storages(List<ClusterResource> entries) {
        Map<String, List<ClusterResource>> byName =
                entries.stream()
                        .collect(
                                Collectors.groupingBy(
                                        ClusterResource::storage,
                                        TreeMap::new,
                                        Collectors.toList()));
        List<StorageInfo> out = new ArrayList<>();
        byName.forEach(
                (name, perNode) -> {
                    ClusterResource first = perNode.get(0);
                    StorageInfo info = new StorageInfo();
                    info.setName(name);
                    info.setType(first.plugintype());
                    info.setShared(Boolean.TRUE.equals(first.shared()));
                    info.setContent(first.content());
                    info.setActiveNodes(
                            (int)
                                    perNode.stream()
                                            .filter(r -> "available".equals(r.status()))
                                            .count());
                    if (Boolean.TRUE.equals(first.shared())) {
                        info.setUsedBytes(first.disk());
                        info.setTotalBytes(first.maxdisk());
                    } else {
                        info.setUsedBytes(
                                perNode.stream()
                                        .map(ClusterResource::disk)
                                        .filter(Objects::nonNull)
                                        .mapToLong(Long::longValue)
                                        .sum());
                        info.setTotalBytes(
                                perNode.stream()
                                        .map(ClusterResource::maxdisk)
                                        .filter(Objects::nonNull)
                                        .mapToLong(Long::longValue)
                                        .sum());
                    }
                    out.add(info);
                });
        return out;
    }

    private static List<Condition> set(
            List<Condition> conditions, String type, Verdict v, long generation, Instant now) {
        return Conditions.set(
                conditions,
                type,
                v.status(),
                v.reason().name(),
                Redactor.scrub(v.message()),
                generation,
                now);
    }

    private static long generation(ProxmoxCluster cluster) {
        return cluster.getMetadata().getGeneration() == null
                ? 0
                : cluster.getMetadata().getGeneration();
    }
}
