package io.pveha.simulator;

import io.pveha.simulator.api.ApiHttpHandler;
import io.pveha.simulator.api.AuthService;
import io.pveha.simulator.api.HttpFrontend;
import io.pveha.simulator.api.RequestStats;
import io.pveha.simulator.api.Router;
import io.pveha.simulator.api.TlsMaterial;
import io.pveha.simulator.api.TokenRegistry;
import io.pveha.simulator.api.routes.AccessConfigRoutes;
import io.pveha.simulator.api.routes.AccessRoutes;
import io.pveha.simulator.api.routes.ClusterRoutes;
import io.pveha.simulator.api.routes.DatacenterRoutes;
import io.pveha.simulator.api.routes.LxcRoutes;
import io.pveha.simulator.api.routes.NodeInfoRoutes;
import io.pveha.simulator.api.routes.NodeRoutes;
import io.pveha.simulator.api.routes.QemuRoutes;
import io.pveha.simulator.api.routes.RouteContext;
import io.pveha.simulator.api.routes.StorageRoutes;
import io.pveha.simulator.api.routes.TaskRoutes;
import io.pveha.simulator.backup.BackupModule;
import io.pveha.simulator.ceph.CephModule;
import io.pveha.simulator.clock.SimClock;
import io.pveha.simulator.control.ControlApi;
import io.pveha.simulator.faults.ApiFaults;
import io.pveha.simulator.faults.Faults;
import io.pveha.simulator.faults.NodeLifecycle;
import io.pveha.simulator.ha.HaManager;
import io.pveha.simulator.ha.HaRoutes;
import io.pveha.simulator.ha.HaTimings;
import io.pveha.simulator.model.ClusterState;
import io.pveha.simulator.model.NfsServer;
import io.pveha.simulator.model.NodeState;
import io.pveha.simulator.model.PveRelease;
import io.pveha.simulator.model.StorageDefinition;
import io.pveha.simulator.model.Volume;
import io.pveha.simulator.ops.NodeControl;
import io.pveha.simulator.ops.OpsSupport;
import io.pveha.simulator.ops.Qemu;
import io.pveha.simulator.persist.StateStore;
import io.pveha.simulator.spi.ModuleContext;
import io.pveha.simulator.spi.SimulatorModule;
import io.pveha.simulator.tasks.Task;
import io.pveha.simulator.tasks.TaskDurations;
import io.pveha.simulator.tasks.TaskEngine;
import io.pveha.simulator.tasks.Upid;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Proxmox VE cluster in the JVM: PVE's HTTPS API on one port per node, asynchronous tasks on a
 * simulated clock, fault injection and an optional state file.
 *
 * <pre>{@code
 * try (PveSimulator sim = PveSimulator.builder().nodes(3).manualClock().build().start()) {
 *     String url = sim.url();                       // https://127.0.0.1:PORT
 *     String auth = sim.authorizationHeader();      // PVEAPIToken=root@pam!sim=...
 *     sim.clock().advance(Duration.ofSeconds(5));   // let tasks run
 * }
 * }</pre>
 */
