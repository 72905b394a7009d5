package io.pveha.simulator.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code storage.cfg} and the volumes on it: allocation with PVE's names, template (base)
 * conversion, linked clones, and the errors PVE's storage plugins raise when a storage is full.
 */
public final class Storages {
    private static final Pattern DISK_NAME =
            Pattern.compile("^(?:vm|base)-(\\d+)-disk-(\\d+)(?:\\.\\w+)?$");

    private final Map<String, StorageDefinition> definitions = new LinkedHashMap<>();
    private final Map<String, StoragePool> pools = new LinkedHashMap<>();
    private final Collection<NodeState> nodes;
    private final NfsServer nfs;

    /** Storages defined through the API after start; the state file does not keep them. */
    private final Set<String> addedAtRuntime = new HashSet<>();

    Storages(List<StorageDefinition> storageDefinitions, Collection<NodeState> nodes) {
        this(storageDefinitions, nodes, new NfsServer());
    }

    Storages(
            List<StorageDefinition> storageDefinitions,
            Collection<NodeState> nodes,
            NfsServer nfs) {
        this.nodes = nodes;
        this.nfs = nfs;
        for (StorageDefinition def : storageDefinitions) {
            addPools(def);
        }
    }

    private void addPools(StorageDefinition def) {
        definitions.put(def.id(), def);
        if (def.shared()) {
            PoolContent content =
                    def.type() == StorageType.NFS
                            ? nfs.export(
                                    def.properties().getOrDefault("server", ""),
                                    def.properties().getOrDefault("export", ""))
                            : new PoolContent();
            pools.put(def.id(), new StoragePool(def, null, def.capacity(), 0, content));
        } else {
            for (NodeState node : nodes) {
                // 'local' lives on the root file system, so the OS counts as used space.
                long baseUsage = def.type() == StorageType.DIR ? node.rootfsUsed() : 0;
                pools.put(
                        key(def.id(), node.name()),
                        new StoragePool(
                                def, node.name(), def.capacity(), baseUsage, new PoolContent()));
            }
        }
    }

    /** {@code POST /storage}: a new entry of storage.cfg (the caller checked the id is free). */
    public void define(StorageDefinition def) {
        if (definitions.containsKey(def.id())) {
            throw PveException.internal("storage ID '" + def.id() + "' already defined");
        }
        addPools(def);
        addedAtRuntime.add(def.id());
    }

    /** {@code PUT /storage/{id}}: replaces the settings; volumes stay. */
    public void redefine(StorageDefinition def) {
        StorageDefinition old = definitions.get(def.id());
        if (old == null) {
            throw PveException.internal("storage '" + def.id() + "' does not exist");
        }
        definitions.put(def.id(), def);
        List<String> keys =
                pools.entrySet().stream()
                        .filter(e -> e.getValue().definition().id().equals(def.id()))
                        .map(Map.Entry::getKey)
                        .toList();
        for (String k : keys) {
            StoragePool oldPool = pools.get(k);
            StoragePool pool =
                    new StoragePool(
                            def,
                            oldPool.node(),
                            oldPool.total(),
                            oldPool.baseUsage(),
                            oldPool.content());
            oldPool.copyStateTo(pool);
            pools.put(k, pool);
        }
    }

    /**
     * {@code DELETE /storage/{id}}: removes the definition; the data stays where it is, as on PVE.
     */
    public void undefine(String id) {
        if (definitions.remove(id) == null) {
            throw PveException.internal("storage '" + id + "' does not exist");
        }
        pools.values().removeIf(p -> p.definition().id().equals(id));
        addedAtRuntime.remove(id);
    }

    /**
     * Changes whenever a shared NFS export changes, also by another cluster mounting it: answers
     * memoized on the state lock's version must also key on this.
     */
    public long sharedVersion() {
        return nfs.version();
    }

    public boolean addedAtRuntime(String id) {
        return addedAtRuntime.contains(id);
    }

    /**
     * Where a file-based storage lives on the node: {@code path}, or {@code /mnt/pve/<id>} for NFS.
     */
    public static String mountPath(StorageDefinition def) {
        if (def.type() == StorageType.NFS) {
            return def.properties().getOrDefault("path", "/mnt/pve/" + def.id());
        }
        return def.properties().getOrDefault("path", "/var/lib/vz");
    }

    /** Stores a backup archive ({@code backup/vzdump-...}) with its details. */
    public void addArchive(String storageId, String node, Volume volume, BackupArchive archive) {
        StoragePool pool = pool(storageId, node);
        if (pool.avail() < volume.size()) {
            throw PveException.internal("vma_queue_write: write error - No space left on device");
        }
        pool.putArchive(volume, archive);
    }

    public void updateArchive(String volid, String node, BackupArchive archive) {
        pool(storageOf(volid), node).updateArchive(volnameOf(volid), archive);
    }

