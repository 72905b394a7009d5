package io.pveha.statuspage;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.List;

/**
 * What the status page shows, and exactly what {@code /status.json} serves (docs/status-page.md
 * documents every field). Built from status and specs by {@link PlatformViewBuilder}: values only,
 * never a Secret, a webhook URL or a token. Codes, not words: the page words them in the reader's
 * language.
 */
public record PlatformView(
        long seq,
        String updatedAt,
        Level verdict,
        List<Issue> issues,
        Summary summary,
        List<ClusterView> clusters,
        List<LoadBalancerView> unassignedLoadBalancers) {

    /** How a cluster, or the whole platform, is doing; the order is "how bad". */
    public enum Level {
        OPERATIONAL("operational"),
        UNDER_MAINTENANCE("under_maintenance"),
        DEGRADED("degraded"),
        PARTIAL_OUTAGE("partial_outage"),
        MAJOR_OUTAGE("major_outage");

        private final String code;

        Level(String code) {
            this.code = code;
        }

        @JsonValue
        public String code() {
            return code;
        }

        public Level worst(Level other) {
            return other.ordinal() > ordinal() ? other : this;
        }
    }

    /**
     * Why a cluster is not operational: a code (e.g. {@code node_offline}), its subject (e.g. the
     * node's name) and the level it causes.
     */
    public record Issue(Level level, String code, String subject, String cluster) {}

    public record Summary(
            int clusters,
            int nodesOnline,
            int nodes,
            int vmsRunning,
            int vms,
            int openIncidents,
            int firingAlerts) {}

    public record ClusterView(
            String namespace,
            String name,
            String clusterName,
            Level verdict,
            List<Issue> issues,
            Pve pve,
            Boolean quorate,
            int nodesOnline,
            int nodesTotal,
            List<NodeView> nodes,
            Ceph ceph,
            List<StorageView> storages,
            Double storageMaxPercent,
            int vmsRunning,
            int vmsTotal,
            List<VmView> haVms,
            List<PoolView> cephPools,
            List<LoadBalancerView> loadBalancers,
            List<BackupView> backups,
            String lastGoodBackup,
            String nextBackup,
            List<IncidentView> incidents,
            int openIncidents,
            List<AlertView> alerts,
            List<MaintenanceView> maintenance,
            DisasterRecoveryView disasterRecovery,
            String timeZone) {
        public String key() {
            return namespace + "/" + name;
        }
    }

    /** The PVE API as the operator's last poll found it. */
    public record Pve(
            boolean reachable, String reason, String version, String endpoint, String lastPoll) {}

    public record NodeView(
            String name,
            Boolean online,
            String haState,
            String cpu,
            Long memoryUsedBytes,
            Long memoryTotalBytes,
            Long uptimeSeconds,
            List<Segment> history) {}

    public record Ceph(String health, List<String> checks) {}

    public record StorageView(
            String name,
            String type,
            Boolean shared,
            Long usedBytes,
            Long totalBytes,
            Double usedPercent) {}

    public record VmView(
            String name,
            Integer vmid,
            String node,
            String power,
            String haState,
            boolean template,
            boolean haManaged,
            String ready,
            String reason,
            String health,
            List<String> ipAddresses,
            List<CheckView> checks) {}

    /**
     * A service check of a HaVm: {@code ok}, {@code failing} (pending: under its failure
     * threshold), {@code down} (firing), {@code idle} (the VM is not meant to run).
     */
    public record CheckView(
            String name,
            String type,
            String state,
            String since,
            String severity,
            List<Segment> history) {}

    public record PoolView(
            String name,
            String ready,
            String reason,
            String percentUsed,
            List<String> healthChecks) {}

    public record LoadBalancerView(
            String namespace,
            String name,
            String vip,
            String vipHolder,
            String vipHolderSince,
            int backendsUp,
            int backendsTotal,
            String ready,
            String reason,
            String health,
            List<LbHostView> hosts,
            List<BackendView> backends) {}

    public record LbHostView(
            String name,
            Boolean reachable,
            String vrrpState,
            String vrrpStateSince,
            Boolean holdsVip,
            Boolean keepalivedUp,
            Boolean haproxyUp) {}

    public record BackendView(
            String service, String server, String address, String haVm, String state) {}

    public record BackupView(
            String name,
            String schedule,
            String nextRun,
            String ready,
            String reason,
            String health,
            Run lastRun,
            String lastGoodBackup,
            List<VmBackupView> vms,
            List<Integer> notCovered,
            Drill drill) {}

    public record Run(String result, String trigger, String startedAt, String finishedAt) {}

    public record VmBackupView(Integer vmid, String haVm, String lastGood, Integer count) {}

    public record Drill(
            String result, String lastRun, String finishedAt, String nextRun, String message) {}

    /**
     * A node failure followed from the node going down to its resolution. Open incidents come from
     * the alert engine's status; resolved ones are remembered by this page for 24 hours.
     */
    public record IncidentView(
            String id,
            String node,
            boolean open,
            String startedAt,
            String recoveredAt,
            String resolvedAt,
            List<String> vms,
            List<String> backends,
            List<TimelineEntry> timeline) {}

    /**
     * One step: {@code node_down}, {@code fenced}, {@code vm_started} (vm on node), {@code
     * recovered}, {@code resolved}.
     */
    public record TimelineEntry(String at, String event, String vm, String node) {}

    public record AlertView(
            String alertname,
            String subject,
            String severity,
            String state,
            String since,
            boolean muted,
            String incident,
            String summary) {}

    public record MaintenanceView(
            String name,
            String schedule,
            Integer durationMinutes,
            List<String> nodes,
            List<String> vms,
            boolean open,
            String nextStart) {}

    /**
     * Where the platform runs and, when it was switched to its standby, how the rebuild goes (from
     * {@code status.disasterRecovery}; null without {@code spec.disasterRecovery}).
     *
     * @param activeCluster primary or standby
     * @param other the cluster not in use: its role, PVE name, reachability and nodes online
     * @param phase the recovery's phase; null while none ran
     */
    public record DisasterRecoveryView(
            String activeCluster,
            String otherRole,
            String otherCluster,
            Boolean otherReachable,
            String otherNodes,
            String phase,
            String targetCluster,
            Integer vmsRestored,
            Integer vmsTotal,
            Integer vmsFailed,
            String stage,
            Long elapsedSeconds,
            Long estimatedRemainingSeconds,
            String message) {}

    /** A state of a node or check from {@code from} until the next segment (or now). */
    public record Segment(String from, String state) {}
}
