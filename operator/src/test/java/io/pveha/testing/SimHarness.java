package io.pveha.testing;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pveha.api.ObjectRef;
import io.pveha.api.cluster.ProxmoxCluster;
import io.pveha.api.vm.HaVm;
import io.pveha.testing.kube.EmbeddedKube;
import io.pveha.reconciler.Conditions;
import io.pveha.runtime.PvehaOperator;
import io.pveha.simulator.PveSimulator;
import io.pveha.simulator.tasks.TaskDurations;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

import static org.awaitility.Awaitility.await;

/**
 * An operator end to end: the fabric8 mock API server, an in-process 3-node PVE simulator on a sped-up
 * clock, a ProxmoxCluster pointing at it (fingerprint pinned) and a real operator instance that can be
 * stopped and started again (to test restarts mid-operation).
 */
public final class SimHarness implements AutoCloseable {
    public static final String NS = "store";
    public static final String CLUSTER = "main";

    public final EmbeddedKube kube = new EmbeddedKube();
    public final KubernetesClient client = kube.newClient();
    public final PveSimulator sim;
    private PvehaOperator operator;

    public SimHarness() {
        this(20.0, 1.0);
    }

    /**
     * @param timeScale     simulated seconds per real second
     * @param durationScale factor on the simulator's default task durations
     */
    public SimHarness(double timeScale, double durationScale) {
        this(timeScale, durationScale, null);
    }

    /** With {@code cephConf}, the simulator's Ceph API drives that real Ceph cluster instead of its in-memory one. */
    public SimHarness(double timeScale, double durationScale, java.nio.file.Path cephConf) {
        PveSimulator.Builder builder = PveSimulator.builder().nodes(3).timeScale(timeScale)
                .taskDurations(TaskDurations.defaults().scaledBy(durationScale))
                .authFailureDelay(Duration.ZERO);
        if (cephConf != null) {
            builder.cephConf(cephConf);
        }
        sim = builder.build().start();
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).create();
        client.secrets().inNamespace(NS).resource(new SecretBuilder().withNewMetadata().withName("pve-token").endMetadata()
                .withStringData(Map.of("tokenId", sim.apiTokenId(), "tokenSecret", sim.apiTokenSecret())).build()).create();
        client.secrets().inNamespace(NS).resource(new SecretBuilder().withNewMetadata().withName("pve-ca").endMetadata()
                .withStringData(Map.of("ca.crt", sim.caCertificatePem())).build()).create();
        startOperator();
        // Every node's endpoint, so the operator keeps its API access when a node fails (as configured in production).
        client.resources(ProxmoxCluster.class).resource(TestClusters.withCa(NS, CLUSTER,
                sim.nodeNames().stream().map(sim::nodeUrl).toList(), "pve-ca", 1)).create();
        await().atMost(Duration.ofSeconds(30)).until(() -> readyReason(ProxmoxCluster.class, CLUSTER).filter("Ready"::equals).isPresent());
    }

    public ProxmoxCluster cluster(List<String> endpoints) {
        return TestClusters.pinned(NS, CLUSTER, endpoints, sim.fingerprintSha256(), 1);
    }

    public void startOperator() {
        operator = new PvehaOperator(client, PvehaOperator.Settings.defaults().withNamespaces(Set.of(NS)),
                new SimpleMeterRegistry(), Clock.systemUTC());
        operator.start();
    }

    public void stopOperator() {
        if (operator != null) {
            operator.close();
            operator = null;
        }
    }

    /** A PVE client of an administrator working beside the operator (as in the PVE GUI). */
    public io.pveha.pve.PveClient pveAsAdmin() {
        return new io.pveha.pve.PveClient(io.pveha.pve.PveClient.Config.of(List.of(sim.url()),
                new io.pveha.pve.PveToken(sim.apiTokenId(), sim.apiTokenSecret()), io.pveha.pve.PveTls.pinned(sim.fingerprintSha256())), null);
    }

    public PvehaOperator operator() {
        return operator;
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

    public <T extends io.fabric8.kubernetes.client.CustomResource<?, ? extends io.pveha.api.PvehaStatus>> Optional<String> readyReason(Class<T> type, String name) {
        return condition(type, name, Conditions.READY).map(Condition::getReason);
    }

    public <T extends io.fabric8.kubernetes.client.CustomResource<?, ? extends io.pveha.api.PvehaStatus>> Optional<Condition> condition(
            Class<T> type, String name, String conditionType) {
        T resource = client.resources(type).inNamespace(NS).withName(name).get();
        if (resource == null || resource.getStatus() == null) {
            return Optional.empty();
        }
        return Conditions.find(resource.getStatus().getConditions(), conditionType);
    }

    /** Waits until the HaVm is Ready=True. */
    public HaVm awaitReady(String name, Duration atMost) {
        await().atMost(atMost).pollInterval(Duration.ofMillis(200))
                .until(() -> condition(HaVm.class, name, Conditions.READY).map(c -> "True".equals(c.getStatus())).orElse(false));
        return get(name);
    }

    @Override
    public void close() {
        stopOperator();
        sim.close();
        client.close();
        kube.close();
    }
}
