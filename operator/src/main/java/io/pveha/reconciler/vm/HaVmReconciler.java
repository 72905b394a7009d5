package io.pveha.reconciler.vm;

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
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.pveha.api.SecretKeyRef;
import io.pveha.api.backup.BackupPolicy;
import io.pveha.api.cluster.DisasterRecovery;
import io.pveha.api.cluster.ProxmoxCluster;
import io.pveha.api.vm.CloudInit;
import io.pveha.api.vm.HaVm;
import io.pveha.api.vm.HaVmStatus;
import io.pveha.api.vm.Source;
import io.pveha.cluster.ClusterConnections;
import io.pveha.cluster.ClusterKey;
import io.pveha.cluster.ClusterSnapshot;
import io.pveha.cluster.PollOutcome;
import io.pveha.cluster.TaskSlots;
import io.pveha.pve.PveApiException;
import io.pveha.pve.model.ClusterResource;
import io.pveha.pve.model.HaStatusEntry;
import io.pveha.reconciler.CacheTrim;
import io.pveha.reconciler.ClusterFactsEventSource;
import io.pveha.reconciler.Conditions;
import io.pveha.reconciler.EventRecorder;
import io.pveha.reconciler.Note;
import io.pveha.reconciler.ReconcileGate;
import io.pveha.reconciler.ReconcileMarker;
import io.pveha.reconciler.Reporter;
import io.pveha.reconciler.SpecOrIntentChanged;
import io.pveha.reconciler.SpecValidation;
import io.pveha.reconciler.task.TaskLedger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HaVm controller. A pass reads top to bottom: gate (pause, invalid spec) → observe ({@link
 * HaVmObserver}, from the cluster's shared poll and informer caches) → plan ({@link HaVmPlanner},
 * pure; {@link HaVmDeletionPlanner} for the finalizer) → act ({@link HaVmExecutor}, one action,
 * tasks through the ledger) → report ({@link HaVmStatusBuilder}, {@link HaVmEvents}). A HaVm is
 * reconciled when its VM's facts or its task change in a poll, when its spec, annotations,
 * cloud-init Secrets or the BackupPolicy it restores from change, and while work is in flight.
 */
@ControllerConfiguration(
        name = "havm",
        generationAwareEventProcessing = false,
        informer = @Informer(onUpdateFilter = SpecOrIntentChanged.class))
public class HaVmReconciler implements Reconciler<HaVm>, Cleaner<HaVm> {
    private static final Logger LOG = LoggerFactory.getLogger(HaVmReconciler.class);

    private final ClusterConnections connections;
    private final SpecValidation validation;
    private final EventRecorder events;
    private final Clock clock;
    private final VmidAllocator allocator;
    private final HaVmObserver observer;
    private final HaVmExecutor executor;
    private final TaskLedger ledger;
    private volatile InformerEventSource<Secret, HaVm> secrets;
    private volatile InformerEventSource<BackupPolicy, HaVm> backupPolicies;
    private volatile InformerEventSource<ProxmoxCluster, HaVm> clusters;
    private final Map<ClusterKey, TaskSlots> restoreSlots = new ConcurrentHashMap<>();

    /**
     * With the allocator and ledger shared with other controllers that create VMs and start tasks.
     */
    public HaVmReconciler(
            ClusterConnections connections,
            SpecValidation validation,
            EventRecorder events,
            Clock clock,
            VmidAllocator allocator,
            TaskLedger ledger) {
        this.connections = connections;
        this.validation = validation;
        this.events = events;
        this.clock = clock;
        this.allocator = allocator;
        this.ledger = ledger;
        VmMemory.Store memories = new VmMemory.Store();
        this.observer = new HaVmObserver(connections, ledger, memories);
        this.executor = new HaVmExecutor(ledger, allocator, memories);
    }

