package io.pveha.reconciler.monitoring;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.pveha.api.cluster.DisasterRecoveryStatus;
import io.pveha.api.lb.LoadBalancerPair;
import io.pveha.api.monitoring.AlertState;
import io.pveha.api.monitoring.AlertingStatus;
import io.pveha.api.monitoring.IncidentState;
import io.pveha.cluster.ClusterKey;
import io.pveha.cluster.ClusterSnapshot;
import io.pveha.monitoring.AlertPlanner;
import io.pveha.monitoring.Topology;
import io.pveha.monitoring.checks.CheckRunner;
import io.pveha.pve.model.ClusterResource;
import io.pveha.pve.model.ClusterStatusEntry;
import io.pveha.reconciler.recovery.RecoveryPlanner;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The monitoring metrics, refreshed on every monitoring pass. Labels are low-cardinality: cluster
 * ("namespace/name"), node, VM (HaVm name), check, storage, load balancer, alert name, severity.
 * Prometheus names: {@code pveha_cluster_quorate}, {@code pveha_node_online}, {@code
 * pveha_node_ha_healthy}, {@code pveha_vm_running}, {@code pveha_vm_ha_recovering}, {@code
 * pveha_check_up}, {@code pveha_check_latency_seconds}, {@code pveha_ceph_health_status}, {@code
 * pveha_storage_used_ratio}, {@code pveha_lb_vip_holders}, {@code pveha_lb_backends_up}, {@code
 * pveha_lb_backends}, {@code pveha_backup_last_run_success}, {@code pveha_alerts_firing}, {@code
 * pveha_alert_transitions_total}, {@code pveha_ha_recovery_duration_seconds}, {@code
 * pveha_dr_recovery_vms}, {@code pveha_dr_recovery_complete}, and from the dispatcher {@code
 * pveha_alert_notifications_total} and {@code pveha_alert_delivery_seconds}.
 */
final class MonitoringMetrics {
    private final MeterRegistry registry;
    private final Map<String, MultiGauge> gauges = new ConcurrentHashMap<>();
    private final Map<String, Map<ClusterKey, List<MultiGauge.Row<?>>>> rows =
            new ConcurrentHashMap<>();
    private final Set<String> recordedRecoveries = ConcurrentHashMap.newKeySet();

    MonitoringMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void update(
            ClusterKey key,
            ClusterSnapshot snapshot,
            Topology topology,
            AlertingStatus status,
            List<CheckRunner.Spec> checks,
            CheckRunner runner,
            List<AlertPlanner.Transition> transitions,
            List<LoadBalancerPair> lbs) {
        if (registry == null) {
            return;
        }
        String cluster = key.toString();
        if (snapshot != null) {
            Map<String, String> lrm = snapshot.lrmStates();
            List<MultiGauge.Row<?>> online = new ArrayList<>();
            List<MultiGauge.Row<?>> ha = new ArrayList<>();
            for (ClusterStatusEntry n : snapshot.nodeMembers()) {
                Tags t = Tags.of("cluster", cluster, "node", n.name());
                online.add(MultiGauge.Row.of(t, Boolean.TRUE.equals(n.online()) ? 1 : 0));
                String s = lrm.getOrDefault(n.name(), "unknown");
                ha.add(
                        MultiGauge.Row.of(
                                t,
                                BuiltinItems.HEALTHY_LRM.contains(s) && !"unknown".equals(s)
                                        ? 1
                                        : 0));
            }
            set("pveha.node.online", "1 when the PVE node is online", key, online);
            set(
                    "pveha.cluster.quorate",
                    "1 when the PVE cluster is quorate",
                    key,
                    List.of(
                            MultiGauge.Row.of(
                                    Tags.of("cluster", cluster), snapshot.quorate() ? 1 : 0)));
            set(
                    "pveha.node.ha.healthy",
                    "1 when the node's HA LRM is active, idle or in maintenance",
                    key,
                    ha);
            List<MultiGauge.Row<?>> running = new ArrayList<>();
            List<MultiGauge.Row<?>> recovering = new ArrayList<>();
            for (Topology.Vm vm : topology.vms().values()) {
                if (vm.haState() == null) {
                    continue;
                }
                Tags t = Tags.of("cluster", cluster, "vm", vm.name());
                running.add(MultiGauge.Row.of(t, vm.running() ? 1 : 0));
                recovering.add(
                        MultiGauge.Row.of(
                                t, BuiltinItems.RECOVERING.contains(vm.haState()) ? 1 : 0));
            }
            set("pveha.vm.running", "1 when the HA VM is running", key, running);
            set(
                    "pveha.vm.ha.recovering",
                    "1 while PVE HA fences, recovers or moves the VM",
                    key,
                    recovering);
            if (snapshot.ceph() != null && snapshot.ceph().installed()) {
                String h = snapshot.ceph().status();
                int v = "HEALTH_OK".equals(h) ? 0 : "HEALTH_WARN".equals(h) ? 1 : 2;
                set(
                        "pveha.ceph.health.status",
                        "Ceph health: 0 OK, 1 WARN, 2 ERR",
                        key,
                        List.of(MultiGauge.Row.of(Tags.of("cluster", cluster), v)));
            }
            List<MultiGauge.Row<?>> used = new ArrayList<>();
            Set<String> seen = new java.util.HashSet<>();
            for (ClusterResource r : snapshot.storages()) {
                if (r.maxdisk() == null || r.maxdisk() <= 0 || r.disk() == null) {
                    continue;
                }
                boolean shared = Boolean.TRUE.equals(r.shared());
                String node = shared ? "" : r.node();
                if (!seen.add(r.storage() + "@" + node)) {
                    continue;
                }
                used.add(
                        MultiGauge.Row.of(
                                Tags.of("cluster", cluster, "storage", r.storage(), "node", node),
                                (double) r.disk() / r.maxdisk()));
            }
            set("pveha.storage.used.ratio", "used fraction of a PVE storage", key, used);
        }
        List<MultiGauge.Row<?>> up = new ArrayList<>();
        List<MultiGauge.Row<?>> latency = new ArrayList<>();
        for (CheckRunner.Spec s : checks) {
            CheckRunner.State st = runner.state(s.id());
            if (st == null || st.last() == null) {
                continue;
            }
            Tags t = Tags.of("cluster", cluster, "havm", s.vm(), "check", s.check().getName());
            up.add(MultiGauge.Row.of(t, st.last().ok() ? 1 : 0));
            latency.add(MultiGauge.Row.of(t, st.last().latencyMs() / 1000.0));
        }
        set("pveha.check.up", "1 when the service check's last probe passed", key, up);
        set(
                "pveha.check.latency.seconds",
                "duration of the service check's last probe",
                key,
                latency);
        List<MultiGauge.Row<?>> holders = new ArrayList<>();
        List<MultiGauge.Row<?>> backendsUp = new ArrayList<>();
        List<MultiGauge.Row<?>> backends = new ArrayList<>();
        for (LoadBalancerPair lb : lbs) {
            if (lb.getStatus() == null) {
                continue;
            }
            Tags t = Tags.of("cluster", cluster, "lb", lb.getMetadata().getName());
            long h =
                    lb.getStatus().getHosts().stream()
                            .filter(x -> Boolean.TRUE.equals(x.getHoldsVip()))
                            .count();
            holders.add(MultiGauge.Row.of(t, h));
            backendsUp.add(
                    MultiGauge.Row.of(
                            t,
                            lb.getStatus().getBackends().stream()
                                    .filter(
                                            b ->
                                                    "UP"
                                                            .equalsIgnoreCase(
                                                                    String.valueOf(b.getState())))
                                    .count()));
            backends.add(MultiGauge.Row.of(t, lb.getStatus().getBackends().size()));
        }
        set("pveha.lb.vip.holders", "hosts of the pair holding the VIP (1 is right)", key, holders);
        set("pveha.lb.backends.up", "backends haproxy reports UP", key, backendsUp);
        set("pveha.lb.backends", "backends of the pair", key, backends);

        Map<String, Integer> firing = new LinkedHashMap<>();
        for (AlertState a : status.getAlerts()) {
            if (AlertPlanner.FIRING.equals(a.getState())) {
                firing.merge(a.getAlertname() + "|" + a.getSeverity(), 1, Integer::sum);
            }
        }
        List<MultiGauge.Row<?>> firingRows = new ArrayList<>();
        firing.forEach(
                (k, v) -> {
                    String[] p = k.split("\\|", 2);
                    firingRows.add(
                            MultiGauge.Row.of(
                                    Tags.of(
                                            "cluster",
                                            cluster,
                                            "alertname",
                                            p[0],
                                            "severity",
                                            p[1]),
                                    v));
                });
        set("pveha.alerts.firing", "firing alerts of the operator's engine", key, firingRows);
        for (AlertPlanner.Transition t : transitions) {
            Counter.builder("pveha.alert.transitions")
                    .description("alert state changes")
                    .tags("cluster", cluster, "alertname", t.key().alertname(), "to", t.to())
                    .register(registry)
                    .increment();
        }
        for (IncidentState i : status.getIncidents()) {
            if (i.getRecoveredAt() != null && recordedRecoveries.add(i.getId())) {
                Timer.builder("pveha.ha.recovery.duration")
                        .description("node failure to all its HA VMs running elsewhere")
                        .tags("cluster", cluster)
                        .register(registry)
                        .record(
                                Duration.between(
                                        Instant.parse(i.getStartedAt()),
                                        Instant.parse(i.getRecoveredAt())));
            }
        }
    }

