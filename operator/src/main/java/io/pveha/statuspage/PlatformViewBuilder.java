package io.pveha.statuspage;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.pveha.api.ObjectRef;
import io.pveha.api.PvehaStatus;
import io.pveha.api.backup.BackupPolicy;
import io.pveha.api.backup.BackupPolicyStatus;
import io.pveha.api.ceph.CephPool;
import io.pveha.api.cluster.DisasterRecoveryStatus;
import io.pveha.api.cluster.ProxmoxCluster;
import io.pveha.api.cluster.ProxmoxClusterStatus;
import io.pveha.api.lb.LbHost;
import io.pveha.api.lb.LoadBalancerPair;
import io.pveha.api.lb.LoadBalancerPairStatus;
import io.pveha.api.monitoring.AlertState;
import io.pveha.api.monitoring.AlertingStatus;
import io.pveha.api.monitoring.MaintenanceWindow;
import io.pveha.api.monitoring.ServiceCheck;
import io.pveha.api.vm.HaVm;
import io.pveha.api.vm.HaVmStatus;
import io.pveha.api.vm.PowerState;
import io.pveha.reconciler.Conditions;
import io.pveha.reconciler.Reason;
import io.pveha.reconciler.Reasons;
import io.pveha.reconciler.backup.BackupPolicyReason;
import io.pveha.reconciler.lb.LbReason;
import io.pveha.reconciler.monitoring.Monitoring;
import io.pveha.reconciler.recovery.RecoveryPlanner;
import io.pveha.reconciler.vm.HaVmReason;
import io.pveha.statuspage.PlatformView.AlertView;
import io.pveha.statuspage.PlatformView.BackendView;
import io.pveha.statuspage.PlatformView.BackupView;
import io.pveha.statuspage.PlatformView.Ceph;
import io.pveha.statuspage.PlatformView.CheckView;
import io.pveha.statuspage.PlatformView.ClusterView;
import io.pveha.statuspage.PlatformView.DisasterRecoveryView;
import io.pveha.statuspage.PlatformView.Drill;
import io.pveha.statuspage.PlatformView.IncidentView;
import io.pveha.statuspage.PlatformView.Issue;
import io.pveha.statuspage.PlatformView.LbHostView;
import io.pveha.statuspage.PlatformView.Level;
import io.pveha.statuspage.PlatformView.LoadBalancerView;
import io.pveha.statuspage.PlatformView.MaintenanceView;
import io.pveha.statuspage.PlatformView.NodeView;
import io.pveha.statuspage.PlatformView.PoolView;
import io.pveha.statuspage.PlatformView.Pve;
import io.pveha.statuspage.PlatformView.Run;
import io.pveha.statuspage.PlatformView.StorageView;
import io.pveha.statuspage.PlatformView.Summary;
import io.pveha.statuspage.PlatformView.VmBackupView;
import io.pveha.statuspage.PlatformView.VmView;
import io.pveha.validate.CalendarSchedule;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Turns the cached resources into the page's {@link PlatformView}, and records what the page
 * remembers ({@link Recorder}). Reads status and a few spec values (names, schedules, the VIP,
 * maintenance windows, check names): never a Secret, a Secret reference's target or a URL.
 *
 * <p>The verdict of a cluster is the worst level among its issues:
 *
 * <ul>
 *   <li>major outage: PVE unreachable, quorum lost, a VIP held by no host or by both, a service
 *       whose backends are all down;
 *   <li>partial outage: a node offline (outside maintenance), a VM that should run and is down, a
 *       critical alert firing, Ceph HEALTH_ERR;
 *   <li>degraded: a warning alert, Ceph HEALTH_WARN, a backend down, a VIP on the backup, a failed
 *       backup or restore drill, a resource that is not Ready yet or needs a person;
 *   <li>under maintenance: a maintenance window open, a node in PVE maintenance mode.
 * </ul>
 */
final class PlatformViewBuilder {
    /** Alerts whose fact is already an issue of its own (no second line for the same thing). */
    static final Set<String> COVERED_ALERTS =
            Set.of(
                    "PveApiUnreachable",
                    "QuorumLost",
                    "NodeOffline",
                    "HaVmNotRunning",
                    "CephHealth",
                    "LbVipNotHeld",
                    "LbBackendDown",
                    "BackupFailed",
                    "RestoreDrillFailed");

