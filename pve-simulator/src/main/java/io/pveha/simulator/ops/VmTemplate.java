package io.pveha.simulator.ops;

import io.pveha.simulator.model.Drive;
import io.pveha.simulator.model.PveException;
import io.pveha.simulator.model.StorageDefinition;
import io.pveha.simulator.model.StorageType;
import io.pveha.simulator.model.Storages;
import io.pveha.simulator.model.VmState;
import io.pveha.simulator.tasks.Task;

/**
 * {@code POST /nodes/{node}/qemu/{vmid}/template}: marks the VM as template and turns its disks
 * into base volumes ({@code vm-100-disk-0} becomes {@code base-100-disk-0}), as {@code
 * template_create} does.
 */
final class VmTemplate {
    private final OpsSupport ops;

    VmTemplate(OpsSupport ops) {
        this.ops = ops;
    }

    Task convert(Caller caller, int vmid, String disk) {
        check(caller.node(), vmid, disk);
        return ops.tasks()
                .spawn(caller.node(), "qmtemplate", Integer.toString(vmid), caller.user())
                .lockVm(vmid)
                .step(
                        ops.durations().template(),
                        ctx -> {
                            VmState vm = check(caller.node(), vmid, disk);
                            vm.set("template", "1");
                            for (Drive drive : vm.dataDisks()) {
                                if (drive.isCloudInit()
                                        || disk != null && !disk.equals(drive.key())) {
                                    continue;
                                }
                                boolean alreadyBase =
                                        ops.cluster()
                                                .storages()
                                                .find(drive.file(), vm.node())
                                                .map(v -> v.isBase())
                                                .orElse(false);
                                if (alreadyBase) {
                                    continue;
                                }
                                String baseVolid =
                                        ops.cluster()
                                                .storages()
                                                .createBase(drive.file(), vm.node());
                                StorageDefinition def =
                                        ops.cluster()
                                                .storages()
                                                .definition(drive.storage())
                                                .orElseThrow();
                                if (def.type() == StorageType.LVMTHIN) {
                                    ctx.log(
                                            "  Renamed \""
                                                    + Storages.volnameOf(drive.file())
                                                    + "\" to \""
                                                    + Storages.volnameOf(baseVolid)
                                                    + "\" in volume group \""
                                                    + def.properties().getOrDefault("vgname", "pve")
                                                    + "\"");
                                }
                                vm.set(drive.key(), drive.withFile(baseVolid).print());
                            }
                        })
                .start();
    }

    private VmState check(String node, int vmid, String disk) {
        VmState vm = ops.loadConfig(vmid, node);
        OpsSupport.checkLock(vm);
        if (vm.isTemplate() && disk == null) {
            throw PveException.internal("you can't convert a template to a template");
        }
        if (vm.running()) {
            throw PveException.internal("you can't convert a VM to template if VM is running");
        }
        return vm;
    }
}
