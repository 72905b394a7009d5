package io.pveha.simulator.model;

import java.util.Collection;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The files or images a storage holds: volumes by name, and the backup details of each vzdump
 * archive among them. A local storage has its own per node; a shared directory storage (NFS) has
 * the content of its export ({@link NfsServer}), which several simulated clusters may mount.
 */
class PoolContent {
    private final TreeMap<String, Volume> volumes = new TreeMap<>();
    private final TreeMap<String, BackupArchive> archives = new TreeMap<>();

    /** The volumes; a live view for a cluster's own storage, a copy for a shared export. */
    Collection<Volume> volumes() {
        return volumes.values();
    }

    Optional<Volume> volume(String volname) {
        return Optional.ofNullable(volumes.get(volname));
    }

    void put(Volume volume) {
        volumes.put(volume.volname(), volume);
    }

    void remove(String volname) {
        volumes.remove(volname);
        archives.remove(volname);
    }

    Optional<BackupArchive> archive(String volname) {
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

    long usedBytes() {
        long sum = 0;
        for (Volume v : volumes.values()) {
            sum += v.size();
        }
        return sum;
    }

    /** Changes with every write; 0 for content only its own cluster writes (its lock tells). */
    long version() {
        return 0;
    }
}
