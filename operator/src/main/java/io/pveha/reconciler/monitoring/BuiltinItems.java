package io.pveha.reconciler.monitoring;

import io.pveha.api.backup.BackupPolicy;
import io.pveha.api.backup.BackupPolicyStatus;
import io.pveha.api.cluster.DisasterRecoveryStatus;
import io.pveha.api.lb.LoadBalancerPair;
import io.pveha.api.lb.LoadBalancerPairStatus;
import io.pveha.api.monitoring.BuiltinItem;
import io.pveha.api.monitoring.ClusterMonitoring;
import io.pveha.api.monitoring.MonitoringItem;
import io.pveha.api.monitoring.Severity;
import io.pveha.api.vm.HaVm;
import io.pveha.api.vm.PowerState;
import io.pveha.cluster.ClusterSnapshot;
import io.pveha.monitoring.AlertKey;
import io.pveha.monitoring.Observation;
import io.pveha.monitoring.Observation.Verdict;
import io.pveha.monitoring.Text;
import io.pveha.monitoring.Topology;
import io.pveha.pve.model.CephHealth;
import io.pveha.pve.model.ClusterResource;
import io.pveha.pve.model.ClusterStatusEntry;
import io.pveha.pve.model.HaStatusEntry;
import io.pveha.reconciler.recovery.RecoveryPlanner;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The built-in monitoring items, evaluated from what the operator already has: the cluster's last
 * bulk poll and the status of the HaVms, LoadBalancerPairs and BackupPolicies of the cluster. Pure:
 * no I/O, the instant is passed in.
 */
public final class BuiltinItems {
    /** HA service states in which PVE is still bringing the VM back: not an alert yet. */
    static final Set<String> RECOVERING =
            Set.of("fence", "recovery", "migrate", "relocate", "starting", "request_start");

    static final Set<String> HEALTHY_LRM =
            Set.of("active", "idle", "maintenance", "wait_for_agent_lock", "unknown");

    /** Ceph checks a node going down causes: folded into that node's incident. */
    static final Set<String> NODE_CEPH_CHECKS =
            Set.of(
                    "OSD_DOWN",
                    "OSD_HOST_DOWN",
                    "PG_DEGRADED",
                    "PG_AVAILABILITY",
                    "OBJECT_DEGRADED",
                    "MON_DOWN",
                    "MGR_DOWN");

    /** Everything the items look at. */
    public record Inputs(
            String cluster,
            ClusterMonitoring settings,
            ClusterSnapshot snapshot,
            boolean pollFailing,
            String pollError,
            List<HaVm> haVms,
            List<LoadBalancerPair> lbs,
            List<BackupPolicy> backups,
            Map<String, io.pveha.alerting.Dispatcher.Health> receivers,
            DisasterRecoveryStatus.Recovery recovery,
            Instant now) {}

    /** An item's effective settings. */
    public record ItemSettings(
            boolean enabled, Severity severity, Duration forDuration, int thresholdPercent) {}

    public static ItemSettings settings(ClusterMonitoring m, BuiltinItem item) {
        Severity severity = Severity.critical;
        int forSeconds = 0;
        switch (item) {
            case PveApiUnreachable -> forSeconds = 30;
            case HaNodeUnhealthy -> {
                severity = Severity.warning;
                forSeconds = 60;
            }
            case HaVmNotRunning -> forSeconds = 60;
            case CephHealth -> {
                severity = Severity.warning;
                forSeconds = 60;
            }
            case StorageFull -> {
                severity = Severity.warning;
                forSeconds = 300;
            }
            case LbVipNotHeld -> forSeconds = 10;
            case LbBackendDown -> {
                severity = Severity.warning;
                forSeconds = 30;
            }
            case BackupFailed, RestoreDrillFailed, AlertDeliveryFailing ->
                    severity = Severity.warning;
            default -> {}
        }
        boolean enabled = m == null || !Boolean.FALSE.equals(m.getEnabled());
        int threshold = 85;
        if (m != null) {
            for (MonitoringItem i : m.getItems()) {
                if (i.getName() == item) {
                    if (i.getEnabled() != null) {
                        enabled = enabled && i.getEnabled();
                    }
                    if (i.getSeverity() != null) {
                        severity = i.getSeverity();
                    }
                    if (i.getForSeconds() != null) {
                        forSeconds = i.getForSeconds();
                    }
                    if (i.getThresholdPercent() != null) {
                        threshold = i.getThresholdPercent();
                    }
                }
            }
        }
        return new ItemSettings(enabled, severity, Duration.ofSeconds(forSeconds), threshold);
    }

