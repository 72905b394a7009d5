package io.pveha.simulator.ops;

import io.pveha.simulator.model.BackupArchive;
import io.pveha.simulator.model.Drive;
import io.pveha.simulator.model.PveException;
import io.pveha.simulator.model.StoragePool;
import io.pveha.simulator.model.Storages;
import io.pveha.simulator.model.VmConfigSchema;
import io.pveha.simulator.model.VmState;
import io.pveha.simulator.tasks.Task;
import io.pveha.simulator.tasks.TaskError;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code POST /nodes/{node}/qemu} with {@code archive}: restores a vzdump backup as {@code
 * qmrestore} ({@code PVE::QemuServer::restore_vma_archive}): the VM is recreated from the config
 * inside the archive with new disks of the backed-up sizes (on {@code storage} or the disks'
 * original storages), a new {@code vmgenid} and, with {@code unique}, new MACs and SMBIOS UUID;
 * other options of the request override the restored config (qemu-server 7.2+). {@code force}
 * overwrites an existing stopped VM of this node (its disks are destroyed first, as PVE does).
 */
final class VmRestore {
    private final OpsSupport ops;
    private final Disks disks;
    private final VmPower power;

    VmRestore(OpsSupport ops, Disks disks, VmPower power) {
        this.ops = ops;
        this.disks = disks;
        this.power = power;
    }

    /** The request's restore options. */
    record Options(
            String archive,
            String storage,
            boolean force,
            boolean unique,
            boolean start,
            Map<String, String> overrides) {}

    Task restore(Caller caller, int vmid, Options options) {
        ops.checkQuorum();
        String node = caller.node();
        String prefix = "unable to restore VM " + vmid + " - ";
        StoragePool pool = archivePool(options.archive(), node);
        String volname = Storages.volnameOf(options.archive());
        BackupArchive archive =
                pool.archive(volname)
                        .orElseThrow(
                                () ->
                                        PveException.internal(
                                                prefix
                                                        + "volume '"
                                                        + options.archive()
                                                        + "' is not a backup archive"));
        if (options.storage() != null) {
            ops.cluster()
                    .storages()
                    .definition(options.storage())
                    .filter(d -> d.holds("images"))
                    .orElseThrow(
                            () ->
                                    PveException.internal(
                                            prefix
                                                    + "storage '"
                                                    + options.storage()
                                                    + "' does not support vm images"));
        }
        VmState existing = ops.cluster().vm(vmid).orElse(null);
        if (existing != null) {
            if (!options.force() || !existing.node().equals(node)) {
                throw PveException.internal(
                        prefix
                                + "VM "
                                + vmid
                                + " already exists on node '"
                                + existing.node()
                                + "'");
            }
            checkOverwritable(existing, prefix);
        }
        long bytes = archive.diskSizes().values().stream().mapToLong(Long::longValue).sum();
        Duration base = ops.durations().create();
        Duration took =
                base.plus(Duration.ofNanos((long) (base.toNanos() / 4.0 * bytes / (1L << 30))));
        return ops.tasks()
                .spawn(node, "qmrestore", Integer.toString(vmid), caller.user())
                .lockVm(vmid)
                .step(
                        Duration.ZERO,
                        ctx -> {
                            VmState old = ops.cluster().vm(vmid).orElse(null);
                            if (old != null) {
                                checkOverwritable(old, prefix);
                                destroyDisks(old);
                                ops.cluster().removeVm(vmid);
                            }
                            VmState vm = new VmState(vmid, node);
                            vm.set("lock", "create");
                            ops.cluster().addVm(vm);
                            String path =
                                    Storages.mountPath(pool.definition())
                                            + "/"
                                            + volname.replaceFirst("^backup/", "dump/");
                            ctx.log("restore vma archive: " + extractCommand(path, vmid));
                            ctx.log(
                                    "CFG: size: "
                                            + archive.config().size() * 24
                                            + " name: qemu-server.conf");
                            int dev = 1;
                            for (Map.Entry<String, Long> disk : archive.diskSizes().entrySet()) {
                                ctx.log(
                                        "DEV: dev_id="
                                                + dev++
                                                + " size: "
                                                + disk.getValue()
                                                + " devname: drive-"
                                                + disk.getKey());
                            }
                        })
                .step(
                        took,
                        ctx -> {
                            VmState vm =
                                    ops.cluster()
                                            .vm(vmid)
                                            .orElseThrow(
                                                    () ->
                                                            new TaskError(
                                                                    "VM " + vmid + " vanished"));
                            BackupArchive current =
                                    archivePool(options.archive(), node)
                                            .archive(volname)
                                            .orElseThrow(
                                                    () ->
                                                            new TaskError(
                                                                    "unable to read archive '"
                                                                            + options.archive()
                                                                            + "' - file vanished"));
                            if (current.corrupted()) {
                                ctx.log("vma: restore failed - wrong vma extent header chechsum");
                                throw new TaskError(
                                        "command '"
                                                + extractCommand(
                                                        Storages.mountPath(pool.definition())
                                                                + "/"
                                                                + volname.replaceFirst(
                                                                        "^backup/", "dump/"),
                                                        vmid)
                                                + "' failed: exit code 133");
                            }
                            build(vm, archive, options, ctx::log);
                            ctx.log("rescan volumes...");
                            if (options.start()) {
                                ctx.log("Execute autostart");
                                power.startNow(vm, ctx);
                            }
                        })
                .onFailure(
                        error ->
                                ops.cluster()
                                        .vm(vmid)
                                        .filter(vm -> "create".equals(vm.lock().orElse(null)))
                                        .ifPresent(
                                                vm -> {
                                                    destroyDisks(vm);
                                                    ops.cluster().removeVm(vmid);
                                                }))
                .start();
    }