    /** Makes a storage unreachable (or reachable again) on every node. */
    public void setOnline(String storageId, boolean online) {
        if (!definitions.containsKey(storageId)) {
            throw new IllegalArgumentException("no such storage: " + storageId);
        }
        pools.values().stream()
                .filter(p -> p.definition().id().equals(storageId))
                .forEach(p -> p.setOnline(online));
    }

    public Collection<StorageDefinition> definitions() {
        return definitions.values();
    }

    public Optional<StorageDefinition> definition(String id) {
        return Optional.ofNullable(definitions.get(id));
    }

    /** The pool that serves {@code storageId} on {@code node}. */
    public StoragePool pool(String storageId, String node) {
        StorageDefinition def = definitions.get(storageId);
        if (def == null) {
            throw PveException.internal("storage '" + storageId + "' does not exist");
        }
        return pools.get(def.shared() ? storageId : key(storageId, node));
    }

    public Collection<StoragePool> pools() {
        return pools.values();
    }

    /** SHA1 of storage.cfg as rendered from the definitions; the {@code digest} of GET /storage. */
    public String configDigest() {
        StringBuilder cfg = new StringBuilder();
        for (StorageDefinition def : definitions.values()) {
            cfg.append(def.type().pluginType()).append(": ").append(def.id()).append('\n');
            new TreeMap<>(def.properties())
                    .forEach(
                            (k, v) ->
                                    cfg.append('\t').append(k).append(' ').append(v).append('\n'));
            cfg.append("\tcontent ").append(String.join(",", def.content())).append("\n\n");
        }
        try {
            return HexFormat.of()
                    .formatHex(
                            MessageDigest.getInstance("SHA-1")
                                    .digest(cfg.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String storageOf(String volid) {
        int colon = volid.indexOf(':');
        if (colon <= 0) {
            throw PveException.internal("unable to parse volume ID '" + volid + "'");
        }
        return volid.substring(0, colon);
    }

    public static String volnameOf(String volid) {
        return volid.substring(volid.indexOf(':') + 1);
    }

    public Optional<Volume> find(String volid, String node) {
        StorageDefinition def = definitions.get(storageOf(volid));
        if (def == null) {
            return Optional.empty();
        }
        return pool(def.id(), node).volume(volnameOf(volid));
    }

    /**
     * Adds a file that belongs to no VM (an ISO image, a container template); used to seed the
     * cluster.
     */
    public void addFile(String storageId, String node, Volume volume) {
        pool(storageId, node).put(volume);
    }

    /**
     * Allocates a new image {@code vm-<vmid>-disk-N} (or {@code name}) and returns its volume id.
     */
    public String allocate(
            String storageId,
            String node,
            int vmid,
            long size,
            String format,
            String name,
            long nowEpoch) {
        StoragePool pool = pool(storageId, node);
        StorageDefinition def = pool.definition();
        String fmt = format != null ? format : def.type().defaultFormat();
        String volname = name != null ? dirPath(def, vmid, name) : freeDiskName(pool, vmid, fmt);
        if (pool.avail() < size) {
            throw PveException.internal(outOfSpaceError(def, volname));
        }
        pool.put(new Volume(volname, "images", fmt, size, vmid, null, nowEpoch));
        return storageId + ":" + volname;
    }

    /** Frees a volume; base volumes still used by linked clones are refused as PVE does. */
    public void free(String volid, String node) {
        StoragePool pool = pool(storageOf(volid), node);
        String volname = volnameOf(volid);
        if (isBaseInUse(pool, volname)) {
            throw PveException.internal(
                    "base volume '" + volid + "' is still in use by linked cloned");
        }
        pool.remove(volname);
    }

    public boolean isBaseInUse(String volid, String node) {
        return isBaseInUse(pool(storageOf(volid), node), volnameOf(volid));
    }

    /**
     * Converts a VM image into a template base image ({@code vm-} to {@code base-}); returns the
     * new id.
     */
    public String createBase(String volid, String node) {
        StoragePool pool = pool(storageOf(volid), node);
        String volname = volnameOf(volid);
        Volume volume =
                pool.volume(volname)
                        .orElseThrow(
                                () ->
                                        PveException.internal(
                                                "volume '" + volid + "' does not exist"));
        if (volume.isBase()) {
            throw PveException.internal("create_base not possible with base image");
        }
        String baseName = volname.replaceFirst("vm-(\\d+)-disk", "base-$1-disk");
        pool.remove(volname);
        pool.put(
                new Volume(
                        baseName,
                        volume.content(),
                        volume.format(),
                        volume.size(),
                        volume.vmid(),
                        null,
                        volume.ctime()));
        return storageOf(volid) + ":" + baseName;
    }

    /** A linked clone of a base image for {@code newVmid}, named as the storage plugin names it. */
    public String cloneLinked(String baseVolid, String node, int newVmid, long nowEpoch) {
        StoragePool pool = pool(storageOf(baseVolid), node);
        String baseName = volnameOf(baseVolid);
        Volume base =
                pool.volume(baseName)
                        .orElseThrow(
                                () ->
                                        PveException.internal(
                                                "volume '" + baseVolid + "' does not exist"));
        String ownName = freeDiskName(pool, newVmid, base.format());
        String volname =
                switch (pool.definition().type()) {
                    // LVM-thin names the snapshot like any other volume; RBD and dir keep the base
                    // in the name.
                    case LVMTHIN -> ownName;
                    case RBD -> baseName + "/" + ownName;
                    case DIR, NFS -> baseName + "/" + ownName;
                };
        // A thin clone shares the base's blocks: it costs no space until written.
        pool.put(new Volume(volname, "images", base.format(), 0, newVmid, baseName, nowEpoch));
        return storageOf(baseVolid) + ":" + volname;
    }

    /** The size a guest sees; linked clones report their base's size. */
    public long virtualSize(String volid, String node) {
        StoragePool pool = pool(storageOf(volid), node);
        Volume v = pool.volume(volnameOf(volid)).orElse(null);
        if (v == null) {
            return 0;
        }
        if (v.base() != null) {
            return pool.volume(v.base()).map(Volume::size).orElse(0L);
        }
        return v.size();
    }

    /**
     * Moves a local volume to another node (storage migration), onto {@code targetStorage} or, if
     * null, the same storage there; returns the volume id on the target.
     */
    public String migrateLocal(
            String volid, String fromNode, String toNode, String targetStorage, long nowEpoch) {
        StoragePool source = pool(storageOf(volid), fromNode);
        String storageId = targetStorage != null ? targetStorage : storageOf(volid);
        StoragePool target = pool(storageId, toNode);
        Volume volume =
                source.volume(volnameOf(volid))
                        .orElseThrow(
                                () ->
                                        PveException.internal(
                                                "volume '" + volid + "' does not exist"));
        long size = virtualSize(volid, fromNode);
        String volname =
                volume.isBase() && target.definition().type() == source.definition().type()
                        ? volume.volname()
                        : freeDiskName(target, volume.vmid(), volume.format());
        if (target.avail() < size) {
            throw PveException.internal(
                    "storage migration for '"
                            + volid
                            + "' to storage '"
                            + storageId
                            + "' failed - "
                            + outOfSpaceError(target.definition(), volname));
        }
        source.remove(volume.volname());
        target.put(
                new Volume(
                        volname,
                        volume.content(),
                        volume.format(),
                        size,
                        volume.vmid(),
                        null,
                        nowEpoch));
        return storageId + ":" + volname;
    }

    public void setFull(String storageId, String node, boolean full) {
        StorageDefinition def = definitions.get(storageId);
        if (def == null) {
            throw new IllegalArgumentException("no such storage: " + storageId);
        }
        for (StoragePool pool : pools.values()) {
            if (pool.definition().id().equals(storageId)
                    && (node == null || def.shared() || node.equals(pool.node()))) {
                pool.setFull(full);
            }
        }
    }

    private static boolean isBaseInUse(StoragePool pool, String volname) {
        return pool.volumes().stream().anyMatch(v -> volname.equals(v.base()));
    }

    private static String freeDiskName(StoragePool pool, int vmid, String format) {
        List<Integer> used = new ArrayList<>();
        for (Volume v : pool.volumes()) {
            String name = v.volname().substring(v.volname().lastIndexOf('/') + 1);
            Matcher m = DISK_NAME.matcher(name);
            if (m.matches() && Integer.parseInt(m.group(1)) == vmid) {
                used.add(Integer.parseInt(m.group(2)));
            }
        }
        int n = 0;
        while (used.contains(n)) {
            n++;
        }
        return dirPath(
                pool.definition(),
                vmid,
                "vm-"
                        + vmid
                        + "-disk-"
                        + n
                        + (pool.definition().type().fileBased() ? "." + format : ""));
    }

    private static String dirPath(StorageDefinition def, int vmid, String name) {
        return def.type().fileBased() ? vmid + "/" + name : name;
    }

    /** What the storage plugin's allocation command prints when there is no space left. */
    private static String outOfSpaceError(StorageDefinition def, String volname) {
        return switch (def.type()) {
            case LVMTHIN -> {
                String vg = def.properties().getOrDefault("vgname", "pve");
                String thinpool = def.properties().getOrDefault("thinpool", "data");
                yield "lvcreate '"
                        + vg
                        + "/"
                        + volname
                        + "' error:   Cannot create new thin volume, free space in thin pool "
                        + vg
                        + "/"
                        + thinpool
                        + " reached threshold.";
            }
            case RBD ->
                    "rbd create '"
                            + volname
                            + "' error: rbd: create error: (28) No space left on device";
            case DIR, NFS -> {
                String path = mountPath(def) + "/images/" + volname;
                yield "unable to create image: qemu-img: "
                        + path
                        + ": Could not create '"
                        + path
                        + "': No space left on device";
            }
        };
    }

    private static String key(String storageId, String node) {
        return storageId + "@" + node;
    }
}