    @Override
    public List<EventSource<?, HaVm>> prepareEventSources(EventSourceContext<HaVm> context) {
        ClusterFactsEventSource<HaVm> facts =
                new ClusterFactsEventSource<>(
                        HaVm.class,
                        context,
                        vm ->
                                vm.getSpec() == null || vm.getSpec().getClusterRef() == null
                                        ? null
                                        : vm.getSpec().getClusterRef().getName(),
                        HaVmReconciler::vmFactsChanged,
                        vm -> vm.getStatus() == null ? null : vm.getStatus().getPendingTask());
        connections.addListener(facts);
        secrets =
                new InformerEventSource<>(
                        InformerEventSourceConfiguration.from(Secret.class, HaVm.class)
                                .withSecondaryToPrimaryMapper(
                                        secret ->
                                                context.getPrimaryCache()
                                                        .list(
                                                                secret.getMetadata().getNamespace(),
                                                                vm ->
                                                                        cloudInitSecrets(vm)
                                                                                .contains(
                                                                                        secret.getMetadata()
                                                                                                .getName()))
                                                        .map(ResourceID::fromResource)
                                                        .collect(Collectors.toSet()))
                                // Secrets keep fabric8's own store (no CacheTrim): few,
                                // small, their values must not be interned, and with the
                                // trimming store RbacAuditIT's watched-namespaces run
                                // missed an existing Secret in 2 of 7 runs; 0 of 3 without.
                                .build(),
                        context);
        backupPolicies =
                new InformerEventSource<>(
                        InformerEventSourceConfiguration.from(BackupPolicy.class, HaVm.class)
                                .withSecondaryToPrimaryMapper(
                                        policy ->
                                                context.getPrimaryCache()
                                                        .list(
                                                                policy.getMetadata().getNamespace(),
                                                                vm ->
                                                                        waitsForBackupOf(
                                                                                vm,
                                                                                policy.getMetadata()
                                                                                        .getName()))
                                                        .map(ResourceID::fromResource)
                                                        .collect(Collectors.toSet()))
                                .withItemStore(CacheTrim.store())
                                .build(),
                        context);
        clusters =
                new InformerEventSource<>(
                        InformerEventSourceConfiguration.from(ProxmoxCluster.class, HaVm.class)
                                .withName("proxmoxclusters")
                                .withSecondaryToPrimaryMapper(
                                        cluster ->
                                                context.getPrimaryCache()
                                                        .list(
                                                                cluster.getMetadata()
                                                                        .getNamespace(),
                                                                vm ->
                                                                        vm.getSpec() != null
                                                                                && vm.getSpec()
                                                                                                .getClusterRef()
                                                                                        != null
                                                                                && cluster.getMetadata()
                                                                                        .getName()
                                                                                        .equals(
                                                                                                vm.getSpec()
                                                                                                        .getClusterRef()
                                                                                                        .getName()))
                                                        .map(ResourceID::fromResource)
                                                        .collect(Collectors.toSet()))
                                .withOnUpdateFilter(
                                        (updated, old) ->
                                                !Objects.equals(
                                                                updated.getMetadata()
                                                                        .getGeneration(),
                                                                old.getMetadata().getGeneration())
                                                        || !Objects.equals(
                                                                placementOf(updated),
                                                                placementOf(old)))
                                .withItemStore(CacheTrim.store())
                                .build(),
                        context);
        return List.of(facts, secrets, backupPolicies, clusters);
    }

    @Override
    public UpdateControl<HaVm> reconcile(HaVm vm, Context<HaVm> context) {
        try (ReconcileMarker ignored = ReconcileMarker.of(vm)) {
            Instant now = clock.instant();
            Reporter<HaVm, HaVmStatus> reporter = new Reporter<>(vm, context, events);
            HaVmStatus previous = vm.getStatus();
            Optional<ReconcileGate.Stop> stop =
                    ReconcileGate.check(
                            vm, previous == null ? null : previous.getConditions(), validation);
            if (stop.isPresent()) {
                reporter.report(
                        HaVmStatusBuilder.stopped(
                                vm,
                                previous,
                                stop.get().reason(),
                                stop.get().message(),
                                seconds(now)),
                        stop.get().note().stream().toList());
                return UpdateControl.noUpdate();
            }
            HaVmFacts facts;
            try {
                facts = observer.observe(vm, caches(context), now);
            } catch (PveApiException e) {
                return rescheduled(failedObservation(vm, e, now, reporter, false));
            }
            HaVmPlan plan = HaVmPlanner.plan(vm, facts, now);
            return rescheduled(act(vm, facts, plan, context, reporter, now, false));
        }
    }