    private BuiltinItems() {}

    /** The VM topology the incidents name: HaVm names over the poll's VMs. */
    public static Topology topology(Inputs in) {
        Map<String, Topology.Vm> vms = new LinkedHashMap<>();
        Map<String, Boolean> nodes = new LinkedHashMap<>();
        Map<String, List<String>> backends = new LinkedHashMap<>();
        ClusterSnapshot s = in.snapshot();
        if (s == null) {
            return Topology.empty();
        }
        for (ClusterStatusEntry n : s.nodeMembers()) {
            nodes.put(n.name(), Boolean.TRUE.equals(n.online()));
        }
        Map<Integer, String> names = new LinkedHashMap<>();
        for (HaVm vm : in.haVms()) {
            if (vm.getStatus() != null && vm.getStatus().getVmid() != null) {
                names.put(vm.getStatus().getVmid(), vm.getMetadata().getName());
            }
        }
        for (ClusterResource r : s.vmsById().values()) {
            if (Boolean.TRUE.equals(r.template())) {
                continue;
            }
            String name =
                    names.getOrDefault(r.vmid(), r.name() == null ? "vm" + r.vmid() : r.name());
            String ha = s.haService(r.vmid()).map(HaStatusEntry::state).orElse(null);
            vms.put(
                    name,
                    new Topology.Vm(name, r.vmid(), r.node(), "running".equals(r.status()), ha));
        }
        for (LoadBalancerPair lb : in.lbs()) {
            LoadBalancerPairStatus st = lb.getStatus();
            if (st == null) {
                continue;
            }
            for (LoadBalancerPairStatus.BackendStatus b : st.getBackends()) {
                Topology.Vm vm = b.getHaVm() == null ? null : vms.get(b.getHaVm());
                if (vm != null && vm.node() != null) {
                    backends.computeIfAbsent(vm.node(), k -> new ArrayList<>())
                            .add(
                                    lb.getMetadata().getName()
                                            + "/"
                                            + b.getService()
                                            + "→"
                                            + b.getHaVm());
                }
            }
        }
        return new Topology(vms, nodes, Map.of(), backends);
    }

    public static List<Observation> evaluate(Inputs in, Topology topology) {
        List<Observation> out = new ArrayList<>();
        ClusterMonitoring m = in.settings();
        String cluster = in.cluster();
        ItemSettings api = settings(m, BuiltinItem.PveApiUnreachable);
        if (api.enabled()) {
            out.add(
                    obs(
                            BuiltinItem.PveApiUnreachable,
                            "cluster/" + cluster,
                            in.pollFailing() ? Verdict.FAILING : Verdict.OK,
                            api,
                            Text.of(
                                    "集群 "
                                            + cluster
                                            + " 的 PVE API 无法访问: "
                                            + Objects.toString(in.pollError(), ""),
                                    "PVE API of cluster "
                                            + cluster
                                            + " unreachable: "
                                            + Objects.toString(in.pollError(), "")),
                            Map.of(),
                            null,
                            null));
        }
        ClusterSnapshot s = in.snapshot();
        if (s != null && !in.pollFailing()) {
            snapshotItems(in, s, topology, out);
        }
        lbItems(in, topology, out);
        backupItems(in, out);
        recoveryItem(in, out);
        ItemSettings delivery = settings(m, BuiltinItem.AlertDeliveryFailing);
        if (delivery.enabled()) {
            in.receivers()
                    .forEach(
                            (name, health) ->
                                    out.add(
                                            obs(
                                                    BuiltinItem.AlertDeliveryFailing,
                                                    "receiver/" + name,
                                                    health.healthy() ? Verdict.OK : Verdict.FAILING,
                                                    delivery,
                                                    Text.of(
                                                            "告警接收方 "
                                                                    + name
                                                                    + " 投递失败: "
                                                                    + Objects.toString(
                                                                            health.lastError(), ""),
                                                            "alerts cannot be delivered to receiver "
                                                                    + name
                                                                    + ": "
                                                                    + Objects.toString(
                                                                            health.lastError(),
                                                                            "")),
                                                    Map.of("receiver", name),
                                                    null,
                                                    null)));
        }
        return out;
    }

