package io.pveha.reconciler.vm;

import io.pveha.api.vm.HaVm;
import io.pveha.api.vm.HaVmStatus;
import io.pveha.cluster.ClusterConnection;
import io.pveha.cluster.ClusterSnapshot;
import io.pveha.pve.PveApiException;
import io.pveha.pve.Upid;
import io.pveha.pve.model.HaResource;
import io.pveha.reconciler.task.TaskLedger;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Carries out a HaVm plan's one action. PVE tasks go through the {@link TaskLedger} (intent written
 * first, with the VMID of a new VM, which is allocated here); synchronous calls are made directly
 * and noted with the ledger, so the next plan waits for a poll that shows their effect.
 */
final class HaVmExecutor {
    private static final org.slf4j.Logger LOG =
            org.slf4j.LoggerFactory.getLogger(HaVmExecutor.class);

    /** What became of the action. */
    enum Outcome {
        /** A task runs, or a synchronous call was made. */
        DONE,
        /** The node's task slots are all taken: nothing was recorded or called. */
        NO_SLOT,
        /**
         * The VMID allocated (or declared) exists in PVE after all: it was given back, nothing was
         * made.
         */
        VMID_TAKEN
    }

    private final TaskLedger ledger;
    private final VmidAllocator allocator;
    private final VmMemory.Store memories;

    HaVmExecutor(TaskLedger ledger, VmidAllocator allocator, VmMemory.Store memories) {
        this.ledger = ledger;
        this.allocator = allocator;
        this.memories = memories;
    }

    /**
     * @param status the status being built: the VMID and the intent go into it, then the task
     * @param journal writes that status (the write-ahead record)
     * @param claimedElsewhere VMIDs other HaVms of the cluster hold (for allocation)
     */
    Outcome act(
            HaVm vm,
            HaVmAction action,
            ClusterConnection connection,
            ClusterSnapshot snapshot,
            HaVmStatus status,
            TaskLedger.Journal journal,
            Set<Integer> claimedElsewhere,
            CloudInitSecrets secrets,
            Instant now) {
        String uid = vm.getMetadata().getUid();
        if (action instanceof HaVmAction.Task task) {
            boolean allocated = status.getVmid() == null;
            if (allocated) {
                // The VMID goes into status with the intent, before anything is created with it.
                status.setVmid(allocator.allocate(connection, snapshot, claimedElsewhere, uid));
            }
            int vmid = status.getVmid();
            try {
                TaskLedger.Started started =
                        ledger.start(
                                connection,
                                uid,
                                task.intent(vmid),
                                new TaskLedger.Slot(status::getPendingTask, status::setPendingTask),
                                journal,
                                () -> start(vm, task, vmid, connection, secrets));
                if (started == TaskLedger.Started.NO_SLOT) {
                    if (allocated) {
                        allocator.release(connection.key(), vmid);
                        status.setVmid(null);
                    }
                    return Outcome.NO_SLOT;
                }
                if (task instanceof HaVmAction.Create) {
                    memories.update(uid, m -> m.agent(true)); // created with agent=1
                }
                return Outcome.DONE;
            } catch (PveApiException e) {
                if (HaVmPlanner.createLike(task.name())
                        && e.getMessage() != null
                        && e.getMessage().contains("already exists")) {
                    // The poll did not list the VMID yet, PVE knows it: nothing was made; another
                    // VMID next pass.
                    allocator.taken(connection.key(), vmid);
                    if (vm.getSpec().getVmid() == null) {
                        status.setVmid(null);
                    }
                    connection.requestPoll();
                    return Outcome.VMID_TAKEN;
                }
                throw e;
            }
        }
        int vmid = status.getVmid();
        call(vm, action, vmid, connection, now);
        LOG.info("{} of VM {} done", action.getClass().getSimpleName(), vmid);
        if (action instanceof HaVmAction.SetConfig) {
            // What the write changed is in memory (configWritten): the next pass need not wait for
            // a poll that shows it.
            connection.requestPoll();
        } else {
            ledger.acted(uid, connection);
        }
        return Outcome.DONE;
    }

