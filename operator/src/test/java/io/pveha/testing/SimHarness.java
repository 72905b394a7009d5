package io.pveha.testing;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pveha.api.ObjectRef;
import io.pveha.api.cluster.ProxmoxCluster;
import io.pveha.api.vm.HaVm;
import io.pveha.reconciler.Conditions;
import io.pveha.reconciler.EventRecorder;
import io.pveha.reconciler.lb.LbWiring;
import io.pveha.runtime.OperatorRuntime;
import io.pveha.runtime.PvehaOperator;
import io.pveha.simulator.PveSimulator;
import io.pveha.simulator.tasks.TaskDurations;
import io.pveha.testing.kube.EmbeddedKube;
import io.pveha.testing.kube.RealKubeApiServer;
import io.pveha.testing.kube.RealServerCrds;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The one way the operator's tests run an operator end to end: the embedded API server (fabric8's
 * mock with discovery), PVE behind it, and real operator instances that can be stopped and started
 * again (to test restarts mid-operation).
 *
 * <p>By default ({@code new SimHarness()}): one in-process 3-node PVE simulator on a sped-up clock,
 * the Secrets {@code pve-token} and {@code pve-ca} and a ProxmoxCluster {@value #CLUSTER} with
 * every node's endpoint in namespace {@value #NS}, and one operator watching that namespace; the
 * constructor returns once the ProxmoxCluster is Ready. {@link #options()} varies that:
 *
 * <ul>
 *   <li>{@link Options#simulators(int)}: several simulators, each with its own ProxmoxCluster
 *       ({@link #clusterName(int)}) and Secrets ({@link #tokenSecretName(int)}, {@link
 *       #caSecretName(int)});
 *   <li>{@link Options#fixturePve(String)}: no simulator, a {@link FixturePve} (captured PVE
 *       bodies) that accepts that token secret; no Secret and no ProxmoxCluster are created (see
 *       {@link #fixtureCluster()});
 *   <li>{@link Options#leaderElection(Duration)}: every operator elects a leader through a Lease in
 *       {@value #NS}, and {@link #startReplica(String)} starts more of them;
 *   <li>{@link Options#deployed()}: operators run as the deployed process ({@link OperatorRuntime}:
 *       Prometheus registry, health and metrics HTTP server, {@link #healthPort()});
 *   <li>{@link Options#namespaces(String...)}: more namespaces, created and watched;
 *   <li>{@link Options#watchAllNamespaces()}: operators watch every namespace, not only the
 *       harness's;
 *   <li>{@link Options#reconcilers(ReconcilerSet)}: operators run only the given reconcilers (e.g.
 *       the LoadBalancerPair one on fake hosts, or over SSH with lab timeouts: {@link
 *       #loadBalancerPairsOverSsh}) in a plain JOSDK operator; usually with {@code simulators(0)};
 *   <li>{@link Options#withoutOperator()}: nothing started until {@link #startOperator()} or {@link
 *       #startReplica(String)};
 *   <li>{@link Options#pveVersion(int)}: the simulators run PVE 8 instead of 9;
 *   <li>{@link Options#realApiServer()}: a real kube-apiserver instead of the embedded mock;
 *   <li>{@link Options#sharedNfs()}: the simulators share one NFS backup server.
 * </ul>
 */
public final class SimHarness implements AutoCloseable {
    public static final String NS = "store";
    public static final String CLUSTER = "main";

    /** The Lease of {@link Options#leaderElection(Duration)}, the one {@code run} uses. */
    public static final String LEASE = "pve-ha-operator-leader";

    /** The embedded API server; null with {@link Options#realApiServer()}. */
    public final EmbeddedKube kube;

    /** The real kube-apiserver of {@link Options#realApiServer()}, else null. */
    public final RealKubeApiServer realKube;

    /** An admin client of whichever API server runs. */
    public final KubernetesClient client;

    /**
     * The (first) simulator; null with {@link Options#fixturePve(String)} or {@code simulators(0)}.
     */
    public final PveSimulator sim;

    /** Every simulator, in the order of {@link #clusterName(int)}. */
    public final List<PveSimulator> sims;

    /** The fixture PVE of {@link Options#fixturePve(String)}, else null. */
    public final FixturePve fixture;

    private final Options options;
    private final List<Replica> replicas = new ArrayList<>();
    private Replica primary;

    public SimHarness() {
        this(options());
    }

    /**
     * @param timeScale simulated seconds per real second
     * @param durationScale factor on the simulator's default task durations
     */
    public SimHarness(double timeScale, double durationScale) {
        this(options().timeScale(timeScale).durationScale(durationScale));
    }

    /**
     * With {@code cephConf}, the simulator's Ceph API drives that real Ceph cluster instead of its
     * in-memory one.
     */
    public SimHarness(double timeScale, double durationScale, Path cephConf) {
        this(options().timeScale(timeScale).durationScale(durationScale).cephConf(cephConf));
    }

    private SimHarness(Options options) {
        this.options = options;
        if (options.realApiServer) {
            this.kube = null;
            RealKubeApiServer started = null;
            try {
                started = RealKubeApiServer.builder().start();
                this.realKube = started;
                this.client = realKube.client();
                RealServerCrds.installAndAwait(client);
            } catch (IOException | InterruptedException | RuntimeException e) {
                // Its etcd and kube-apiserver are processes: nothing else would stop them.
                if (started != null) {
                    started.close();
                }
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
            }
        } else {
            this.kube = new EmbeddedKube();
            this.realKube = null;
            this.client = kube.newClient();
        }
        boolean started = false;
        List<PveSimulator> simulators = new ArrayList<>();
        FixturePve fixturePve = null;
        try {
            for (int i = 0; i < options.simulators; i++) {
                PveSimulator.Builder builder =
                        PveSimulator.builder()
                                .nodes(3)
                                .timeScale(options.timeScale)
                                .taskDurations(
                                        TaskDurations.defaults().scaledBy(options.durationScale))
                                .authFailureDelay(Duration.ZERO)
                                .pveVersion(options.pveVersion);
                if (i > 0) {
                    builder.clusterName("pve-sim-" + (i + 1));
                }
                if (options.sharedNfs != null) {
                    builder.nfs(options.sharedNfs);
                }
                if (i == 0 && options.cephConf != null) {
                    builder.cephConf(options.cephConf);
                }
                simulators.add(builder.build().start());
            }
            if (options.fixtureSecret != null) {
                fixturePve = new FixturePve(options.fixtureSecret);
            }
            started = true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (!started) {
                simulators.forEach(PveSimulator::close);
                closeKube();
            }
        }
        this.sims = List.copyOf(simulators);
        this.sim = sims.isEmpty() ? null : sims.get(0);
        this.fixture = fixturePve;
        try {
            setUp();
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    private void setUp() {
        for (String namespace : options.namespaces) {
            client.namespaces()
                    .resource(
                            new NamespaceBuilder()
                                    .withNewMetadata()
                                    .withName(namespace)
                                    .endMetadata()
                                    .build())
                    .create();
        }
        for (int i = 0; i < sims.size(); i++) {
            PveSimulator s = sims.get(i);
            client.secrets()
                    .inNamespace(NS)
                    .resource(
                            new SecretBuilder()
                                    .withNewMetadata()
                                    .withName(tokenSecretName(i))
                                    .endMetadata()
                                    .withStringData(
                                            Map.of(
                                                    "tokenId",
                                                    s.apiTokenId(),
                                                    "tokenSecret",
                                                    s.apiTokenSecret()))
                                    .build())
                    .create();
            client.secrets()
                    .inNamespace(NS)
                    .resource(
                            new SecretBuilder()
                                    .withNewMetadata()
                                    .withName(caSecretName(i))
                                    .endMetadata()
                                    .withStringData(Map.of("ca.crt", s.caCertificatePem()))
                                    .build())
                    .create();
        }
        if (options.startOperator) {
            startOperator();
        }
        for (int i = 0; i < sims.size(); i++) {
            PveSimulator s = sims.get(i);
            // Every node's endpoint, so the operator keeps its API access when a node fails (as
            // configured in production).
            ProxmoxCluster cluster =
                    TestClusters.withCa(
                            NS,
                            clusterName(i),
                            s.nodeNames().stream().map(s::nodeUrl).toList(),
                            caSecretName(i),
                            1);
            cluster.getSpec().getCredentialsSecretRef().setName(tokenSecretName(i));
            client.resources(ProxmoxCluster.class).resource(cluster).create();
        }
        if (options.startOperator && options.reconcilers == null) {
            for (int i = 0; i < sims.size(); i++) {
                String name = clusterName(i);
                await().atMost(Duration.ofSeconds(30))
                        .until(
                                () ->
                                        readyReason(ProxmoxCluster.class, name)
                                                .filter("Ready"::equals)
                                                .isPresent());
            }
        }
    }

    /**
     * The reconcilers of {@link Options#reconcilers(ReconcilerSet)}, made anew for every operator
     * start with that operator's client; what they own (SSH sessions, ...) goes to {@code
     * closeOnStop}, closed after the operator stops.
     */
    @FunctionalInterface
    public interface ReconcilerSet {
        List<Reconciler<?>> create(
                KubernetesClient client, Clock clock, Consumer<AutoCloseable> closeOnStop);
    }

    /**
     * Only the LoadBalancerPair reconciler, reaching its hosts over SSH with {@code settings} (the
     * bundled CRD validation).
     */
    public static ReconcilerSet loadBalancerPairsOverSsh(LbWiring.Settings settings) {
        return (client, clock, closeOnStop) -> {
            LbWiring wiring =
                    LbWiring.overSsh(
                            PvehaOperator.Settings.bundledValidation(),
                            new EventRecorder(client, clock),
                            clock,
                            settings);
            closeOnStop.accept(wiring);
            return List.of(wiring.reconciler());
        };
    }

    /** Options for a harness other than the default; {@link Options#start()} starts it. */
    public static Options options() {
        return new Options();
    }

    /** How a harness is set up. */
    public static final class Options {
        private double timeScale = 20.0;
        private double durationScale = 1.0;
        private Path cephConf;
        private int simulators = 1;
        private String fixtureSecret;
        private final Set<String> namespaces = new LinkedHashSet<>(List.of(NS));
        private Duration lease;
        private boolean deployed;
        private boolean startOperator = true;
        private boolean allNamespaces;
        private ReconcilerSet reconcilers;
        private int pveVersion = 9;
        private boolean realApiServer;
        private io.pveha.simulator.model.NfsServer sharedNfs;
        private Clock operatorClock = Clock.systemUTC();

        private Options() {}

        /**
         * The clock the operator runs on (default: the system's), e.g. one a test steps forward so
         * that a schedule the operator runs itself comes due (the disaster-recovery drill).
         */
        public Options operatorClock(Clock clock) {
            this.operatorClock = clock;
            return this;
        }

        /**
         * A real kube-apiserver (built from Kubernetes' Go modules, see RealKubeApiServer) with the
         * committed CRDs instead of the embedded mock: schemas, CEL rules, status subresource and
         * watches as production has them.
         */
        public Options realApiServer() {
            this.realApiServer = true;
            return this;
        }

        /**
         * Every simulator mounts the NFS exports of one backup server: what one cluster's vzdump
         * writes there, the others list and restore (disaster recovery).
         */
        public Options sharedNfs() {
            this.sharedNfs = new io.pveha.simulator.model.NfsServer();
            return this;
        }

        /** The PVE major release the simulators run: 9 (default, HA rules) or 8 (HA groups). */
        public Options pveVersion(int major) {
            this.pveVersion = major;
            return this;
        }

        /** Simulated seconds per real second (default 20). */
        public Options timeScale(double scale) {
            this.timeScale = scale;
            return this;
        }

        /** Factor on the simulators' default task durations (default 1). */
        public Options durationScale(double scale) {
            this.durationScale = scale;
            return this;
        }

        /** The first simulator's Ceph API drives the real Ceph cluster of this conf file. */
        public Options cephConf(Path conf) {
            this.cephConf = conf;
            return this;
        }

        /** How many simulators (default 1; 0 for none), each with its own ProxmoxCluster. */
        public Options simulators(int count) {
            this.simulators = count;
            return this;
        }

        /**
         * No simulator: a {@link FixturePve} that accepts {@code tokenSecret}, and no Secret or
         * ProxmoxCluster yet.
         */
        public Options fixturePve(String tokenSecret) {
            this.simulators = 0;
            this.fixtureSecret = tokenSecret;
            return this;
        }

        /** More namespaces, created and watched besides {@value SimHarness#NS}. */
        public Options namespaces(String... more) {
            namespaces.addAll(List.of(more));
            return this;
        }

        /**
         * Operators elect a leader through the Lease {@value SimHarness#LEASE} in {@value
         * SimHarness#NS}.
         */
        public Options leaderElection(Duration leaseDuration) {
            this.lease = leaseDuration;
            return this;
        }

        /**
         * Operators run as the deployed process: Prometheus registry, health and metrics on a free
         * port.
         */
        public Options deployed() {
            this.deployed = true;
            return this;
        }

        /** Operators watch every namespace (as {@code run} does without {@code --namespace}). */
        public Options watchAllNamespaces() {
            this.allNamespaces = true;
            return this;
        }

        /**
         * Operators run only these reconcilers, in a plain JOSDK operator with what the mock API
         * server needs (no server-side apply; the client stays open) and JOSDK's defaults
         * otherwise: no leader election, metrics, thread settings or shared cluster layer of {@link
         * PvehaOperator}. No ProxmoxCluster is awaited.
         */
        public Options reconcilers(ReconcilerSet set) {
            this.reconcilers = set;
            return this;
        }

        /** Starts no operator (and waits for no ProxmoxCluster): the test starts them. */
        public Options withoutOperator() {
            this.startOperator = false;
            return this;
        }

        public SimHarness start() {
            return new SimHarness(this);
        }
    }

    /** One running operator: its identity (in the Lease), its client and the operator itself. */
    public final class Replica implements AutoCloseable {
        public final String identity;
        public final KubernetesClient client;
        private final boolean ownClient;
        private PvehaOperator operator;
        private OperatorRuntime runtime;

        /**
         * The plain JOSDK operator of {@link Options#reconcilers(ReconcilerSet)}, and what it owns.
         */
        private Operator custom;

        private final List<AutoCloseable> customOwned = new ArrayList<>();

        private Replica(String identity, KubernetesClient client, boolean ownClient) {
            this.identity = identity;
            this.client = client;
            this.ownClient = ownClient;
            Set<String> namespaces =
                    options.allNamespaces ? Set.of() : Set.copyOf(options.namespaces);
            if (options.reconcilers != null) {
                startCustom(namespaces);
                return;
            }
            PvehaOperator.Settings settings =
                    PvehaOperator.Settings.defaults().withNamespaces(namespaces);
            if (options.lease != null) {
                settings =
                        settings.withLeaderElection(
                                new PvehaOperator.LeaderElection(
                                        LEASE,
                                        NS,
                                        identity,
                                        options.lease,
                                        options.lease.multipliedBy(2).dividedBy(3),
                                        Duration.ofMillis(500),
                                        false));
            }
            if (options.deployed) {
                try {
                    runtime = new OperatorRuntime(client, settings, "127.0.0.1", 0);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                operator = runtime.operator();
                runtime.start();
            } else {
                operator =
                        new PvehaOperator(
                                client, settings, new SimpleMeterRegistry(), options.operatorClock);
                operator.start();
            }
        }

        private void startCustom(Set<String> namespaces) {
            custom =
                    new Operator(
                            o ->
                                    o.withKubernetesClient(client)
                                            .withUseSSAToPatchPrimaryResource(false)
                                            .withCloseClientOnStop(false));
            try {
                for (Reconciler<?> reconciler :
                        options.reconcilers.create(client, Clock.systemUTC(), customOwned::add)) {
                    register(reconciler, namespaces);
                }
                custom.start();
            } catch (RuntimeException | Error e) {
                stop();
                throw e;
            }
        }

        private <P extends io.fabric8.kubernetes.api.model.HasMetadata> void register(
                Reconciler<P> reconciler, Set<String> namespaces) {
            if (namespaces.isEmpty()) {
                custom.register(reconciler);
            } else {
                custom.register(reconciler, o -> o.settingNamespaces(namespaces));
            }
        }

        /** The operator; null while stopped or with {@link Options#reconcilers(ReconcilerSet)}. */
        public PvehaOperator operator() {
            return operator;
        }

        /** The operator's meters (Prometheus when deployed). */
        public MeterRegistry registry() {
            return operator.metrics().registry();
        }

        /** The health and metrics port; only with {@link Options#deployed()}. */
        public int healthPort() {
            if (runtime == null) {
                throw new IllegalStateException(
                        "not deployed: use SimHarness.options().deployed()");
            }
            return runtime.healthPort();
        }

        public boolean isRunning() {
            return operator != null || custom != null;
        }

        /** Stops this operator (gracefully: it releases the Lease); idempotent. */
        public void stop() {
            if (!isRunning()) {
                return;
            }
            try {
                if (custom != null) {
                    stopCustom();
                } else if (runtime != null) {
                    runtime.close();
                } else {
                    operator.close();
                }
            } finally {
                operator = null;
                runtime = null;
                custom = null;
                if (ownClient) {
                    client.close();
                }
            }
        }

        private void stopCustom() {
            try {
                custom.stop();
            } finally {
                IllegalStateException failed = null;
                for (AutoCloseable owned : customOwned) {
                    try {
                        owned.close();
                    } catch (Exception e) {
                        if (failed == null) {
                            failed = new IllegalStateException("closing " + owned, e);
                        } else {
                            failed.addSuppressed(e);
                        }
                    }
                }
                customOwned.clear();
                if (failed != null) {
                    throw failed;
                }
            }
        }

        @Override
        public void close() {
            stop();
        }
    }

    /**
     * Starts the harness's own operator (on {@link #client}), e.g. again after {@link
     * #stopOperator()}.
     */
    public void startOperator() {
        if (primary != null && primary.isRunning()) {
            throw new IllegalStateException("the operator is running");
        }
        primary = new Replica("operator", client, false);
        replicas.add(primary);
    }

    public void stopOperator() {
        if (primary != null) {
            primary.stop();
            primary = null;
        }
    }

    /**
     * One more operator, with its own client: a second replica (with {@link
     * Options#leaderElection(Duration)}).
     */
    public Replica startReplica(String identity) {
        Replica replica = new Replica(identity, newClient(), true);
        replicas.add(replica);
        return replica;
    }

    /** The harness's own operator, or null while stopped. */
    public PvehaOperator operator() {
        return primary == null ? null : primary.operator();
    }

    /** The health and metrics port of the harness's own operator ({@link Options#deployed()}). */
    public int healthPort() {
        if (primary == null) {
            throw new IllegalStateException("the operator is not running");
        }
        return primary.healthPort();
    }

    /** The holder of the Lease {@value #LEASE}, or null while nobody holds it. */
    public String leaseHolder() {
        var lease = client.leases().inNamespace(NS).withName(LEASE).get();
        return lease == null || lease.getSpec() == null
                ? null
                : lease.getSpec().getHolderIdentity();
    }

    /**
     * The ProxmoxCluster of simulator {@code index}: {@value #CLUSTER}, then main-2, main-3, ...
     */
    public static String clusterName(int index) {
        return index == 0 ? CLUSTER : CLUSTER + "-" + (index + 1);
    }

    /** The token Secret of simulator {@code index}: {@code pve-token}, then pve-token-2, ... */
    public static String tokenSecretName(int index) {
        return index == 0
                ? TestClusters.TOKEN_SECRET
                : TestClusters.TOKEN_SECRET + "-" + (index + 1);
    }

    /** The CA Secret of simulator {@code index}: {@code pve-ca}, then pve-ca-2, ... */
    public static String caSecretName(int index) {
        return index == 0 ? "pve-ca" : "pve-ca-" + (index + 1);
    }

    /**
     * Creates or replaces the Secret {@code pve-token} in {@value #NS} (for the fixture PVE: {@link
     * FixturePve#TOKEN_ID}).
     */
    public void putTokenSecret(String tokenId, String tokenSecret) {
        client.secrets()
                .inNamespace(NS)
                .resource(
                        new SecretBuilder()
                                .withNewMetadata()
                                .withName(TestClusters.TOKEN_SECRET)
                                .endMetadata()
                                .withStringData(
                                        Map.of("tokenId", tokenId, "tokenSecret", tokenSecret))
                                .build())
                .createOr(r -> r.update());
    }

    /**
     * A ProxmoxCluster {@value #CLUSTER} for the fixture PVE (fingerprint pinned, polled every
     * second); not created.
     */
    public ProxmoxCluster fixtureCluster() {
        if (fixture == null) {
            throw new IllegalStateException(
                    "no fixture PVE: use SimHarness.options().fixturePve(secret)");
        }
        return TestClusters.pinned(NS, CLUSTER, List.of(fixture.url()), fixture.fingerprint(), 1);
    }

    /**
     * A ProxmoxCluster {@value #CLUSTER} for the simulator with these endpoints, fingerprint
     * pinned; not created.
     */
    public ProxmoxCluster cluster(List<String> endpoints) {
        return TestClusters.pinned(NS, CLUSTER, endpoints, sim.fingerprintSha256(), 1);
    }

    /** A PVE client of an administrator working beside the operator (as in the PVE GUI). */
    public io.pveha.pve.PveClient pveAsAdmin() {
        return new io.pveha.pve.PveClient(
                io.pveha.pve.PveClient.Config.of(
                        List.of(sim.url()),
                        new io.pveha.pve.PveToken(sim.apiTokenId(), sim.apiTokenSecret()),
                        io.pveha.pve.PveTls.pinned(sim.fingerprintSha256())),
                null);
    }

    /** A HaVm in the harness namespace bound to the harness cluster, customised by {@code spec}. */
    public HaVm havm(String name, Consumer<HaVm> customise) {
        HaVm vm = new HaVm();
        vm.getMetadata().setName(name);
        vm.getMetadata().setNamespace(NS);
        vm.setSpec(new io.pveha.api.vm.HaVmSpec());
        vm.getSpec().setClusterRef(new ObjectRef(CLUSTER));
        customise.accept(vm);
        return client.resources(HaVm.class).resource(vm).create();
    }

    public HaVm get(String name) {
        return client.resources(HaVm.class).inNamespace(NS).withName(name).get();
    }

    public <
                    T extends
                            io.fabric8.kubernetes.client.CustomResource<
                                            ?, ? extends io.pveha.api.PvehaStatus>>
            Optional<String> readyReason(Class<T> type, String name) {
        return condition(type, name, Conditions.READY).map(Condition::getReason);
    }

    public <
                    T extends
                            io.fabric8.kubernetes.client.CustomResource<
                                            ?, ? extends io.pveha.api.PvehaStatus>>
            Optional<Condition> condition(Class<T> type, String name, String conditionType) {
        T resource = client.resources(type).inNamespace(NS).withName(name).get();
        if (resource == null || resource.getStatus() == null) {
            return Optional.empty();
        }
        return Conditions.find(resource.getStatus().getConditions(), conditionType);
    }

    /** Waits until the HaVm is Ready=True. */
    public HaVm awaitReady(String name, Duration atMost) {
        await().atMost(atMost)
                .pollInterval(Duration.ofMillis(200))
                .until(
                        () ->
                                condition(HaVm.class, name, Conditions.READY)
                                        .map(c -> "True".equals(c.getStatus()))
                                        .orElse(false));
        return get(name);
    }

    @Override
    public void close() {
        try {
            for (Replica replica : replicas) {
                replica.stop();
            }
            primary = null;
        } finally {
            sims.forEach(PveSimulator::close);
            if (fixture != null) {
                fixture.close();
            }
            closeKube();
        }
    }

    private void closeKube() {
        client.close();
        if (kube != null) {
            kube.close();
        }
        if (realKube != null) {
            realKube.close();
        }
    }

    /** A new admin client of whichever API server runs (each operator replica has its own). */
    private KubernetesClient newClient() {
        return kube != null ? kube.newClient() : realKube.client();
    }
}