    /** Alert names evaluated from the poll: held (not resolved) while the poll fails. */
    public static final Set<String> FROM_POLL =
            Set.of(
                    BuiltinItem.QuorumLost.name(),
                    BuiltinItem.NodeOffline.name(),
                    BuiltinItem.HaNodeUnhealthy.name(),
                    BuiltinItem.HaServiceError.name(),
                    BuiltinItem.HaVmNotRunning.name(),
                    BuiltinItem.CephHealth.name(),
                    BuiltinItem.StorageFull.name());

    private static void snapshotItems(
            Inputs in, ClusterSnapshot s, Topology topology, List<Observation> out) {
        ClusterMonitoring m = in.settings();
        String cluster = in.cluster();
        ItemSettings quorum = settings(m, BuiltinItem.QuorumLost);
        if (quorum.enabled()) {
            out.add(
                    obs(
                            BuiltinItem.QuorumLost,
                            "cluster/" + cluster,
                            s.quorate() ? Verdict.OK : Verdict.FAILING,
                            quorum,
                            Text.of(
                                    "集群 " + cluster + " 失去法定人数 (quorum)，PVE 拒绝写操作",
                                    "cluster " + cluster + " lost quorum: PVE refuses writes"),
                            Map.of(),
                            null,
                            null));
        }
        Map<String, String> lrm = s.lrmStates();
        List<String> offline = new ArrayList<>();
        ItemSettings nodeOffline = settings(m, BuiltinItem.NodeOffline);
        ItemSettings haNode = settings(m, BuiltinItem.HaNodeUnhealthy);
        for (ClusterStatusEntry n : s.nodeMembers()) {
            boolean online = Boolean.TRUE.equals(n.online());
            String state = lrm.getOrDefault(n.name(), "unknown");
            if (!online) {
                offline.add(n.name());
            }
            if (nodeOffline.enabled()) {
                Observation o =
                        obs(
                                BuiltinItem.NodeOffline,
                                "node/" + n.name(),
                                online ? Verdict.OK : Verdict.FAILING,
                                nodeOffline,
                                Text.of(
                                        "节点 " + n.name() + " 离线",
                                        "node " + n.name() + " is offline"),
                                Map.of("node", n.name()),
                                null,
                                null);
                // A node in PVE maintenance mode is planned.
                out.add("maintenance".equals(state) ? o.withMuted(true) : o);
            }
            if (haNode.enabled() && online) {
                out.add(
                        obs(
                                BuiltinItem.HaNodeUnhealthy,
                                "node/" + n.name(),
                                HEALTHY_LRM.contains(state) ? Verdict.OK : Verdict.FAILING,
                                haNode,
                                Text.of(
                                        "节点 " + n.name() + " 的 HA 状态为 " + state,
                                        "HA state of node " + n.name() + " is " + state),
                                Map.of("node", n.name()),
                                null,
                                null));
            }
        }
        ItemSettings haError = settings(m, BuiltinItem.HaServiceError);
        if (haError.enabled()) {
            for (HaStatusEntry e : s.ha()) {
                if (!e.isService() || e.vmid() == null) {
                    continue;
                }
                String name = nameOf(topology, e.vmid());
                out.add(
                        obs(
                                BuiltinItem.HaServiceError,
                                "vm/" + e.vmid(),
                                "error".equals(e.state()) ? Verdict.FAILING : Verdict.OK,
                                haError,
                                Text.of(
                                        "HA 资源 " + e.sid() + " (" + name + ") 处于 error 状态，需要人工处理",
                                        "HA resource "
                                                + e.sid()
                                                + " ("
                                                + name
                                                + ") is in state error and needs a person"),
                                Map.of("vmid", String.valueOf(e.vmid()), "havm", name),
                                e.node(),
                                null));
            }
        }
        ItemSettings notRunning = settings(m, BuiltinItem.HaVmNotRunning);
        if (notRunning.enabled()) {
            for (HaVm vm : in.haVms()) {
                if (vm.getStatus() == null
                        || vm.getStatus().getVmid() == null
                        || Boolean.TRUE.equals(vm.getSpec().getTemplate())
                        || vm.getSpec().getPowerState() == PowerState.Stopped
                        || vm.getSpec().getHa() == null
                        || !Boolean.TRUE.equals(vm.getSpec().getHa().getEnabled())) {
                    continue;
                }
                int vmid = vm.getStatus().getVmid();
                ClusterResource r = s.vm(vmid).orElse(null);
                if (r == null) {
                    continue;
                }
                String ha = s.haService(vmid).map(HaStatusEntry::state).orElse("");
                boolean running = "running".equals(r.status());
                // On an offline node PVE HA is about to fence and recover it: the node's incident
                // says so.
                boolean down = !running && !RECOVERING.contains(ha) && !offline.contains(r.node());
                String name = vm.getMetadata().getName();
                out.add(
                        obs(
                                BuiltinItem.HaVmNotRunning,
                                "havm/" + name,
                                down ? Verdict.FAILING : Verdict.OK,
                                notRunning,
                                Text.of(
                                        "HA 虚拟机 "
                                                + name
                                                + " ("
                                                + vmid
                                                + ") 应运行但未运行，且 PVE HA 未在恢复 (HA 状态 "
                                                + ha
                                                + ")",
                                        "HA VM "
                                                + name
                                                + " ("
                                                + vmid
                                                + ") should run and does not, and PVE HA is not recovering it (HA state "
                                                + ha
                                                + ")"),
                                Map.of("havm", name, "vmid", String.valueOf(vmid)),
                                r.node(),
                                "HaVm/" + name));
            }
        }
        ItemSettings ceph = settings(m, BuiltinItem.CephHealth);
        if (ceph.enabled() && s.ceph() != null && s.ceph().installed()) {
            String status = s.ceph().status();
            boolean ok = "HEALTH_OK".equals(status);
            List<String> checks = s.ceph().checks();
            ItemSettings effective =
                    "HEALTH_ERR".equals(status)
                            ? new ItemSettings(true, Severity.critical, ceph.forDuration(), 0)
                            : ceph;
            String node =
                    !ok
                                    && offline.size() == 1
                                    && !checks.isEmpty()
                                    && NODE_CEPH_CHECKS.containsAll(checks)
                            ? offline.get(0)
                            : null;
            String names = checks.isEmpty() ? status : String.join(", ", checks);
            CephHealth.OsdCounts osds = s.ceph().osds();
            String osdsZh =
                    osds == null
                            ? ""
                            : "（OSD 共 "
                                    + osds.total()
                                    + " 个："
                                    + osds.up()
                                    + " 个 up，"
                                    + osds.in()
                                    + " 个 in）";
            String osdsEn =
                    osds == null
                            ? ""
                            : " (OSDs: "
                                    + osds.up()
                                    + " of "
                                    + osds.total()
                                    + " up, "
                                    + osds.in()
                                    + " in)";
            out.add(
                    obs(
                            BuiltinItem.CephHealth,
                            "ceph/" + cluster,
                            ok ? Verdict.OK : Verdict.FAILING,
                            effective,
                            Text.of(
                                    "Ceph 状态 " + status + ": " + names + osdsZh,
                                    "Ceph " + status + ": " + names + osdsEn),
                            Map.of(),
                            node,
                            null));
        }
        ItemSettings storage = settings(m, BuiltinItem.StorageFull);
        if (storage.enabled()) {
            Set<String> sharedSeen = new java.util.HashSet<>();
            for (ClusterResource r : s.storages()) {
                if (r.maxdisk() == null || r.maxdisk() <= 0 || r.disk() == null) {
                    continue;
                }
                boolean shared = Boolean.TRUE.equals(r.shared());
                String subject =
                        shared
                                ? "storage/" + r.storage()
                                : "storage/" + r.node() + "/" + r.storage();
                if (shared && !sharedSeen.add(subject)) {
                    continue;
                }
                long pct = Math.round(100.0 * r.disk() / r.maxdisk());
                out.add(
                        obs(
                                BuiltinItem.StorageFull,
                                subject,
                                pct >= storage.thresholdPercent() ? Verdict.FAILING : Verdict.OK,
                                storage,
                                Text.of(
                                        "存储 "
                                                + r.storage()
                                                + (shared ? "" : " (" + r.node() + ")")
                                                + " 已用 "
                                                + pct
                                                + "%，超过 "
                                                + storage.thresholdPercent()
                                                + "%",
                                        "storage "
                                                + r.storage()
                                                + (shared ? "" : " on " + r.node())
                                                + " is "
                                                + pct
                                                + "% full (threshold "
                                                + storage.thresholdPercent()
                                                + "%)"),
                                Map.of("storage", r.storage()),
                                shared ? null : r.node(),
                                null));
            }
        }
    }

