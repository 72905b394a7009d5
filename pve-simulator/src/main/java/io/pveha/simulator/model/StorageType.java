package io.pveha.simulator.model;

/**
 * The storage plugins this simulator models, with the volume features qemu-server asks for ({@code
 * volume_has_feature}): whether a volume can be the source of a linked clone and where images live.
 */
public enum StorageType {
    /** Directory storage: images are files, {@code qcow2} by default. */
    DIR("dir", "qcow2", false),
    /** LVM-thin pool: raw thin volumes; linked clones are thin snapshots of base volumes. */
    LVMTHIN("lvmthin", "raw", false),
    /**
     * Ceph RBD pool: shared, raw images; linked clones are RBD clones of protected base snapshots.
     */
    RBD("rbd", "raw", true),
    /** NFS export mounted on every node under {@code /mnt/pve/<id>}: a shared directory storage. */
    NFS("nfs", "qcow2", true);

    private final String pluginType;
    private final String defaultFormat;
    private final boolean sharedByDefault;

    StorageType(String pluginType, String defaultFormat, boolean sharedByDefault) {
        this.pluginType = pluginType;
        this.defaultFormat = defaultFormat;
        this.sharedByDefault = sharedByDefault;
    }

    public String pluginType() {
        return pluginType;
    }

    public String defaultFormat() {
        return defaultFormat;
    }

    /** Images are files in {@code images/<vmid>/} (dir, NFS), with the format as file extension. */
    public boolean fileBased() {
        return this == DIR || this == NFS;
    }

    public boolean sharedByDefault() {
        return sharedByDefault;
    }

    /**
     * Feature {@code clone}: every plugin here can clone a base volume (none clones a current
     * volume).
     */
    public boolean canLinkClone(boolean baseVolume) {
        return baseVolume;
    }
}
