package io.pveha.pve.model;

/** {@code GET /version}: {@code version} is 8.4.1 style from PVE 8 on, 7.4-16 style before. */
public record PveVersion(String version, String release, String repoid) {
    /** The major version, or 0 when unreadable. */
    public int major() {
        try {
            return Integer.parseInt(version.split("[.-]")[0]);
        } catch (RuntimeException e) {
            return 0;
        }
    }
}