    private static void lbItems(Inputs in, Topology topology, List<Observation> out) {
        ItemSettings vip = settings(in.settings(), BuiltinItem.LbVipNotHeld);
        ItemSettings backend = settings(in.settings(), BuiltinItem.LbBackendDown);
        for (LoadBalancerPair lb : in.lbs()) {
            LoadBalancerPairStatus st = lb.getStatus();
            if (st == null || st.getHosts().isEmpty()) {
                continue;
            }
            String name = lb.getMetadata().getName();
            if (vip.enabled()) {
                String holder = Objects.toString(st.getVipHolder(), "").strip();
                boolean none = holder.isEmpty();
                boolean both = holder.contains(",") || holder.contains(" ");
                boolean anyReachable =
                        st.getHosts().stream().anyMatch(h -> Boolean.TRUE.equals(h.getReachable()));
                boolean failing = both || (none && anyReachable);
                out.add(
                        obs(
                                BuiltinItem.LbVipNotHeld,
                                "lb/" + name,
                                failing ? Verdict.FAILING : Verdict.OK,
                                vip,
                                both
                                        ? Text.of(
                                                "负载均衡 " + name + " 的 VIP 同时被两台主机持有 (脑裂): " + holder,
                                                "VIP of load balancer "
                                                        + name
                                                        + " is held by both hosts (split brain): "
                                                        + holder)
                                        : Text.of(
                                                "负载均衡 " + name + " 的 VIP 无主机持有",
                                                "VIP of load balancer "
                                                        + name
                                                        + " is held by no host"),
                                Map.of("lb", name),
                                null,
                                "LoadBalancerPair/" + name));
            }
            if (backend.enabled()) {
                for (LoadBalancerPairStatus.BackendStatus b : st.getBackends()) {
                    String server =
                            Objects.toString(b.getServer(), Objects.toString(b.getHaVm(), "?"));
                    boolean down = "DOWN".equalsIgnoreCase(Objects.toString(b.getState(), ""));
                    Topology.Vm vm = b.getHaVm() == null ? null : topology.vms().get(b.getHaVm());
                    out.add(
                            obs(
                                    BuiltinItem.LbBackendDown,
                                    "lb/" + name + "/" + b.getService() + "/" + server,
                                    down ? Verdict.FAILING : Verdict.OK,
                                    backend,
                                    Text.of(
                                            "负载均衡 "
                                                    + name
                                                    + " 的服务 "
                                                    + b.getService()
                                                    + " 后端 "
                                                    + server
                                                    + " 为 DOWN",
                                            "load balancer "
                                                    + name
                                                    + " service "
                                                    + b.getService()
                                                    + ": backend "
                                                    + server
                                                    + " is DOWN"),
                                    Map.of(
                                            "lb",
                                            name,
                                            "service",
                                            Objects.toString(b.getService(), "")),
                                    vm == null ? null : vm.node(),
                                    "LoadBalancerPair/" + name));
                }
            }
        }
    }

