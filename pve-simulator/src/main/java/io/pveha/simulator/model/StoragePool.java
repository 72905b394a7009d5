package io.pveha.simulator.model;

import java.util.Collection;
import java.util.Optional;
import java.util.TreeMap;

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
    private final TreeMap<String, Volume> volumes = new TreeMap<>();
    private final TreeMap<String, BackupArchive> archives = new TreeMap<>();
    private long filler;
    private boolean online = true;

    StoragePool(StorageDefinition definition, String node, long capacity, long baseUsage) {
        this.definition = definition;
        this.node = node;
        this.capacity = capacity;
        this.baseUsage = baseUsage;
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
        long sum = baseUsage + filler;
        for (Volume v : volumes.values()) {
            sum += v.size();
        }
        return Math.min(sum, capacity);
    }

    public long avail() {
        return capacity - used();
    }

    public Collection<Volume> volumes() {
        return volumes.values();
    }

    public Optional<Volume> volume(String volname) {
        return Optional.ofNullable(volumes.get(volname));
    }

    void put(Volume volume) {
        volumes.put(volume.volname(), volume);
    }

    void remove(String volname) {
        volumes.remove(volname);
        archives.remove(volname);
    }

    /** The backup details of a {@code backup/vzdump-...} volume, if it is one. */
    public Optional<BackupArchive> archive(String volname) {
        return Optional.ofNullable(archives.get(volname));
    }

    void putArchive(Volume volume, BackupArchive archive) {
        volumes.put(volume.volname(), volume);
        archives.put(volume.volname(), archive);
    }

    void updateArchive(String volname, BackupArchive archive) {
        if (!archives.containsKey(volname)) {
            throw new IllegalArgumentException("no backup archive " + volname);
        }
        archives.put(volname, archive);
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

    /** Moves volumes, archives, fill fault and availability to a pool of the changed definition. */
    void copyContentTo(StoragePool other) {
        other.volumes.putAll(volumes);
        other.archives.putAll(archives);
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
