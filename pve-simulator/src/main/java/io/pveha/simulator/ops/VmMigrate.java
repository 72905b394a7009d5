package io.pveha.simulator.ops;

import io.pveha.simulator.model.Drive;
import io.pveha.simulator.model.NodeState;
import io.pveha.simulator.model.PveException;
import io.pveha.simulator.model.StorageDefinition;
import io.pveha.simulator.model.Storages;
import io.pveha.simulator.model.VmConfigSchema;
import io.pveha.simulator.model.VmState;
import io.pveha.simulator.model.Volume;
import io.pveha.simulator.tasks.Task;
import io.pveha.simulator.tasks.TaskEngine;
import io.pveha.simulator.tasks.TaskError;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code POST /nodes/{node}/qemu/{vmid}/migrate} ({@code qmigrate}), following qemu-server's
 * QemuMigrate: the synchronous checks of the API call, then prepare (target reachable, volumes
 * migratable), the transfer with {@code lock: migrate}, and the config moving to the target node at
 * the end.
 */
final class VmMigrate {
    private final OpsSupport ops;

    VmMigrate(OpsSupport ops) {
        this.ops = ops;
    }

    record Request(
            String target,
            boolean online,
            boolean withLocalDisks,
            String targetStorage,
            boolean force) {}

    /** State of one migration between its steps. */
    private static final class Run {
        long startMillis;
        boolean online;
        boolean locked;
        final Map<String, String> localVolumes = new LinkedHashMap<>();
    }

    Task migrate(Caller caller, int vmid, Request request) {
        String target = request.target();
        if (target.equals(caller.node())) {
            throw PveException.param("target", "target is local node.");
        }
        ops.checkQuorum();
        ops.checkNodeExists(target);
        VmPower.requireRootFor("force", request.force(), caller);
        VmState vm = ops.loadConfig(vmid, caller.node());
        OpsSupport.checkLock(vm);
        if (vm.running() && !request.online()) {
            throw PveException.internal("can't migrate running VM without --online");
        }
        String targetStorage = request.targetStorage();
        if (targetStorage != null && !targetStorage.equals("1")) {
            StorageDefinition def =
                    ops.cluster()
                            .storages()
                            .definition(targetStorage)
                            .orElseThrow(
                                    () ->
                                            PveException.param(
                                                    "targetstorage",
                                                    "failed to parse storage map: storage '"
                                                            + targetStorage
                                                            + "' does not exist"));
            if (!def.holds("images")) {
                throw PveException.internal(
                        "storage '" + targetStorage + "' does not support content-type 'images'");
            }
        }
        Map<String, String> params = new LinkedHashMap<>();
        params.put("target", target);
        if (request.online()) {
            params.put("online", "1");
        }
        Optional<Task> intercepted = ops.intercept(GuestHooks.Action.MIGRATE, vm, params, caller);
        if (intercepted.isPresent()) {
            return intercepted.get();
        }

        Run run = new Run();
        return ops.tasks()
                .spawn(caller.node(), "qmigrate", Integer.toString(vmid), caller.user())
                .lockVm(vmid)
                .step(Duration.ZERO, ctx -> prepare(caller.node(), vmid, request, run, ctx))
                .step(
                        () -> ops.durations().migrate(transferBytes(vmid, run)),
                        ctx -> finish(vmid, request, run, ctx))
                .onFailure(
                        error -> {
                            if (run.locked) {
                                ops.cluster().vm(vmid).ifPresent(v -> v.set("lock", null));
                            }
                        })
                .start();
    }

    private void prepare(String node, int vmid, Request request, Run run, TaskEngine.Context ctx) {
        run.startMillis = ops.clock().nowMillis();
        VmState vm = ops.loadConfig(vmid, node);
        OpsSupport.checkLock(vm);
        run.online = request.online() && vm.running();
        NodeState target = ops.cluster().requireNode(request.target());
        if (!target.online()) {
            abort(run, ctx, "Can't connect to destination address using public key");
        }
        scanVolumes(vm, request, run, ctx);
        ctx.log(
                ops.timestamped(
                        "starting migration of VM "
                                + vmid
                                + " to node '"
                                + target.name()
                                + "' ("
                                + target.ip()
                                + ")"));
        run.localVolumes.forEach(
                (volid, ref) ->
                        ctx.log(ops.timestamped("found local disk '" + volid + "' (" + ref + ")")));
        vm.set("lock", "migrate");
        run.locked = true;
        if (run.online) {
            ctx.log(
                    ops.timestamped(
                            "starting VM " + vmid + " on remote node '" + target.name() + "'"));
            if (target.memoryTotal() - ops.cluster().memoryUsed(target.name()) < vm.memoryBytes()) {
                ctx.log(
                        ops.timestamped(
                                "[" + target.name() + "] " + OpsSupport.kvmOutOfMemoryLine()));
                ctx.log(
                        ops.timestamped(
                                "[" + target.name() + "] start failed: QEMU exited with code 1"));
                ctx.log(
                        ops.timestamped(
                                "ERROR: online migrate failure - remote command failed with exit code 255"));
                ctx.log(ops.timestamped("aborting phase 2 - cleanup resources"));
                ctx.log(ops.timestamped("migrate_cancel"));
                ctx.log(
                        ops.timestamped(
                                "ERROR: migration finished with problems (duration "
                                        + elapsed(run)
                                        + ")"));
                throw new TaskError("migration problems");
            }
            ctx.log(
                    ops.timestamped(
                            "starting online/live migration on unix:/run/qemu-server/"
                                    + vmid
                                    + ".migrate"));
        }
    }

