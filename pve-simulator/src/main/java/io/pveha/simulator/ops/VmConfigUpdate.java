package io.pveha.simulator.ops;

import io.pveha.simulator.model.Drive;
import io.pveha.simulator.model.PropertyString;
import io.pveha.simulator.model.PveException;
import io.pveha.simulator.model.VmConfigSchema;
import io.pveha.simulator.model.VmState;
import io.pveha.simulator.tasks.Task;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * {@code POST|PUT /nodes/{node}/qemu/{vmid}/config}, as qemu-server's {@code update_vm_api}:
 * changes go to the {@code [PENDING]} section first; for a stopped guest everything is applied at
 * once, for a running one only what can be hot-plugged (by default NICs and disks, plus options
 * without effect on QEMU).
 */
final class VmConfigUpdate {
    /** Options PVE applies to a running guest without hot-plugging ({@code $fast_plug_option}). */
    private static final Set<String> FAST_PLUG =
            Set.of(
                    "description",
                    "hookscript",
                    "lock",
                    "migrate_downtime",
                    "migrate_speed",
                    "name",
                    "onboot",
                    "protection",
                    "shares",
                    "startup",
                    "tags",
                    "vmstatestorage");

    private final OpsSupport ops;
    private final Disks disks;

    VmConfigUpdate(OpsSupport ops, Disks disks) {
        this.ops = ops;
        this.disks = disks;
    }

    /** Returns the {@code qmconfig} task, or null for the synchronous variant (PUT). */
    Task update(Caller caller, int vmid, Qemu.ConfigChange request, boolean sync) {
        VmPower.requireRootFor("skiplock", request.skiplock(), caller);
        Map<String, String> params = new TreeMap<>(request.settings());
        VmCreate.validateSshKeys(params.get("sshkeys"));
        List<String> deletes = splitList(request.delete());
        List<String> reverts = splitList(request.revert());
        if (deletes.isEmpty() && reverts.isEmpty() && params.isEmpty()) {
            throw PveException.internal("no options specified");
        }
        VmCreate.resolveCdromAlias(params);
        checkDeleteAndRevert(params, deletes, reverts);
        disks.checkStorageAccess(Disks.driveSettings(params), null);
        for (Map.Entry<String, String> e : params.entrySet()) {
            if (VmConfigSchema.isNet(e.getKey())) {
                e.setValue(VmCreate.printNet(e.getValue(), null));
            } else if (e.getKey().equals("vmgenid") && e.getValue().equals("1")) {
                e.setValue(OpsSupport.newUuid());
            }
        }

        VmState vm = ops.loadConfig(vmid, caller.node());
        if (request.digest() != null && !request.digest().equals(vm.digest())) {
            throw PveException.internal("checksum mismatch (file change by other user?)");
        }
        if (!request.skiplock()) {
            OpsSupport.checkLock(vm);
        }
        String logLine = "update VM " + vmid + ": " + describe(request, params);
        if (sync) {
            apply(
                    vm,
                    params,
                    deletes,
                    reverts,
                    request.force(),
                    line -> {
                        // The synchronous variant has no task log; PVE prints these to the daemon's
                        // log.
                    });
            return null;
        }
        return ops.tasks()
                .spawn(caller.node(), "qmconfig", Integer.toString(vmid), caller.user())
                .lockVm(vmid)
                .step(
                        ops.durations().config(),
                        ctx -> {
                            ctx.log(logLine);
                            apply(
                                    ops.loadConfig(vmid, caller.node()),
                                    params,
                                    deletes,
                                    reverts,
                                    request.force(),
                                    ctx::log);
                        })
                .start();
    }

