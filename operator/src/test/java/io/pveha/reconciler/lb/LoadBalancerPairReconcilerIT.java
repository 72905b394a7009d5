package io.pveha.reconciler.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.pveha.api.Pveha;
import io.pveha.api.SecretKeyRef;
import io.pveha.api.lb.LoadBalancerPair;
import io.pveha.api.lb.LoadBalancerPairStatus;
import io.pveha.api.vm.HaVm;
import io.pveha.reconciler.Conditions;
import io.pveha.reconciler.EventRecorder;
import io.pveha.runtime.PvehaOperator;
import io.pveha.testing.SimHarness;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The reconciler in a real JOSDK operator against the embedded API server ({@link SimHarness} with
 * only this reconciler and no simulator), with fake hosts; a fresh API server for every test.
 */
class LoadBalancerPairReconcilerIT {
    static final Duration WAIT = Duration.ofSeconds(15);

    SimHarness h;
    KubernetesMockServer server;
    KubernetesClient client;
    FakeLbHosts hosts;

    @BeforeEach
    void start() {
        hosts = new FakeLbHosts();
        h =
                SimHarness.options()
                        .simulators(0)
                        .namespaces(LbResources.NS)
                        .watchAllNamespaces()
                        .withoutOperator()
                        .reconcilers(
                                (client, clock, closeOnStop) ->
                                        List.of(
                                                new LoadBalancerPairReconciler(
                                                        hosts,
                                                        PvehaOperator.Settings.bundledValidation(),
                                                        new EventRecorder(client, clock),
                                                        clock)))
                        .start();
        client = h.client;
        server = h.kube.server();
        client.resource(
                        LbResources.secret(
                                "lb-ssh",
                                "ssh-privatekey",
                                "-----BEGIN OPENSSH PRIVATE KEY-----\nfake\n"))
                .create();
        client.resource(LbResources.secret("lb-vrrp", "password", "s3cret")).create();
        h.startOperator();
    }

    @AfterEach
    void stop() {
        h.close();
    }

    @Test
    void firstPassAppliesTheStandbyFirstAndReportsReady() {
        LoadBalancerPair pair = LbResources.pair("store");
        pair.getSpec().setPollIntervalSeconds(1);
        client.resource(pair).create();

        LoadBalancerPairStatus status =
                awaitStatus(
                        "store",
                        s ->
                                condition(s, Conditions.READY)
                                        .map(c -> c.getStatus().equals("True"))
                                        .orElse(false));

        assertThat(hosts.calls()).startsWith("apply lb2", "apply lb1");
        assertThat(status.getVipHolder()).isEqualTo("lb1");
        assertThat(status.getBackendsSummary()).isEqualTo("2/2");
        assertThat(status.getVirtualRouterId()).isBetween(1, 255);
        assertThat(status.getHosts())
                .allSatisfy(
                        h -> {
                            assertThat(h.getAppliedConfigHash())
                                    .matches("[0-9a-f]{64}")
                                    .isEqualTo(h.getDesiredConfigHash());
                            assertThat(h.getVrrpState()).isIn("MASTER", "BACKUP");
                        });
        assertThat(condition(status, "ConfigApplied"))
                .get()
                .extracting(Condition::getStatus)
                .isEqualTo("True");
        assertThat(condition(status, "VipHeld"))
                .get()
                .extracting(Condition::getReason)
                .isEqualTo("HeldByMaster");
        // Events are written after the status; give them a moment.
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(
                        () ->
                                assertThat(reasons())
                                        .contains(
                                                "ConfigApplied",
                                                "VipAcquired",
                                                "RouterIdAssigned"));
        assertThat(
                        client.resources(LoadBalancerPair.class)
                                .inNamespace(LbResources.NS)
                                .withName("store")
                                .get()
                                .getStatus()
                                .getObservedGeneration())
                .isEqualTo(1L);
    }

