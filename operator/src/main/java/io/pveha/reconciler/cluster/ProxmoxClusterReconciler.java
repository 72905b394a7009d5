package io.pveha.reconciler.cluster;

import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.pveha.api.cluster.ProxmoxCluster;
import io.pveha.api.cluster.ProxmoxClusterStatus;
import io.pveha.api.vm.HaVm;
import io.pveha.api.vm.HaVmStatus;
import io.pveha.cluster.ClusterConnections;
import io.pveha.cluster.ClusterKey;
import io.pveha.cluster.PollOutcome;
import io.pveha.pve.PveApiException;
import io.pveha.reconciler.CacheTrim;
import io.pveha.reconciler.CommonReason;
import io.pveha.reconciler.EventRecorder;
import io.pveha.reconciler.ReconcileGate;
import io.pveha.reconciler.ReconcileMarker;
import io.pveha.reconciler.Reporter;
import io.pveha.reconciler.SpecOrIntentChanged;
import io.pveha.reconciler.SpecValidation;
import io.pveha.reconciler.cluster.ClusterSettingsResolver.SecretKey;
import io.pveha.reconciler.recovery.RecoveryFacts;
import io.pveha.reconciler.recovery.RecoveryPlanner;
import io.pveha.reconciler.recovery.RecoveryReport;
import io.pveha.reconciler.recovery.RecoverySources;
import io.pveha.reconciler.task.TaskLedger;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one connection and bulk poll per ProxmoxCluster and reports what the poll sees. A pass
 * reads top to bottom: gate (pause, invalid spec) → observe ({@link ProxmoxClusterObserver}: the
 * latest poll, the Secrets from the informer cache) → plan ({@link ProxmoxClusterPlanner}, pure; HA
 * groups by {@link HaGroupSync}) → act ({@link ProxmoxClusterExecutor}: the connection, HA group
 * changes) → report ({@link ClusterStatusBuilder}, {@link ProxmoxClusterEvents}, through the {@link
 * Reporter}). A ProxmoxCluster is reconciled after each of its polls, when its spec or annotations
 * change, and when a Secret it refers to changes (a rotated token reconnects at once).
 */
@ControllerConfiguration(
        name = "proxmoxcluster",
        generationAwareEventProcessing = false,
        informer = @Informer(onUpdateFilter = SpecOrIntentChanged.class))
