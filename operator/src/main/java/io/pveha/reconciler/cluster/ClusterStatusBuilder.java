package io.pveha.reconciler.cluster;

import io.fabric8.kubernetes.api.model.Condition;
import io.pveha.api.cluster.ProxmoxClusterStatus;
import io.pveha.api.cluster.ProxmoxClusterStatus.CephInfo;
import io.pveha.api.cluster.ProxmoxClusterStatus.HaManagerInfo;
import io.pveha.api.cluster.ProxmoxClusterStatus.NodeInfo;
import io.pveha.api.cluster.ProxmoxClusterStatus.StorageInfo;
import io.pveha.cluster.ClusterSnapshot;
import io.pveha.cluster.PollOutcome;
import io.pveha.cluster.RequiredPrivileges;
import io.pveha.pve.PveApiException;
import io.pveha.pve.PveTls;
import io.pveha.pve.model.ClusterResource;
import io.pveha.pve.model.HaStatusEntry;
import io.pveha.reconciler.Conditions;
import io.pveha.reconciler.EventRecorder;
import io.pveha.reconciler.Redactor;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Builds a ProxmoxCluster's status from what the operator knows: the last poll outcome (facts kept
 * through failures), a settings problem if the spec or Secrets are unusable, and the TLS policy. All
 * condition rules live here, and so do the Events that a change of state deserves.
 */
final class ClusterStatusBuilder {
    static final String CONNECTED = "Connected";
    static final String QUORATE = "Quorate";
    static final String PRIVILEGES = "PrivilegesComplete";
    static final String TLS_VERIFIED = "TlsVerified";
    /** Set by the reconciler from {@link HaGroupSync}; does not block readiness (HA keeps working). */
    static final String HA_GROUPS = "HaGroupsInSync";

    /** An Event to record along with the status. */
    record PendingEvent(String type, String reason, String message) {
    }

    record Result(ProxmoxClusterStatus status, List<PendingEvent> events) {
    }

    /** Inputs; {@code settingsProblemReason} non-null means no connection could be made from the spec. */
    record Inputs(ProxmoxClusterStatus previous, PollOutcome outcome, String settingsProblemReason,
                  String settingsProblemMessage, PveTls tls, long generation, Instant now) {
    }

    private ClusterStatusBuilder() {
    }