    private static void backupItems(Inputs in, List<Observation> out) {
        ItemSettings failed = settings(in.settings(), BuiltinItem.BackupFailed);
        ItemSettings drill = settings(in.settings(), BuiltinItem.RestoreDrillFailed);
        for (BackupPolicy bp : in.backups()) {
            BackupPolicyStatus st = bp.getStatus();
            if (st == null) {
                continue;
            }
            String name = bp.getMetadata().getName();
            if (failed.enabled()) {
                BackupPolicyStatus.Run last = st.getLastRun();
                String result = last == null ? null : last.getResult();
                boolean runFailed = "failed".equals(result) || "partial".equals(result);
                boolean missed = false;
                if (st.getNextRun() != null) {
                    try {
                        Instant next = Instant.parse(st.getNextRun());
                        Instant started =
                                last == null || last.getStartedAt() == null
                                        ? null
                                        : Instant.parse(last.getStartedAt());
                        missed =
                                next.plus(Duration.ofHours(1)).isBefore(in.now())
                                        && (started == null || started.isBefore(next));
                    } catch (RuntimeException ignored) {
                        // unparsable times: no verdict on the schedule
                    }
                }
                Text what =
                        missed
                                ? Text.of(
                                        "备份策略 " + name + " 错过了计划时间 " + st.getNextRun(),
                                        "backup policy "
                                                + name
                                                + " missed its schedule at "
                                                + st.getNextRun())
                                : Text.of(
                                        "备份策略 "
                                                + name
                                                + " 上次运行结果 "
                                                + result
                                                + ": "
                                                + Objects.toString(
                                                        last == null ? null : last.getMessage(),
                                                        ""),
                                        "backup policy "
                                                + name
                                                + " last run "
                                                + result
                                                + ": "
                                                + Objects.toString(
                                                        last == null ? null : last.getMessage(),
                                                        ""));
                out.add(
                        obs(
                                BuiltinItem.BackupFailed,
                                "backup/" + name,
                                runFailed || missed
                                        ? Verdict.FAILING
                                        : "running".equals(result) ? Verdict.HOLD : Verdict.OK,
                                failed,
                                what,
                                Map.of("backuppolicy", name),
                                null,
                                "BackupPolicy/" + name));
            }
            if (drill.enabled() && st.getDrill() != null && st.getDrill().getResult() != null) {
                String r = st.getDrill().getResult();
                out.add(
                        obs(
                                BuiltinItem.RestoreDrillFailed,
                                "backup/" + name,
                                "failed".equals(r)
                                        ? Verdict.FAILING
                                        : "running".equals(r) ? Verdict.HOLD : Verdict.OK,
                                drill,
                                Text.of(
                                        "备份策略 "
                                                + name
                                                + " 的恢复演练失败: "
                                                + Objects.toString(st.getDrill().getMessage(), ""),
                                        "restore drill of backup policy "
                                                + name
                                                + " failed: "
                                                + Objects.toString(st.getDrill().getMessage(), "")),
                                Map.of("backuppolicy", name),
                                null,
                                "BackupPolicy/" + name));
            }
        }
    }

