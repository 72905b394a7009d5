package io.pveha.simulator.backup;

import io.pveha.simulator.model.BackupArchive;
import io.pveha.simulator.model.Drive;
import io.pveha.simulator.model.PruneRules;
import io.pveha.simulator.model.PveException;
import io.pveha.simulator.model.StorageDefinition;
import io.pveha.simulator.model.StoragePool;
import io.pveha.simulator.model.Storages;
import io.pveha.simulator.model.VmState;
import io.pveha.simulator.model.Volume;
import io.pveha.simulator.spi.ModuleContext;
import io.pveha.simulator.tasks.Task;
import io.pveha.simulator.tasks.TaskEngine;
import io.pveha.simulator.tasks.TaskError;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * {@code vzdump} on one node ({@code PVE::VZDump}): backs up the selected local VMs one after
 * another in a {@code vzdump} task, each under the {@code backup} lock for a time proportional to
 * its disks, writes {@code vzdump-qemu-<vmid>-<time>.vma[.zst|.lzo|.gz]} with the VM config inside,
 * and then prunes that VM's backups with the job's or the storage's {@code prune-backups}. Errors
 * of one VM are logged as {@code ERROR: Backup of VM <id> failed - ...}; the task then ends with
 * {@code job errors}.
 */
public final class Vzdump {
    /** Nodes run in UTC here: archive names, ctime and retention periods use this zone. */
    public static final ZoneId NODE_ZONE = ZoneId.of("UTC");

    private static final DateTimeFormatter FILE_TIME =
            DateTimeFormatter.ofPattern("yyyy_MM_dd-HH_mm_ss").withZone(NODE_ZONE);
    private static final DateTimeFormatter LOG_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(NODE_ZONE);

    private final ModuleContext ctx;

    Vzdump(ModuleContext ctx) {
        this.ctx = ctx;
    }

    /**
     * What to back up and how: a job's options or the parameters of {@code POST
     * /nodes/{node}/vzdump}.
     */
    public record Request(Map<String, String> options) {
        String storage() {
            return options.getOrDefault("storage", "local");
        }

        String mode() {
            return options.getOrDefault("mode", "snapshot");
        }

        String compress() {
            String value = options.getOrDefault("compress", "0");
            return value.equals("1") ? "lzo" : value;
        }
    }

    /** The VMs on {@code node} the request selects, in VMID order. */
    List<Integer> localSelection(String node, Request request) {
        Map<String, String> o = request.options();
        Set<Integer> result = new TreeSet<>();
        if ("1".equals(o.get("all"))) {
            Set<Integer> excluded = vmids(o.get("exclude"));
            ctx.state()
                    .vmsOn(node)
                    .forEach(
                            vm -> {
                                if (!excluded.contains(vm.vmid())) {
                                    result.add(vm.vmid());
                                }
                            });
        } else if (o.containsKey("vmid")) {
            for (int vmid : vmids(o.get("vmid"))) {
                ctx.state()
                        .vm(vmid)
                        .filter(vm -> vm.node().equals(node))
                        .ifPresent(vm -> result.add(vmid));
            }
        }
        // Pools are not simulated: a pool selection matches no guest.
        return List.copyOf(result);
    }

    /** Checks what vzdump checks before forking; the storage must exist and hold backups. */
    void checkStorage(Request request) {
        StorageDefinition def =
                ctx.state()
                        .storages()
                        .definition(request.storage())
                        .orElseThrow(
                                () ->
                                        PveException.internal(
                                                "storage '"
                                                        + request.storage()
                                                        + "' does not exist"));
        if (!def.holds("backup")) {
            throw PveException.internal("storage '" + def.id() + "' does not support backups");
        }
    }

