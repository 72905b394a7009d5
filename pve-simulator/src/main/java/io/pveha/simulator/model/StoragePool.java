package io.pveha.simulator.model;

import java.util.Collection;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The space behind a storage on one node (local storages) or for the whole cluster (shared ones):
 * capacity, volumes and space used by other things (the node's OS on {@code local}, a "fill" fault).
 */
public final class StoragePool {
    private final StorageDefinition definition;
    private final String node;
    private final long capacity;
    private final long baseUsage;
    private final TreeMap<String, Volume> volumes = new TreeMap<>();
    private long filler;

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
    }

    /** Makes the storage report itself full (fault injection); {@code false} frees the space again. */
    void setFull(boolean full) {
        filler = 0;
        if (full) {
            filler = capacity - used();
        }
    }

    long filler() {
        return filler;
    }

    void restoreFiller(long value) {
        filler = value;
    }
}
