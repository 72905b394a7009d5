package io.pveha.simulator.ceph;

import io.pveha.simulator.clock.SimClock;
import io.pveha.simulator.model.ClusterState;
import io.pveha.simulator.model.NodeState;
import io.pveha.simulator.model.StorageDefinition;
import io.pveha.simulator.model.StoragePool;
import io.pveha.simulator.model.StorageType;
import io.pveha.simulator.model.Volume;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * A hyperconverged Ceph cluster in memory: a monitor and {@code osdsPerNode} OSDs on every PVE
 * node, pools with the monitor's checks (the messages of Ceph Pacific's {@code OSDMonitor}), usage
 * from the VM disks on the RBD storages that use a pool, and health derived from node power and
 * fill level. OSDs of a node that is off are down at once and out after {@code
 * mon_osd_down_out_interval} (600 s); the CRUSH failure domain is the host. Call under the cluster
 * state lock, like the rest of the model.
 */
public final class InMemoryCeph implements CephBackend {
    /** {@code mon_max_pg_per_osd}. */
    static final int MAX_PG_PER_OSD = 250;

    static final long DOWN_OUT_INTERVAL_MILLIS = 600_000L;
    static final double NEARFULL = 0.85;
    static final double BACKFILLFULL = 0.90;
    static final double FULL = 0.95;
    private static final Set<String> AUTOSCALE_MODES = Set.of("on", "off", "warn");
    private static final Map<Integer, String> CRUSH_RULES = Map.of(0, "replicated_rule");
    private static final long OBJECT_SIZE = 4L << 20;

    private final ClusterState cluster;
    private final SimClock clock;
    private final int osdsPerNode;
    private final long osdBytes;
    private final String fsid;
    private final Map<String, Pool> pools = new LinkedHashMap<>();
    private int nextPoolId = 1;
    private int osdmapEpoch = 100;

    /** A pool's mutable settings. */
    private static final class Pool {
        final int id;
        final String name;
        int size = 3;
        int minSize = 2;
        int pgNum;
        Integer pgNumMin;
        String autoscaleMode = "on";
        int crushRule;
        final List<String> applications = new ArrayList<>();
        Long targetSizeBytes;
        Double targetSizeRatio;

        Pool(int id, String name, int pgNum) {
            this.id = id;
            this.name = name;
            this.pgNum = pgNum;
        }
    }

    public InMemoryCeph(ClusterState cluster, SimClock clock, int osdsPerNode, long osdBytes) {
        if (osdsPerNode < 1) {
            throw new IllegalArgumentException("every node needs at least one OSD");
        }
        this.cluster = cluster;
        this.clock = clock;
        this.osdsPerNode = osdsPerNode;
        this.osdBytes = osdBytes;
        this.fsid =
                UUID.nameUUIDFromBytes(
                                ("ceph-" + cluster.clusterName()).getBytes(StandardCharsets.UTF_8))
                        .toString();
        // What a PVE 8 cluster with Ceph Quincy+ has after 'pveceph pool create ceph-vm
        // --add_storages'.
        Pool mgr = addPool(".mgr", 1);
        mgr.applications.add("mgr");
        Pool vm = addPool("ceph-vm", 128);
        vm.autoscaleMode = "warn";
        vm.applications.add("rbd");
    }

    public int osdsPerNode() {
        return osdsPerNode;
    }

    @Override
    public List<CephPoolState> pools() {
        long rawTotal = rawTotal();
        long rawUsed = rawUsed();
        List<CephPoolState> result = new ArrayList<>();
        for (Pool p : pools.values()) {
            long stored = stored(p.name);
            long maxAvail = Math.max(0, (long) (rawTotal * FULL) - rawUsed) / p.size;
            double percent = stored + maxAvail == 0 ? 0 : (double) stored / (stored + maxAvail);
            result.add(
                    new CephPoolState(
                            p.id,
                            p.name,
                            1,
                            p.size,
                            p.minSize,
                            p.pgNum,
                            p.pgNum,
                            p.pgNumMin,
                            p.autoscaleMode,
                            p.crushRule,
                            CRUSH_RULES.get(p.crushRule),
                            List.copyOf(p.applications),
                            stored,
                            percent,
                            p.targetSizeBytes,
                            p.targetSizeRatio,
                            pgNumFinal(p),
                            rawTotal));
        }
        return result;
    }