    @Test
    void anAppliedConfigIsNotAppliedAgain() {
        LoadBalancerPair pair = LbResources.pair("store");
        pair.getSpec().setPollIntervalSeconds(1);
        client.resource(pair).create();
        awaitStatus(
                "store",
                s ->
                        "True"
                                .equals(
                                        condition(s, Conditions.READY)
                                                .map(Condition::getStatus)
                                                .orElse(null)));
        int applies = hosts.calls().size();
        String resourceVersion = get("store").getMetadata().getResourceVersion();
        int observed = hosts.observations.get();

        // Over three polls: no apply again, and no status write without a change.
        await().during(Duration.ofMillis(3500))
                .atMost(Duration.ofMillis(5000))
                .until(
                        () ->
                                hosts.calls().size() == applies
                                        && resourceVersion.equals(
                                                get("store").getMetadata().getResourceVersion()));
        assertThat(hosts.observations.get())
                .as("both hosts observed on the polls meanwhile")
                .isGreaterThanOrEqualTo(observed + 4);
    }

    @Test
    void vipMoveAndBackendDownShowInStatusAndEvents() {
        LoadBalancerPair pair = LbResources.pair("store");
        pair.getSpec().setPollIntervalSeconds(1);
        client.resource(pair).create();
        awaitStatus(
                "store",
                s -> "lb1".equals(s.getVipHolder()) && "2/2".equals(s.getBackendsSummary()));

        hosts.host("lb1").reachable = false;
        hosts.host("lb2").downServers.add("app2");
        LoadBalancerPairStatus moved =
                awaitStatus(
                        "store",
                        s ->
                                "lb2".equals(s.getVipHolder())
                                        && "1/2".equals(s.getBackendsSummary()));

        assertThat(condition(moved, "VipHeld"))
                .get()
                .extracting(Condition::getReason)
                .isEqualTo("HeldByBackup");
        assertThat(condition(moved, Conditions.READY))
                .get()
                .satisfies(
                        c -> {
                            assertThat(c.getStatus()).isEqualTo("False");
                            assertThat(c.getReason()).isEqualTo("HostUnreachable");
                        });
        assertThat(condition(moved, "BackendsHealthy"))
                .get()
                .extracting(Condition::getReason)
                .isEqualTo("SomeDown");
        assertThat(StatusViews.host(moved, "lb1").getReachable()).isFalse();
        // Events are written after the status; give them a moment.
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(
                        () ->
                                assertThat(reasons())
                                        .contains("VipMoved", "BackendDown", "HostUnreachable"));
    }

    @Test
    void aHaVmGetsRenderedWhenItsAddressAppearsWithoutWaitingForThePoll() {
        LoadBalancerPair pair = LbResources.pair("store");
        pair.getSpec().setPollIntervalSeconds(600);
        LbResources.selectHaVms(pair, Map.of("app", "shop"), 8080);
        client.resource(LbResources.haVm("vm-a", Map.of("app", "shop"), "192.0.2.31")).create();
        client.resource(LbResources.haVm("vm-b", Map.of("app", "shop"))).create();
        client.resource(LbResources.haVm("other", Map.of("app", "else"), "192.0.2.99")).create();
        client.resource(pair).create();

        LoadBalancerPairStatus first =
                awaitStatus("store", s -> "3/3".equals(s.getBackendsSummary()));
        assertThat(first.getUnroutableBackends()).containsExactly("web/vm-b");
        assertThat(first.getBackends())
                .extracting(LoadBalancerPairStatus.BackendStatus::getHaVm)
                .contains("vm-a")
                .doesNotContain("other");

        HaVm vmB = client.resources(HaVm.class).inNamespace(LbResources.NS).withName("vm-b").get();
        vmB.getStatus()
                .setIpAddresses(new ArrayList<>(List.of("127.0.0.1", "fe80::1", "192.0.2.32")));
        client.resource(vmB).updateStatus();

        LoadBalancerPairStatus second =
                awaitStatus("store", s -> "4/4".equals(s.getBackendsSummary()));
        assertThat(second.getUnroutableBackends()).isEmpty();
        assertThat(second.getBackends())
                .filteredOn(b -> "vm-b".equals(b.getHaVm()))
                .extracting(LoadBalancerPairStatus.BackendStatus::getAddress)
                .containsExactly("192.0.2.32:8080");
    }