    @Override
    public DeleteControl cleanup(HaVm vm, Context<HaVm> context) {
        try (ReconcileMarker ignored = ReconcileMarker.of(vm)) {
            Instant now = clock.instant();
            Reporter<HaVm, HaVmStatus> reporter = new Reporter<>(vm, context, events);
            HaVmFacts facts;
            try {
                facts = observer.observeDeletion(vm, now);
            } catch (PveApiException e) {
                return DeleteControl.noFinalizerRemoval()
                        .rescheduleAfter(failedObservation(vm, e, now, reporter, true));
            }
            HaVmPlan plan = HaVmDeletionPlanner.plan(vm, facts);
            if (plan.finished()) {
                reporter.emit(
                        HaVmEvents.between(
                                vm.getStatus(),
                                vm.getStatus() == null ? new HaVmStatus() : vm.getStatus(),
                                plan,
                                true));
                if (vm.getStatus() != null && vm.getStatus().getVmid() != null) {
                    allocator.release(HaVmObserver.clusterKey(vm), vm.getStatus().getVmid());
                }
                // A HaVm deleted while its disaster-recovery restore ran held a restore slot of its
                // node; gone, it must not keep the other HaVms of that node waiting.
                TaskSlots restores = restoreSlots.get(HaVmObserver.clusterKey(vm));
                if (restores != null) {
                    restores.release(vm.getMetadata().getUid());
                }
                observer.forget(vm);
                return DeleteControl.defaultDelete();
            }
            Duration next = act(vm, facts, plan, context, reporter, now, true);
            return DeleteControl.noFinalizerRemoval()
                    .rescheduleAfter(next == null ? HaVmPlanner.BUSY : next);
        }
    }

    @Override
    public ErrorStatusUpdateControl<HaVm> updateErrorStatus(
            HaVm vm, Context<HaVm> context, Exception e) {
        return Reporter.kubernetesError(
                vm,
                context,
                e,
                (status, reason, message) ->
                        HaVmStatusBuilder.stopped(
                                vm, status, reason, message, seconds(clock.instant())));
    }

    /** Acts on the plan, then reports; returns when to look again (null: on events only). */
    private Duration act(
            HaVm vm,
            HaVmFacts facts,
            HaVmPlan plan,
            Context<HaVm> context,
            Reporter<HaVm, HaVmStatus> reporter,
            Instant now,
            boolean deleting) {
        HaVmStatus built = HaVmStatusBuilder.build(vm, facts, plan, seconds(now));
        HaVmStatus next = built;
        plan.ended()
                .ifPresent(
                        task ->
                                ledger.complete(
                                        facts.cluster().connection(), vm.getMetadata().getUid()));
        Duration requeue = plan.requeue().orElse(null);
        String uid = vm.getMetadata().getUid();
        TaskSlots restores = restoreSlots(vm, facts);
        if (plan.action().isPresent()
                && plan.action().get() instanceof HaVmAction.Restore restore
                && plan.edits().recovery() != null
                && !restores.tryAcquire(restore.node(), uid)) {
            // Disaster recovery: the node runs as many restores as
            // maxParallelRestoresPerNode allows (other HaVms took the slots since the plan read
            // their status).
            next = HaVmStatusBuilder.waitingForSlot(vm, built, restore.node(), seconds(now));
            reporter.report(next, HaVmEvents.between(vm.getStatus(), next, plan, deleting));
            return Duration.ofSeconds(3);
        }
        if (plan.action().isPresent()) {
            HaVmAction action = plan.action().get();
            try {
                HaVmExecutor.Outcome outcome =
                        executor.act(
                                vm,
                                action,
                                facts.cluster().connection(),
                                facts.cluster().snapshot(),
                                built,
                                () -> reporter.record(built),
                                claimedElsewhere(vm, context),
                                facts.secrets().secrets(),
                                now);
                if (outcome == HaVmExecutor.Outcome.NO_SLOT) {
                    next =
                            HaVmStatusBuilder.waitingForSlot(
                                    vm, built, ((HaVmAction.Task) action).node(), seconds(now));
                    requeue = Duration.ofSeconds(3);
                } else if (outcome == HaVmExecutor.Outcome.VMID_TAKEN) {
                    requeue = HaVmPlanner.SOON;
                }
            } catch (PveApiException e) {
                LOG.warn("PVE refused or failed: {}", e.describe());
                if (PveApiException.groupsMigrated(e)) {
                    // PVE 9 migrated the HA groups: the next poll reads the version again
                    facts.cluster().connection().refreshVersion();
                }
                next = HaVmStatusBuilder.apiError(vm, built, e, seconds(now));
                requeue = HaVmStatusBuilder.retryAfter(next, e);
            }
        }
        reporter.report(next, HaVmEvents.between(vm.getStatus(), next, plan, deleting));
        if (next.getPendingTask() == null
                || !HaVmAction.TaskKind.RESTORE.action.equals(next.getPendingTask().getAction())) {
            restores.release(uid);
        }
        return requeue;
    }

