package io.pveha.runtime;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.pveha.cluster.ClusterConnections;
import io.pveha.reconciler.EventRecorder;
import io.pveha.reconciler.SpecValidation;
import io.pveha.reconciler.backup.BackupPolicyReconciler;
import io.pveha.reconciler.ceph.CephPoolReconciler;
import io.pveha.reconciler.cluster.ProxmoxClusterReconciler;
import io.pveha.reconciler.lb.LbWiring;
import io.pveha.reconciler.task.TaskLedger;
import io.pveha.reconciler.vm.HaVmReconciler;
import io.pveha.validate.Problem;
import io.pveha.validate.SpecValidator;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * All wiring in one place: the shared cluster layer, the reconcilers, JOSDK with the settings the
 * fabric8 mock server needs too (no server-side apply), leader election and metrics. Tests, the
 * demo and the {@code run} command all build the operator through this constructor.
 */
public final class PvehaOperator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PvehaOperator.class);

    /** How the operator runs. Empty namespaces = all namespaces. */
    public record Settings(
            Set<String> namespaces,
            LeaderElection leaderElection,
            int reconcileThreads,
            int pollThreads,
            SpecValidation validation) {
        /**
         * All namespaces, no leader election, and the CRDs' schema and CEL rules checked on every
         * reconcile.
         */
        public static Settings defaults() {
            return new Settings(Set.of(), null, 32, 4, bundledValidation());
        }

        /**
         * The API server's checks (schema and CEL of the bundled CRDs), because the fabric8 mock
         * API server does none and a real one may run older CRDs. Warnings do not block; errors do.
         */
        public static SpecValidation bundledValidation() {
            SpecValidator validator = SpecValidator.forBundledCrds();
            return resource ->
                    validator.validate(resource).stream()
                            .filter(Problem::isError)
                            .map(Problem::fieldMessage)
                            .toList();
        }

        public Settings withNamespaces(Set<String> ns) {
            return new Settings(ns, leaderElection, reconcileThreads, pollThreads, validation);
        }

        public Settings withLeaderElection(LeaderElection election) {
            return new Settings(namespaces, election, reconcileThreads, pollThreads, validation);
        }
    }

    /** Lease-based leader election so two replicas can run; only the leader reconciles. */
    public record LeaderElection(
            String leaseName,
            String leaseNamespace,
            String identity,
            Duration leaseDuration,
            Duration renewDeadline,
            Duration retryPeriod,
            boolean exitOnStopLeading) {
        public static LeaderElection standard(String namespace, String identity) {
            return new LeaderElection(
                    "pve-ha-operator-leader",
                    namespace,
                    identity,
                    Duration.ofSeconds(15),
                    Duration.ofSeconds(10),
                    Duration.ofSeconds(2),
                    true);
        }
    }

    private final KubernetesClient client;
    private final Operator operator;
    private final ClusterConnections connections;
    private final OperatorMetrics metrics;
    private final LbWiring loadBalancers;
    private volatile boolean closing;
    private final io.pveha.reconciler.monitoring.Monitoring monitoring;
    private final io.pveha.statuspage.ControllerCaches caches =
            new io.pveha.statuspage.ControllerCaches();

    public PvehaOperator(
            KubernetesClient client, Settings settings, MeterRegistry registry, Clock clock) {
        this.client = client;
        this.metrics = new OperatorMetrics(registry);
        this.connections = new ClusterConnections(settings.pollThreads(), metrics, clock);
        connections.addListener(metrics);
        io.javaoperatorsdk.operator.api.monitoring.Metrics josdkMetrics = josdkMetrics(registry);
        this.operator =
                new Operator(
                        o -> {
                            o.withKubernetesClient(client)
                                    // The fabric8 mock API server answers 415 to server-side apply;
                                    // merge patches work everywhere.
                                    .withUseSSAToPatchPrimaryResource(false)
                                    .withSSABasedCreateUpdateMatchForDependentResources(false)
                                    .withCloseClientOnStop(false)
                                    .withConcurrentReconciliationThreads(
                                            settings.reconcileThreads())
                                    .withMetrics(josdkMetrics)
                                    .withReconciliationTerminationTimeout(Duration.ofSeconds(10));
                            if (settings.leaderElection() != null) {
                                LeaderElection le = settings.leaderElection();
                                o.withLeaderElectionConfiguration(
                                        LeaderElectionConfigurationBuilder
                                                .aLeaderElectionConfiguration(le.leaseName())
                                                .withLeaseNamespace(le.leaseNamespace())
                                                .withIdentity(le.identity())
                                                .withLeaseDuration(le.leaseDuration())
                                                .withRenewDeadline(le.renewDeadline())
                                                .withRetryPeriod(le.retryPeriod())
                                                // JOSDK's own exit would call System.exit inside
                                                // the shutdown hook that stops the
                                                // operator (SIGTERM): it blocks for ever and the
                                                // pod waits for its SIGKILL. Exit only on a
                                                // lost Lease.
                                                .withExitOnStopLeading(false)
                                                .withLeaderCallbacks(
                                                        new io.fabric8.kubernetes.client.extended
                                                                .leaderelection.LeaderCallbacks(
                                                                () -> {},
                                                                () -> {
                                                                    if (le.exitOnStopLeading()
                                                                            && !closing) {
                                                                        lostLease(le);
                                                                    }
                                                                },
                                                                leader -> {}))
                                                .build());
                            }
                        });
        EventRecorder events = new EventRecorder(client, clock);
        this.monitoring =
                new io.pveha.reconciler.monitoring.Monitoring(connections, events, clock, registry);
        // One write-ahead ledger for every kind that starts PVE tasks.
        TaskLedger ledger = new TaskLedger(clock);
        register(
                new ProxmoxClusterReconciler(
                        connections, settings.validation(), events, clock, monitoring, ledger),
                settings.namespaces());
        // One allocator for every controller that creates VMs, so a drill's scratch VM and a new
        // HaVm never get the same VMID.
        io.pveha.reconciler.vm.VmidAllocator vmids = new io.pveha.reconciler.vm.VmidAllocator();
        register(
                new HaVmReconciler(
                        connections, settings.validation(), events, clock, vmids, ledger),
                settings.namespaces());
        register(
                new CephPoolReconciler(connections, settings.validation(), events, clock, ledger),
                settings.namespaces());
        register(
                new BackupPolicyReconciler(
                        connections, settings.validation(), events, clock, vmids, ledger),
                settings.namespaces());
        this.loadBalancers =
                LbWiring.overSsh(
                        settings.validation(), events, clock, LbWiring.Settings.defaults());
        register(loadBalancers.reconciler(), settings.namespaces());
    }

    /**
     * JOSDK's metrics per controller, not per resource: its default keeps a timer with 70 histogram
     * buckets and counters for every resource it ever reconciled (80,000 series and a tenth of the
     * heap at 1,000 HaVms, for ever, as nothing removes them). What is per VM is in the operator's
     * own {@code pveha_vm_*} gauges.
     */
    static io.javaoperatorsdk.operator.api.monitoring.Metrics josdkMetrics(MeterRegistry registry) {
        return MicrometerMetrics.withoutPerResourceMetrics(registry);
    }

    /**
     * Another replica may lead from now on: this one stops at once, without the graceful stop,
     * whose in-flight reconciles would go on writing to PVE (a clone started seconds after the
     * Lease was lost was seen under load). Ending here is what a SIGKILL does, which the
     * write-ahead task ledger is built for; the line goes to stderr as well, as the halt does not
     * wait for the log appenders.
     */
    private static void lostLease(LeaderElection le) {
        String line =
                "lost the Lease "
                        + le.leaseNamespace()
                        + "/"
                        + le.leaseName()
                        + ": exiting at once / 失去租约，立即退出";
        LOG.error(line);
        System.err.println(line);
        System.err.flush();
        Runtime.getRuntime().halt(1);
    }

    private <P extends io.fabric8.kubernetes.api.model.HasMetadata> void register(
            Reconciler<P> reconciler, Set<String> namespaces) {
        io.javaoperatorsdk.operator.RegisteredController<P> registered =
                operator.register(
                        reconciler,
                        o -> {
                            if (!namespaces.isEmpty()) {
                                o.settingNamespaces(namespaces);
                            }
                            // the primary caches hold every resource too (CacheTrim says what)
                            o.withItemStore(io.pveha.reconciler.CacheTrim.store());
                        });
        caches.add(registered.getConfiguration().getResourceClass(), registered);
    }

    public void start() {
        operator.start();
        LOG.info("operator started");
    }

    public boolean isStarted() {
        return operator.getRuntimeInfo().isStarted();
    }

    public boolean isHealthy() {
        return operator.getRuntimeInfo().allEventSourcesAreHealthy();
    }

    public ClusterConnections connections() {
        return connections;
    }

    /** Monitoring and alerting: the check runner and the alert dispatcher. */
    public io.pveha.reconciler.monitoring.Monitoring monitoring() {
        return monitoring;
    }

    /**
     * The controllers' informer caches, for the status page: filled on every replica, leader or
     * not.
     */
    public io.pveha.statuspage.StatusSource statusSource() {
        return caches;
    }

    public OperatorMetrics metrics() {
        return metrics;
    }

    public KubernetesClient client() {
        return client;
    }

    @Override
    public void close() {
        closing = true;
        try {
            operator.stop();
        } finally {
            connections.close();
            loadBalancers.close();
            monitoring.close();
        }
        LOG.info("operator stopped");
    }
}
