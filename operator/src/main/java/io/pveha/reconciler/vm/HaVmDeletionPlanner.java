package io.pveha.reconciler.vm;

import io.pveha.api.DeletionPolicy;
import io.pveha.api.vm.HaVm;
import io.pveha.pve.model.ClusterResource;
import io.pveha.reconciler.CommonReason;
import io.pveha.reconciler.Note;
import io.pveha.reconciler.Reason;
import io.pveha.reconciler.task.TaskLedger.TaskFact;
import java.time.Duration;

/**
 * Decides one step of deleting a HaVm, purely from the HaVm and the facts. Retain (the default)
 * leaves the VM. Delete goes in order, one step per pass: remove the HA resource, stop the VM,
 * destroy it with its disks. PVE's protection flag is respected (the deletion waits, blocked, until
 * it is removed), and a VM the HaVm does not own is never touched.
 */
final class HaVmDeletionPlanner {
    static final Duration PROTECTED_RECHECK = Duration.ofSeconds(30);

    private HaVmDeletionPlanner() {}

    /**
     * Whether the deletion will act on PVE at all (so the observer reads the VM's configuration:
     * protection, ownership).
     */
    static boolean destroys(HaVm vm) {
        return vm.getSpec().getDeletionPolicy() == DeletionPolicy.Delete
                && vm.getStatus() != null
                && vm.getStatus().getVmid() != null;
    }

    static HaVmPlan plan(HaVm vm, HaVmFacts facts) {
        HaVmPlan.Builder plan = new HaVmPlan.Builder();
        Integer vmid = vm.getStatus() == null ? null : vm.getStatus().getVmid();
        if (vm.getSpec().getDeletionPolicy() != DeletionPolicy.Delete) {
            if (vmid != null) {
                plan.note(
                        Note.normal(
                                HaVmReason.Retained,
                                "VM " + vmid + " is left in place (deletionPolicy Retain)"));
            }
            return plan.finished().build();
        }
        if (vmid == null) {
            return plan.finished().build();
        }
        if (facts.cluster().blocked().isPresent()) {
            return step(
                            plan,
                            CommonReason.ClusterNotReady,
                            "waiting for the cluster to be reachable to delete VM " + vmid)
                    .requeue(Duration.ofSeconds(15))
                    .build();
        }
        if (facts.task().isPresent()) {
            TaskFact task = facts.task().get();
            String action = task.task().getAction();
            switch (task.state()) {
                case RUNNING, UNKNOWN -> {
                    return step(
                                    plan,
                                    "Destroy".equals(action)
                                            ? HaVmReason.Destroying
                                            : HaVmReason.Stopping,
                                    action + " running (" + task.task().getUpid() + ")")
                            .requeue(HaVmPlanner.BUSY)
                            .build();
                }
                case FAILED -> {
                    String message = action + " of VM " + vmid + " failed: " + task.describe();
                    plan.ended(task).note(Note.warning(HaVmReason.DeletionFailed, message));
                    return step(plan, CommonReason.TaskFailed, message)
                            .requeue(HaVmPlanner.backoff(2))
                            .build();
                }
                case SUCCEEDED -> {
                    plan.ended(task);
                    if ("Destroy".equals(action)) {
                        return plan.note(
                                        Note.normal(
                                                HaVmReason.Destroyed, "VM " + vmid + " destroyed"))
                                .finished()
                                .build();
                    }
                    if (!task.current()) {
                        return step(
                                        plan,
                                        HaVmReason.Stopping,
                                        action + " finished; waiting for the next poll")
                                .requeue(HaVmPlanner.SOON)
                                .build();
                    }
                }
                default -> plan.ended(task);
            }
        } else if (facts.stale()) {
            return step(plan, HaVmReason.Deleting, "waiting for a poll after the last change")
                    .requeue(HaVmPlanner.SOON)
                    .build();
        }
        if (facts.vm().isEmpty()) {
            return plan.finished().build();
        }
        ClusterResource obs = facts.vm().get();
        boolean owned =
                Ownership.taggedFor(obs.tagList(), vm)
                        || facts.config()
                                .map(
                                        c ->
                                                Ownership.describedAs(
                                                        c.get("description").orElse(null), vm))
                                .orElse(false);
        if (!owned) {
            return plan.note(
                            Note.warning(
                                    HaVmReason.NotOwned,
                                    "VM "
                                            + vmid
                                            + " is not owned by this HaVm and was left untouched"))
                    .finished()
                    .build();
        }
        if (facts.ha().isPresent()) {
            plan.note(
                    Note.normal(
                            HaVmReason.HaRemoved,
                            "removed HA resource vm:" + vmid + " before destroying the VM"));
            return step(plan, HaVmReason.RemovingHa, "removing HA resource vm:" + vmid)
                    .action(new HaVmAction.RemoveHa(false))
                    .requeue(HaVmPlanner.BUSY)
                    .build();
        }
        if (facts.config().map(c -> "1".equals(c.get("protection").orElse("0"))).orElse(false)) {
            String message =
                    "VM "
                            + vmid
                            + " has PVE protection enabled: it is not destroyed until protection is removed"
                            + " (spec.protection: false, or in PVE)";
            if (!blockedBefore(vm, message)) {
                plan.note(Note.warning(HaVmReason.DeletionBlocked, message));
            }
            return step(plan, HaVmReason.DeletionBlocked, message)
                    .requeue(PROTECTED_RECHECK)
                    .build();
        }
        if (obs.lock() != null && !obs.lock().isBlank()) {
            return step(
                            plan,
                            HaVmReason.Locked,
                            "VM is locked (" + obs.lock() + "); waiting before destroying it")
                    .requeue(HaVmPlanner.WAIT_LOCK)
                    .build();
        }
        if ("running".equals(obs.status())) {
            return step(plan, HaVmReason.Stopping, "stopping VM " + vmid)
                    .action(HaVmAction.Power.stop(obs.node()))
                    .requeue(HaVmPlanner.BUSY)
                    .build();
        }
        return step(plan, HaVmReason.Destroying, "destroying VM " + vmid + " and its disks")
                .action(new HaVmAction.Destroy(obs.node()))
                .requeue(HaVmPlanner.BUSY)
                .build();
    }

    private static HaVmPlan.Builder step(HaVmPlan.Builder plan, Reason reason, String message) {
        return plan.condition(HaVmPlanner.Names.DELETING, true, reason, message)
                .ready(reason, message);
    }

    private static boolean blockedBefore(HaVm vm, String message) {
        return vm.getStatus() != null
                && io.pveha.reconciler.Conditions.find(
                                vm.getStatus().getConditions(), HaVmPlanner.Names.DELETING)
                        .map(
                                c ->
                                        HaVmReason.DeletionBlocked.name().equals(c.getReason())
                                                && message.equals(c.getMessage()))
                        .orElse(false);
    }
}