    private PlatformViewBuilder() {}

    /** Records history and incidents from {@code objects}, then builds the view. */
    static PlatformView build(
            StatusSource.Objects objects,
            Recorder recorder,
            Instant now,
            long seq,
            String updatedAt) {
        List<ClusterView> clusters = new ArrayList<>();
        Set<String> subjects = new HashSet<>();
        Set<String> assignedLbs = new HashSet<>();
        for (ProxmoxCluster cluster : objects.clusters()) {
            ClusterView view = cluster(cluster, objects, recorder, now, subjects, assignedLbs);
            clusters.add(view);
        }
        recorder.retain(subjects);
        List<LoadBalancerView> unassigned = new ArrayList<>();
        List<Issue> issues = new ArrayList<>();
        for (LoadBalancerPair lb : objects.loadBalancers()) {
            if (!assignedLbs.contains(key(lb))) {
                unassigned.add(loadBalancer(lb, null, issues));
            }
        }
        Level verdict = Level.OPERATIONAL;
        for (ClusterView c : clusters) {
            verdict = verdict.worst(c.verdict());
            issues.addAll(c.issues());
        }
        for (Issue i : issues) {
            verdict = verdict.worst(i.level());
        }
        issues.sort(Comparator.comparing((Issue i) -> i.level()).reversed());
        Summary summary =
                new Summary(
                        clusters.size(),
                        clusters.stream().mapToInt(ClusterView::nodesOnline).sum(),
                        clusters.stream().mapToInt(ClusterView::nodesTotal).sum(),
                        clusters.stream().mapToInt(ClusterView::vmsRunning).sum(),
                        clusters.stream().mapToInt(ClusterView::vmsTotal).sum(),
                        clusters.stream().mapToInt(ClusterView::openIncidents).sum(),
                        (int)
                                clusters.stream()
                                        .flatMap(c -> c.alerts().stream())
                                        .filter(a -> "firing".equals(a.state()))
                                        .count());
        return new PlatformView(
                seq, updatedAt, verdict, List.copyOf(issues), summary, clusters, unassigned);
    }