    @Override
    public void createPool(String pool, int pgNum) {
        if (pools.containsKey(pool)) {
            return; // the monitor answers "pool 'x' already exists" with success
        }
        checkPgNum(null, pgNum, 3);
        addPool(pool, pgNum);
        osdmapEpoch++;
    }

    @Override
    public void setPool(String poolName, String variable, String value) {
        Pool p = require(poolName);
        switch (variable) {
            case "size" -> {
                int n = parseInt(value, variable);
                if (n <= 0 || n > 10) {
                    throw new CephCommandException("pool size must be between 1 and 10");
                }
                if (n == 1) {
                    throw new CephCommandException(
                            "configuring pool size as 1 is disabled by default.");
                }
                checkPgNum(p, p.pgNum, n);
                p.size = n;
                // osd_pool_default_min_size: a size change resets min_size
                // (tracker.ceph.com/issues/44862).
                p.minSize = n - n / 2;
            }
            case "min_size" -> {
                int n = parseInt(value, variable);
                if (n > p.size || n < 1) {
                    throw new CephCommandException(
                            "pool min_size must be between 1 and size, which is set to " + p.size);
                }
                p.minSize = n;
            }
            case "pg_num" -> {
                int n = parseInt(value, variable);
                if (n <= 0) {
                    throw new CephCommandException("specified pg_num " + n + " <= 0");
                }
                if (n > 65536) {
                    throw new CephCommandException(
                            "specified pg_num "
                                    + n
                                    + " is too large (creating 65536 new PGs "
                                    + "on ~"
                                    + osdCount()
                                    + " OSDs exceeds per-OSD max with mon_osd_max_split_count of 32)");
                }
                checkPgNum(p, n, p.size);
                p.pgNum = n;
            }
            case "pg_num_min" -> p.pgNumMin = parseInt(value, variable);
            case "pg_autoscale_mode" -> {
                if (!AUTOSCALE_MODES.contains(value)) {
                    throw new CephCommandException("specified invalid mode " + value);
                }
                p.autoscaleMode = value;
            }
            case "crush_rule" -> {
                Integer rule =
                        CRUSH_RULES.entrySet().stream()
                                .filter(e -> e.getValue().equals(value))
                                .map(Map.Entry::getKey)
                                .findFirst()
                                .orElse(null);
                if (rule == null) {
                    throw new CephCommandException("crush rule " + value + " does not exist");
                }
                p.crushRule = rule;
            }
            case "target_size_bytes" -> {
                long n = parseLong(value, variable);
                p.targetSizeBytes = n == 0 ? null : n;
            }
            case "target_size_ratio" -> {
                double ratio;
                try {
                    ratio = Double.parseDouble(value);
                } catch (NumberFormatException e) {
                    throw new CephCommandException(
                            "error parsing floating point value '" + value + "'");
                }
                if (ratio < 0) {
                    throw new CephCommandException("target_size_ratio cannot be negative");
                }
                p.targetSizeRatio = ratio == 0 ? null : ratio;
            }
            default -> throw new CephCommandException("unrecognized variable '" + variable + "'");
        }
        osdmapEpoch++;
    }

    @Override
    public void enableApplication(String poolName, String application) {
        Pool p = require(poolName);
        if (p.applications.contains(application)) {
            return;
        }
        if (!p.applications.isEmpty()) {
            throw new CephCommandException(
                    "Are you SURE? Pool '"
                            + poolName
                            + "' already has an enabled "
                            + "application; pass --yes-i-really-mean-it to proceed anyway");
        }
        p.applications.add(application);
        osdmapEpoch++;
    }

