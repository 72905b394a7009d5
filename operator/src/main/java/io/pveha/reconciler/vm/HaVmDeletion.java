package io.pveha.reconciler.vm;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.pveha.api.DeletionPolicy;
import io.pveha.api.vm.HaVm;
import io.pveha.api.vm.HaVmStatus;
import io.pveha.cluster.ClusterConnection;
import io.pveha.cluster.ClusterSnapshot;
import io.pveha.pve.PveApiException;
import io.pveha.pve.Upid;
import io.pveha.pve.model.ClusterResource;
import io.pveha.pve.model.TaskStatus;
import io.pveha.pve.model.VmConfig;
import io.pveha.reconciler.Conditions;
import io.pveha.reconciler.Copies;
import io.pveha.reconciler.Redactor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;

import static io.pveha.reconciler.vm.HaVmReasons.*;

/**
 * Deleting a HaVm. Retain (the default) leaves the VM. Delete goes in order, one step per pass, each
 * shown in the {@code Deleting} condition: remove the HA resource, stop the VM, destroy it with purge.
 * PVE's protection flag is respected (the deletion waits, blocked, until it is removed), and a VM the
 * HaVm does not own is never touched.
 */
final class HaVmDeletion {
    private static final Logger LOG = LoggerFactory.getLogger(HaVmDeletion.class);

    /** What the reconciler should do: finished (remove the finalizer) or look again after a delay. */
    record Result(boolean finished, Duration retryAfter) {
        static Result done() {
            return new Result(true, null);
        }

        static Result again(Duration after) {
            return new Result(false, after);
        }
    }

    private final HaVmShared shared;
    private final Context<HaVm> context;
    private final HaVm vm;
    private final HaVmStatus status;
    private final String uid;
    private HaVm stored;
    private ClusterConnection connection;

    HaVmDeletion(HaVmShared shared, HaVm vm, Context<HaVm> context) {
        this.shared = shared;
        this.context = context;
        this.vm = vm;
        this.stored = vm;
        this.uid = vm.getMetadata().getUid();
        HaVmStatus copy = Copies.deepCopy(vm.getStatus(), HaVmStatus.class);
        this.status = copy == null ? new HaVmStatus() : copy;
    }

    Result run() {
        Integer vmid = status.getVmid();
        if (vm.getSpec().getDeletionPolicy() != DeletionPolicy.Delete) {
            if (vmid != null) {
                shared.events.normal(vm, "Retained", "VM " + vmid + " is left in place (deletionPolicy Retain)");
                LOG.info("HaVm deleted, VM {} retained", vmid);
            }
            return finish(vmid);
        }
        if (vmid == null) {
            return finish(null);
        }
        connection = shared.connections.get(HaVmPass.clusterKey(vm)).orElse(null);
        ClusterSnapshot snapshot = connection == null ? null : connection.outcome().snapshot();
        if (snapshot == null || connection.outcome().error() != null) {
            step(CLUSTER_NOT_READY, "waiting for the cluster to be reachable to delete VM " + vmid);
            return again(Duration.ofSeconds(15));
        }
        try {
            return delete(vmid, snapshot);
        } catch (PveApiException e) {
            step(API_ERROR, e.describe());
            shared.events.warning(vm, "DeletionFailed", Redactor.scrub(e.describe()));
            return again(HaVmPass.backoff(1));
        }
    }