    static Result build(Inputs in) {
        ProxmoxClusterStatus previous = in.previous() == null ? new ProxmoxClusterStatus() : in.previous();
        ProxmoxClusterStatus status = new ProxmoxClusterStatus();
        List<PendingEvent> events = new ArrayList<>();
        copyFacts(previous, status);
        ClusterSnapshot snapshot = in.outcome() == null ? null : in.outcome().snapshot();
        if (snapshot != null) {
            facts(snapshot, status);
        }
        if (in.outcome() != null && in.outcome().privilegesChecked()) {
            status.setMissingPrivileges(in.outcome().missingPrivileges().stream().map(RequiredPrivileges.Requirement::toString).toList());
        }
        status.setObservedGeneration(in.generation());

        List<Condition> c = previous.getConditions();
        long g = in.generation();
        Instant now = in.now();

        // Connected
        String connectedReason;
        String connectedMessage;
        boolean connected = false;
        if (in.settingsProblemReason() != null) {
            connectedReason = in.settingsProblemReason();
            connectedMessage = in.settingsProblemMessage();
        } else if (in.outcome() == null || (snapshot == null && in.outcome().error() == null)) {
            connectedReason = "Connecting";
            connectedMessage = "waiting for the first poll";
        } else if (in.outcome().error() != null) {
            PveApiException e = in.outcome().error();
            connectedReason = reasonFor(e);
            connectedMessage = e.describe() + (snapshot == null ? "" : "; last successful poll at " + snapshot.polledAt());
        } else {
            connected = true;
            connectedReason = "Connected";
            connectedMessage = "polling via " + snapshot.endpoint() + " (PVE " + snapshot.version().version() + ")";
        }
        c = Conditions.set(c, CONNECTED, connected ? Conditions.TRUE : Conditions.FALSE, connectedReason,
                Redactor.scrub(connectedMessage), g, now);

        // Quorate: only meaningful while connected; otherwise unknown with the last known value kept in status.quorate
        if (connected) {
            boolean quorate = snapshot.quorate();
            c = Conditions.set(c, QUORATE, quorate ? Conditions.TRUE : Conditions.FALSE, quorate ? "Quorate" : "NoQuorum",
                    quorate ? status.getNodesSummary() + " nodes online" : "the cluster has lost quorum: writes are refused", g, now);
        } else {
            c = Conditions.set(c, QUORATE, Conditions.UNKNOWN, "NotConnected", "no fresh facts", g, now);
        }

        // Privileges
        List<String> missing = status.getMissingPrivileges();
        boolean privilegesKnown = in.outcome() != null && in.outcome().privilegesChecked();
        if (!privilegesKnown) {
            c = Conditions.set(c, PRIVILEGES, Conditions.UNKNOWN, "NotChecked", snapshot == null
                    ? "checked after the first successful poll" : "PVE did not answer GET /access/permissions", g, now);
        } else if (missing.isEmpty()) {
            c = Conditions.set(c, PRIVILEGES, Conditions.TRUE, "PrivilegesComplete", "the token has every privilege the operator uses", g, now);
        } else {
            c = Conditions.set(c, PRIVILEGES, Conditions.FALSE, "MissingPrivileges",
                    "the token lacks: " + String.join(", ", missing), g, now);
        }

        // TLS policy
        if (in.tls() == null) {
            c = Conditions.set(c, TLS_VERIFIED, Conditions.UNKNOWN, "NotConfigured", "settings not resolved", g, now);
        } else if (in.tls().insecureSkipVerify()) {
            c = Conditions.set(c, TLS_VERIFIED, Conditions.FALSE, "InsecureSkipVerify",
                    "certificate verification is disabled by spec.tls.insecureSkipVerify; use a CA bundle or a pinned fingerprint", g, now);
        } else {
            String how = in.tls().pinnedFingerprint() != null ? "PinnedFingerprint" : in.tls().caBundlePem() != null ? "CaBundle" : "SystemTrust";
            c = Conditions.set(c, TLS_VERIFIED, Conditions.TRUE, how, "server certificate verified: " + in.tls(), g, now);
        }

        // Ready: connected, quorate, privileges complete
        List<Condition> soFar = c;
        // Unknown privileges (the check is unavailable) do not block readiness; known missing ones do.
        Condition notReady = List.of(CONNECTED, QUORATE, PRIVILEGES).stream()
                .map(t -> Conditions.find(soFar, t).orElseThrow())
                .filter(x -> !Conditions.TRUE.equals(x.getStatus()))
                .filter(x -> !(PRIVILEGES.equals(x.getType()) && Conditions.UNKNOWN.equals(x.getStatus())))
                .findFirst().orElse(null);
        if (notReady == null) {
            c = Conditions.set(c, Conditions.READY, Conditions.TRUE, "Ready",
                    "PVE " + status.getVersion() + ", " + status.getNodesSummary() + " nodes online, Ceph " + cephHealth(status), g, now);
        } else {
            c = Conditions.set(c, Conditions.READY, Conditions.FALSE, notReady.getReason(), notReady.getMessage(), g, now);
        }
        status.setConditions(c);
        events(previous, status, events);
        return new Result(status, events);
    }

    static String reasonFor(PveApiException e) {
        return switch (e.kind()) {
            case AUTHENTICATION -> "AuthenticationFailed";
            case PERMISSION -> "PermissionDenied";
            case TLS -> "TlsVerificationFailed";
            case CONNECTION, OUTCOME_UNKNOWN -> "Unreachable";
            case NODE_UNREACHABLE -> "NodeUnreachable";
            case NO_QUORUM -> "NoQuorum";
            case NOT_IMPLEMENTED, PROTOCOL -> "UnsupportedApi";
            default -> "ApiError";
        };
    }

    private static void copyFacts(ProxmoxClusterStatus from, ProxmoxClusterStatus to) {
        to.setVersion(from.getVersion());
        to.setClusterName(from.getClusterName());
        to.setQuorate(from.getQuorate());
        to.setNodesSummary(from.getNodesSummary());
        to.setNodes(from.getNodes());
        to.setHaManager(from.getHaManager());
        to.setCeph(from.getCeph());
        to.setStorages(from.getStorages());
        to.setActiveEndpoint(from.getActiveEndpoint());
        to.setMissingPrivileges(from.getMissingPrivileges());
        to.setVmCount(from.getVmCount());
        to.setLastPollTime(from.getLastPollTime());
    }

