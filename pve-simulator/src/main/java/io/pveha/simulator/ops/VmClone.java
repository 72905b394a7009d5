package io.pveha.simulator.ops;

import io.pveha.simulator.model.Drive;
import io.pveha.simulator.model.PropertyString;
import io.pveha.simulator.model.PveException;
import io.pveha.simulator.model.StorageDefinition;
import io.pveha.simulator.model.Storages;
import io.pveha.simulator.model.VmConfigSchema;
import io.pveha.simulator.model.VmState;
import io.pveha.simulator.tasks.Task;
import io.pveha.simulator.tasks.TaskEngine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code POST /nodes/{node}/qemu/{vmid}/clone}, with qemu-server's rules: linked clones by default
 * for templates (base volumes on a storage with the {@code clone} feature, same storage), full
 * copies otherwise; clones to another node only when every disk is on shared storage.
 */
final class VmClone {
    private final OpsSupport ops;

    VmClone(OpsSupport ops) {
        this.ops = ops;
    }

    private record Plan(
            boolean full,
            Map<String, String> newConfig,
            Map<String, Drive> drives,
            long bytesToCopy) {}

    /** State of one clone task between its steps. */
    private static final class Run {
        Plan plan;
        boolean registered;
        final List<String> volumes = new ArrayList<>();
    }

    Task clone(Caller caller, int vmid, Qemu.CloneRequest request) {
        String target =
                request.target() == null
                                || request.target().equals(caller.node())
                                || request.target().equals("localhost")
                        ? null
                        : request.target();
        plan(caller, vmid, request, target);

        int newid = request.newid();
        Run run = new Run();
        return ops.tasks()
                .spawn(caller.node(), "qmclone", Integer.toString(vmid), caller.user())
                // A shared lock on a stopped source lets several clones of one template run at
                // once.
                .lockVm(
                        vmid,
                        ops.cluster().vm(vmid).map(VmState::running).orElse(false),
                        Duration.ofSeconds(1))
                .lockVm(newid, true, Duration.ofSeconds(1))
                .step(
                        Duration.ZERO,
                        ctx -> {
                            // The worker checks everything again: the world may have changed since
                            // the request.
                            run.plan = plan(caller, vmid, request, target);
                            VmState clone = new VmState(newid, caller.node());
                            clone.set("lock", "clone");
                            ops.cluster().addVm(clone);
                            run.registered = true;
                            logClonePlan(run.plan, ctx);
                        })
                .step(
                        () ->
                                run.plan.full()
                                        ? ops.durations().fullClone(run.plan.bytesToCopy())
                                        : ops.durations().linkedClone(),
                        ctx -> {
                            Map<String, String> config = new TreeMap<>(run.plan.newConfig());
                            try {
                                run.plan
                                        .drives()
                                        .forEach(
                                                (key, drive) ->
                                                        config.put(
                                                                key,
                                                                cloneDrive(
                                                                        run.plan,
                                                                        drive,
                                                                        newid,
                                                                        caller.node(),
                                                                        request,
                                                                        run.volumes,
                                                                        ctx)));
                            } catch (PveException e) {
                                throw PveException.internal("clone failed: " + e.getMessage());
                            }
                            VmState clone = ops.cluster().vm(newid).orElseThrow();
                            clone.config().clear();
                            config.forEach(clone::set);
                            if (target != null) {
                                clone.moveTo(target);
                            }
                        })
                .onFailure(
                        error -> {
                            run.volumes.forEach(
                                    v -> ops.cluster().storages().free(v, caller.node()));
                            if (run.registered) {
                                ops.cluster().removeVm(newid);
                            }
                        })
                .start();
    }