    /**
     * A disaster recovery under way is an incident of its own: the store's VMs are not all served
     * until it completes, and the on-call team follows it in the chat it is paged in. Its messages
     * carry the progress; it resolves when every VM is back.
     */
    private static void recoveryItem(Inputs in, List<Observation> out) {
        ItemSettings settings = settings(in.settings(), BuiltinItem.DisasterRecovery);
        DisasterRecoveryStatus.Recovery r = in.recovery();
        if (!settings.enabled() || r == null || r.getPhase() == null) {
            return;
        }
        String phase = r.getPhase();
        Verdict verdict =
                switch (phase) {
                    case RecoveryPlanner.COMPLETED -> Verdict.OK;
                    case RecoveryPlanner.WAITING_FOR_PRIMARY,
                            RecoveryPlanner.PREPARING,
                            RecoveryPlanner.RESTORING,
                            RecoveryPlanner.INCOMPLETE ->
                            Verdict.FAILING;
                    default -> Verdict.HOLD;
                };
        String target = Objects.toString(r.getTargetClusterName(), "standby");
        String counts =
                Objects.toString(r.getVmsRestored(), "0")
                        + "/"
                        + Objects.toString(r.getVmsTotal(), "?");
        String failed =
                r.getVmsFailed() == null || r.getVmsFailed() == 0
                        ? ""
                        : "，" + r.getVmsFailed() + " 台没有可用备份";
        String zh =
                switch (phase) {
                    case RecoveryPlanner.WAITING_FOR_PRIMARY ->
                            "集群 "
                                    + in.cluster()
                                    + " 已切换到备用集群 "
                                    + target
                                    + "，但原主集群仍在运行平台的虚拟机：请先关闭或隔离原主集群，恢复才会开始";
                    case RecoveryPlanner.PREPARING ->
                            "集群 " + in.cluster() + " 正在灾难恢复：在 " + target + " 上准备存储";
                    case RecoveryPlanner.INCOMPLETE ->
                            "集群 " + in.cluster() + " 的灾难恢复已结束但不完整：已恢复 " + counts + failed;
                    case RecoveryPlanner.COMPLETED ->
                            "集群 " + in.cluster() + " 的灾难恢复已完成：已恢复 " + counts;
                    default ->
                            "集群 "
                                    + in.cluster()
                                    + " 正在灾难恢复：已恢复 "
                                    + counts
                                    + failed
                                    + (r.getStage() == null ? "" : "，阶段 " + r.getStage())
                                    + (r.getEstimatedRemainingSeconds() == null
                                            ? ""
                                            : "，预计还需 " + r.getEstimatedRemainingSeconds() + " 秒");
                };
        String en =
                "disaster recovery of cluster "
                        + in.cluster()
                        + " on "
                        + target
                        + ": "
                        + phase
                        + (r.getMessage() == null ? "" : ": " + r.getMessage());
        out.add(
                obs(
                        BuiltinItem.DisasterRecovery,
                        "cluster/" + in.cluster(),
                        verdict,
                        settings,
                        Text.of(zh, en),
                        Map.of(),
                        null,
                        null));
    }

    static String nameOf(Topology t, int vmid) {
        return t.vms().values().stream()
                .filter(v -> v.vmid() == vmid)
                .map(Topology.Vm::name)
                .findFirst()
                .orElse("vm" + vmid);
    }

    static Observation obs(
            BuiltinItem item,
            String subject,
            Verdict verdict,
            ItemSettings settings,
            Text summary,
            Map<String, String> labels,
            String node,
            String target) {
        return new Observation(
                new AlertKey(item.name(), subject),
                verdict,
                settings.severity(),
                settings.forDuration(),
                summary,
                labels,
                node,
                target,
                false);
    }
}