    private void checkOverwritable(VmState vm, String prefix) {
        if (vm.isProtected()) {
            throw PveException.internal(prefix + "protection mode enabled");
        }
        if (vm.running()) {
            throw PveException.internal(prefix + "vm is running");
        }
        vm.lock()
                .ifPresent(
                        lock -> {
                            throw PveException.internal(prefix + "VM is locked (" + lock + ")");
                        });
    }

    private StoragePool archivePool(String volid, String node) {
        String storage = Storages.storageOf(volid);
        if (ops.cluster().storages().definition(storage).isEmpty()) {
            throw PveException.internal("storage '" + storage + "' does not exist");
        }
        StoragePool pool = ops.cluster().storages().pool(storage, node);
        if (!pool.online()) {
            throw PveException.internal("storage '" + storage + "' is not online");
        }
        if (pool.volume(Storages.volnameOf(volid)).isEmpty()) {
            throw PveException.internal("volume '" + volid + "' does not exist");
        }
        return pool;
    }

    /**
     * Writes the restored config: new disks of the archived sizes, fresh vmgenid, new MACs if
     * unique.
     */
    private void build(
            VmState vm,
            BackupArchive archive,
            Options options,
            java.util.function.Consumer<String> log) {
        Map<String, String> drives = new LinkedHashMap<>();
        Map<String, String> settings = new TreeMap<>();
        archive.config()
                .forEach(
                        (key, value) -> {
                            if (VmConfigSchema.isUnused(key)) {
                                return;
                            }
                            if (!VmConfigSchema.isDrive(key)) {
                                settings.put(key, value);
                                return;
                            }
                            Drive drive = Drive.parse(key, value);
                            if (!drive.hasVolume() || (drive.isCdrom() && !drive.isCloudInit())) {
                                drives.put(key, value);
                            } else if (drive.isCloudInit()) {
                                String storage =
                                        options.storage() != null
                                                ? options.storage()
                                                : drive.storage();
                                drives.put(
                                        key,
                                        drive.withFile(storage + ":cloudinit")
                                                .withOption("media", null)
                                                .print());
                            } else {
                                String storage =
                                        options.storage() != null
                                                ? options.storage()
                                                : drive.storage();
                                long size =
                                        archive.diskSizes().getOrDefault(key, drive.sizeBytes());
                                String gib =
                                        new BigDecimal(size)
                                                .divide(BigDecimal.valueOf(1L << 30))
                                                .toPlainString();
                                drives.put(
                                        key,
                                        drive.withFile(storage + ":" + gib)
                                                .withOption("size", null)
                                                .print());
                            }
                        });
        boolean template = "1".equals(settings.get("template"));
        Disks.Created created =
                disks.create(
                        vm.vmid(),
                        vm.node(),
                        drives,
                        options.storage(),
                        template,
                        line -> {
                            log.accept(
                                    line.replace("successfully created disk", "new volume ID is"));
                        });
        vm.config().clear();
        settings.forEach(vm::set);
        created.settings().forEach(vm::set);
        if (options.unique()) {
            for (String key : new ArrayList<>(vm.config().keySet())) {
                if (VmConfigSchema.isNet(key)) {
                    vm.set(key, VmCreate.printNet(vm.get(key).orElseThrow(), OpsSupport.newMac()));
                }
            }
            vm.get("smbios1")
                    .ifPresent(
                            smbios ->
                                    vm.set(
                                            "smbios1",
                                            smbios.replaceFirst(
                                                    "uuid=[0-9a-fA-F-]+",
                                                    "uuid=" + OpsSupport.newUuid())));
        }
        options.overrides().forEach(vm::set);
        if (!"0".equals(vm.get("vmgenid").orElse("0"))) {
            vm.set("vmgenid", OpsSupport.newUuid());
        }
        vm.set("lock", null);
    }

    private void destroyDisks(VmState vm) {
        List<String> owned = new ArrayList<>();
        for (Drive drive : vm.drives()) {
            if (drive.hasVolume()
                    && (!drive.isCdrom() || drive.isCloudInit())
                    && ops.cluster()
                            .storages()
                            .find(drive.file(), vm.node())
                            .map(v -> v.vmid() == vm.vmid())
                            .orElse(false)) {
                owned.add(drive.file());
            }
        }
        disks.free(owned, vm.node());
    }

    /**
     * {@code restore_vma_archive}'s command: a decompressor piped into {@code vma extract}, or vma
     * alone.
     */
    private static String extractCommand(String path, int vmid) {
        String extract = "vma extract -v -r /var/tmp/vzdumptmp" + vmid + ".fifo ";
        String target = " /var/tmp/vzdumptmp" + vmid;
        String decompressor =
                path.endsWith(".zst")
                        ? "zstd -q -d -c "
                        : path.endsWith(".gz")
                                ? "zcat "
                                : path.endsWith(".lzo") ? "lzop -d -c " : null;
        if (decompressor == null) {
            return extract + path + target;
        }
        return "set -o pipefail && " + decompressor + path + " | " + extract + "-" + target;
    }
}
