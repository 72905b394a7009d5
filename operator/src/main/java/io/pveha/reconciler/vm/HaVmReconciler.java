package io.pveha.reconciler.vm;

import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.pveha.api.vm.HaVm;
import io.pveha.cluster.ClusterConnections;
import io.pveha.cluster.ClusterSnapshot;
import io.pveha.cluster.PollOutcome;
import io.pveha.pve.model.ClusterResource;
import io.pveha.pve.model.HaStatusEntry;
import io.pveha.reconciler.ClusterFactsEventSource;
import io.pveha.reconciler.EventRecorder;
import io.pveha.reconciler.ReconcileMarker;
import io.pveha.reconciler.SpecOrIntentChanged;
import io.pveha.reconciler.SpecValidation;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The HaVm controller: JOSDK glue around {@link HaVmPass} (create and converge) and
 * {@link HaVmDeletion} (the finalizer). VMs are observed through the shared per-cluster poll; a HaVm is
 * reconciled when its VM's facts change in a poll, when its spec changes, and while work is in flight.
 */
@ControllerConfiguration(name = "havm", generationAwareEventProcessing = false,
        informer = @Informer(onUpdateFilter = SpecOrIntentChanged.class))
public class HaVmReconciler implements Reconciler<HaVm>, Cleaner<HaVm> {
    private final HaVmShared shared;

    /** With the allocator shared with other controllers that create VMs (the BackupPolicy restore drill). */
    public HaVmReconciler(ClusterConnections connections, SpecValidation validation, EventRecorder events, Clock clock,
            VmidAllocator allocator) {
        this.shared = new HaVmShared(connections, allocator, events, validation, clock);
    }

    @Override
    public List<EventSource<?, HaVm>> prepareEventSources(EventSourceContext<HaVm> context) {
        ClusterFactsEventSource<HaVm> facts = new ClusterFactsEventSource<>(HaVm.class, context,
                vm -> vm.getSpec() == null || vm.getSpec().getClusterRef() == null ? null : vm.getSpec().getClusterRef().getName(),
                HaVmReconciler::vmFactsChanged, vm -> null);
        shared.connections.addListener(facts);
        return List.of(facts);
    }

    @Override
    public UpdateControl<HaVm> reconcile(HaVm vm, Context<HaVm> context) {
        try (ReconcileMarker ignored = ReconcileMarker.of(vm)) {
            Duration next = new HaVmPass(shared, vm, context).run();
            return next == null ? UpdateControl.noUpdate() : UpdateControl.<HaVm>noUpdate().rescheduleAfter(next);
        }
    }

    @Override
    public DeleteControl cleanup(HaVm vm, Context<HaVm> context) {
        try (ReconcileMarker ignored = ReconcileMarker.of(vm)) {
            HaVmDeletion.Result result = new HaVmDeletion(shared, vm, context).run();
            return result.finished() ? DeleteControl.defaultDelete()
                    : DeleteControl.noFinalizerRemoval().rescheduleAfter(result.retryAfter());
        }
    }

    /** A poll matters to a HaVm when its VM's facts (not its load) or its HA state changed. */
    static boolean vmFactsChanged(HaVm vm, PollOutcome previous, PollOutcome current) {
        Integer vmid = vm.getStatus() == null ? vm.getSpec().getVmid() : vm.getStatus().getVmid();
        if (vmid == null) {
            return false;
        }
        return !Objects.equals(facts(previous.snapshot(), vmid), facts(current.snapshot(), vmid));
    }

    private static String facts(ClusterSnapshot snapshot, int vmid) {
        if (snapshot == null) {
            return null;
        }
        Optional<ClusterResource> vm = snapshot.vm(vmid);
        Optional<HaStatusEntry> ha = snapshot.haService(vmid);
        return vm.map(r -> r.node() + "|" + r.status() + "|" + r.lock() + "|" + r.template() + "|" + r.name() + "|" + r.tags()
                        + "|" + r.maxmem() + "|" + r.maxcpu() + "|" + r.hastate() + "|" + snapshot.nodeOnline(r.node())).orElse("absent")
                + "|" + ha.map(h -> h.crmState() + "/" + h.requestState() + "/" + h.node()).orElse("-");
    }
}