    /**
     * The restore slots of the HaVm's cluster (disaster recovery): at most
     * spec.disasterRecovery.maxParallelRestoresPerNode restores per node, counted in memory so
     * HaVms reconciled at the same time cannot overshoot; a restore found running in status (after
     * a restart) holds its slot.
     */
    private TaskSlots restoreSlots(HaVm vm, HaVmFacts facts) {
        int cap =
                HaVmRecovery.spec(facts)
                        .map(DisasterRecovery::restoresPerNode)
                        .orElse(DisasterRecovery.DEFAULT_MAX_PARALLEL_RESTORES_PER_NODE);
        TaskSlots slots =
                restoreSlots.computeIfAbsent(HaVmObserver.clusterKey(vm), k -> new TaskSlots(cap));
        slots.setPerNode(cap);
        HaVmStatus status = vm.getStatus();
        if (status != null
                && status.getPendingTask() != null
                && status.getRecovery() != null
                && HaVmAction.TaskKind.RESTORE.action.equals(status.getPendingTask().getAction())) {
            slots.hold(status.getPendingTask().getNode(), vm.getMetadata().getUid());
        }
        return slots;
    }

    private Duration failedObservation(
            HaVm vm,
            PveApiException e,
            Instant now,
            Reporter<HaVm, HaVmStatus> reporter,
            boolean deleting) {
        LOG.warn("PVE refused or failed: {}", e.describe());
        HaVmStatus failed =
                HaVmStatusBuilder.apiError(
                        vm,
                        vm.getStatus() == null ? new HaVmStatus() : vm.getStatus(),
                        e,
                        seconds(now));
        List<Note> notes =
                deleting
                        ? List.of(Note.warning(HaVmReason.DeletionFailed, e.describe()))
                        : HaVmEvents.between(
                                vm.getStatus(),
                                failed,
                                new HaVmPlan.Builder()
                                        .ready(
                                                io.pveha.reconciler.CommonReason.ApiError,
                                                e.describe())
                                        .build(),
                                false);
        reporter.report(failed, notes);
        return HaVmStatusBuilder.retryAfter(failed, e);
    }

    /** How the cluster keeps placement, as its status says (groups or rules, and which). */
    private static String placementOf(ProxmoxCluster cluster) {
        if (cluster.getStatus() == null) {
            return null;
        }
        var dr = cluster.getStatus().getDisasterRecovery();
        // A recovery's phase lets the HaVms restore themselves (or tells them to wait).
        String recovery =
                dr == null || dr.getRecovery() == null
                        ? ""
                        : dr.getRecovery().getTargetClusterName()
                                + "/"
                                + dr.getRecovery().getPhase();
        return cluster.getStatus().getPlacementModel()
                + cluster.getStatus().getPlacementObjects()
                + recovery;
    }

    private HaVmObserver.Caches caches(Context<HaVm> context) {
        return new HaVmObserver.Caches(
                id -> context.getPrimaryCache().get(id),
                id -> backupPolicies == null ? Optional.empty() : backupPolicies.get(id),
                id -> secrets == null ? Optional.empty() : secrets.get(id),
                id -> clusters == null ? Optional.empty() : clusters.get(id),
                ns -> context.getPrimaryCache().list(ns).toList(),
                ns -> backupPolicies == null ? List.of() : backupPolicies.list(ns).toList());
    }