    private static ClusterView cluster(
            ProxmoxCluster cluster,
            StatusSource.Objects objects,
            Recorder recorder,
            Instant now,
            Set<String> subjects,
            Set<String> assignedLbs) {
        String ns = cluster.getMetadata().getNamespace();
        String name = cluster.getMetadata().getName();
        String key = ns + "/" + name;
        ProxmoxClusterStatus status =
                cluster.getStatus() == null ? new ProxmoxClusterStatus() : cluster.getStatus();
        AlertingStatus alerting =
                status.getAlerting() == null ? new AlertingStatus() : status.getAlerting();
        List<Issue> issues = new ArrayList<>();
        ZoneId zone = zone(cluster);

        // Maintenance: open windows and the nodes and VMs they cover.
        List<MaintenanceView> maintenance = new ArrayList<>();
        Set<String> nodesInMaintenance = new HashSet<>();
        Set<String> vmsInMaintenance = new HashSet<>();
        boolean everythingInMaintenance = false;
        List<MaintenanceWindow> windows =
                cluster.getSpec() == null || cluster.getSpec().getAlerting() == null
                        ? List.of()
                        : cluster.getSpec().getAlerting().getMaintenance();
        for (MaintenanceWindow w : windows == null ? List.<MaintenanceWindow>of() : windows) {
            boolean open = safeOpen(w, now, zone);
            String next = safeNext(w.getSchedule(), now, zone).map(Instant::toString).orElse(null);
            maintenance.add(
                    new MaintenanceView(
                            w.getName(),
                            w.getSchedule(),
                            w.getDurationMinutes() == null ? 60 : w.getDurationMinutes(),
                            list(w.getNodes()),
                            list(w.getVms()),
                            open,
                            next));
            if (open) {
                issues.add(issue(Level.UNDER_MAINTENANCE, "maintenance_window", w.getName(), key));
                nodesInMaintenance.addAll(list(w.getNodes()));
                vmsInMaintenance.addAll(list(w.getVms()));
                everythingInMaintenance |=
                        list(w.getNodes()).isEmpty() && list(w.getVms()).isEmpty();
            }
        }

        // PVE and quorum.
        Optional<Condition> connected = condition(status, "Connected");
        Optional<Condition> ready = condition(status, Conditions.READY);
        boolean observed = status.getLastPollTime() != null || connected.isPresent();
        boolean reachable = connected.map(c -> Conditions.TRUE.equals(c.getStatus())).orElse(false);
        Pve pve =
                new Pve(
                        reachable,
                        connected.or(() -> ready).map(Condition::getReason).orElse(null),
                        status.getVersion(),
                        status.getActiveEndpoint(),
                        status.getLastPollTime());
        if (!observed) {
            issues.add(issue(Level.DEGRADED, "not_observed", name, key));
        } else if (!reachable) {
            issues.add(issue(Level.MAJOR_OUTAGE, "pve_unreachable", pve.reason(), key));
        }
        if (Boolean.FALSE.equals(status.getQuorate())) {
            issues.add(issue(Level.MAJOR_OUTAGE, "quorum_lost", name, key));
        }

        // Nodes, with their 24 h history.
        List<NodeView> nodes = new ArrayList<>();
        int online = 0;
        for (ProxmoxClusterStatus.NodeInfo n : status.getNodes()) {
            boolean inMaintenance =
                    "maintenance".equals(n.getHaState())
                            || everythingInMaintenance
                            || nodesInMaintenance.contains(n.getName());
            String state =
                    Boolean.TRUE.equals(n.getOnline())
                            ? ("maintenance".equals(n.getHaState()) ? "maintenance" : "online")
                            : (inMaintenance ? "maintenance" : "offline");
            String subject = key + "|node|" + n.getName();
            subjects.add(subject);
            recorder.state(subject, state, now);
            if (Boolean.TRUE.equals(n.getOnline())) {
                online++;
                if ("maintenance".equals(n.getHaState())) {
                    issues.add(
                            issue(Level.UNDER_MAINTENANCE, "node_maintenance", n.getName(), key));
                }
            } else {
                issues.add(
                        inMaintenance
                                ? issue(
                                        Level.UNDER_MAINTENANCE,
                                        "node_maintenance",
                                        n.getName(),
                                        key)
                                : issue(Level.PARTIAL_OUTAGE, "node_offline", n.getName(), key));
            }
            nodes.add(
                    new NodeView(
                            n.getName(),
                            n.getOnline(),
                            n.getHaState(),
                            n.getCpu(),
                            n.getMemoryUsedBytes(),
                            n.getMemoryTotalBytes(),
                            n.getUptimeSeconds(),
                            recorder.history(subject)));
        }

        // Ceph and storage.
        Ceph ceph = null;
        if (status.getCeph() != null && status.getCeph().getHealth() != null) {
            ceph = new Ceph(status.getCeph().getHealth(), list(status.getCeph().getChecks()));
            String checks = String.join(", ", ceph.checks());
            if ("HEALTH_WARN".equals(ceph.health())) {
                issues.add(issue(Level.DEGRADED, "ceph_warn", checks, key));
            } else if ("HEALTH_ERR".equals(ceph.health())) {
                issues.add(issue(Level.PARTIAL_OUTAGE, "ceph_err", checks, key));
            }
        }
        List<StorageView> storages = new ArrayList<>();
        Double maxPercent = null;
        for (ProxmoxClusterStatus.StorageInfo s : status.getStorages()) {
            Double percent =
                    s.getTotalBytes() != null && s.getTotalBytes() > 0 && s.getUsedBytes() != null
                            ? Math.round(1000.0 * s.getUsedBytes() / s.getTotalBytes()) / 10.0
                            : null;
            if (percent != null && (maxPercent == null || percent > maxPercent)) {
                maxPercent = percent;
            }
            storages.add(
                    new StorageView(
                            s.getName(),
                            s.getType(),
                            s.getShared(),
                            s.getUsedBytes(),
                            s.getTotalBytes(),
                            percent));
        }

        // Alerts (open ones), by subject, for the checks and the issues.
        List<AlertView> alerts = new ArrayList<>();
        Map<String, AlertState> bySubject = new HashMap<>();
        Map<String, String> nodeResolvedAt = new HashMap<>();
        for (AlertState a : alerting.getAlerts()) {
            if ("NodeOffline".equals(a.getAlertname())
                    && "resolved".equals(a.getState())
                    && a.getSubject() != null
                    && a.getSubject().startsWith("node/")) {
                nodeResolvedAt.put(a.getSubject().substring(5), a.getSince());
            }
            if (!"pending".equals(a.getState()) && !"firing".equals(a.getState())) {
                continue;
            }
            bySubject.put(a.getAlertname() + " " + a.getSubject(), a);
            alerts.add(
                    new AlertView(
                            a.getAlertname(),
                            a.getSubject(),
                            a.getSeverity(),
                            a.getState(),
                            a.getSince(),
                            Boolean.TRUE.equals(a.getMuted()),
                            a.getIncident(),
                            a.getSummary()));
            if ("firing".equals(a.getState())
                    && !Boolean.TRUE.equals(a.getMuted())
                    && a.getIncident() == null
                    && !COVERED_ALERTS.contains(a.getAlertname())) {
                issues.add(
                        issue(
                                "critical".equals(a.getSeverity())
                                        ? Level.PARTIAL_OUTAGE
                                        : Level.DEGRADED,
                                "alert",
                                a.getAlertname() + " " + a.getSubject(),
                                key));
            }
        }
        alerts.sort(
                Comparator.comparing((AlertView a) -> !"firing".equals(a.state()))
                        .thenComparing(a -> !"critical".equals(a.severity()))
                        .thenComparing(a -> Objects.toString(a.since(), "")));

        // HaVms with their checks.
        List<VmView> vms = new ArrayList<>();
        int running = 0;
        int total = 0;
        for (HaVm vm : ofCluster(objects.haVms(), name, ns, v -> v.getSpec().getClusterRef())) {
            HaVmStatus s = vm.getStatus() == null ? new HaVmStatus() : vm.getStatus();
            String vmName = vm.getMetadata().getName();
            boolean template =
                    Boolean.TRUE.equals(vm.getSpec().getTemplate())
                            || Boolean.TRUE.equals(s.getTemplate());
            boolean shouldRun = !template && vm.getSpec().getPowerState() != PowerState.Stopped;
            boolean isRunning = "running".equals(s.getPowerState());
            boolean ha =
                    vm.getSpec().getHa() != null
                            && Boolean.TRUE.equals(vm.getSpec().getHa().getEnabled());
            Optional<Condition> vmReady = condition(s, Conditions.READY);
            String reason = vmReady.map(Condition::getReason).orElse(null);
            String health = health(HaVmReason.class, vmReady);
            if (!template) {
                total++;
                if (isRunning) {
                    running++;
                }
            }
            boolean maintained =
                    everythingInMaintenance
                            || vmsInMaintenance.contains(vmName)
                            || (s.getNode() != null && nodesInMaintenance.contains(s.getNode()));
            if (shouldRun
                    && !isRunning
                    && ("DEGRADED".equals(health)
                            || "NodeOffline".equals(reason)
                            || "HaRecovering".equals(reason))) {
                issues.add(
                        issue(
                                maintained ? Level.UNDER_MAINTENANCE : Level.PARTIAL_OUTAGE,
                                "vm_down",
                                vmName,
                                key));
            } else if (vmReady.isEmpty() || !Conditions.TRUE.equals(vmReady.get().getStatus())) {
                issues.add(issue(Level.DEGRADED, "vm_not_ready", vmName, key));
            }
            List<CheckView> checks = new ArrayList<>();
            List<ServiceCheck> declared =
                    vm.getSpec().getMonitoring() == null
                            ? List.of()
                            : list(vm.getSpec().getMonitoring().getChecks());
            for (ServiceCheck c : declared) {
                AlertState a =
                        bySubject.get(
                                Monitoring.CHECK_ALERT + " havm/" + vmName + "/" + c.getName());
                String state =
                        !shouldRun
                                ? "idle"
                                : a == null
                                        ? "ok"
                                        : "firing".equals(a.getState()) ? "down" : "failing";
                String subject = key + "|check|" + vmName + "/" + c.getName();
                subjects.add(subject);
                recorder.state(subject, state, now);
                checks.add(
                        new CheckView(
                                c.getName(),
                                c.getHttp() != null
                                        ? "http"
                                        : c.getTcp() != null
                                                ? "tcp"
                                                : c.getGuestAgent() != null ? "guestAgent" : null,
                                state,
                                a == null ? null : a.getSince(),
                                c.getSeverity() == null ? "warning" : c.getSeverity().name(),
                                recorder.history(subject)));
            }
            vms.add(
                    new VmView(
                            vmName,
                            s.getVmid(),
                            s.getNode(),
                            s.getPowerState(),
                            s.getHaState(),
                            template,
                            ha,
                            vmReady.map(Condition::getStatus).orElse(null),
                            reason,
                            health,
                            list(s.getIpAddresses()),
                            checks));
        }

        // Ceph pools.
        List<PoolView> pools = new ArrayList<>();
        for (CephPool p :
                ofCluster(objects.cephPools(), name, ns, x -> x.getSpec().getClusterRef())) {
            Optional<Condition> r = condition(p.getStatus(), Conditions.READY);
            if (r.isEmpty() || !Conditions.TRUE.equals(r.get().getStatus())) {
                issues.add(issue(Level.DEGRADED, "pool_not_ready", p.getMetadata().getName(), key));
            }
            pools.add(
                    new PoolView(
                            p.getMetadata().getName(),
                            r.map(Condition::getStatus).orElse(null),
                            r.map(Condition::getReason).orElse(null),
                            p.getStatus() == null || p.getStatus().getUsage() == null
                                    ? null
                                    : p.getStatus().getUsage().getPercentUsed(),
                            p.getStatus() == null
                                    ? List.of()
                                    : list(p.getStatus().getHealthChecks())));
        }

        // Load-balancer pairs of this cluster.
        List<LoadBalancerView> lbs = new ArrayList<>();
        for (LoadBalancerPair lb :
                ofCluster(objects.loadBalancers(), name, ns, x -> x.getSpec().getClusterRef())) {
            assignedLbs.add(key(lb));
            lbs.add(loadBalancer(lb, key, issues));
        }

        // Backups.
        List<BackupView> backups = new ArrayList<>();
        String lastGood = null;
        String nextBackup = null;
        for (BackupPolicy bp :
                ofCluster(objects.backups(), name, ns, x -> x.getSpec().getClusterRef())) {
            BackupView view = backup(bp, key, issues);
            backups.add(view);
            lastGood = max(lastGood, view.lastGoodBackup());
            nextBackup = min(nextBackup, view.nextRun());
        }

        // Incidents: open ones from status, resolved ones from the page's memory.
        recorder.incidents(key, alerting.getIncidents(), nodeResolvedAt, now);
        List<IncidentView> incidents = new ArrayList<>();
        int openIncidents = 0;
        for (Recorder.Incident i : recorder.incidents(key)) {
            if (i.open()) {
                openIncidents++;
            }
            incidents.add(
                    new IncidentView(
                            i.id,
                            i.node,
                            i.open(),
                            i.startedAt,
                            i.recoveredAt,
                            i.resolvedAt,
                            List.copyOf(i.vms),
                            List.copyOf(i.backends),
                            List.copyOf(i.timeline)));
        }

        DisasterRecoveryView dr = disasterRecovery(cluster, key, issues);

        Level verdict = Level.OPERATIONAL;
        for (Issue i : issues) {
            verdict = verdict.worst(i.level());
        }
        issues.sort(Comparator.comparing((Issue i) -> i.level()).reversed());
        return new ClusterView(
                ns,
                name,
                status.getClusterName(),
                verdict,
                List.copyOf(issues),
                pve,
                status.getQuorate(),
                online,
                status.getNodes().size(),
                nodes,
                ceph,
                storages,
                maxPercent,
                running,
                total,
                vms,
                pools,
                lbs,
                backups,
                lastGood,
                nextBackup,
                incidents,
                openIncidents,
                alerts,
                maintenance,
                dr,
                zone.getId());
    }