    private static Optional<Upid> start(
            HaVm vm,
            HaVmAction.Task task,
            int vmid,
            ClusterConnection connection,
            CloudInitSecrets secrets) {
        var vms = connection.vms();
        if (task instanceof HaVmAction.Create create) {
            return Optional.of(
                    vms.create(create.node(), VmSpecMapping.createParams(vm, vmid, secrets)));
        }
        if (task instanceof HaVmAction.Clone clone) {
            return Optional.of(
                    vms.cloneVm(
                            clone.node(),
                            clone.sourceVmid(),
                            VmSpecMapping.cloneParams(vm, vmid, clone.node(), clone.target())));
        }
        if (task instanceof HaVmAction.Restore restore) {
            return Optional.of(
                    vms.create(
                            restore.node(),
                            VmSpecMapping.restoreParams(
                                    vm, vmid, restore.archive(), restore.overwrite())));
        }
        if (task instanceof HaVmAction.ConfigureAsync configure) {
            return vms.updateConfig(configure.node(), vmid, configure.params());
        }
        if (task instanceof HaVmAction.Eject eject) {
            return vms.updateConfig(eject.node(), vmid, eject.params());
        }
        if (task instanceof HaVmAction.Resize resize) {
            return vms.resize(resize.node(), vmid, resize.disk(), resize.size());
        }
        if (task instanceof HaVmAction.Power power) {
            return Optional.of(vms.power(power.node(), vmid, power.action(), power.params()));
        }
        if (task instanceof HaVmAction.ConvertToTemplate template) {
            return Optional.of(vms.convertToTemplate(template.node(), vmid));
        }
        if (task instanceof HaVmAction.Migrate migrate) {
            Map<String, Object> params = new LinkedHashMap<>();
            params.put("target", migrate.target());
            if (migrate.online()) {
                params.put("online", 1);
            }
            return Optional.of(vms.migrate(migrate.node(), vmid, params));
        }
        HaVmAction.Destroy destroy = (HaVmAction.Destroy) task;
        return Optional.of(
                vms.destroy(
                        destroy.node(), vmid, Map.of("purge", 1, "destroy-unreferenced-disks", 1)));
    }

    private void call(
            HaVm vm, HaVmAction action, int vmid, ClusterConnection connection, Instant now) {
        String uid = vm.getMetadata().getUid();
        var vms = connection.vms();
        if (action instanceof HaVmAction.SetConfig set) {
            vms.setConfig(set.node(), vmid, set.params());
            memories.update(uid, m -> m.configWritten(now));
        } else if (action instanceof HaVmAction.RegisterHa register) {
            try {
                vms.createHaResource(register.params());
            } catch (PveApiException e) {
                // Registered already (an earlier pass whose poll had not caught up): that is what
                // was wanted.
                if (e.getMessage() == null || !e.getMessage().contains("already defined")) {
                    throw e;
                }
            }
        } else if (action instanceof HaVmAction.UpdateHa update) {
            vms.updateHaResource(vmid, update.params());
        } else if (action instanceof HaVmAction.RemoveHa remove) {
            if (!remove.onlyIfOurs()) {
                vms.deleteHaResource(vmid);
                return;
            }
            // Only the HA resource this HaVm made: its comment says so (an admin's resource is left
            // alone).
            Optional<HaResource> resource = vms.haResource(vmid);
            if (resource.isPresent() && Ownership.haComment(vm).equals(resource.get().comment())) {
                vms.deleteHaResource(vmid);
            }
        } else if (action instanceof HaVmAction.EnsureHaGroup group) {
            Map<String, Object> params = new LinkedHashMap<>();
            params.put("nodes", group.nodes());
            params.put("comment", Ownership.haComment(vm));
            if (group.exists()) {
                vms.updateHaGroup(group.group(), params);
            } else {
                params.put("group", group.group());
                vms.createHaGroup(params);
            }
        } else if (action instanceof HaVmAction.RequestHaMigrate migrate) {
            vms.migrateHaResource(vmid, migrate.target());
            memories.update(uid, m -> m.haMigrateRequested(now));
        }
    }
}