    @Override
    public void deletePool(String poolName) {
        require(poolName);
        pools.remove(poolName);
        osdmapEpoch++;
    }

    @Override
    public List<String> rbdImages(String poolName) {
        require(poolName);
        List<String> images = new ArrayList<>();
        for (StoragePool storage : rbdStorages(poolName)) {
            for (Volume v : storage.volumes()) {
                images.add(v.volname().substring(v.volname().lastIndexOf('/') + 1));
            }
        }
        return images;
    }

    @Override
    public Map<String, Object> status() {
        List<NodeState> nodes = List.copyOf(cluster.nodes());
        long now = clock.nowMillis();
        int upHosts = 0;
        int in = 0;
        List<String> downHosts = new ArrayList<>();
        for (NodeState node : nodes) {
            if (node.online()) {
                upHosts++;
                in += osdsPerNode;
            } else {
                downHosts.add(node.name());
                if (now - node.offlineSinceMillis() < DOWN_OUT_INTERVAL_MILLIS) {
                    in += osdsPerNode;
                }
            }
        }
        int numOsds = nodes.size() * osdsPerNode;
        int upOsds = upHosts * osdsPerNode;

        Map<String, Integer> pgStates = new TreeMap<>();
        Map<String, Object> checks = new LinkedHashMap<>();
        List<Map<String, Object>> undersizedDetail = new ArrayList<>();
        List<Map<String, Object>> inactiveDetail = new ArrayList<>();
        int undersized = 0;
        int inactive = 0;
        long objects = 0;
        long degradedObjects = 0;
        for (Pool p : pools.values()) {
            String state = pgState(p, upHosts);
            pgStates.merge(state, p.pgNum, Integer::sum);
            long poolObjects = (stored(p.name) + OBJECT_SIZE - 1) / OBJECT_SIZE;
            objects += poolObjects * p.size;
            if (!state.equals("active+clean")) {
                undersized += p.pgNum;
                degradedObjects += poolObjects * Math.max(0, p.size - upHosts);
                for (int pg = 0; pg < p.pgNum && undersizedDetail.size() < 50; pg++) {
                    undersizedDetail.add(
                            message(
                                    "pg "
                                            + p.id
                                            + "."
                                            + Integer.toHexString(pg)
                                            + " is stuck undersized "
                                            + "for "
                                            + (now - downSince(nodes)) / 1000
                                            + "s, current state "
                                            + state));
                }
            }
            if (!state.startsWith("active")) {
                inactive += p.pgNum;
                for (int pg = 0; pg < p.pgNum && inactiveDetail.size() < 50; pg++) {
                    inactiveDetail.add(
                            message(
                                    "pg "
                                            + p.id
                                            + "."
                                            + Integer.toHexString(pg)
                                            + " is stuck inactive "
                                            + "for "
                                            + (now - downSince(nodes)) / 1000
                                            + "s, current state "
                                            + state));
                }
            }
        }
        if (upOsds < numOsds) {
            List<Map<String, Object>> detail = new ArrayList<>();
            int osd = 0;
            for (NodeState node : nodes) {
                for (int i = 0; i < osdsPerNode; i++, osd++) {
                    if (!node.online()) {
                        detail.add(
                                message(
                                        "osd."
                                                + osd
                                                + " (root=default,host="
                                                + node.name()
                                                + ") is down"));
                    }
                }
            }
            checks.put(
                    "OSD_DOWN",
                    check(
                            "HEALTH_WARN",
                            (numOsds - upOsds) + " osds down",
                            numOsds - upOsds,
                            detail));
            List<Map<String, Object>> hostDetail =
                    downHosts.stream()
                            .map(
                                    h ->
                                            message(
                                                    "host "
                                                            + h
                                                            + " (root=default) ("
                                                            + osdsPerNode
                                                            + " osds) is down"))
                            .toList();
            checks.put(
                    "OSD_HOST_DOWN",
                    check(
                            "HEALTH_WARN",
                            downHosts.size()
                                    + " host"
                                    + (downHosts.size() == 1 ? "" : "s")
                                    + " ("
                                    + (numOsds - upOsds)
                                    + " osds) down",
                            downHosts.size(),
                            hostDetail));
        }
        if (inactive > 0) {
            checks.put(
                    "PG_AVAILABILITY",
                    check(
                            "HEALTH_WARN",
                            "Reduced data availability: " + inactive + " pgs inactive",
                            inactive,
                            inactiveDetail));
        }
        if (undersized > 0) {
            String objectsPart =
                    objects == 0
                            ? ""
                            : degradedObjects
                                    + "/"
                                    + objects
                                    + " objects degraded ("
                                    + String.format(
                                            java.util.Locale.ROOT,
                                            "%.3f",
                                            100.0 * degradedObjects / objects)
                                    + "%), ";
            checks.put(
                    "PG_DEGRADED",
                    check(
                            "HEALTH_WARN",
                            "Degraded data redundancy: "
                                    + objectsPart
                                    + undersized
                                    + " pgs degraded, "
                                    + undersized
                                    + " pgs undersized",
                            undersized,
                            undersizedDetail));
        }
        addFullnessChecks(checks, upOsds);

        String overall = "HEALTH_OK";
        for (Object c : checks.values()) {
            @SuppressWarnings("unchecked")
            String severity = (String) ((Map<String, Object>) c).get("severity");
            if (severity.equals("HEALTH_ERR") || overall.equals("HEALTH_OK")) {
                overall = severity;
            }
        }
        Map<String, Object> health = new LinkedHashMap<>();
        health.put("status", overall);
        health.put("checks", checks);
        health.put("mutes", List.of());

        long rawTotal = rawTotal();
        long rawUsed = rawUsed();
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("fsid", fsid);
        status.put("health", health);
        status.put("election_epoch", 20 + 2 * downHosts.size());
        List<Integer> quorum = new ArrayList<>();
        List<String> quorumNames = new ArrayList<>();
        List<Map<String, Object>> mons = new ArrayList<>();
        for (int rank = 0; rank < nodes.size(); rank++) {
            NodeState node = nodes.get(rank);
            if (node.online()) {
                quorum.add(rank);
                quorumNames.add(node.name());
            }
            Map<String, Object> mon = new LinkedHashMap<>();
            mon.put("rank", rank);
            mon.put("name", node.name());
            mon.put(
                    "public_addrs",
                    Map.of(
                            "addrvec",
                            List.of(
                                    Map.of("type", "v2", "addr", node.ip() + ":3300", "nonce", 0),
                                    Map.of(
                                            "type",
                                            "v1",
                                            "addr",
                                            node.ip() + ":6789",
                                            "nonce",
                                            0))));
            mon.put("addr", node.ip() + ":6789/0");
            mon.put("public_addr", node.ip() + ":6789/0");
            mon.put("priority", 0);
            mon.put("weight", 0);
            mons.add(mon);
        }
        status.put("quorum", quorum);
        status.put("quorum_names", quorumNames);
        status.put("quorum_age", 3600);
        Map<String, Object> monmap = new LinkedHashMap<>();
        monmap.put("epoch", 3);
        monmap.put("fsid", fsid);
        monmap.put("min_mon_release_name", "reef");
        monmap.put("num_mons", nodes.size());
        monmap.put("mons", mons);
        status.put("monmap", monmap);
        Map<String, Object> osdmap = new LinkedHashMap<>();
        osdmap.put("epoch", osdmapEpoch);
        osdmap.put("num_osds", numOsds);
        osdmap.put("num_up_osds", upOsds);
        osdmap.put("osd_up_since", clock.nowEpochSeconds() - 3600);
        osdmap.put("num_in_osds", in);
        osdmap.put("osd_in_since", clock.nowEpochSeconds() - 3600);
        osdmap.put("num_remapped_pgs", 0);
        status.put("osdmap", osdmap);
        Map<String, Object> pgmap = new LinkedHashMap<>();
        List<Map<String, Object>> byState = new ArrayList<>();
        pgStates.forEach(
                (state, count) -> byState.add(Map.of("state_name", state, "count", count)));
        pgmap.put("pgs_by_state", byState);
        pgmap.put("num_pgs", pools.values().stream().mapToInt(p -> p.pgNum).sum());
        pgmap.put("num_pools", pools.size());
        pgmap.put("num_objects", objects);
        pgmap.put("data_bytes", pools.values().stream().mapToLong(p -> stored(p.name)).sum());
        pgmap.put("bytes_used", rawUsed);
        pgmap.put("bytes_avail", rawTotal - rawUsed);
        pgmap.put("bytes_total", rawTotal);
        status.put("pgmap", pgmap);
        status.put("fsmap", Map.of("epoch", 1, "by_rank", List.of(), "up:standby", 0));
        Map<String, Object> mgrmap = new LinkedHashMap<>();
        mgrmap.put("available", upHosts > 0);
        mgrmap.put("num_standbys", Math.max(0, upHosts - 1));
        mgrmap.put("modules", List.of("iostat", "nfs", "restful"));
        mgrmap.put("services", Map.of());
        status.put("mgrmap", mgrmap);
        status.put("servicemap", Map.of("epoch", 1, "modified", "0.000000", "services", Map.of()));
        status.put("progress_events", Map.of());
        return status;
    }

