package io.pveha.reconciler.backup;

import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.pveha.api.backup.BackupPolicy;
import io.pveha.api.backup.BackupPolicyStatus;
import io.pveha.api.vm.HaVm;
import io.pveha.cluster.ClusterConnection;
import io.pveha.cluster.ClusterConnections;
import io.pveha.cluster.ClusterKey;
import io.pveha.pve.PveApiException;
import io.pveha.pve.PveBackupApi;
import io.pveha.reconciler.Copies;
import io.pveha.reconciler.EventRecorder;
import io.pveha.reconciler.ReconcileMarker;
import io.pveha.reconciler.SpecValidation;
import io.pveha.reconciler.vm.VmidAllocator;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The BackupPolicy controller: JOSDK glue around {@link BackupPolicyPass}. HaVms are watched so a VM that gets
 * the policy's labels (or loses them, or gets its VMID) re-resolves the selection at once; otherwise a policy
 * is looked at once per poll interval of its cluster. Deleting a policy deletes its PVE job; the backups stay.
 */
@ControllerConfiguration(name = "backuppolicy", generationAwareEventProcessing = false)
public class BackupPolicyReconciler implements Reconciler<BackupPolicy>, Cleaner<BackupPolicy> {
    private static final Logger LOG = LoggerFactory.getLogger(BackupPolicyReconciler.class);

    private final BackupPolicyShared shared;

    /** {@code allocator}: the one the HaVm controller uses, so scratch VMs of drills never take a HaVm's VMID. */
    public BackupPolicyReconciler(ClusterConnections connections, SpecValidation validation, EventRecorder events, Clock clock,
            VmidAllocator allocator) {
        this.shared = new BackupPolicyShared(connections, validation, events, clock, allocator);
    }

    @Override
    public List<EventSource<?, BackupPolicy>> prepareEventSources(EventSourceContext<BackupPolicy> context) {
        InformerEventSourceConfiguration<HaVm> config = InformerEventSourceConfiguration.from(HaVm.class, BackupPolicy.class)
                .withSecondaryToPrimaryMapper(vm -> context.getPrimaryCache()
                        .list(vm.getMetadata().getNamespace(), policy -> inCluster(policy, vm))
                        .map(ResourceID::fromResource)
                        .collect(Collectors.toSet()))
                .build();
        InformerEventSource<HaVm, BackupPolicy> haVms = new InformerEventSource<>(config, context);
        shared.haVmSource = haVms;
        return List.of(haVms);
    }

    /** A HaVm event matters to every policy of its cluster in its namespace (labels may have changed either way). */
    private static boolean inCluster(BackupPolicy policy, HaVm vm) {
        return policy.getSpec() != null && vm.getSpec() != null
                && Objects.equals(policy.getSpec().getClusterRef(), vm.getSpec().getClusterRef());
    }

    @Override
    public UpdateControl<BackupPolicy> reconcile(BackupPolicy policy, Context<BackupPolicy> context) {
        try (ReconcileMarker ignored = ReconcileMarker.of(policy)) {
            Duration next = new BackupPolicyPass(shared, policy, context).run();
            return next == null ? UpdateControl.noUpdate() : UpdateControl.<BackupPolicy>noUpdate().rescheduleAfter(next);
        }
    }

    /**
     * A drill in flight when the policy is deleted: its scratch VM is destroyed before the finalizer goes (the
     * status, which alone knows the scratch VMID, goes with the policy). True when nothing is left.
     */
    private boolean cleanUpDrill(BackupPolicy policy, ClusterConnection connection, Context<BackupPolicy> context) {
        var snapshot = connection.outcome() == null ? null : connection.outcome().snapshot();
        if (snapshot == null) {
            return false;
        }
        BackupPolicyStatus status = Copies.deepCopy(policy.getStatus(), BackupPolicyStatus.class);
        BackupPolicy[] stored = {policy};
        BackupDrill.Host host = new BackupDrill.Host() {
            @Override
            public void persist() {
                stored[0] = io.pveha.reconciler.StatusPatch.record(stored[0], status, context);
            }

            @Override
            public java.time.Instant now() {
                return shared.clock.instant();
            }
        };
        try {
            boolean done = new BackupDrill(shared, policy, status, connection, snapshot, host)
                    .abandon(connection.api().clusterTasks());
            host.persist();
            return done;
        } catch (PveApiException e) {
            LOG.warn("cleaning up the restore drill of a deleted BackupPolicy: {}", e.describe());
            return false;
        }
    }

    /** Removes the policy's own job (found by its id); backups on the storage are never deleted. */
    @Override
    public DeleteControl cleanup(BackupPolicy policy, Context<BackupPolicy> context) {
        try (ReconcileMarker ignored = ReconcileMarker.of(policy)) {
            if (policy.getSpec() == null || policy.getSpec().getClusterRef() == null) {
                return DeleteControl.defaultDelete();
            }
            ClusterKey key = new ClusterKey(policy.getMetadata().getNamespace(), policy.getSpec().getClusterRef().getName());
            Optional<ClusterConnection> connection = shared.connections.get(key);
            if (connection.isEmpty()) {
                // The cluster is gone or not connected: nothing the operator can remove.
                return DeleteControl.defaultDelete();
            }
            if (BackupDrill.inFlight(policy.getStatus()) && !cleanUpDrill(policy, connection.get(), context)) {
                return DeleteControl.noFinalizerRemoval().rescheduleAfter(BackupPolicyPass.DRILL_STEP);
            }
            String jobId = BackupJobPlan.jobId(policy);
            PveBackupApi api = new PveBackupApi(connection.get().client());
            try {
                if (api.jobs().stream().anyMatch(j -> jobId.equals(j.path("id").asText()))) {
                    api.deleteJob(jobId);
                    shared.events.normal(policy, "JobDeleted", "deleted PVE backup job " + jobId
                            + "; existing backups are kept");
                    LOG.info("deleted backup job {}", jobId);
                }
            } catch (PveApiException e) {
                if (e.retryable()) {
                    return DeleteControl.noFinalizerRemoval().rescheduleAfter(Duration.ofSeconds(10));
                }
                shared.events.warning(policy, "JobDeleteFailed", e.describe());
            }
            return DeleteControl.defaultDelete();
        }
    }
}