    /**
     * The disaster-recovery summary and its issues: a rebuild under way is a partial outage (not
     * every VM is served), one waiting for the old primary to go down a major one (nothing is
     * restored until a person acts), a standby that does not answer a degradation (the safety net
     * is gone while everything else runs).
     */
    static DisasterRecoveryView disasterRecovery(ProxmoxCluster c, String key, List<Issue> issues) {
        if (c.getSpec() == null || c.getSpec().getDisasterRecovery() == null) {
            return null;
        }
        DisasterRecoveryStatus s =
                c.getStatus() == null || c.getStatus().getDisasterRecovery() == null
                        ? new DisasterRecoveryStatus()
                        : c.getStatus().getDisasterRecovery();
        DisasterRecoveryStatus.SiteInfo other =
                s.getOther() == null ? new DisasterRecoveryStatus.SiteInfo() : s.getOther();
        DisasterRecoveryStatus.Recovery r =
                s.getRecovery() == null ? new DisasterRecoveryStatus.Recovery() : s.getRecovery();
        String name = c.getMetadata().getName();
        String phase = r.getPhase();
        if (phase != null) {
            String progress =
                    name
                            + ": "
                            + (r.getVmsRestored() == null ? 0 : r.getVmsRestored())
                            + "/"
                            + (r.getVmsTotal() == null ? "?" : r.getVmsTotal());
            switch (phase) {
                case RecoveryPlanner.WAITING_FOR_PRIMARY ->
                        issues.add(issue(Level.MAJOR_OUTAGE, "dr_waiting_primary", name, key));
                case RecoveryPlanner.PREPARING, RecoveryPlanner.RESTORING ->
                        issues.add(issue(Level.PARTIAL_OUTAGE, "dr_recovering", progress, key));
                case RecoveryPlanner.INCOMPLETE ->
                        issues.add(issue(Level.PARTIAL_OUTAGE, "dr_incomplete", progress, key));
                default -> {}
            }
        }
        boolean primaryActive = !"standby".equals(s.getActiveCluster());
        if (primaryActive && Boolean.FALSE.equals(other.getReachable())) {
            issues.add(issue(Level.DEGRADED, "dr_standby_unreachable", name, key));
        }
        return new DisasterRecoveryView(
                s.getActiveCluster() == null ? "primary" : s.getActiveCluster(),
                other.getRole(),
                other.getClusterName(),
                other.getReachable(),
                other.getNodesSummary(),
                phase,
                r.getTargetClusterName(),
                r.getVmsRestored(),
                r.getVmsTotal(),
                r.getVmsFailed(),
                r.getStage(),
                r.getElapsedSeconds(),
                r.getEstimatedRemainingSeconds(),
                r.getMessage());
    }