    private void apply(
            VmState vm,
            Map<String, String> params,
            List<String> deletes,
            List<String> reverts,
            boolean force,
            Consumer<String> log) {
        String node = vm.node();
        List<String> allDeletes = new ArrayList<>(deletes);
        Map<String, String> sets = new LinkedHashMap<>(params);
        for (String opt : reverts) {
            if (vm.config().containsKey(opt)) {
                sets.put(opt, vm.config().get(opt));
            } else if (vm.pending().containsKey(opt)) {
                allDeletes.add(opt);
            }
        }
        Set<String> forceDeleted = new LinkedHashSet<>();
        for (String opt : allDeletes) {
            String value =
                    vm.config().containsKey(opt) ? vm.config().get(opt) : vm.pending().get(opt);
            if (value == null) {
                log.accept("cannot delete '" + opt + "' - not set in current configuration!");
                continue;
            }
            vm.pending().remove(opt);
            dropFromBootOrder(vm, opt);
            if (VmConfigSchema.isUnused(opt)) {
                checkProtection(vm, "can't remove unused disk '" + value + "'");
                disks.free(List.of(value), node);
                vm.config().remove(opt);
            } else if (VmConfigSchema.isDrive(opt)) {
                checkProtection(vm, "can't remove drive '" + opt + "'");
                vm.pendingDelete().add(opt);
                if (force) {
                    forceDeleted.add(opt);
                }
            } else if (opt.equals("tags")) {
                vm.config().remove(opt);
            } else {
                vm.pendingDelete().add(opt);
            }
        }
        Map<String, String> newDrives = new LinkedHashMap<>();
        sets.forEach(
                (opt, value) -> {
                    if (VmConfigSchema.isDrive(opt)) {
                        newDrives.put(opt, value);
                    }
                });
        Disks.Created created =
                disks.create(vm.vmid(), node, newDrives, null, vm.isTemplate(), log);
        sets.putAll(created.settings());
        for (Map.Entry<String, String> e : sets.entrySet()) {
            if (e.getKey().equals("boot")) {
                checkBootOrder(vm, e.getValue(), sets, allDeletes);
            }
            vm.pending().put(e.getKey(), e.getValue());
            vm.pendingDelete().remove(e.getKey());
        }
        // cleanup_pending: a pending value equal to the active one is no change at all.
        vm.pending().entrySet().removeIf(e -> e.getValue().equals(vm.config().get(e.getKey())));
        vm.pendingDelete().removeIf(opt -> !vm.config().containsKey(opt));

        for (String opt : new ArrayList<>(vm.pendingDelete())) {
            if (!vm.running() || hotpluggable(opt, vm.config().get(opt), null)) {
                vm.pendingDelete().remove(opt);
                removeSetting(vm, opt, forceDeleted.contains(opt));
            }
        }
        for (Map.Entry<String, String> e : new ArrayList<>(vm.pending().entrySet())) {
            if (!vm.running()
                    || hotpluggable(e.getKey(), vm.config().get(e.getKey()), e.getValue())) {
                vm.pending().remove(e.getKey());
                setSetting(vm, e.getKey(), e.getValue());
            }
        }
    }

    /** What a running guest takes at once; everything else waits for the next QEMU start. */
    private static boolean hotpluggable(String opt, String oldValue, String newValue) {
        if (FAST_PLUG.contains(opt)
                || VmConfigSchema.isCloudInit(opt)
                || VmConfigSchema.isNet(opt)
                || VmConfigSchema.isUnused(opt)) {
            return true;
        }
        if (VmConfigSchema.isDrive(opt)) {
            if (opt.startsWith("ide")) {
                // IDE cannot be hot-plugged; only the medium of a CD-ROM drive can be changed.
                return oldValue != null
                        && newValue != null
                        && Drive.parse(opt, oldValue).isCdrom()
                        && Drive.parse(opt, newValue).isCdrom();
            }
            return !opt.equals("efidisk0") && !opt.equals("tpmstate0");
        }
        return false;
    }

    private void setSetting(VmState vm, String opt, String value) {
        String old = vm.config().get(opt);
        if (old != null && VmConfigSchema.isDrive(opt)) {
            Drive oldDrive = Drive.parse(opt, old);
            if (oldDrive.hasVolume() && !oldDrive.file().equals(Drive.parse(opt, value).file())) {
                registerUnused(vm, oldDrive);
            }
        }
        vm.config().put(opt, value);
    }

    /**
     * Deletes a setting; a detached disk becomes {@code unusedN} unless {@code force} destroys it.
     */
    private void removeSetting(VmState vm, String opt, boolean force) {
        String value = vm.config().remove(opt);
        if (value != null && VmConfigSchema.isDrive(opt)) {
            Drive drive = Drive.parse(opt, value);
            if (force && drive.hasVolume() && !drive.isCdrom() && owns(vm, drive)) {
                disks.free(List.of(drive.file()), vm.node());
            } else {
                registerUnused(vm, drive);
            }
        }
    }