public class ProxmoxClusterReconciler
        implements Reconciler<ProxmoxCluster>, Cleaner<ProxmoxCluster> {
    private static final Logger LOG = LoggerFactory.getLogger(ProxmoxClusterReconciler.class);

    private final ClusterConnections connections;
    private final SpecValidation validation;
    private final EventRecorder events;
    private final Clock clock;
    private final ProxmoxClusterObserver observer;
    private final ProxmoxClusterExecutor executor;
    private volatile InformerEventSource<Secret, ProxmoxCluster> secrets;
    private volatile InformerEventSource<HaVm, ProxmoxCluster> haVms;
    private final io.pveha.reconciler.monitoring.Monitoring monitoring;
    private final io.pveha.reconciler.monitoring.MonitoringSources monitored =
            new io.pveha.reconciler.monitoring.MonitoringSources();
    private final RecoverySources recoverySources = new RecoverySources();
    private final io.pveha.reconciler.recovery.drill.PlatformDrill drill;

    public ProxmoxClusterReconciler(
            ClusterConnections connections,
            SpecValidation validation,
            EventRecorder events,
            Clock clock) {
        this(connections, validation, events, clock, null);
    }

    /** With monitoring and alerting ({@code monitoring} null: none). */
    public ProxmoxClusterReconciler(
            ClusterConnections connections,
            SpecValidation validation,
            EventRecorder events,
            Clock clock,
            io.pveha.reconciler.monitoring.Monitoring monitoring) {
        this(connections, validation, events, clock, monitoring, new TaskLedger(clock));
    }

    /**
     * With the task ledger every kind shares (the disaster-recovery drill's tasks go through it).
     */
    public ProxmoxClusterReconciler(
            ClusterConnections connections,
            SpecValidation validation,
            EventRecorder events,
            Clock clock,
            io.pveha.reconciler.monitoring.Monitoring monitoring,
            TaskLedger ledger) {
        this.drill = new io.pveha.reconciler.recovery.drill.PlatformDrill(connections, ledger);
        this.monitoring = monitoring;
        this.connections = connections;
        this.validation = validation;
        this.events = events;
        this.clock = clock;
        this.observer =
                new ProxmoxClusterObserver(
                        connections, id -> secrets == null ? Optional.empty() : secrets.get(id));
        this.executor = new ProxmoxClusterExecutor(connections);
    }

    /**
     * Each poll of a cluster, and each change of a Secret a cluster refers to (credentials, CA
     * bundle).
     */
    @Override
    public List<EventSource<?, ProxmoxCluster>> prepareEventSources(
            EventSourceContext<ProxmoxCluster> context) {
        PollEventSource polls = new PollEventSource();
        connections.addListener(polls);
        InformerEventSourceConfiguration<Secret> config =
                InformerEventSourceConfiguration.from(Secret.class, ProxmoxCluster.class)
                        .withName("secrets")
                        .withSecondaryToPrimaryMapper(
                                secret ->
                                        context.getPrimaryCache()
                                                .list(
                                                        secret.getMetadata().getNamespace(),
                                                        cluster ->
                                                                secretNames(cluster)
                                                                        .contains(
                                                                                secret.getMetadata()
                                                                                        .getName()))
                                                .map(ResourceID::fromResource)
                                                .collect(Collectors.toSet()))
                        // Secrets keep fabric8's own store (no CacheTrim): few,
                        // small, their values must not be interned, and with the
                        // trimming store RbacAuditIT's watched-namespaces run
                        // missed an existing Secret in 2 of 7 runs; 0 of 3 without.
                        .build();
        secrets = new InformerEventSource<>(config, context);
        // HaVms' placement (PVE 9 rules are rendered here): a spec or label change of a HaVm
        // reconciles its cluster
        InformerEventSourceConfiguration<HaVm> vmConfig =
                InformerEventSourceConfiguration.from(HaVm.class, ProxmoxCluster.class)
                        .withName("havms")
                        .withSecondaryToPrimaryMapper(
                                vm ->
                                        vm.getSpec() == null || vm.getSpec().getClusterRef() == null
                                                ? Set.of()
                                                : Set.of(
                                                        new ResourceID(
                                                                vm.getSpec()
                                                                        .getClusterRef()
                                                                        .getName(),
                                                                vm.getMetadata().getNamespace())))
                        .withOnUpdateFilter(
                                (updated, old) ->
                                        !java.util.Objects.equals(
                                                        updated.getMetadata().getGeneration(),
                                                        old.getMetadata().getGeneration())
                                                || !java.util.Objects.equals(
                                                        updated.getMetadata().getLabels(),
                                                        old.getMetadata().getLabels())
                                                || !java.util.Objects.equals(
                                                        vmidOf(updated), vmidOf(old))
                                                || !java.util.Objects.equals(
                                                        recoveryOf(updated), recoveryOf(old)))
                        .withItemStore(CacheTrim.store())
                        .build();
        haVms = new InformerEventSource<>(vmConfig, context);
        List<EventSource<?, ProxmoxCluster>> sources =
                new java.util.ArrayList<>(List.of(polls, secrets, haVms));
        if (monitoring != null) {
            sources.addAll(monitored.prepare(context, monitoring, haVms));
        }
        // Disaster recovery sums up the HaVms' restores and waits for CephPools and backup
        // storages; BackupPolicies come from monitoring's informer when there is one.
        sources.addAll(
                recoverySources.prepare(context, monitoring == null ? null : monitored::backups));
        return sources;
    }

    private static Integer vmidOf(HaVm vm) {
        return vm.getStatus() == null ? null : vm.getStatus().getVmid();
    }

    /** What a HaVm's part in a recovery is: its step changes move the cluster's summary. */
    private static String recoveryOf(HaVm vm) {
        HaVmStatus status = vm.getStatus();
        if (status == null) {
            return null;
        }
        HaVmStatus.Recovery r = status.getRecovery();
        return status.getPveCluster()
                + "|"
                + (r == null ? "" : r.getTargetCluster() + "/" + r.getStep() + "/" + r.getBackup());
    }

    /** The HaVms of the cluster (same namespace, clusterRef naming it), from the informer cache. */
    private List<HaVm> haVmsOf(ProxmoxCluster cluster) {
        if (haVms == null) {
            return List.of();
        }
        String name = cluster.getMetadata().getName();
        return haVms.list(
                        cluster.getMetadata().getNamespace(),
                        vm ->
                                vm.getSpec() != null
                                        && vm.getSpec().getClusterRef() != null
                                        && name.equals(vm.getSpec().getClusterRef().getName()))
                .toList();
    }

    static Set<String> secretNames(ProxmoxCluster cluster) {
        Set<String> names =
                ClusterSettingsResolver.secretKeys(cluster.getSpec()).stream()
                        .map(SecretKey::secret)
                        .collect(Collectors.toSet());
        names.addAll(
                io.pveha.reconciler.monitoring.Monitoring.secretNames(
                        cluster.getSpec().getAlerting()));
        return names;
    }

    @Override
    public UpdateControl<ProxmoxCluster> reconcile(
            ProxmoxCluster cluster, Context<ProxmoxCluster> context) {
        try (ReconcileMarker ignored = ReconcileMarker.of(cluster)) {
            Reporter<ProxmoxCluster, ProxmoxClusterStatus> reporter =
                    new Reporter<>(cluster, context, events);
            ProxmoxClusterStatus previous = cluster.getStatus();
            Instant now = now();
            Optional<ReconcileGate.Stop> stop =
                    ReconcileGate.check(
                            cluster,
                            previous == null ? null : previous.getConditions(),
                            validation);
            if (stop.isPresent()) {
                if (stop.get().reason() == CommonReason.InvalidSpec) {
                    // No polling on settings the spec does not hold; a paused cluster keeps serving
                    // its resources.
                    executor.disconnect(ClusterKey.of(cluster));
                }
                reporter.report(
                        ClusterStatusBuilder.stopped(
                                cluster, previous, stop.get().reason(), stop.get().message(), now),
                        stop.get().note().stream().toList());
                return UpdateControl.noUpdate();
            }
            ProxmoxClusterFacts facts =
                    observer.observe(cluster)
                            .withHaVms(haVmsOf(cluster), observer.placementKey(cluster));
            ProxmoxClusterPlanner.Plan plan =
                    ProxmoxClusterPlanner.plan(cluster, previous, facts, now);
            Optional<HaGroupSync.Outcome> haGroups = Optional.empty();
            if (plan.needsHaGroups() || plan.needsHaRules()) {
                try {
                    facts =
                            plan.needsHaGroups()
                                    ? facts.withHaGroups(observer.haGroups(facts))
                                    : facts.withHaRules(observer.haRules(facts));
                    plan = ProxmoxClusterPlanner.plan(cluster, previous, facts, now);
                } catch (PveApiException e) {
                    // Said in PlacementInSync (not at every retry in the log) and read again after
                    // HaGroupSync.RETRY.
                    LOG.debug("HA placement not read: {}", e.describe());
                    if (PveApiException.groupsMigrated(e)) {
                        facts.connection().refreshVersion();
                    }
                    haGroups = Optional.of(HaGroupSync.failed(e.describe()));
                }
            }
            Optional<HaGroupSync.Outcome> changed = executor.act(facts.key(), plan);
            if (changed.isPresent()) {
                haGroups = changed;
            }
            if (haGroups.isPresent()) {
                observer.haRulesChecked(cluster, now, plan.placementKey());
            }
            ProxmoxClusterStatus status =
                    ClusterStatusBuilder.build(cluster, previous, facts, plan, haGroups, now);
            // Disaster recovery before the Events: Ready may say the recovery's step.
            RecoveryPlanner.Outcome recovery = recover(cluster, previous, facts, now);
            if (recovery.status() != null
                    || (previous != null && previous.getDisasterRecovery() != null)) {
                if (status == previous) {
                    status =
                            io.pveha.reconciler.Copies.deepCopy(
                                    previous, ProxmoxClusterStatus.class);
                }
                RecoveryReport.apply(
                        recovery, status, previous, cluster.getMetadata().getGeneration(), now);
            }
            List<io.pveha.reconciler.Note> notes =
                    new java.util.ArrayList<>(ProxmoxClusterEvents.between(previous, status));
            notes.addAll(recovery.notes());
            if (status == previous && cluster.getSpec().getDisasterRecovery() != null) {
                // The drill edits the status being built, never the cached one (an unchanged copy
                // is not written).
                status = io.pveha.reconciler.Copies.deepCopy(previous, ProxmoxClusterStatus.class);
            }
            Optional<io.pveha.reconciler.recovery.drill.PlatformDrill.Outcome> drilled =
                    drill(cluster, status, reporter, now);
            drilled.ifPresent(o -> notes.addAll(o.plan().notes()));
            io.pveha.reconciler.monitoring.Monitoring.Outcome monitored =
                    monitor(cluster, previous, facts, status.getDisasterRecovery(), now);
            if (monitored != null) {
                if (status == previous) {
                    // The builder hands back the cached status itself when nothing moved: edit a
                    // copy.
                    status =
                            io.pveha.reconciler.Copies.deepCopy(
                                    previous, ProxmoxClusterStatus.class);
                }
                io.pveha.reconciler.monitoring.Monitoring.apply(
                        monitored, status, cluster.getMetadata().getGeneration(), now);
                notes.addAll(monitored.clusterNotes());
            }
            if (previous != null
                    && status != previous
                    && ClusterStatusBuilder.heartbeatNotDue(previous, status, now)) {
                // Only the poll times moved (the standby's too): not worth a status write. Checked
                // last: the recovery, the drill and monitoring edit the status above.
                status = previous;
            }
            reporter.report(status, notes);
            if (monitored != null) {
                monitoring.deliver(monitored);
            }
            java.time.Duration requeue = plan.requeue();
            if (recovery.requeue().isPresent() && recovery.requeue().get().compareTo(requeue) < 0) {
                requeue = recovery.requeue().get();
            }
            if (drilled.isPresent() && drilled.get().requeue().compareTo(requeue) < 0) {
                requeue = drilled.get().requeue();
            }
            return UpdateControl.<ProxmoxCluster>noUpdate().rescheduleAfter(requeue);
        }
    }

    /**
     * The poll of the cluster the spec makes active, from the connection as the executor just left
     * it: right after the switch the facts observed at the start of the pass may still be the lost
     * primary's last poll, which must never pass for the standby.
     */
    private PollOutcome activeOutcome(ProxmoxCluster cluster) {
        List<String> wanted = ClusterSettingsResolver.active(cluster.getSpec()).endpoints();
        return connections
                .get(ClusterKey.of(cluster))
                .filter(c -> c.settings().endpoints().equals(wanted))
                .map(c -> c.outcome())
                .orElse(PollOutcome.NONE);
    }

    /**
     * The disaster-recovery pass: the summary of where the platform runs and of a recovery in
     * progress, from both clusters' polls and the platform's resources (no call of its own).
     */
    private RecoveryPlanner.Outcome recover(
            ProxmoxCluster cluster,
            ProxmoxClusterStatus previous,
            ProxmoxClusterFacts facts,
            Instant now) {
        if (cluster.getSpec().getDisasterRecovery() == null) {
            return RecoveryPlanner.plan(cluster, null, null, now);
        }
        ClusterKey key = ClusterKey.of(cluster);
        Optional<RecoveryFacts.OtherSite> other =
                ProxmoxClusterPlanner.other(cluster, facts.secrets())
                        .map(
                                o ->
                                        new RecoveryFacts.OtherSite(
                                                o.role(),
                                                connections
                                                        .get(key.other(o.role()))
                                                        .map(c -> c.outcome())
                                                        .orElse(PollOutcome.NONE),
                                                o.problem()));
        RecoveryFacts recoveryFacts =
                new RecoveryFacts(
                        cluster.getSpec().getDisasterRecovery(),
                        activeOutcome(cluster),
                        other,
                        haVmsOf(cluster),
                        recoverySources.cephPools(cluster),
                        recoverySources.policies(cluster));
        return RecoveryPlanner.plan(
                cluster,
                previous == null ? null : previous.getDisasterRecovery(),
                recoveryFacts,
                now);
    }

    /**
     * The disaster-recovery drill's pass (see {@link
     * io.pveha.reconciler.recovery.drill.PlatformDrill}) on the status being built: its record, the
     * DrillPassed condition when a drill ended; its tasks' intents are written through the reporter
     * before PVE is called.
     */
    private Optional<io.pveha.reconciler.recovery.drill.PlatformDrill.Outcome> drill(
            ProxmoxCluster cluster,
            ProxmoxClusterStatus status,
            Reporter<ProxmoxCluster, ProxmoxClusterStatus> reporter,
            Instant now) {
        if (cluster.getSpec().getDisasterRecovery() == null
                || status.getDisasterRecovery() == null) {
            return Optional.empty();
        }
        Optional<io.pveha.reconciler.recovery.drill.PlatformDrill.Outcome> outcome =
                drill.pass(
                        cluster,
                        status.getDisasterRecovery().getDrill(),
                        haVmsOf(cluster),
                        recoverySources.policies(cluster),
                        d -> status.getDisasterRecovery().setDrill(d),
                        () -> reporter.record(status),
                        now);
        long generation =
                cluster.getMetadata().getGeneration() == null
                        ? 0
                        : cluster.getMetadata().getGeneration();
        outcome.flatMap(o -> o.plan().verdict())
                .ifPresent(
                        v ->
                                io.pveha.reconciler.Conditions.set(
                                        status,
                                        io.pveha.reconciler.recovery.drill.PlatformDrillPlanner
                                                .CONDITION,
                                        v.ok(),
                                        v.reason(),
                                        v.message(),
                                        generation,
                                        now));
        return outcome;
    }

    @Override
    public DeleteControl cleanup(ProxmoxCluster cluster, Context<ProxmoxCluster> context) {
        executor.disconnect(ClusterKey.of(cluster));
        observer.forget(cluster);
        if (monitoring != null) {
            monitoring.forget(ClusterKey.of(cluster));
        }
        LOG.info(
                "cluster {} deleted: polling stopped (HA groups in PVE are left as they are)",
                ClusterKey.of(cluster));
        return DeleteControl.defaultDelete();
    }

    @Override
    public ErrorStatusUpdateControl<ProxmoxCluster> updateErrorStatus(
            ProxmoxCluster cluster, Context<ProxmoxCluster> context, Exception e) {
        return Reporter.kubernetesError(
                cluster,
                context,
                e,
                (status, reason, message) ->
                        ClusterStatusBuilder.stopped(cluster, status, reason, message, now()));
    }

    /** The monitoring pass (its own observe → plan → act → report, see Monitoring). */
    private io.pveha.reconciler.monitoring.Monitoring.Outcome monitor(
            ProxmoxCluster cluster,
            ProxmoxClusterStatus previous,
            ProxmoxClusterFacts facts,
            io.pveha.api.cluster.DisasterRecoveryStatus disasterRecovery,
            Instant now) {
        if (monitoring == null) {
            return null;
        }
        return monitoring.pass(
                cluster,
                previous,
                facts.outcome(),
                monitored.haVms(cluster),
                monitored.lbs(cluster),
                monitored.backups(cluster),
                disasterRecovery,
                id -> secrets == null ? Optional.empty() : secrets.get(id),
                now);
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.SECONDS);
    }

    /** Reconciles a ProxmoxCluster after each of its polls. */
    private static final class PollEventSource
            extends AbstractEventSource<PollOutcome, ProxmoxCluster>
            implements ClusterConnections.Listener {
        PollEventSource() {
            super(PollOutcome.class, "proxmoxcluster-polls");
        }

        @Override
        public void polled(ClusterKey key, PollOutcome previous, PollOutcome current) {
            if (isRunning()) {
                // The other cluster's polls (disaster recovery) reconcile the ProxmoxCluster too.
                ClusterKey owner = key.owner();
                getEventHandler()
                        .handleEvent(new Event(new ResourceID(owner.name(), owner.namespace())));
            }
        }

        @Override
        public Set<PollOutcome> getSecondaryResources(ProxmoxCluster primary) {
            return Set.of();
        }
    }
}