    /**
     * Starts the {@code vzdump} task on {@code node} for {@code vmids}; call under the write lock.
     */
    Task start(String node, String user, List<Integer> vmids, Request request) {
        String id = vmids.size() == 1 ? Integer.toString(vmids.get(0)) : "";
        TaskEngine.Builder task = ctx.tasks().spawn(node, "vzdump", id, user);
        List<String> failures = new ArrayList<>();
        task.step(
                Duration.ZERO,
                run -> {
                    run.log(
                            "INFO: starting new backup job: vzdump "
                                    + vmids.stream()
                                            .map(String::valueOf)
                                            .collect(Collectors.joining(" "))
                                    + commandLine(request, node));
                    StoragePool pool = ctx.state().storages().pool(request.storage(), node);
                    if (!pool.online()) {
                        throw new TaskError(
                                "could not activate storage '"
                                        + request.storage()
                                        + "': storage '"
                                        + request.storage()
                                        + "' is not online");
                    }
                });
        for (int vmid : vmids) {
            long[] startedAt = new long[1];
            boolean[] locked = new boolean[1];
            task.step(
                    Duration.ZERO,
                    run -> {
                        startedAt[0] = ctx.clock().nowEpochSeconds();
                        run.log("INFO: Starting Backup of VM " + vmid + " (qemu)");
                        run.log(
                                "INFO: Backup started at "
                                        + LOG_TIME.format(Instant.ofEpochSecond(startedAt[0])));
                        VmState vm =
                                ctx.state()
                                        .vm(vmid)
                                        .filter(v -> v.node().equals(node))
                                        .orElse(null);
                        if (vm == null) {
                            fail(
                                    run,
                                    failures,
                                    vmid,
                                    "unable to find VM " + vmid + " on node '" + node + "'");
                            return;
                        }
                        if (vm.lock().isPresent()) {
                            fail(run, failures, vmid, "VM is locked (" + vm.lock().get() + ")");
                            return;
                        }
                        vm.set("lock", "backup");
                        locked[0] = true;
                        run.log("INFO: status = " + (vm.running() ? "running" : "stopped"));
                        run.log("INFO: VM Name: " + vm.name());
                        for (Drive drive : vm.drives()) {
                            if (drive.hasVolume() && !drive.isCdrom()) {
                                run.log(
                                        "INFO: include disk '"
                                                + drive.key()
                                                + "' '"
                                                + drive.file()
                                                + "' "
                                                + drive.options().getOrDefault("size", "0"));
                            }
                        }
                        run.log("INFO: backup mode: " + request.mode());
                        run.log(
                                "INFO: creating vzdump archive '"
                                        + Storages.mountPath(pool(node, request).definition())
                                        + "/dump/"
                                        + fileName(vmid, startedAt[0], request)
                                        + "'");
                    });
            task.step(
                    () -> locked[0] ? duration(vmid, node) : Duration.ZERO,
                    run -> {
                        if (!locked[0]) {
                            return;
                        }
                        VmState vm = ctx.state().vm(vmid).orElse(null);
                        if (vm == null) {
                            fail(run, failures, vmid, "VM " + vmid + " disappeared during backup");
                            return;
                        }
                        vm.set("lock", null);
                        try {
                            String volid = writeArchive(node, vm, startedAt[0], request);
                            long took = ctx.clock().nowEpochSeconds() - startedAt[0];
                            run.log(
                                    "INFO: archive file size: "
                                            + ctx.state()
                                                    .storages()
                                                    .find(volid, node)
                                                    .map(v -> humanSize(v.size()))
                                                    .orElse("0"));
                            run.log("INFO: Finished Backup of VM " + vmid + " (" + hms(took) + ")");
                            run.log(
                                    "INFO: Backup finished at "
                                            + LOG_TIME.format(ctx.clock().now()));
                            prune(run, node, vmid, request);
                        } catch (PveException e) {
                            fail(run, failures, vmid, e.getMessage());
                        }
                    });
        }
        task.step(
                Duration.ZERO,
                run -> {
                    if (!failures.isEmpty()) {
                        run.log("INFO: Backup job finished with errors");
                        throw new TaskError("job errors");
                    }
                    run.log("INFO: Backup job finished successfully");
                });
        task.onFailure(
                error ->
                        vmids.forEach(
                                vmid ->
                                        ctx.state()
                                                .vm(vmid)
                                                .filter(
                                                        vm ->
                                                                "backup"
                                                                        .equals(
                                                                                vm.lock()
                                                                                        .orElse(
                                                                                                null)))
                                                .ifPresent(vm -> vm.set("lock", null))));
        return task.start();
    }

    private static void fail(
            TaskEngine.Context run, List<String> failures, int vmid, String error) {
        failures.add(error.strip());
        run.log("ERROR: Backup of VM " + vmid + " failed - " + error.strip());
    }

    private StoragePool pool(String node, Request request) {
        return ctx.state().storages().pool(request.storage(), node);
    }

    private String writeArchive(String node, VmState vm, long ctime, Request request) {
        StoragePool pool = pool(node, request);
        if (!pool.online()) {
            throw PveException.internal("storage '" + request.storage() + "' is not online");
        }
        String name = fileName(vm.vmid(), ctime, request);
        String volname = "backup/" + name;
        if (pool.volume(volname).isPresent()) {
            throw PveException.internal(
                    "unable to create backup file '" + name + "' - file exists");
        }
        Map<String, Long> diskSizes = new LinkedHashMap<>();
        long bytes = 0;
        for (Drive drive : vm.drives()) {
            if (drive.hasVolume() && !drive.isCdrom()) {
                long size = ctx.state().storages().virtualSize(drive.file(), vm.node());
                diskSizes.put(drive.key(), size);
                bytes += size;
            }
        }
        long archiveSize =
                Math.max(1L << 20, (long) (bytes * compressionRatio(request.compress())));
        TreeMap<String, String> config = new TreeMap<>(vm.config());
        config.remove("lock");
        String notes = notes(request.options().get("notes-template"), vm, node);
        ctx.state()
                .storages()
                .addArchive(
                        request.storage(),
                        node,
                        new Volume(
                                volname,
                                "backup",
                                format(request),
                                archiveSize,
                                vm.vmid(),
                                null,
                                ctime),
                        new BackupArchive(
                                vm.vmid(),
                                "qemu",
                                config,
                                diskSizes,
                                notes,
                                "1".equals(request.options().get("protected")),
                                false));
        return request.storage() + ":" + volname;
    }