public final class PveSimulator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PveSimulator.class);
    private static final Duration AUTOSAVE_INTERVAL = Duration.ofSeconds(30);

    private final Builder options;
    private final SimClock clock;
    private final ClusterState state;
    private final TaskEngine tasks;
    private final AtomicReference<TaskDurations> durations;
    private final OpsSupport ops;
    private final NodeControl nodeControl;
    private final HaManager ha;
    private final CephModule ceph;
    private final BackupModule backups = new BackupModule();
    private final TokenRegistry tokens = new TokenRegistry();
    private final AuthService auth;
    private final RequestStats stats = new RequestStats();
    private final ApiFaults apiFaults = new ApiFaults();
    private final Faults faults;
    private final Router router = new Router();
    private final TlsMaterial tls;
    private final SimCluster cluster;
    private final StateStore store;
    private final List<String> nodeNames;
    private final String tokenId;
    private final String tokenSecret;
    private HttpFrontend frontend;
    private ScheduledExecutorService autosave;

    private PveSimulator(Builder options) {
        this.options = options;
        this.store = options.stateFile == null ? null : new StateStore(options.stateFile);
        Optional<StateStore.SavedState> saved = loadSavedState();
        this.nodeNames =
                saved.map(StateStore.SavedState::nodeNames).orElseGet(options::resolvedNodeNames);
        if (saved.isPresent() && !nodeNames.equals(options.resolvedNodeNames())) {
            LOG.warn(
                    "state file {} defines nodes {}; the configured nodes are ignored",
                    store.file(),
                    nodeNames);
        }
        String clusterName =
                saved.map(StateStore.SavedState::clusterName).orElse(options.clusterName);
        Instant start =
                saved.map(s -> Instant.ofEpochMilli(s.clockMillis())).orElse(options.startTime);

        this.clock = new SimClock(start, options.timeScale);
        List<NodeState> members = new ArrayList<>();
        for (int i = 0; i < nodeNames.size(); i++) {
            members.add(
                    new NodeState(
                            nodeNames.get(i),
                            i + 1,
                            options.bindAddress,
                            options.nodeCpus,
                            options.nodeMemory,
                            100L << 30,
                            6L << 30,
                            start.toEpochMilli() - 3 * 86_400_000L));
        }
        members.forEach(member -> member.setRelease(options.release));
        this.state =
                new ClusterState(clusterName, members, storageDefinitions(options), options.nfs);
        this.tasks =
                new TaskEngine(
                        clock, state.lock(), node -> state.requireNode(node).bootedAtMillis());
        this.durations = new AtomicReference<>(options.taskDurations);
        this.ops = new OpsSupport(state, tasks, clock, durations);
        Qemu qemu = new Qemu(ops);
        this.nodeControl = new NodeControl(ops, qemu);
        ModuleContext moduleContext =
                new ModuleContext(router, state, tasks, ops, qemu, nodeControl, clock);
        // PVE always runs its HA stack; it stays idle until an HA resource is configured.
        this.ha = new HaManager(moduleContext, options.haTimings);
        this.faults = new Faults(nodeControl, apiFaults, tasks, state, haLifecycle(ha));
        this.cluster = new SimCluster(state, tasks, qemu);
        this.auth = new AuthService(tokens, options.rootPassword, Clock.systemUTC());
        this.tokenId = options.tokenId;
        this.tokenSecret = options.tokenSecret;
        tokens.add(tokenId, tokenSecret);

        if (saved.isPresent()) {
            restore(saved.get());
            this.tls = TlsMaterial.fromPem(saved.get().tls(), clusterName, nodeNames);
        } else {
            seedFiles(start.getEpochSecond());
            this.tls = TlsMaterial.generate(clusterName, nodeNames);
        }

        RouteContext context = new RouteContext(state, tasks, qemu, ops, clock, auth, tls);
        ClusterRoutes.register(router, context);
        NodeRoutes.register(router, context);
        TaskRoutes.register(router, context);
        StorageRoutes.register(router, context);
        QemuRoutes.register(router, context);
        AccessRoutes.register(router, context);
        AccessConfigRoutes.register(router, context);
        NodeInfoRoutes.register(router, context);
        DatacenterRoutes.register(router, context);
        LxcRoutes.register(router);
        HaRoutes.register(router, ha.api(), state);
        // PVE clusters here are hyperconverged: Ceph is always there, in memory unless a real one
        // is given.
        this.ceph =
                options.cephConf != null
                        ? CephModule.cli(options.cephConf)
                        : CephModule.inMemory(options.cephOsdsPerNode, options.cephOsdBytes);
        ceph.install(moduleContext);
        backups.install(moduleContext);
        options.modules.forEach(m -> m.install(moduleContext));
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The PVE major release of {@code node}'s packages now: 8 or 9. An upgrade from 8 to 9 is what
     * {@code apt dist-upgrade} does to a node without the reboot: its API speaks 9 from the next
     * request on, and its HA daemons are pve-ha-manager 5. Once every node runs 9, is online and
     * its LRM is active or idle, the CRM migrates the HA groups to rules.
     */
    public void upgrade(String node, int major) {
        PveRelease release = PveRelease.ofMajor(major);
        state.write(() -> state.requireNode(node).setRelease(release));
    }

    /** Every node to {@code major}, one after the other (see {@link #upgrade(String, int)}). */
    public void upgrade(int major) {
        nodeNames.forEach(node -> upgrade(node, major));
    }

    /** The release {@code node} runs: 8 or 9. */
    public int pveVersion(String node) {
        return state.read(() -> state.requireNode(node).release().major());
    }

    /** Opens the API ports; returns this simulator. */
    public synchronized PveSimulator start() {
        if (frontend != null) {
            throw new IllegalStateException("already started");
        }
        ControlApi control = new ControlApi(new SimulatorControlTarget(this));
        frontend =
                new HttpFrontend(
                        options.bindAddress,
                        nodeNames,
                        options.httpsPort,
                        tls,
                        node ->
                                new ApiHttpHandler(
                                        () -> Optional.of(node),
                                        router,
                                        auth,
                                        stats,
                                        apiFaults,
                                        state,
                                        control,
                                        () -> options.authFailureDelay));
        nodeControl.addListener(frontend);
        List<String> offline =
                state.read(
                        () ->
                                state.nodes().stream()
                                        .filter(n -> !n.online())
                                        .map(NodeState::name)
                                        .toList());
        frontend.start(offline);
        if (options.httpPort != null) {
            frontend.startPlain(
                    options.httpPort,
                    new ApiHttpHandler(
                            this::firstOnlineNode,
                            router,
                            auth,
                            stats,
                            apiFaults,
                            state,
                            control,
                            () -> options.authFailureDelay));
        }
        if (store != null) {
            autosave =
                    Executors.newSingleThreadScheduledExecutor(
                            r -> {
                                Thread t = new Thread(r, "pve-sim-autosave");
                                t.setDaemon(true);
                                return t;
                            });
            autosave.scheduleWithFixedDelay(
                    this::autosave,
                    AUTOSAVE_INTERVAL.toMillis(),
                    AUTOSAVE_INTERVAL.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
        return this;
    }

    /**
     * Base URL of the first node's API ({@code https://127.0.0.1:PORT}, without {@code
     * /api2/json}).
     */
    public String url() {
        return nodeUrl(nodeNames.get(0));
    }

    /** Base URL of a node's own API port; closed while the node is off or cut off. */
    public String nodeUrl(String node) {
        requireStarted();
        return "https://" + hostForUrl() + ":" + frontend.port(node);
    }

    /** Base URL of the plain-HTTP port (answers as the first online node), if one was requested. */
    public Optional<String> plainHttpUrl() {
        requireStarted();
        int port = frontend.plainPort();
        return port < 0 ? Optional.empty() : Optional.of("http://" + hostForUrl() + ":" + port);
    }

    public List<String> nodeNames() {
        return nodeNames;
    }

    /** {@code root@pam!sim} or the id given to the builder. */
    public String apiTokenId() {
        return tokenId;
    }

    public String apiTokenSecret() {
        return tokenSecret;
    }

    /** {@code PVEAPIToken=<tokenid>=<secret>}, the value of the {@code Authorization} header. */
    public String authorizationHeader() {
        return "PVEAPIToken=" + tokenId + "=" + tokenSecret;
    }

    public String rootPassword() {
        return auth.rootPassword();
    }

    /** PEM of the cluster CA that signed every node's certificate. */
    public String caCertificatePem() {
        return tls.caCertificatePem();
    }

    public X509Certificate caCertificate() {
        return tls.caCertificate();
    }

    /** SHA-256 fingerprint of the first node's certificate ({@code AB:CD:...}). */
    public String fingerprintSha256() {
        return fingerprintSha256(nodeNames.get(0));
    }

    /**
     * SHA-256 fingerprint of a node's certificate, as {@code /nodes} reports it in {@code
     * ssl_fingerprint}.
     */
    public String fingerprintSha256(String node) {
        return tls.fingerprint(node);
    }

    public SimClock clock() {
        return clock;
    }

    public Faults faults() {
        return faults;
    }

    public TokenRegistry tokens() {
        return tokens;
    }

    public RequestStats requestStats() {
        return stats;
    }

    public SimCluster cluster() {
        return cluster;
    }

    /**
     * The HA stack: its log, manager status, shutdown policy, node maintenance and seeding helpers.
     */
    public HaManager ha() {
        return ha;
    }

    /** The Ceph layer: its backend (in memory, or a real cluster through the ceph CLI). */
    public CephModule ceph() {
        return ceph;
    }

    /** Backup jobs and vzdump: run a job now, read job state. */
    public BackupModule backups() {
        return backups;
    }

    public TaskDurations taskDurations() {
        return durations.get();
    }

    /** Changes how long tasks take from now on (running tasks keep their schedule). */
    public void setTaskDurations(TaskDurations newDurations) {
        durations.set(newDurations);
    }

    /**
     * Saves the state to {@code file}, or to the configured state file if null.
     *
     * @return the file written
     */
    public Path saveState(Path file) {
        StateStore target = file != null ? new StateStore(file) : store;
        if (target == null) {
            throw new IllegalStateException("no state file configured");
        }
        try {
            target.save(snapshot());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save state to " + target.file(), e);
        }
        return target.file();
    }

    @Override
    public synchronized void close() {
        if (autosave != null) {
            autosave.shutdownNow();
        }
        if (store != null) {
            autosave();
        }
        // Requests held by a hang fault would keep the ports from closing for up to ten minutes.
        apiFaults.clear();
        if (frontend != null) {
            frontend.close();
        }
        clock.close();
    }

    private void autosave() {
        try {
            store.save(snapshot());
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot save simulator state to {}", store.file(), e);
        }
    }

    private StateStore.SavedState snapshot() {
        return state.read(
                () -> {
                    List<StateStore.TaskRecord> taskRecords = new ArrayList<>();
                    for (Task task : tasks.allTasks()) {
                        taskRecords.add(
                                new StateStore.TaskRecord(
                                        task.upidText(),
                                        task.log(),
                                        task.exitStatus(),
                                        task.endTime()));
                    }
                    return new StateStore.SavedState(
                            StateStore.VERSION,
                            state.clusterName(),
                            nodeNames,
                            clock.nowMillis(),
                            state.snapshot(),
                            taskRecords,
                            tls.toPem(),
                            ha.snapshot());
                });
    }

    /**
     * Tasks that were running when the state was saved died with the process, as on a crashed node.
     */
    private void restore(StateStore.SavedState saved) {
        state.write(
                () -> {
                    state.restore(saved.cluster());
                    if (saved.ha() != null) {
                        ha.restore(saved.ha());
                    }
                    List<Task> restored = new ArrayList<>();
                    for (StateStore.TaskRecord record : saved.tasks()) {
                        Upid upid =
                                Upid.parse(record.upid())
                                        .orElseThrow(
                                                () ->
                                                        new IllegalStateException(
                                                                "bad UPID in state file: "
                                                                        + record.upid()));
                        if (record.exitStatus() == null) {
                            restored.add(
                                    Task.restored(
                                            upid,
                                            record.log(),
                                            "unexpected status",
                                            saved.clockMillis() / 1000));
                        } else {
                            restored.add(
                                    Task.restored(
                                            upid,
                                            record.log(),
                                            record.exitStatus(),
                                            record.endTime()));
                        }
                    }
                    tasks.restore(restored);
                });
    }

    private Optional<StateStore.SavedState> loadSavedState() {
        if (store == null) {
            return Optional.empty();
        }
        try {
            return store.load();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read state file " + store.file(), e);
        }
    }

    /** Install media every node has on {@code local}, so "create a VM from an ISO" works. */
    private void seedFiles(long nowEpoch) {
        state.write(
                () -> {
                    for (String node : nodeNames) {
                        state.storages()
                                .addFile(
                                        "local",
                                        node,
                                        new Volume(
                                                "iso/debian-12.9.0-amd64-netinst.iso",
                                                "iso",
                                                "iso",
                                                662_700_032L,
                                                0,
                                                null,
                                                nowEpoch - 86_400));
                        state.storages()
                                .addFile(
                                        "local",
                                        node,
                                        new Volume(
                                                "iso/ubuntu-24.04.1-live-server-amd64.iso",
                                                "iso",
                                                "iso",
                                                2_773_874_688L,
                                                0,
                                                null,
                                                nowEpoch - 86_400));
                        state.storages()
                                .addFile(
                                        "local",
                                        node,
                                        new Volume(
                                                "vztmpl/debian-12-standard_12.7-1_amd64.tar.zst",
                                                "vztmpl",
                                                "tzst",
                                                126_248_622L,
                                                0,
                                                null,
                                                nowEpoch - 86_400));
                    }
                });
    }

    private Optional<String> firstOnlineNode() {
        return state.read(
                () ->
                        state.nodes().stream()
                                .filter(NodeState::online)
                                .map(NodeState::name)
                                .findFirst());
    }

    private String hostForUrl() {
        return options.bindAddress.contains(":")
                ? "[" + options.bindAddress + "]"
                : options.bindAddress;
    }

    private void requireStarted() {
        if (frontend == null) {
            throw new IllegalStateException("simulator not started: call start()");
        }
    }

    /** Clean shutdown, reboot and node maintenance go through the HA stack, as in PVE. */
    private static NodeLifecycle haLifecycle(HaManager ha) {
        return new NodeLifecycle() {
            @Override
            public void shutdown(String node) {
                ha.shutdownNode(node);
            }

            @Override
            public void reboot(String node) {
                ha.rebootNode(node);
            }

            @Override
            public void enableMaintenance(String node) {
                ha.enableMaintenance(node);
            }

            @Override
            public void disableMaintenance(String node) {
                ha.disableMaintenance(node);
            }

            @Override
            public void cancelShutdowns() {
                ha.cancelShutdowns();
            }
        };
    }

    private static List<StorageDefinition> storageDefinitions(Builder options) {
        List<StorageDefinition> result = new ArrayList<>();
        for (StorageDefinition def : StorageDefinition.defaults()) {
            long capacity = options.storageCapacity.getOrDefault(def.id(), def.capacity());
            result.add(
                    new StorageDefinition(
                            def.id(), def.type(), def.content(), def.properties(), capacity));
        }
        return result;
    }

    /** Configuration of a simulator; every setting has a default. */
    public static final class Builder {
        private int nodeCount = 3;
        private List<String> nodeNames;
        private String clusterName = "pve-sim";
        private double timeScale = 1.0;
        private Instant startTime = Instant.now();
        private int httpsPort;
        private Integer httpPort;
        private String bindAddress = "127.0.0.1";
        private String tokenId = "root@pam!sim";
        private String tokenSecret = UUID.randomUUID().toString();
        private String rootPassword = UUID.randomUUID().toString().substring(0, 18);
        private TaskDurations taskDurations = TaskDurations.defaults();
        private Duration authFailureDelay = Duration.ofMillis(50);
        private int nodeCpus = 16;
        private long nodeMemory = 64L << 30;
        private final Map<String, Long> storageCapacity = new HashMap<>();
        private Path stateFile;
        private HaTimings haTimings = HaTimings.defaults();
        private PveRelease release = PveRelease.PVE9;
        private final List<SimulatorModule> modules = new ArrayList<>();
        private Path cephConf;
        private int cephOsdsPerNode = CephModule.DEFAULT_OSDS_PER_NODE;
        private long cephOsdBytes = CephModule.DEFAULT_OSD_BYTES;
        private NfsServer nfs = new NfsServer();

        private Builder() {}

        /** Number of nodes, named {@code pve1..pveN} (default 3). */
        public Builder nodes(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("a cluster needs at least one node");
            }
            this.nodeCount = count;
            this.nodeNames = null;
            return this;
        }

        public Builder nodeNames(String... names) {
            if (names.length < 1) {
                throw new IllegalArgumentException("a cluster needs at least one node");
            }
            this.nodeNames = List.of(names);
            return this;
        }

        public Builder clusterName(String name) {
            this.clusterName = name;
            return this;
        }

        /** Simulated seconds per real second (default 1). */
        public Builder timeScale(double scale) {
            this.timeScale = scale;
            return this;
        }

        /** Time stands still until the test calls {@code sim.clock().advance(...)}. */
        public Builder manualClock() {
            this.timeScale = 0;
            return this;
        }

        public Builder startTime(Instant start) {
            this.startTime = start;
            return this;
        }

        /**
         * Port of the first node's HTTPS API; node {@code i} listens on {@code port + i}. 0
         * (default) picks free ports.
         */
        public Builder httpsPort(int port) {
            this.httpsPort = port;
            return this;
        }

        /**
         * Also serve plain HTTP on this port (0 picks one); it answers as the first online node.
         */
        public Builder httpPort(int port) {
            this.httpPort = port;
            return this;
        }

        public Builder bindAddress(String address) {
            this.bindAddress = address;
            return this;
        }

        /**
         * The API token the simulator accepts (full privileges); default {@code root@pam!sim} with
         * a random secret.
         */
        public Builder token(String id, String secret) {
            this.tokenId = id;
            this.tokenSecret = secret;
            return this;
        }

        public Builder rootPassword(String password) {
            this.rootPassword = password;
            return this;
        }

        public Builder taskDurations(TaskDurations durations) {
            this.taskDurations = durations;
            return this;
        }

        /**
         * Delay of 401 answers (real PVE waits 3 s; the default here is 50 ms to keep tests fast).
         */
        public Builder authFailureDelay(Duration delay) {
            this.authFailureDelay = delay;
            return this;
        }

        public Builder nodeCpus(int cpus) {
            this.nodeCpus = cpus;
            return this;
        }

        /** RAM of every node in bytes (default 64 GiB); guests that do not fit fail to start. */
        public Builder nodeMemory(long bytes) {
            this.nodeMemory = bytes;
            return this;
        }

        /** Capacity of a storage: per node for local storages, in total for shared ones. */
        public Builder storageCapacity(String storage, long bytes) {
            this.storageCapacity.put(storage, bytes);
            return this;
        }

        /**
         * The NFS servers the nodes reach. Give two simulators the same one and an export is
         * shared: what one cluster's vzdump writes to an NFS storage is listed and restorable on
         * the other when it defines a storage on the same server and export (a backup server both
         * clusters mount). Default: a server of this simulator's own.
         */
        public Builder nfs(NfsServer server) {
            this.nfs = java.util.Objects.requireNonNull(server);
            return this;
        }

        /** Load state from this file if it exists; save to it periodically and on close. */
        public Builder stateFile(Path file) {
            this.stateFile = file;
            return this;
        }

        /**
         * Rounds, fence delay, lock and watchdog timeouts of the HA stack (default: real PVE's, 10
         * s rounds).
         */
        /**
         * The Proxmox VE major release every node runs: 9 (default: HA rules) or 8 (HA groups). A
         * state file keeps each node's release; {@link PveSimulator#upgrade} changes it.
         */
        public Builder pveVersion(int major) {
            this.release = PveRelease.ofMajor(major);
            return this;
        }

        public Builder haTimings(HaTimings timings) {
            this.haTimings = timings;
            return this;
        }

        /**
         * Serve the Ceph API from a real cluster: {@code ceph -c conf} / {@code rbd -c conf}
         * (default: in memory).
         */
        public Builder cephConf(Path conf) {
            this.cephConf = conf;
            return this;
        }

        /** OSDs per node and their size for the in-memory Ceph (default 2 per node of 2 TiB). */
        public Builder cephOsds(int perNode, long bytesEach) {
            if (perNode < 1 || bytesEach < 1) {
                throw new IllegalArgumentException(
                        "every node needs at least one OSD of at least one byte");
            }
            this.cephOsdsPerNode = perNode;
            this.cephOsdBytes = bytesEach;
            return this;
        }

        public Builder module(SimulatorModule module) {
            this.modules.add(module);
            return this;
        }

        public PveSimulator build() {
            return new PveSimulator(this);
        }

        private List<String> resolvedNodeNames() {
            if (nodeNames != null) {
                return nodeNames;
            }
            List<String> names = new ArrayList<>();
            for (int i = 1; i <= nodeCount; i++) {
                names.add("pve" + i);
            }
            return names;
        }
    }
}
