package io.pveha.simulator.model;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The NFS servers the simulated nodes reach, each export by {@code server:export}. An NFS storage
 * ({@code POST /storage type=nfs}) holds the files of its export, so two simulators built with the
 * same {@code NfsServer} ({@code PveSimulator.builder().nfs(...)}) see one shared export: the
 * archives one cluster's vzdump writes are listed, restorable and prunable on the other, as two PVE
 * clusters mounting one export of a backup server. Each simulator has its own by default.
 *
 * <p>Thread-safe: the simulators sharing an export each hold their own state lock, so the export
 * guards its content itself, and hands out copies of its volume list.
 */
public final class NfsServer {
    private final Map<String, Export> exports = new ConcurrentHashMap<>();

    /** The export {@code path} of {@code server}, empty until something mounts it. */
    Export export(String server, String path) {
        return exports.computeIfAbsent(server + ":" + path, k -> new Export());
    }

    /**
     * The files on an export, for tests: volume names such as {@code backup/vzdump-qemu-100-...}.
     */
    public List<String> files(String server, String path) {
        Export export = exports.get(server + ":" + path);
        return export == null
                ? List.of()
                : export.volumes().stream().map(Volume::volname).sorted().toList();
    }

    /** Changes whenever any export changes (answers naming shared storages are not memoized). */
    long version() {
        long sum = 0;
        for (Export e : exports.values()) {
            sum += e.version();
        }
        return sum;
    }

    /** One exported directory: its volumes and archives, shared by every cluster mounting it. */
    static final class Export extends PoolContent {
        private final AtomicLong version = new AtomicLong();

        @Override
        synchronized Collection<Volume> volumes() {
            return List.copyOf(super.volumes());
        }

        @Override
        synchronized Optional<Volume> volume(String volname) {
            return super.volume(volname);
        }

        @Override
        synchronized void put(Volume volume) {
            super.put(volume);
            version.incrementAndGet();
        }

        @Override
        synchronized void remove(String volname) {
            super.remove(volname);
            version.incrementAndGet();
        }

        @Override
        synchronized Optional<BackupArchive> archive(String volname) {
            return super.archive(volname);
        }

        @Override
        synchronized void putArchive(Volume volume, BackupArchive archive) {
            super.putArchive(volume, archive);
            version.incrementAndGet();
        }

        @Override
        synchronized void updateArchive(String volname, BackupArchive archive) {
            super.updateArchive(volname, archive);
            version.incrementAndGet();
        }

        @Override
        synchronized long usedBytes() {
            return super.usedBytes();
        }

        @Override
        long version() {
            return version.get();
        }
    }
}