    static LoadBalancerView loadBalancer(LoadBalancerPair lb, String cluster, List<Issue> issues) {
        String name = lb.getMetadata().getName();
        String scope = cluster != null ? cluster : lb.getMetadata().getNamespace() + "/-";
        LoadBalancerPairStatus s =
                lb.getStatus() == null ? new LoadBalancerPairStatus() : lb.getStatus();
        Optional<Condition> ready = condition(s, Conditions.READY);
        Optional<Condition> vipHeld = condition(s, "VipHeld");
        Optional<Condition> backendsHealthy = condition(s, "BackendsHealthy");
        int up = (int) s.getBackends().stream().filter(b -> "UP".equals(b.getState())).count();
        int downCount =
                (int) s.getBackends().stream().filter(b -> "DOWN".equals(b.getState())).count();
        int total = s.getBackends().size();
        String vipReason =
                vipHeld.filter(c -> Conditions.FALSE.equals(c.getStatus()))
                        .map(Condition::getReason)
                        .orElse(null);
        if ("SplitBrain".equals(vipReason)) {
            issues.add(issue(Level.MAJOR_OUTAGE, "split_brain", name, scope));
        } else if ("NotHeld".equals(vipReason) || "StaleVip".equals(vipReason)) {
            issues.add(issue(Level.MAJOR_OUTAGE, "vip_not_held", name, scope));
        }
        String backendsReason =
                backendsHealthy
                        .filter(c -> Conditions.FALSE.equals(c.getStatus()))
                        .map(Condition::getReason)
                        .orElse(null);
        // Backends haproxy has not checked yet (UNKNOWN, just added) are not an outage.
        if ("AllDown".equals(backendsReason)
                || (total > 0 && downCount == total && s.getVipHolder() != null)) {
            issues.add(issue(Level.MAJOR_OUTAGE, "all_backends_down", name, scope));
        } else if (up < total) {
            List<String> down =
                    s.getBackends().stream()
                            .filter(b -> !"UP".equals(b.getState()))
                            .map(b -> b.getServer())
                            .toList();
            issues.add(
                    issue(
                            Level.DEGRADED,
                            "backend_down",
                            name + ": " + String.join(", ", down),
                            scope));
        }
        String master = master(lb);
        if (s.getVipHolder() != null
                && master != null
                && !s.getVipHolder().contains(",")
                && !master.equals(s.getVipHolder())) {
            issues.add(
                    issue(Level.DEGRADED, "vip_on_backup", name + ": " + s.getVipHolder(), scope));
        }
        boolean readyTrue = ready.map(c -> Conditions.TRUE.equals(c.getStatus())).orElse(false);
        if (!readyTrue
                && vipReason == null
                && backendsReason == null
                && !(s.getVipHolder() != null
                        && master != null
                        && !master.equals(s.getVipHolder()))) {
            issues.add(issue(Level.DEGRADED, "lb_not_ready", name, scope));
        }
        List<LbHostView> hosts = new ArrayList<>();
        for (LoadBalancerPairStatus.HostStatus h : s.getHosts()) {
            hosts.add(
                    new LbHostView(
                            h.getName(),
                            h.getReachable(),
                            h.getVrrpState(),
                            h.getVrrpStateSince(),
                            h.getHoldsVip(),
                            h.getKeepalivedUp(),
                            h.getHaproxyUp()));
        }
        List<BackendView> backends = new ArrayList<>();
        for (LoadBalancerPairStatus.BackendStatus b : s.getBackends()) {
            backends.add(
                    new BackendView(
                            b.getService(),
                            b.getServer(),
                            b.getAddress(),
                            b.getHaVm(),
                            b.getState()));
        }
        return new LoadBalancerView(
                lb.getMetadata().getNamespace(),
                name,
                lb.getSpec() == null || lb.getSpec().getVip() == null
                        ? null
                        : lb.getSpec().getVip().getAddress(),
                s.getVipHolder(),
                s.getVipHolderSince(),
                up,
                total,
                ready.map(Condition::getStatus).orElse(null),
                ready.map(Condition::getReason).orElse(null),
                health(LbReason.class, ready),
                hosts,
                backends);
    }