    private void addFullnessChecks(Map<String, Object> checks, int upOsds) {
        long rawTotal = rawTotal();
        double ratio = rawTotal == 0 ? 0 : (double) rawUsed() / rawTotal;
        if (ratio < NEARFULL || upOsds == 0) {
            return;
        }
        // Usage is spread evenly, so every up OSD crosses a ratio at the same time.
        List<Map<String, Object>> osdDetail = new ArrayList<>();
        String percent = String.format(java.util.Locale.ROOT, "%.0f%%", ratio * 100);
        for (int osd = 0; osd < upOsds; osd++) {
            osdDetail.add(
                    message(
                            "osd."
                                    + osd
                                    + " is "
                                    + (ratio >= FULL
                                            ? "full"
                                            : ratio >= BACKFILLFULL ? "backfill full" : "near full")
                                    + " at "
                                    + percent));
        }
        List<Map<String, Object>> poolDetail =
                pools.values().stream()
                        .map(
                                p ->
                                        message(
                                                "pool '"
                                                        + p.name
                                                        + "' is "
                                                        + (ratio >= FULL ? "full" : "nearfull")))
                        .toList();
        if (ratio >= FULL) {
            checks.put("OSD_FULL", check("HEALTH_ERR", upOsds + " full osd(s)", upOsds, osdDetail));
            checks.put(
                    "POOL_FULL",
                    check("HEALTH_ERR", pools.size() + " pool(s) full", pools.size(), poolDetail));
        } else if (ratio >= BACKFILLFULL) {
            checks.put(
                    "OSD_BACKFILLFULL",
                    check("HEALTH_WARN", upOsds + " backfillfull osd(s)", upOsds, osdDetail));
            checks.put(
                    "POOL_BACKFILLFULL",
                    check(
                            "HEALTH_WARN",
                            pools.size() + " pool(s) backfillfull",
                            pools.size(),
                            poolDetail));
        } else {
            checks.put(
                    "OSD_NEARFULL",
                    check("HEALTH_WARN", upOsds + " nearfull osd(s)", upOsds, osdDetail));
            checks.put(
                    "POOL_NEARFULL",
                    check(
                            "HEALTH_WARN",
                            pools.size() + " pool(s) nearfull",
                            pools.size(),
                            poolDetail));
        }
    }