    /** Applies retention to the VM's backups on the storage (unless {@code remove=0}). */
    private void prune(TaskEngine.Context run, String node, int vmid, Request request) {
        if ("0".equals(request.options().get("remove"))) {
            return;
        }
        StoragePool pool = pool(node, request);
        String text = request.options().get("prune-backups");
        if (text == null) {
            text = pool.definition().properties().get("prune-backups");
        }
        PruneRules rules =
                text == null ? PruneRules.keepAll() : PruneRules.parse(text, "prune-backups");
        if (rules.keepsEverything()) {
            return;
        }
        List<PruneRules.Entry> group = new ArrayList<>();
        for (Volume v : pool.volumes()) {
            if (v.content().equals("backup") && v.vmid() == vmid) {
                boolean protect =
                        pool.archive(v.volname()).map(BackupArchive::protect).orElse(false);
                group.add(
                        new PruneRules.Entry(
                                request.storage() + ":" + v.volname(), v.ctime(), protect));
            }
        }
        run.log("INFO: prune older backups with retention: " + rules.print().replace(",", ", "));
        int removed = 0;
        for (Map.Entry<String, PruneRules.Mark> e : rules.mark(group, NODE_ZONE).entrySet()) {
            if (e.getValue() == PruneRules.Mark.REMOVE) {
                run.log("INFO: removing backup '" + e.getKey() + "'");
                ctx.state().storages().free(e.getKey(), node);
                removed++;
            }
        }
        run.log(
                "INFO: pruned "
                        + removed
                        + " backup(s)"
                        + (removed > 0 ? " not covered by keep-retention policy" : ""));
    }

    /**
     * Backup time: the fixed part of a create plus a quarter of it per GiB (scaled with the task
     * durations).
     */
    private Duration duration(int vmid, String node) {
        long bytes =
                ctx.state()
                        .vm(vmid)
                        .map(
                                vm ->
                                        vm.drives().stream()
                                                .filter(d -> d.hasVolume() && !d.isCdrom())
                                                .mapToLong(
                                                        d ->
                                                                ctx.state()
                                                                        .storages()
                                                                        .virtualSize(
                                                                                d.file(), node))
                                                .sum())
                        .orElse(0L);
        Duration base = ctx.ops().durations().create();
        double gib = bytes / (double) (1L << 30);
        return base.plus(Duration.ofNanos((long) (base.toNanos() / 4.0 * gib)));
    }

    private static String fileName(int vmid, long ctime, Request request) {
        return "vzdump-qemu-"
                + vmid
                + "-"
                + FILE_TIME.format(Instant.ofEpochSecond(ctime))
                + "."
                + format(request);
    }

    private static String format(Request request) {
        return switch (request.compress()) {
            case "zstd" -> "vma.zst";
            case "gzip" -> "vma.gz";
            case "lzo" -> "vma.lzo";
            default -> "vma";
        };
    }

    private static double compressionRatio(String compress) {
        return switch (compress) {
            case "zstd" -> 0.35;
            case "gzip" -> 0.4;
            case "lzo" -> 0.5;
            default -> 1.0;
        };
    }

    private String notes(String template, VmState vm, String node) {
        if (template == null) {
            return null;
        }
        return template.replace("{{guestname}}", vm.name())
                .replace("{{node}}", node)
                .replace("{{vmid}}", vm.vmidText())
                .replace("{{cluster}}", ctx.state().clusterName());
    }

    private static String commandLine(Request request, String node) {
        StringBuilder line = new StringBuilder();
        new TreeMap<>(request.options())
                .forEach(
                        (k, v) -> {
                            if (!Set.of(
                                            "vmid",
                                            "node",
                                            "schedule",
                                            "enabled",
                                            "comment",
                                            "repeat-missed",
                                            "notes-template")
                                    .contains(k)) {
                                line.append(" --").append(k).append(' ').append(v);
                            }
                        });
        return line.append(" --node ").append(node).toString();
    }

    static Set<Integer> vmids(String list) {
        Set<Integer> result = new TreeSet<>();
        if (list != null) {
            Arrays.stream(list.trim().split("[,;\\s]+"))
                    .filter(s -> !s.isEmpty())
                    .forEach(s -> result.add(Integer.parseInt(s)));
        }
        return result;
    }

    private static String hms(long seconds) {
        return String.format("%02d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60);
    }

    private static String humanSize(long bytes) {
        if (bytes >= 1L << 30) {
            return String.format("%.2fGB", bytes / (double) (1L << 30));
        }
        return String.format("%.2fMB", bytes / (double) (1L << 20));
    }
}
