package io.pveha.simulator.ops;

import io.pveha.simulator.model.Drive;
import io.pveha.simulator.model.PveException;
import io.pveha.simulator.model.StoragePool;
import io.pveha.simulator.model.Storages;
import io.pveha.simulator.model.VmConfigSchema;
import io.pveha.simulator.model.VmState;
import io.pveha.simulator.model.Volume;
import io.pveha.simulator.tasks.Task;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code DELETE /nodes/{node}/qemu/{vmid}}: destroys the VM and the volumes it owns ({@code
 * qmdestroy}).
 */
final class VmDestroy {
    private final OpsSupport ops;

    VmDestroy(OpsSupport ops) {
        this.ops = ops;
    }

    Task destroy(
            Caller caller, int vmid, boolean purge, boolean skiplock, boolean destroyUnreferenced) {
        VmPower.requireRootFor("skiplock", skiplock, caller);
        earlyChecks(caller.node(), vmid, purge);
        return ops.tasks()
                .spawn(caller.node(), "qmdestroy", Integer.toString(vmid), caller.user())
                .lockVm(vmid)
                .step(
                        ops.durations().destroy(),
                        ctx -> {
                            VmState vm = earlyChecks(caller.node(), vmid, purge);
                            if (!skiplock && !"suspended".equals(vm.lock().orElse(null))) {
                                OpsSupport.checkLock(vm);
                            }
                            Storages storages = ops.cluster().storages();
                            Set<String> volumes = new LinkedHashSet<>();
                            vm.config()
                                    .forEach(
                                            (key, value) -> {
                                                if (VmConfigSchema.isDrive(key)
                                                        || VmConfigSchema.isUnused(key)) {
                                                    Drive drive = Drive.parse(key, value);
                                                    boolean owned =
                                                            drive.hasVolume()
                                                                    && storages.find(
                                                                                    drive.file(),
                                                                                    vm.node())
                                                                            .map(
                                                                                    v ->
                                                                                            v.vmid()
                                                                                                    == vmid)
                                                                            .orElse(false);
                                                    if (owned
                                                            && (!drive.isCdrom()
                                                                    || drive.isCloudInit())) {
                                                        volumes.add(drive.file());
                                                    }
                                                }
                                            });
                            if (vm.isTemplate()) {
                                for (String volid : volumes) {
                                    if (storages.isBaseInUse(volid, vm.node())) {
                                        throw PveException.internal(
                                                "base volume '"
                                                        + volid
                                                        + "' is still in use by linked cloned");
                                    }
                                }
                            }
                            if (destroyUnreferenced) {
                                volumes.addAll(unreferencedVolumes(vm));
                            }
                            vm.set("lock", "destroyed");
                            for (String volid : volumes) {
                                storages.free(volid, vm.node());
                                OpsSupport.removalLogLine(
                                                storages.definition(Storages.storageOf(volid))
                                                        .orElseThrow()
                                                        .type(),
                                                volid)
                                        .ifPresent(ctx::log);
                            }
                            if (purge) {
                                ctx.log("purging VM " + vmid + " from related configurations..");
                            }
                            ops.cluster().removeVm(vmid);
                            ops.hooks().forEach(h -> h.destroyed(vmid, purge));
                        })
                .start();
    }

    /**
     * {@code $early_checks}: exists here, not protected, not HA-managed without purge, not running.
     */
    private VmState earlyChecks(String node, int vmid, boolean purge) {
        VmState vm = ops.loadConfig(vmid, node);
        if (vm.isProtected()) {
            throw PveException.internal("can't remove VM " + vmid + " - protection mode enabled");
        }
        ops.hooks().forEach(h -> h.beforeDestroy(vm, purge));
        if (vm.running()) {
            throw PveException.internal("VM " + vmid + " is running - destroy failed");
        }
        return vm;
    }

    /**
     * Volumes named for the VMID on every storage the node sees, referenced by the config or not.
     */
    private List<String> unreferencedVolumes(VmState vm) {
        List<String> result = new ArrayList<>();
        for (StoragePool pool : ops.cluster().storages().pools()) {
            if (pool.node() != null && !pool.node().equals(vm.node())) {
                continue;
            }
            for (Volume volume : pool.volumes()) {
                if (volume.vmid() == vm.vmid() && volume.content().equals("images")) {
                    result.add(pool.definition().id() + ":" + volume.volname());
                }
            }
        }
        return result;
    }
}