    /**
     * qemu-server's {@code load_and_check}: every synchronous rule, and what the clone will look
     * like.
     */
    private Plan plan(Caller caller, int vmid, Qemu.CloneRequest request, String target) {
        if (request.pool() != null) {
            throw PveException.permission("pool '" + request.pool() + "' does not exist");
        }
        if (target != null) {
            ops.checkNodeExists(target);
        }
        Storages storages = ops.cluster().storages();
        if (request.storage() != null) {
            StorageDefinition def =
                    storages.definition(request.storage())
                            .orElseThrow(
                                    () ->
                                            PveException.internal(
                                                    "storage '"
                                                            + request.storage()
                                                            + "' does not exist"));
            if (!def.holds("images")) {
                throw PveException.param(
                        "storage",
                        "storage '" + request.storage() + "' does not support vm images");
            }
            if (target != null && !def.shared()) {
                throw PveException.internal(
                        "can't clone to non-shared storage '" + request.storage() + "'");
            }
        }
        ops.checkQuorum();
        VmState source = ops.loadConfig(vmid, caller.node());
        OpsSupport.checkLock(source);
        if (request.snapname() != null) {
            throw PveException.internal("snapshot '" + request.snapname() + "' does not exist");
        }
        boolean full = request.full() != null ? request.full() : !source.isTemplate();
        if (request.storage() != null && !full) {
            throw PveException.internal("parameter 'storage' not allowed for linked clones");
        }
        if (request.format() != null && !full) {
            throw PveException.internal("parameter 'format' not allowed for linked clones");
        }

        boolean shared =
                request.storage() == null
                        || storages.definition(request.storage()).orElseThrow().shared();
        Map<String, String> newConfig = new TreeMap<>();
        Map<String, Drive> drives = new LinkedHashMap<>();
        long bytes = 0;
        for (Map.Entry<String, String> e : source.config().entrySet()) {
            String key = e.getKey();
            String value = e.getValue();
            if (VmConfigSchema.isUnused(key)
                    || List.of("vmstate", "runningcpu", "runningmachine").contains(key)) {
                continue;
            }
            if (VmConfigSchema.isNet(key)) {
                newConfig.put(key, VmCreate.printNet(value, OpsSupport.newMac()));
            } else if (VmConfigSchema.isDrive(key)) {
                Drive drive = Drive.parse(key, value);
                if (drive.isCdrom() && !drive.isCloudInit()) {
                    newConfig.put(key, value);
                    if (drive.file().equals("cdrom")
                            || drive.hasVolume()
                                    && !storages.definition(drive.storage())
                                            .map(StorageDefinition::shared)
                                            .orElse(false)) {
                        shared = false;
                    }
                    continue;
                }
                if (!drive.hasVolume()) {
                    newConfig.put(key, value);
                    continue;
                }
                boolean baseVolume =
                        storages.find(drive.file(), caller.node())
                                .map(v -> v.isBase())
                                .orElse(false);
                StorageDefinition def =
                        storages.definition(drive.storage())
                                .orElseThrow(
                                        () ->
                                                PveException.internal(
                                                        "storage '"
                                                                + drive.storage()
                                                                + "' does not exist"));
                if (!full && !drive.isCloudInit() && !def.type().canLinkClone(baseVolume)) {
                    throw PveException.internal(
                            "Linked clone feature is not supported for '"
                                    + drive.file()
                                    + "' ("
                                    + key
                                    + ")");
                }
                if (!def.shared()) {
                    shared = false;
                }
                drives.put(key, drive);
                if (full || drive.isCloudInit()) {
                    bytes += storages.virtualSize(drive.file(), caller.node());
                }
            } else {
                newConfig.put(key, value);
            }
        }
        if (target != null && !shared) {
            throw PveException.internal(
                    "can't clone VM to node '" + target + "' (VM uses local storage)");
        }
        if (ops.cluster().vm(request.newid()).isPresent()) {
            throw PveException.internal(
                    "unable to create VM " + request.newid() + ": config file already exists");
        }

        String smbios = source.get("smbios1").orElse("");
        Map<String, String> smbiosValues = new LinkedHashMap<>(PropertyString.parse(smbios, null));
        smbiosValues.put("uuid", OpsSupport.newUuid());
        newConfig.put("smbios1", PropertyString.print(smbiosValues, null));
        if (newConfig.containsKey("vmgenid")) {
            newConfig.put("vmgenid", OpsSupport.newUuid());
        }
        newConfig.remove("template");
        newConfig.put(
                "name", request.name() != null ? request.name() : "Copy-of-VM-" + source.name());
        if (request.description() != null) {
            newConfig.put("description", request.description());
        }
        return new Plan(full, newConfig, drives, bytes);
    }

    private void logClonePlan(Plan plan, TaskEngine.Context ctx) {
        plan.drives()
                .forEach(
                        (key, drive) -> {
                            boolean fullCopy = plan.full() || drive.isCloudInit();
                            ctx.log(
                                    "create "
                                            + (fullCopy ? "full" : "linked")
                                            + " clone of drive "
                                            + key
                                            + " ("
                                            + drive.file()
                                            + ")");
                        });
    }

    /** Copies or links one drive and returns the new drive setting. */
    private String cloneDrive(
            Plan plan,
            Drive drive,
            int newid,
            String node,
            Qemu.CloneRequest request,
            List<String> created,
            TaskEngine.Context ctx) {
        Storages storages = ops.cluster().storages();
        String sourceStorage = drive.storage();
        long size = storages.virtualSize(drive.file(), node);
        String volid;
        if (drive.isCloudInit()) {
            String storage = request.storage() != null ? request.storage() : sourceStorage;
            StorageDefinition def = storages.definition(storage).orElseThrow();
            String name =
                    "vm-"
                            + newid
                            + "-cloudinit"
                            + (def.type().defaultFormat().equals("qcow2") ? ".qcow2" : "");
            volid = storages.allocate(storage, node, newid, size, null, name, ops.nowEpoch());
        } else if (plan.full()) {
            String storage = request.storage() != null ? request.storage() : sourceStorage;
            StorageDefinition def = storages.definition(storage).orElseThrow();
            volid =
                    storages.allocate(
                            storage, node, newid, size, request.format(), null, ops.nowEpoch());
            OpsSupport.allocationLogLine(def.type(), volid).ifPresent(ctx::log);
            String total = humanSize(size);
            ctx.log("transferred 0.0 B of " + total + " (0.00%)");
            ctx.log("transferred " + total + " of " + total + " (100.00%)");
        } else {
            volid = storages.cloneLinked(drive.file(), node, newid, ops.nowEpoch());
            OpsSupport.allocationLogLine(
                            storages.definition(sourceStorage).orElseThrow().type(), volid)
                    .ifPresent(ctx::log);
        }
        created.add(volid);
        return drive.withFile(volid).withOption("size", PropertyString.formatSize(size)).print();
    }

    /** Sizes as qemu-img's progress output prints them ({@code 32.0 GiB}). */
    static String humanSize(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }
}