    /** PG state with host failure domain: replicas on distinct up hosts. */
    private static String pgState(Pool p, int upHosts) {
        if (upHosts >= p.size) {
            return "active+clean";
        }
        if (upHosts >= p.minSize) {
            return "active+undersized+degraded";
        }
        return upHosts == 0 ? "stale+undersized+degraded+peered" : "undersized+degraded+peered";
    }

    private long downSince(List<NodeState> nodes) {
        return nodes.stream()
                .filter(n -> !n.online())
                .mapToLong(NodeState::offlineSinceMillis)
                .min()
                .orElse(clock.nowMillis());
    }

    /**
     * {@code OSDMonitor::check_pg_num}: all PG replicas after the change must fit {@code
     * mon_max_pg_per_osd} times the OSDs in (at least 3 are assumed).
     */
    private void checkPgNum(Pool changed, int pgNum, int size) {
        int osds = Math.max(osdCount(), 3);
        long max = (long) MAX_PG_PER_OSD * osds;
        long projected = (long) pgNum * size;
        for (Pool p : pools.values()) {
            if (p != changed) {
                projected += (long) p.pgNum * p.size;
            }
        }
        if (projected > max) {
            throw new CephCommandException(
                    (changed != null ? "pool id " + changed.id + " " : "")
                            + "pg_num "
                            + pgNum
                            + " size "
                            + size
                            + " would mean "
                            + projected
                            + " total pgs, which exceeds max "
                            + max
                            + " (mon_max_pg_per_osd "
                            + MAX_PG_PER_OSD
                            + " * num_in_osds "
                            + osdCount()
                            + ")");
        }
    }