    private static void facts(ClusterSnapshot s, ProxmoxClusterStatus status) {
        status.setVersion(s.version().version());
        status.setClusterName(s.cluster().map(c -> c.name()).orElse(null));
        status.setQuorate(s.quorate());
        status.setActiveEndpoint(s.endpoint());
        status.setLastPollTime(s.polledAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
        Map<String, String> lrm = s.lrmStates();
        List<NodeInfo> nodes = s.nodes().stream()
                .sorted(Comparator.comparing(ClusterResource::node))
                .map(r -> node(r, lrm))
                .toList();
        status.setNodes(nodes);
        long online = nodes.stream().filter(n -> Boolean.TRUE.equals(n.getOnline())).count();
        status.setNodesSummary(online + "/" + nodes.size());
        HaManagerInfo ha = new HaManagerInfo();
        s.haMaster().ifPresent(m -> {
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
        Map<String, List<ClusterResource>> byName = entries.stream()
                .collect(Collectors.groupingBy(ClusterResource::storage, TreeMap::new, Collectors.toList()));
        List<StorageInfo> out = new ArrayList<>();
        byName.forEach((name, perNode) -> {
            ClusterResource first = perNode.get(0);
            StorageInfo info = new StorageInfo();
            info.setName(name);
            info.setType(first.plugintype());
            info.setShared(Boolean.TRUE.equals(first.shared()));
            info.setContent(first.content());
            info.setActiveNodes((int) perNode.stream().filter(r -> "available".equals(r.status())).count());
            if (Boolean.TRUE.equals(first.shared())) {
                info.setUsedBytes(first.disk());
                info.setTotalBytes(first.maxdisk());
            } else {
                info.setUsedBytes(perNode.stream().map(ClusterResource::disk).filter(Objects::nonNull).mapToLong(Long::longValue).sum());
                info.setTotalBytes(perNode.stream().map(ClusterResource::maxdisk).filter(Objects::nonNull).mapToLong(Long::longValue).sum());
            }
            out.add(info);
        });
        return out;
    }

    private static String cephHealth(ProxmoxClusterStatus status) {
        return status.getCeph() == null ? "None" : status.getCeph().getHealth();
    }

    /** Events for changes users care about: readiness, node membership, quorum. */
    private static void events(ProxmoxClusterStatus before, ProxmoxClusterStatus after, List<PendingEvent> out) {
        Condition wasReady = Conditions.find(before.getConditions(), Conditions.READY).orElse(null);
        Condition isReady = Conditions.find(after.getConditions(), Conditions.READY).orElseThrow();
        boolean reasonChanged = wasReady == null || !Objects.equals(wasReady.getStatus(), isReady.getStatus())
                || !Objects.equals(wasReady.getReason(), isReady.getReason());
        if (reasonChanged) {
            if (Conditions.TRUE.equals(isReady.getStatus())) {
                out.add(new PendingEvent(EventRecorder.NORMAL, "Ready", isReady.getMessage()));
            } else if (!"Connecting".equals(isReady.getReason()) && !"NotChecked".equals(isReady.getReason())) {
                out.add(new PendingEvent(EventRecorder.WARNING, isReady.getReason(), isReady.getMessage()));
            }
        }
        Map<String, Boolean> wasOnline = before.getNodes() == null ? Map.of() : before.getNodes().stream()
                .collect(Collectors.toMap(NodeInfo::getName, n -> Boolean.TRUE.equals(n.getOnline()), (a, b) -> a));
        for (NodeInfo n : after.getNodes()) {
            Boolean was = wasOnline.get(n.getName());
            boolean is = Boolean.TRUE.equals(n.getOnline());
            if (was != null && was && !is) {
                out.add(new PendingEvent(EventRecorder.WARNING, "NodeOffline", "node " + n.getName() + " is offline"));
            } else if (was != null && !was && is) {
                out.add(new PendingEvent(EventRecorder.NORMAL, "NodeOnline", "node " + n.getName() + " is back online"));
            }
        }
    }
}
