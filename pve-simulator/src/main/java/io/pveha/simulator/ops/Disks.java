package io.pveha.simulator.ops;

import io.pveha.simulator.model.Drive;
import io.pveha.simulator.model.PropertyString;
import io.pveha.simulator.model.PveException;
import io.pveha.simulator.model.StorageDefinition;
import io.pveha.simulator.model.Storages;
import io.pveha.simulator.model.VmConfigSchema;
import io.pveha.simulator.model.Volume;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Drive settings of create and config requests, handled as qemu-server's {@code
 * check_storage_access} (before the task) and {@code create_disks} (inside it): {@code
 * STORAGE:SIZE} allocates a new image, {@code STORAGE:cloudinit} a cloud-init drive, an existing
 * volume id is attached with its size.
 */
final class Disks {
    /** {@code $PVE::QemuServer::Drive::NEW_DISK_RE}. */
    private static final Pattern NEW_DISK = Pattern.compile("^(([^/:\\s]+):)?(\\d+(\\.\\d+)?)$");

    /** Cloud-init drives are created with 4 MiB. */
    private static final long CLOUDINIT_SIZE = 4L << 20;

    private final OpsSupport ops;

    Disks(OpsSupport ops) {
        this.ops = ops;
    }

    /** Result of allocating the drives of one request. */
    record Created(Map<String, String> settings, List<String> volumes) {}

    /** The drive settings among {@code params} ({@code cdrom} is PVE's alias of {@code ide2}). */
    static Map<String, String> driveSettings(Map<String, String> params) {
        Map<String, String> drives = new LinkedHashMap<>();
        params.forEach(
                (key, value) -> {
                    if (VmConfigSchema.isDrive(key)) {
                        drives.put(key, value);
                    }
                });
        return drives;
    }

    /** {@code check_storage_access}: new disks need an existing storage that holds VM images. */
    void checkStorageAccess(Map<String, String> drives, String defaultStorage) {
        for (Map.Entry<String, String> e : drives.entrySet()) {
            Drive drive = Drive.parse(e.getKey(), e.getValue());
            String file = drive.file();
            if (file == null || file.equals("none") || file.equals("cdrom")) {
                continue;
            }
            Matcher m = NEW_DISK.matcher(file);
            if (!drive.isCdrom() && m.matches()) {
                String storage = m.group(2) != null ? m.group(2) : defaultStorage;
                if (storage == null) {
                    throw PveException.internal("no storage ID specified (and no default storage)");
                }
                requireImages(storage);
            } else if (isCloudInitSpec(file)) {
                requireImages(Storages.storageOf(file));
            } else if (file.contains(":")) {
                requireStorage(Storages.storageOf(file));
            }
        }
    }

    /**
     * {@code create_disks}: allocates what {@code drives} asks for on {@code node}; on failure
     * frees what it allocated and rethrows.
     */
    Created create(
            int vmid,
            String node,
            Map<String, String> drives,
            String defaultStorage,
            boolean template,
            Consumer<String> log) {
        Storages storages = ops.cluster().storages();
        Map<String, String> settings = new LinkedHashMap<>();
        List<String> created = new ArrayList<>();
        try {
            for (Map.Entry<String, String> e : drives.entrySet()) {
                String key = e.getKey();
                Drive drive = Drive.parse(key, e.getValue());
                String file = drive.file();
                if (file == null || file.equals("none") || file.equals("cdrom")) {
                    settings.put(key, drive.withOption("size", null).print());
                } else if (isCloudInitSpec(file)) {
                    String storage = Storages.storageOf(file);
                    StorageDefinition def = requireImages(storage);
                    String name =
                            "vm-"
                                    + vmid
                                    + "-cloudinit"
                                    + (def.type().defaultFormat().equals("qcow2") ? ".qcow2" : "");
                    String volid =
                            storages.allocate(
                                    storage,
                                    node,
                                    vmid,
                                    CLOUDINIT_SIZE,
                                    def.type().defaultFormat(),
                                    name,
                                    ops.nowEpoch());
                    created.add(volid);
                    OpsSupport.allocationLogLine(def.type(), volid).ifPresent(log);
                    String printed =
                            drive.withFile(volid)
                                    .withOption("media", "cdrom")
                                    .withOption("format", null)
                                    .print();
                    settings.put(key, printed);
                    log.accept(key + ": successfully created disk '" + printed + "'");
                } else {
                    Matcher m = NEW_DISK.matcher(file);
                    if (m.matches()) {
                        if (drive.options().containsKey("import-from")) {
                            throw PveException.internal(
                                    "import-from is not supported by pve-simulator");
                        }
                        String storage = m.group(2) != null ? m.group(2) : defaultStorage;
                        StorageDefinition def = requireImages(storage);
                        long size = (long) (Double.parseDouble(m.group(3)) * (1L << 30));
                        String volid =
                                storages.allocate(
                                        storage,
                                        node,
                                        vmid,
                                        size,
                                        drive.options().get("format"),
                                        null,
                                        ops.nowEpoch());
                        created.add(volid);
                        OpsSupport.allocationLogLine(def.type(), volid).ifPresent(log);
                        if (template) {
                            volid = storages.createBase(volid, node);
                            created.set(created.size() - 1, volid);
                        }
                        String printed =
                                drive.withFile(volid)
                                        .withOption("format", null)
                                        .withOption("size", PropertyString.formatSize(size))
                                        .print();
                        settings.put(key, printed);
                        log.accept(key + ": successfully created disk '" + printed + "'");
                    } else {
                        Volume volume =
                                storages.find(file, node)
                                        .orElseThrow(
                                                () ->
                                                        PveException.internal(
                                                                "volume "
                                                                        + file
                                                                        + " does not exist"));
                        long size =
                                volume.base() != null
                                        ? storages.virtualSize(file, node)
                                        : volume.size();
                        settings.put(
                                key,
                                drive.withOption("size", PropertyString.formatSize(size)).print());
                    }
                }
            }
        } catch (RuntimeException e) {
            free(created, node);
            throw e;
        }
        return new Created(settings, created);
    }

    void free(List<String> volids, String node) {
        for (String volid : volids) {
            ops.cluster().storages().free(volid, node);
        }
    }

    private static boolean isCloudInitSpec(String file) {
        return file.endsWith(":cloudinit");
    }

    private StorageDefinition requireStorage(String storage) {
        return ops.cluster()
                .storages()
                .definition(storage)
                .orElseThrow(
                        () -> PveException.internal("storage '" + storage + "' does not exist"));
    }

    private StorageDefinition requireImages(String storage) {
        StorageDefinition def = requireStorage(storage);
        if (!def.holds("images")) {
            throw PveException.param(
                    "storage", "storage '" + storage + "' does not support vm images");
        }
        return def;
    }
}