    /**
     * {@code vmconfig_register_unused_drive}: cloud-init drives are deleted, CD-ROMs just dropped.
     */
    private void registerUnused(VmState vm, Drive drive) {
        if (drive.isCloudInit()) {
            disks.free(List.of(drive.file()), vm.node());
            return;
        }
        if (!drive.hasVolume() || drive.isCdrom() || vm.config().containsValue(drive.file())) {
            return;
        }
        int n = 0;
        while (vm.config().containsKey("unused" + n)) {
            n++;
        }
        vm.config().put("unused" + n, drive.file());
    }

    private boolean owns(VmState vm, Drive drive) {
        return ops.cluster()
                .storages()
                .find(drive.file(), vm.node())
                .map(v -> v.vmid() == vm.vmid())
                .orElse(false);
    }

    private static void checkProtection(VmState vm, String what) {
        if (vm.isProtected()) {
            throw PveException.internal(what + " - protection mode enabled");
        }
    }

    private static void dropFromBootOrder(VmState vm, String opt) {
        String boot = vm.configWithPending().get("boot");
        if (boot == null) {
            return;
        }
        Map<String, String> parsed = PropertyString.parse(boot, "legacy");
        String order = parsed.get("order");
        if (order == null) {
            return;
        }
        List<String> devices = new ArrayList<>(List.of(order.split(";")));
        if (devices.remove(opt)) {
            vm.pending().put("boot", devices.isEmpty() ? "" : "order=" + String.join(";", devices));
        }
    }

    private static void checkBootOrder(
            VmState vm, String boot, Map<String, String> sets, List<String> deletes) {
        String order = PropertyString.parse(boot, "legacy").get("order");
        if (order == null) {
            return;
        }
        for (String dev : order.split(";")) {
            boolean exists =
                    vm.config().containsKey(dev)
                            || vm.pending().containsKey(dev)
                            || sets.containsKey(dev);
            if (!exists || deletes.contains(dev)) {
                throw PveException.internal(
                        "invalid bootorder: device '" + dev + "' does not exist'");
            }
        }
    }

    private static void checkDeleteAndRevert(
            Map<String, String> params, List<String> deletes, List<String> reverts) {
        for (String opt : reverts) {
            if (!VmConfigSchema.exists(opt)) {
                throw PveException.param("revert", "unknown option '" + opt + "'");
            }
            if (params.containsKey(opt)) {
                throw PveException.param(
                        "delete",
                        "you can't use '-" + opt + "' and -revert " + opt + "' at the same time");
            }
        }
        for (int i = 0; i < deletes.size(); i++) {
            String opt = deletes.get(i).equals("cdrom") ? "ide2" : deletes.get(i);
            deletes.set(i, opt);
            if (params.containsKey(opt)) {
                throw PveException.param(
                        "delete",
                        "you can't use '-" + opt + "' and -delete " + opt + "' at the same time");
            }
            if (reverts.contains(opt)) {
                throw PveException.param(
                        "revert",
                        "you can't use '-delete "
                                + opt
                                + "' and -revert "
                                + opt
                                + "' at the same time");
            }
            if (!VmConfigSchema.exists(opt)) {
                throw PveException.param("delete", "unknown option '" + opt + "'");
            }
        }
    }

    /** The {@code -key value} list PVE logs for a config update (cipassword hidden). */
    private static String describe(Qemu.ConfigChange request, Map<String, String> params) {
        Map<String, String> all = new TreeMap<>(params);
        if (request.delete() != null) {
            all.put("delete", request.delete());
        }
        if (request.revert() != null) {
            all.put("revert", request.revert());
        }
        if (request.digest() != null) {
            all.put("digest", request.digest());
        }
        List<String> parts = new ArrayList<>();
        all.forEach(
                (key, value) -> {
                    parts.add("-" + key);
                    parts.add(key.equals("cipassword") ? "<hidden>" : value);
                });
        return String.join(" ", parts);
    }

    private static List<String> splitList(String list) {
        List<String> result = new ArrayList<>();
        if (list != null) {
            for (String part : list.split("[,;\\s]+")) {
                if (!part.isEmpty()) {
                    result.add(part);
                }
            }
        }
        return result;
    }
}
