package io.pveha.simulator.model;

/**
 * A volume on a storage.
 *
 * @param volname name inside the storage ({@code vm-100-disk-0}, {@code iso/debian.iso}, ...)
 * @param content {@code images}, {@code iso}, {@code vztmpl}
 * @param format {@code raw}, {@code qcow2}, {@code iso}, ...
 * @param size bytes
 * @param vmid owner, 0 for volumes without one (ISO images)
 * @param base the base volume this linked clone depends on, or null
 * @param ctime creation time, epoch seconds
 */
public record Volume(
        String volname,
        String content,
        String format,
        long size,
        int vmid,
        String base,
        long ctime) {

    public boolean isBase() {
        String name =
                volname.contains("/") ? volname.substring(volname.lastIndexOf('/') + 1) : volname;
        return name.startsWith("base-");
    }
}