    /** The host with the higher priority: the one meant to hold the VIP. */
    private static String master(LoadBalancerPair lb) {
        if (lb.getSpec() == null || lb.getSpec().getHosts() == null) {
            return null;
        }
        return lb.getSpec().getHosts().stream()
                .filter(h -> h.getPriority() != null)
                .max(Comparator.comparing(LbHost::getPriority))
                .map(LbHost::getName)
                .orElse(null);
    }

    private static BackupView backup(BackupPolicy bp, String cluster, List<Issue> issues) {
        String name = bp.getMetadata().getName();
        BackupPolicyStatus s = bp.getStatus() == null ? new BackupPolicyStatus() : bp.getStatus();
        Optional<Condition> ready = condition(s, Conditions.READY);
        Run last = null;
        if (s.getLastRun() != null) {
            BackupPolicyStatus.Run r = s.getLastRun();
            last = new Run(r.getResult(), r.getTrigger(), r.getStartedAt(), r.getFinishedAt());
            if ("failed".equals(r.getResult()) || "partial".equals(r.getResult())) {
                issues.add(issue(Level.DEGRADED, "backup_failed", name, cluster));
            }
        }
        List<VmBackupView> vms = new ArrayList<>();
        String lastGood = null;
        for (BackupPolicyStatus.VmBackup v : s.getVms()) {
            vms.add(new VmBackupView(v.getVmid(), v.getHaVm(), v.getTime(), v.getCount()));
            lastGood = max(lastGood, v.getTime());
        }
        Drill drill = null;
        if (s.getDrill() != null) {
            BackupPolicyStatus.DrillStatus d = s.getDrill();
            drill =
                    new Drill(
                            d.getResult(),
                            d.getLastRun(),
                            d.getFinishedAt(),
                            d.getNextRun(),
                            d.getMessage());
            if ("failed".equals(d.getResult())) {
                issues.add(issue(Level.DEGRADED, "drill_failed", name, cluster));
            }
        }
        String health = health(BackupPolicyReason.class, ready);
        if ("DEGRADED".equals(health)) {
            issues.add(issue(Level.DEGRADED, "backup_not_ready", name, cluster));
        }
        return new BackupView(
                name,
                bp.getSpec() == null ? null : bp.getSpec().getSchedule(),
                s.getNextRun(),
                ready.map(Condition::getStatus).orElse(null),
                ready.map(Condition::getReason).orElse(null),
                health,
                last,
                lastGood,
                vms,
                list(s.getNotCovered()),
                drill);
    }