    private int osdCount() {
        return cluster.nodes().size() * osdsPerNode;
    }

    private long rawTotal() {
        return (long) osdCount() * osdBytes;
    }

    private long rawUsed() {
        return pools.values().stream().mapToLong(p -> stored(p.name) * p.size).sum();
    }

    /** Bytes stored in a pool: the images on every RBD storage that uses it. */
    private long stored(String poolName) {
        long sum = 0;
        for (StoragePool storage : rbdStorages(poolName)) {
            for (Volume v : storage.volumes()) {
                sum += v.size();
            }
        }
        return sum;
    }

    private List<StoragePool> rbdStorages(String poolName) {
        List<StoragePool> result = new ArrayList<>();
        for (StorageDefinition def : cluster.storages().definitions()) {
            if (def.type() == StorageType.RBD
                    && poolName.equals(def.properties().getOrDefault("pool", "rbd"))) {
                result.add(cluster.storages().pool(def.id(), null));
            }
        }
        return result;
    }

    private int pgNumFinal(Pool p) {
        if (p.autoscaleMode.equals("off")) {
            return p.pgNum;
        }
        // The autoscaler's power-of-two target for a pool without a target size: 32, or 1 for .mgr.
        return p.applications.contains("mgr")
                ? 1
                : p.targetSizeRatio != null || p.targetSizeBytes != null
                        ? Math.max(32, p.pgNum)
                        : 32;
    }

    private Pool addPool(String name, int pgNum) {
        Pool pool = new Pool(nextPoolId++, name, pgNum);
        pools.put(name, pool);
        return pool;
    }

    private Pool require(String name) {
        Pool p = pools.get(name);
        if (p == null) {
            throw new CephCommandException("unrecognized pool '" + name + "'");
        }
        return p;
    }

    private static int parseInt(String value, String variable) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new CephCommandException(
                    "error parsing integer value '" + value + "': " + variable);
        }
    }

    private static long parseLong(String value, String variable) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new CephCommandException(
                    "error parsing integer value '" + value + "': " + variable);
        }
    }

    private static Map<String, Object> message(String text) {
        return Map.of("message", text);
    }

    private static Map<String, Object> check(
            String severity, String summary, int count, List<Map<String, Object>> detail) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("severity", severity);
        c.put("summary", Map.of("message", summary, "count", count));
        c.put("detail", detail);
        c.put("muted", false);
        return c;
    }
}