    /** VMIDs other HaVms of the same cluster declare or hold (from the cache: no call). */
    private static Set<Integer> claimedElsewhere(HaVm vm, Context<HaVm> context) {
        String uid = vm.getMetadata().getUid();
        return context.getPrimaryCache()
                .list(vm.getMetadata().getNamespace())
                .filter(other -> !uid.equals(other.getMetadata().getUid()))
                .filter(
                        other ->
                                other.getSpec() != null
                                        && Objects.equals(
                                                vm.getSpec().getClusterRef(),
                                                other.getSpec().getClusterRef()))
                .flatMap(
                        other ->
                                Stream.of(
                                        other.getSpec().getVmid(),
                                        other.getStatus() == null
                                                ? null
                                                : other.getStatus().getVmid()))
                .filter(Objects::nonNull)
                .collect(Collectors.toSet());
    }

    private static Set<String> cloudInitSecrets(HaVm vm) {
        CloudInit ci = vm.getSpec() == null ? null : vm.getSpec().getCloudInit();
        if (ci == null) {
            return Set.of();
        }
        return Stream.of(ci.getSshKeysSecretRef(), ci.getPasswordSecretRef())
                .filter(Objects::nonNull)
                .map(SecretKeyRef::getName)
                .collect(Collectors.toSet());
    }

    /**
     * A HaVm that restores the latest backup of {@code policy} and has not been provisioned yet.
     */
    private static boolean waitsForBackupOf(HaVm vm, String policy) {
        Source source = vm.getSpec() == null ? null : vm.getSpec().getSource();
        return source != null
                && source.getBackup() != null
                && source.getBackup().getPolicyRef() != null
                && policy.equals(source.getBackup().getPolicyRef().getName())
                && (vm.getStatus() == null
                        || !Conditions.isTrue(
                                vm.getStatus().getConditions(), HaVmPlanner.Names.PROVISIONED));
    }

    private static UpdateControl<HaVm> rescheduled(Duration after) {
        return after == null
                ? UpdateControl.noUpdate()
                : UpdateControl.<HaVm>noUpdate().rescheduleAfter(after);
    }

    private static Instant seconds(Instant now) {
        return now.truncatedTo(ChronoUnit.SECONDS);
    }

    /** A poll matters to a HaVm when its VM's facts (not its load) or its HA state changed. */
    static boolean vmFactsChanged(HaVm vm, PollOutcome previous, PollOutcome current) {
        Integer vmid =
                vm.getStatus() == null || vm.getStatus().getVmid() == null
                        ? vm.getSpec().getVmid()
                        : vm.getStatus().getVmid();
        if (vmid == null) {
            return false;
        }
        if (!Objects.equals(facts(previous.snapshot(), vmid), facts(current.snapshot(), vmid))) {
            return true;
        }
        // a VM kept apart from or together with others: where the others run and their HA state
        return io.pveha.reconciler.placement.Placements.hasAffinity(vm)
                && !Objects.equals(haServices(previous.snapshot()), haServices(current.snapshot()));
    }

    private static String haServices(ClusterSnapshot snapshot) {
        if (snapshot == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(snapshot.version().version());
        snapshot.ha().stream()
                .filter(HaStatusEntry::isService)
                .forEach(
                        e ->
                                out.append('|')
                                        .append(e.sid())
                                        .append('@')
                                        .append(e.node())
                                        .append('/')
                                        .append(e.crmState()));
        return out.toString();
    }

    private static String facts(ClusterSnapshot snapshot, int vmid) {
        if (snapshot == null) {
            return null;
        }
        Optional<ClusterResource> vm = snapshot.vm(vmid);
        Optional<HaStatusEntry> ha = snapshot.haService(vmid);
        return vm.map(
                                r ->
                                        r.node()
                                                + "|"
                                                + r.status()
                                                + "|"
                                                + r.lock()
                                                + "|"
                                                + r.template()
                                                + "|"
                                                + r.name()
                                                + "|"
                                                + r.tags()
                                                + "|"
                                                + r.maxmem()
                                                + "|"
                                                + r.maxcpu()
                                                + "|"
                                                + r.hastate()
                                                + "|"
                                                + snapshot.nodeOnline(r.node()))
                        .orElse("absent")
                + "|"
                + ha.map(
                                h ->
                                        h.crmState()
                                                + "/"
                                                + h.requestState()
                                                + "/"
                                                + h.node()
                                                + "/"
                                                + h.group())
                        .orElse("-");
    }
}