    private Result delete(int vmid, ClusterSnapshot snapshot) {
        HaVmStatus.PendingTask task = status.getPendingTask();
        if (task != null && task.getUpid() != null) {
            TaskStatus state = connection.api().taskStatus(Upid.parse(task.getUpid()));
            if (state.running()) {
                step(task.getAction().equals("Destroy") ? DESTROYING : STOPPING, task.getAction() + " running (" + task.getUpid() + ")");
                return again(HaVmPass.BUSY);
            }
            connection.taskSlots().release(uid);
            status.setPendingTask(null);
            shared.actedAt.put(uid, now());
            connection.requestPoll();
            if (!state.succeeded()) {
                step(TASK_FAILED, task.getAction() + " failed: " + state.exitstatus());
                shared.events.warning(vm, "DeletionFailed", task.getAction() + " of VM " + vmid + " failed: " + state.exitstatus());
                return again(HaVmPass.backoff(2));
            }
            if ("Destroy".equals(task.getAction())) {
                shared.events.normal(vm, "Destroyed", "VM " + vmid + " destroyed");
                return finish(vmid);
            }
            return again(HaVmPass.SOON);
        }
        status.setPendingTask(null);
        Instant acted = shared.actedAt.get(uid);
        if (acted != null && snapshot.polledAt().isBefore(acted)) {
            connection.requestPoll();
            return again(HaVmPass.SOON);
        }
        Optional<ClusterResource> observed = snapshot.vm(vmid);
        if (observed.isEmpty()) {
            if (!connection.vms().isVmidFree(vmid)) {
                connection.requestPoll();
                return again(HaVmPass.BUSY);
            }
            return finish(vmid);
        }
        ClusterResource obs = observed.get();
        VmConfig config = connection.vms().config(obs.node(), vmid);
        boolean owned = Ownership.taggedFor(obs.tagList(), vm) || Ownership.describedAs(config.get("description").orElse(null), vm);
        if (!owned) {
            shared.events.warning(vm, "NotOwned", "VM " + vmid + " is not owned by this HaVm and was left untouched");
            return finish(vmid);
        }
        if (snapshot.haService(vmid).isPresent()) {
            step(REMOVING_HA, "removing HA resource vm:" + vmid);
            connection.vms().deleteHaResource(vmid);
            shared.events.normal(vm, "HaRemoved", "removed HA resource vm:" + vmid + " before destroying the VM");
            shared.actedAt.put(uid, now());
            connection.requestPoll();
            return again(HaVmPass.BUSY);
        }
        if ("1".equals(config.get("protection").orElse("0"))) {
            String message = "VM " + vmid + " has PVE protection enabled: it is not destroyed until protection is removed"
                    + " (spec.protection: false, or in PVE)";
            step(DELETION_BLOCKED, message);
            shared.events.warning(vm, DELETION_BLOCKED, message);
            return again(Duration.ofSeconds(30));
        }
        if (obs.lock() != null && !obs.lock().isBlank()) {
            step(LOCKED, "VM is locked (" + obs.lock() + "); waiting before destroying it");
            return again(Duration.ofSeconds(5));
        }
        if ("running".equals(obs.status())) {
            return task("Stop", obs.node(), STOPPING, "stopping VM " + vmid,
                    () -> connection.vms().power(obs.node(), vmid, "stop", Map.of()));
        }
        return task("Destroy", obs.node(), DESTROYING, "destroying VM " + vmid + " and its disks",
                () -> connection.vms().destroy(obs.node(), vmid, Map.of("purge", 1, "destroy-unreferenced-disks", 1)));
    }

    private Result task(String action, String node, String reason, String message, java.util.function.Supplier<Upid> call) {
        if (!connection.taskSlots().tryAcquire(node, uid)) {
            step(WAITING_FOR_TASK_SLOT, "node " + node + " is busy with operator tasks");
            return again(Duration.ofSeconds(3));
        }
        HaVmStatus.PendingTask intent = new HaVmStatus.PendingTask();
        intent.setAction(action);
        intent.setNode(node);
        intent.setStartedAt(now().toString());
        status.setPendingTask(intent);
        step(reason, message);
        persist();
        Upid upid;
        try {
            upid = call.get();
        } catch (PveApiException e) {
            status.setPendingTask(null);
            connection.taskSlots().release(uid);
            throw e;
        }
        intent.setUpid(upid.value());
        shared.actedAt.put(uid, now());
        LOG.info("{} of VM {} started: {}", action, status.getVmid(), upid);
        return again(HaVmPass.BUSY);
    }

    private Result finish(Integer vmid) {
        if (vmid != null) {
            shared.allocator.release(HaVmPass.clusterKey(vm), vmid);
        }
        shared.forget(uid);
        return Result.done();
    }

    private Result again(Duration after) {
        persist();
        return Result.again(after);
    }

    private void step(String reason, String message) {
        Instant now = now();
        long generation = vm.getMetadata().getGeneration() == null ? 0 : vm.getMetadata().getGeneration();
        status.setConditions(Conditions.set(status.getConditions(), DELETING, Conditions.TRUE, reason, Redactor.scrub(message), generation, now));
        status.setConditions(Conditions.set(status.getConditions(), Conditions.READY, Conditions.FALSE, reason,
                Redactor.scrub(message), generation, now));
    }

    private void persist() {
        try {
            stored = io.pveha.reconciler.StatusPatch.record(stored, status, context);
        } catch (io.pveha.reconciler.StatusPatch.Conflict e) {
            throw new HaVmPass.ConcurrentChange(e);
        }
    }

    private Instant now() {
        return shared.clock.instant().truncatedTo(ChronoUnit.SECONDS);
    }
}