    @Test
    void aRefusedHostKeyIsReportedAndThatHostIsLeftAlone() {
        hosts.host("lb2").refuseHostKey = true;
        LoadBalancerPair pair = LbResources.pair("store");
        pair.getSpec().setPollIntervalSeconds(1);
        client.resource(pair).create();

        LoadBalancerPairStatus status =
                awaitStatus(
                        "store",
                        s ->
                                "HostKeyRejected"
                                        .equals(
                                                condition(s, Conditions.READY)
                                                        .map(Condition::getReason)
                                                        .orElse(null)));

        assertThat(hosts.calls()).doesNotContain("apply lb2");
        assertThat(StatusViews.host(status, "lb2").getHostKeyFingerprint())
                .isEqualTo("SHA256:other");
        assertThat(StatusViews.host(status, "lb2").getLastError()).contains("not the pinned");
        // Events are written after the status; give them a moment.
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(reasons()).contains("HostKeyRejected"));
    }

    @Test
    void aConfigTheHostRefusesIsReportedAndNotRetriedUntilTheSpecChanges() {
        hosts.host("lb2").rejectWith =
                "keepalived -t rejected the new configuration (exit 5): Non-existent interface specified in configuration";
        LoadBalancerPair pair = LbResources.pair("store");
        pair.getSpec().setPollIntervalSeconds(1);
        client.resource(pair).create();

        LoadBalancerPairStatus status =
                awaitStatus(
                        "store",
                        s ->
                                "Rejected"
                                        .equals(
                                                condition(s, "ConfigApplied")
                                                        .map(Condition::getReason)
                                                        .orElse(null)));
        assertThat(condition(status, "ConfigApplied"))
                .get()
                .extracting(Condition::getMessage)
                .asString()
                .contains("lb2: keepalived -t rejected", "Non-existent interface");
        assertThat(hosts.calls())
                .containsExactly("apply lb2")
                .as("the master is not touched after the standby refused");
        int observed = hosts.observations.get();
        // Over two polls: the refused config is not applied again, and the refusal is reported once
        // (its Event is
        // written just after the status, so the window may start a moment later).
        await().during(Duration.ofMillis(2500))
                .atMost(Duration.ofMillis(4000))
                .until(
                        () ->
                                hosts.calls().equals(List.of("apply lb2"))
                                        && Collections.frequency(reasons(), "ConfigRejected") == 1);
        assertThat(hosts.observations.get())
                .as("both hosts observed on the polls meanwhile")
                .isGreaterThanOrEqualTo(observed + 2);

        hosts.host("lb2").rejectWith = null;
        LoadBalancerPair edited = get("store");
        edited.getSpec().getServices().get(0).setRetries(3);
        client.resource(edited).update();
        awaitStatus(
                "store",
                s ->
                        "Applied"
                                .equals(
                                        condition(s, "ConfigApplied")
                                                .map(Condition::getReason)
                                                .orElse(null)));
    }

    @Test
    void splitBrainIsDetected() {
        LoadBalancerPair pair = LbResources.pair("store");
        pair.getSpec().setPollIntervalSeconds(1);
        client.resource(pair).create();
        awaitStatus("store", s -> "lb1".equals(s.getVipHolder()));

        hosts.host("lb1").splitBrain = true;
        hosts.host("lb2").splitBrain = true;

        LoadBalancerPairStatus status =
                awaitStatus("store", s -> "lb1,lb2".equals(s.getVipHolder()));
        assertThat(condition(status, Conditions.READY))
                .get()
                .extracting(Condition::getReason)
                .isEqualTo("SplitBrain");
        // Events are written after the status; give them a moment.
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(reasons()).contains("SplitBrain"));
    }

    @Test
    void aPausedPairIsNeitherObservedNorChanged() {
        LoadBalancerPair pair = LbResources.pair("store");
        pair.getMetadata().setAnnotations(Map.of(Pveha.ANNOTATION_PAUSED, "true"));
        client.resource(pair).create();

        LoadBalancerPairStatus status =
                awaitStatus("store", s -> condition(s, Conditions.READY).isPresent());
        assertThat(condition(status, Conditions.READY))
                .get()
                .extracting(Condition::getReason)
                .isEqualTo("ReconciliationPaused");
        await().during(Duration.ofSeconds(1))
                .atMost(Duration.ofSeconds(2))
                .until(() -> hosts.calls().isEmpty() && hosts.observations.get() == 0);
    }

    @Test
    void anInvalidSpecIsReportedOnceWithEveryProblem() {
        LoadBalancerPair pair = LbResources.pair("store");
        pair.getSpec().getHosts().get(1).setPriority(150);
        pair.getSpec().getServices().get(0).setName("web\n    server evil 6.6.6.6:80");
        client.resource(pair).create();

        LoadBalancerPairStatus status =
                awaitStatus("store", s -> condition(s, Conditions.READY).isPresent());
        assertThat(condition(status, Conditions.READY))
                .get()
                .satisfies(
                        c -> {
                            assertThat(c.getReason()).isEqualTo("InvalidSpec");
                            assertThat(c.getMessage())
                                    .contains(
                                            "distinct priorities",
                                            "spec.services[0].name",
                                            "\\n    server evil");
                        });
        assertThat(hosts.calls()).isEmpty();
        // The Event is written after the status: wait for it, then make sure no second one follows.
        await().atMost(Duration.ofSeconds(10)).until(() -> reasons().contains("InvalidSpec"));
        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(reasons()).containsOnlyOnce("InvalidSpec"));
    }

    @Test
    void aMissingSecretIsReportedAndItsCreationConfiguresThePairWithoutWaitingForThePoll() {
        // A Secret that never existed: deleting one right before would race the operator's Secret
        // cache.
        LoadBalancerPair pair = LbResources.pair("store");
        pair.getSpec().getVip().setAuthSecretRef(new SecretKeyRef("lb-vrrp-later", null));
        pair.getSpec().setPollIntervalSeconds(600);
        client.resource(pair).create();

        LoadBalancerPairStatus status =
                awaitStatus("store", s -> condition(s, Conditions.READY).isPresent());
        assertThat(condition(status, Conditions.READY))
                .get()
                .satisfies(
                        c -> {
                            assertThat(c.getReason()).isEqualTo("SecretNotFound");
                            assertThat(c.getMessage()).contains("shop/lb-vrrp-later");
                        });
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(reasons()).contains("SecretNotFound"));

        client.resource(LbResources.secret("lb-vrrp-later", "password", "s3cret")).create();
        awaitStatus(
                "store",
                s ->
                        "Ready"
                                .equals(
                                        condition(s, Conditions.READY)
                                                .map(Condition::getReason)
                                                .orElse(null)));
    }

    @Test
    void aChangedVrrpPasswordIsAppliedWithoutWaitingForThePoll() {
        LoadBalancerPair pair = LbResources.pair("store");
        pair.getSpec().setPollIntervalSeconds(600);
        client.resource(pair).create();
        String first =
                awaitStatus(
                                "store",
                                s ->
                                        "True"
                                                .equals(
                                                        condition(s, Conditions.READY)
                                                                .map(Condition::getStatus)
                                                                .orElse(null)))
                        .getHosts()
                        .get(0)
                        .getAppliedConfigHash();

        client.secrets()
                .inNamespace(LbResources.NS)
                .withName("lb-vrrp")
                .edit(
                        secret ->
                                new SecretBuilder(secret)
                                        .withData(
                                                LbResources.secret("lb-vrrp", "password", "n3w.pw")
                                                        .getData())
                                        .build());

        LoadBalancerPairStatus after =
                awaitStatus(
                        "store",
                        s ->
                                s.getHosts().stream()
                                        .allMatch(
                                                h ->
                                                        h.getAppliedConfigHash() != null
                                                                && !h.getAppliedConfigHash()
                                                                        .equals(first)
                                                                && h.getAppliedConfigHash()
                                                                        .equals(
                                                                                h
                                                                                        .getDesiredConfigHash())));
        assertThat(hosts.calls())
                .containsExactly("apply lb2", "apply lb1", "apply lb2", "apply lb1");
        assertThat(client.getKubernetesSerialization().asJson(after)).doesNotContain("n3w.pw");
    }

    @Test
    void twoPairsWithTheSameExplicitRouterIdOnOneNetworkConflict() {
        LoadBalancerPair a = LbResources.pair("a");
        a.getSpec().getVip().setVirtualRouterId(51);
        LoadBalancerPair b = LbResources.pair("b");
        b.getSpec().getVip().setVirtualRouterId(51);
        b.getSpec().getVip().setAddress("192.0.2.40");
        client.resource(a).create();
        client.resource(b).create();

        LoadBalancerPairStatus status =
                awaitStatus("b", s -> condition(s, Conditions.READY).isPresent());
        assertThat(condition(status, Conditions.READY))
                .get()
                .satisfies(
                        c -> {
                            assertThat(c.getReason()).isEqualTo("RouterIdConflict");
                            assertThat(c.getMessage()).contains("shop/a");
                        });
    }

    @Test
    void onlyTheStatusSubresourceIsWrittenAndOnlyByJsonPatch() throws Exception {
        client.resource(LbResources.pair("store")).create();
        awaitStatus("store", s -> condition(s, Conditions.READY).isPresent());

        List<String> writes = new ArrayList<>();
        for (int i = server.getRequestCount(); i > 0; i--) {
            var request = server.takeRequest(1, java.util.concurrent.TimeUnit.SECONDS);
            if (request == null) {
                break;
            }
            if (request.getPath().contains("/loadbalancerpairs/store")
                    && !"GET".equals(request.getMethod())) {
                writes.add(
                        request.getMethod()
                                + " "
                                + request.getPath().replaceAll("\\?.*", "")
                                + " "
                                + request.getHeader("Content-Type"));
            }
        }
        assertThat(writes)
                .isNotEmpty()
                .allSatisfy(
                        w ->
                                assertThat(w)
                                        .matches(
                                                "PATCH /apis/pveha.io/v1alpha1/namespaces/shop/loadbalancerpairs/store/status application/json-patch\\+json.*"));
    }

    private LoadBalancerPairStatus awaitStatus(
            String name, Predicate<LoadBalancerPairStatus> condition) {
        try {
            return await().atMost(WAIT)
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> get(name).getStatus(), s -> s != null && condition.test(s));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError(
                    "status never matched; last: "
                            + client.getKubernetesSerialization().asJson(get(name).getStatus())
                            + "\ncalls: "
                            + hosts.calls()
                            + "\nevents: "
                            + reasons(),
                    e);
        }
    }

    private LoadBalancerPair get(String name) {
        return client.resources(LoadBalancerPair.class)
                .inNamespace(LbResources.NS)
                .withName(name)
                .get();
    }

    private static java.util.Optional<Condition> condition(
            LoadBalancerPairStatus status, String type) {
        return Conditions.find(status.getConditions(), type);
    }

    /**
     * The reasons of the pair's Events, each as often as it was recorded (a repeat only bumps an
     * Event's count).
     */
    private List<String> reasons() {
        return client.v1().events().inNamespace(LbResources.NS).list().getItems().stream()
                .flatMap(
                        e ->
                                Collections.nCopies(
                                        e.getCount() == null ? 1 : e.getCount(), e.getReason())
                                        .stream())
                .toList();
    }
}