    private static Issue issue(Level level, String code, String subject, String cluster) {
        return new Issue(level, code, subject, cluster);
    }

    private static <E extends Enum<E> & Reason> String health(
            Class<E> kind, Optional<Condition> ready) {
        if (ready.isEmpty()) {
            return null;
        }
        if (Conditions.TRUE.equals(ready.get().getStatus())) {
            return Reason.Health.HEALTHY.name();
        }
        return Reasons.find(kind, Objects.toString(ready.get().getReason(), ""))
                .map(r -> r.health().name())
                .orElse(Reason.Health.DEGRADED.name());
    }

    private static Optional<Condition> condition(PvehaStatus status, String type) {
        return status == null ? Optional.empty() : Conditions.find(status.getConditions(), type);
    }

    private static <R extends HasMetadata> List<R> ofCluster(
            List<R> all, String cluster, String namespace, Function<R, ObjectRef> ref) {
        List<R> out = new ArrayList<>();
        for (R r : all) {
            try {
                ObjectRef to = ref.apply(r);
                if (to != null
                        && cluster.equals(to.getName())
                        && namespace.equals(r.getMetadata().getNamespace())) {
                    out.add(r);
                }
            } catch (NullPointerException e) {
                // no spec: not of any cluster
            }
        }
        return out;
    }