    void backups(ClusterKey key, Map<String, Boolean> lastSuccess) {
        if (registry == null) {
            return;
        }
        List<MultiGauge.Row<?>> r = new ArrayList<>();
        lastSuccess.forEach(
                (name, ok) ->
                        r.add(
                                MultiGauge.Row.of(
                                        Tags.of("cluster", key.toString(), "policy", name),
                                        ok ? 1 : 0)));
        set(
                "pveha.backup.last.run.success",
                "1 when the policy's last backup run succeeded",
                key,
                r);
    }

    /**
     * A disaster recovery's progress: VMs by state, and whether it completed. No rows without a
     * recovery record, so the rule's absence means "none ran", not "failed".
     */
    void recovery(ClusterKey key, DisasterRecoveryStatus.Recovery recovery) {
        if (registry == null) {
            return;
        }
        List<MultiGauge.Row<?>> vms = new ArrayList<>();
        List<MultiGauge.Row<?>> complete = new ArrayList<>();
        if (recovery != null && recovery.getPhase() != null) {
            String cluster = key.toString();
            Map<String, Integer> byState = new LinkedHashMap<>();
            byState.put("total", recovery.getVmsTotal());
            byState.put("restored", recovery.getVmsRestored());
            byState.put("restoring", recovery.getVmsRestoring());
            byState.put("failed", recovery.getVmsFailed());
            byState.forEach(
                    (state, n) ->
                            vms.add(
                                    MultiGauge.Row.of(
                                            Tags.of("cluster", cluster, "state", state),
                                            n == null ? 0 : n)));
            complete.add(
                    MultiGauge.Row.of(
                            Tags.of(
                                    "cluster",
                                    cluster,
                                    "phase",
                                    recovery.getPhase(),
                                    "target",
                                    String.valueOf(recovery.getTargetClusterName())),
                            RecoveryPlanner.COMPLETED.equals(recovery.getPhase()) ? 1 : 0));
        }
        set(
                "pveha.dr.recovery.vms",
                "VMs of a disaster recovery by state (total, restored, restoring, failed)",
                key,
                vms);
        set(
                "pveha.dr.recovery.complete",
                "1 when the disaster recovery completed with every VM back, 0 while it runs or"
                        + " ended incomplete",
                key,
                complete);
    }

    /** One family: this cluster's rows replace its previous ones, other clusters' stay. */
    private void set(
            String name, String help, ClusterKey key, List<MultiGauge.Row<?>> clusterRows) {
        Map<ClusterKey, List<MultiGauge.Row<?>>> byCluster =
                rows.computeIfAbsent(name, n -> new ConcurrentHashMap<>());
        byCluster.put(key, clusterRows);
        MultiGauge g =
                gauges.computeIfAbsent(
                        name, n -> MultiGauge.builder(n).description(help).register(registry));
        List<MultiGauge.Row<?>> all = new ArrayList<>();
        byCluster.values().forEach(all::addAll);
        synchronized (g) {
            g.register(all, true);
        }
    }
}
