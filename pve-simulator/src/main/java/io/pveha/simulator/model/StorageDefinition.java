package io.pveha.simulator.model;

import java.util.List;
import java.util.Map;

/**
 * One entry of {@code storage.cfg}.
 *
 * @param id storage id ({@code local}, {@code local-lvm}, {@code ceph-vm})
 * @param type plugin
 * @param content content types in the order PVE prints them
 * @param properties plugin settings as written in storage.cfg ({@code path}, {@code vgname}, {@code
 *     pool}, ...)
 * @param capacity bytes per node for local storages, in total for shared ones
 */
public record StorageDefinition(
        String id,
        StorageType type,
        List<String> content,
        Map<String, String> properties,
        long capacity) {

    public boolean shared() {
        return type.sharedByDefault();
    }

    public boolean holds(String contentType) {
        return content.contains(contentType);
    }

    /** The three storages of a fresh PVE cluster with Ceph, as the simulator starts. */
    public static List<StorageDefinition> defaults() {
        return List.of(
                new StorageDefinition(
                        "local",
                        StorageType.DIR,
                        List.of("iso", "vztmpl", "backup"),
                        Map.of("path", "/var/lib/vz"),
                        100L << 30),
                new StorageDefinition(
                        "local-lvm",
                        StorageType.LVMTHIN,
                        List.of("rootdir", "images"),
                        Map.of("thinpool", "data", "vgname", "pve"),
                        800L << 30),
                new StorageDefinition(
                        "ceph-vm",
                        StorageType.RBD,
                        List.of("images", "rootdir"),
                        Map.of("pool", "ceph-vm", "krbd", "0"),
                        4L << 40));
    }
}