    private static String key(HasMetadata r) {
        return r.getMetadata().getNamespace() + "/" + r.getMetadata().getName();
    }

    private static ZoneId zone(ProxmoxCluster cluster) {
        try {
            String tz =
                    cluster.getSpec() == null || cluster.getSpec().getAlerting() == null
                            ? null
                            : cluster.getSpec().getAlerting().getTimeZone();
            return ZoneId.of(tz == null || tz.isBlank() ? Monitoring.DEFAULT_ZONE : tz);
        } catch (DateTimeException e) {
            return ZoneId.of(Monitoring.DEFAULT_ZONE);
        }
    }

    private static boolean safeOpen(MaintenanceWindow w, Instant now, ZoneId zone) {
        try {
            return w.getSchedule() != null && Monitoring.open(w, now, zone);
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static Optional<Instant> safeNext(String schedule, Instant now, ZoneId zone) {
        try {
            return schedule == null ? Optional.empty() : CalendarSchedule.next(schedule, now, zone);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static <T> List<T> list(List<T> list) {
        return list == null ? List.of() : List.copyOf(new LinkedHashSet<>(list));
    }

    private static String max(String a, String b) {
        try {
            return a == null
                    ? b
                    : b == null ? a : (Instant.parse(b).isAfter(Instant.parse(a)) ? b : a);
        } catch (DateTimeException e) {
            return a;
        }
    }

    private static String min(String a, String b) {
        try {
            return a == null
                    ? b
                    : b == null ? a : (Instant.parse(b).isBefore(Instant.parse(a)) ? b : a);
        } catch (DateTimeException e) {
            return a;
        }
    }
}