    /** The volume checks of QemuMigrate's {@code scan_local_volumes}. */
    private void scanVolumes(VmState vm, Request request, Run run, TaskEngine.Context ctx) {
        Storages storages = ops.cluster().storages();
        List<String> problems = new ArrayList<>();
        vm.config()
                .forEach(
                        (key, value) -> {
                            boolean unused = VmConfigSchema.isUnused(key);
                            if (!VmConfigSchema.isDrive(key) && !unused) {
                                return;
                            }
                            Drive drive = Drive.parse(key, value);
                            if (drive.file().equals("cdrom")) {
                                problems.add("can't migrate local cdrom drive");
                                return;
                            }
                            if (!drive.hasVolume()) {
                                return;
                            }
                            StorageDefinition def =
                                    storages.definition(drive.storage())
                                            .orElseThrow(
                                                    () ->
                                                            PveException.internal(
                                                                    "storage '"
                                                                            + drive.storage()
                                                                            + "' does not exist"));
                            if (def.shared()) {
                                return;
                            }
                            String volid = drive.file();
                            if (drive.isCdrom() && !drive.isCloudInit()) {
                                problems.add(
                                        "can't migrate local disk '"
                                                + volid
                                                + "': local cdrom image");
                                return;
                            }
                            Optional<Volume> volume = storages.find(volid, vm.node());
                            if (volume.isPresent()
                                    && volume.get().isBase()
                                    && storages.isBaseInUse(volid, vm.node())) {
                                problems.add(
                                        "can't migrate local disk '"
                                                + volid
                                                + "': referenced by linked clone(s)");
                                return;
                            }
                            String ref =
                                    unused
                                            ? "unused"
                                            : drive.isCloudInit() ? "generated" : "attached";
                            if (ref.equals("attached") && run.online && !request.withLocalDisks()) {
                                problems.add(
                                        "can't migrate local disk '"
                                                + volid
                                                + "': can't live migrate attached local disks without with-local-disks option");
                                return;
                            }
                            run.localVolumes.put(volid, ref);
                        });
        if (!problems.isEmpty()) {
            problems.forEach(p -> ctx.log(ops.timestamped(p)));
            abort(run, ctx, "Problem found while scanning volumes - can't migrate VM - check log");
        }
    }

    private long transferBytes(int vmid, Run run) {
        VmState vm = ops.cluster().vm(vmid).orElseThrow();
        long bytes = run.online ? vm.memoryBytes() : 0;
        for (String volid : run.localVolumes.keySet()) {
            bytes += ops.cluster().storages().virtualSize(volid, vm.node());
        }
        return bytes;
    }

    private void finish(int vmid, Request request, Run run, TaskEngine.Context ctx) {
        VmState vm = ops.cluster().vm(vmid).orElseThrow();
        NodeState target = ops.cluster().requireNode(request.target());
        if (!target.online()) {
            abort(run, ctx, "Can't connect to destination address using public key");
        }
        Storages storages = ops.cluster().storages();
        for (String volid : run.localVolumes.keySet()) {
            String moved;
            try {
                moved =
                        storages.migrateLocal(
                                volid,
                                vm.node(),
                                target.name(),
                                mappedStorage(request),
                                ops.nowEpoch());
            } catch (PveException e) {
                abort(run, ctx, e.getMessage().strip());
                return;
            }
            if (!moved.equals(volid)) {
                ctx.log(ops.timestamped("volume '" + volid + "' is '" + moved + "' on the target"));
                replaceVolume(vm, volid, moved);
            }
        }
        if (run.online) {
            ctx.log(ops.timestamped("migration status: completed"));
        }
        vm.set("lock", null);
        run.locked = false;
        vm.moveTo(target.name());
        ctx.log(ops.timestamped("migration finished successfully (duration " + elapsed(run) + ")"));
    }

    /**
     * {@code targetstorage}: one storage for every local disk, or {@code 1} to keep each on its
     * storage.
     */
    private static String mappedStorage(Request request) {
        String map = request.targetStorage();
        return map == null || map.equals("1") ? null : map;
    }

    private static void replaceVolume(VmState vm, String oldVolid, String newVolid) {
        for (Map.Entry<String, String> e : vm.config().entrySet()) {
            if (VmConfigSchema.isDrive(e.getKey())) {
                Drive drive = Drive.parse(e.getKey(), e.getValue());
                if (oldVolid.equals(drive.file())) {
                    e.setValue(drive.withFile(newVolid).print());
                }
            } else if (VmConfigSchema.isUnused(e.getKey()) && e.getValue().equals(oldVolid)) {
                e.setValue(newVolid);
            }
        }
    }

    /** Ends the task the way AbstractMigrate does after an error in prepare or phase 1. */
    private void abort(Run run, TaskEngine.Context ctx, String error) {
        ctx.log(
                ops.timestamped(
                        "ERROR: migration aborted (duration " + elapsed(run) + "): " + error));
        throw new TaskError("migration aborted");
    }

    private String elapsed(Run run) {
        long seconds = Math.max(0, (ops.clock().nowMillis() - run.startMillis) / 1000);
        return String.format(
                Locale.ROOT, "%02d:%02d:%02d", seconds / 3600, (seconds / 60) % 60, seconds % 60);
    }
}
