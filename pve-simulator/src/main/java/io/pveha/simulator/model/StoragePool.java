package io.pveha.simulator.model;

import java.util.Collection;
import java.util.Optional;

/**
 * The space behind a storage on one node (local storages) or for the whole cluster (shared ones):
 * capacity, volumes and space used by other things (the node's OS on {@code local}, a "fill"
 * fault).
 */
public final class StoragePool {
    private final StorageDefinition definition;
    private final String node;
    private final long capacity;
    private final long baseUsage;
    private final PoolContent content;
    private long filler;
    private boolean online = true;

    StoragePool(
            StorageDefinition definition,
            String node,
            long capacity,
            long baseUsage,
            PoolContent content) {
        this.definition = definition;
        this.node = node;
        this.capacity = capacity;
        this.baseUsage = baseUsage;
        this.content = content;
    }

    public StorageDefinition definition() {
        return definition;
    }

    /** The node of a local storage, null for a shared one. */
    public String node() {
        return node;
    }

    public long total() {
        return capacity;
    }

    public long used() {
        return Math.min(baseUsage + filler + content.usedBytes(), capacity);
    }

    public long avail() {
        return capacity - used();
    }

    /**
     * The volumes: a live view of a cluster's own storage (read under the state lock), a copy for a
     * shared NFS export.
     */
    public Collection<Volume> volumes() {
        return content.volumes();
    }

    public Optional<Volume> volume(String volname) {
        return content.volume(volname);
    }

    void put(Volume volume) {
        content.put(volume);
    }

    void remove(String volname) {
        content.remove(volname);
    }

    /** The backup details of a {@code backup/vzdump-...} volume, if it is one. */
    public Optional<BackupArchive> archive(String volname) {
        return content.archive(volname);
    }

    void putArchive(Volume volume, BackupArchive archive) {
        content.putArchive(volume, archive);
    }

    void updateArchive(String volname, BackupArchive archive) {
        content.updateArchive(volname, archive);
    }

    /** The content; shared with the pool that replaces this one when the definition changes. */
    PoolContent content() {
        return content;
    }

    /** False while the storage cannot be reached (NFS server gone: fault injection). */
    public boolean online() {
        return online;
    }

    void setOnline(boolean value) {
        online = value;
    }

    /**
     * Makes the storage report itself full (fault injection); {@code false} frees the space again.
     */
    void setFull(boolean full) {
        filler = 0;
        if (full) {
            filler = capacity - used();
        }
    }

    long baseUsage() {
        return baseUsage;
    }

    /** Moves the fill fault and availability to a pool of the changed definition. */
    void copyStateTo(StoragePool other) {
        other.filler = filler;
        other.online = online;
    }

    long filler() {
        return filler;
    }

    void restoreFiller(long value) {
        filler = value;
    }
}
