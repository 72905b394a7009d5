package io.pveha.reconciler.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.pveha.api.cluster.ProxmoxCluster;
import io.pveha.api.cluster.ProxmoxClusterStatus;
import io.pveha.reconciler.Conditions;
import io.pveha.testing.FixturePve;
import io.pveha.testing.SimHarness;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The operator's plumbing against captured PVE bodies: status, conditions, events, secret hygiene.
 */
class ProxmoxClusterFixturesIT {
    static final String NS = SimHarness.NS;
    static final String SECRET = "0d1e2f3a-4b5c-6d7e-8f90-a1b2c3d4e5f6";

    SimHarness h;
    FixturePve pve;

    @BeforeEach
    void start() {
        h = SimHarness.options().fixturePve(SECRET).start();
        pve = h.fixture;
    }

    @AfterEach
    void stop() {
        h.close();
    }

    void token(String secret) {
        h.putTokenSecret(FixturePve.TOKEN_ID, secret);
    }

    ProxmoxCluster cluster() {
        return h.fixtureCluster();
    }

    ProxmoxClusterStatus status() {
        ProxmoxCluster c =
                h.client.resources(ProxmoxCluster.class).inNamespace(NS).withName("main").get();
        return c == null ? null : c.getStatus();
    }

    Condition condition(String type) {
        ProxmoxClusterStatus s = status();
        return s == null ? null : Conditions.find(s.getConditions(), type).orElse(null);
    }

    @Test
    void becomesReadyWithTheFactsPveReports() {
        token(SECRET);
        h.client.resources(ProxmoxCluster.class).resource(cluster()).create();

        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(
                        () ->
                                assertThat(condition(Conditions.READY))
                                        .isNotNull()
                                        .extracting(Condition::getStatus)
                                        .isEqualTo("True"));
        ProxmoxClusterStatus status = status();
        assertThat(status.getVersion()).isNotBlank();
        assertThat(status.getQuorate()).isTrue();
        assertThat(status.getNodes()).isNotEmpty();
        assertThat(status.getNodesSummary()).matches("\\d+/\\d+");
        assertThat(status.getActiveEndpoint()).isEqualTo(pve.url());
        assertThat(status.getCeph().getHealth()).isEqualTo("None");
        assertThat(status.getStorages()).isNotEmpty();
        assertThat(status.getObservedGeneration()).isEqualTo(1L);
        assertThat(condition("TlsVerified").getReason()).isEqualTo("PinnedFingerprint");
        assertThat(condition("PrivilegesComplete").getStatus()).isEqualTo("True");
    }

    @Test
    void aWrongTokenSaysSoAndRecoversWhenTheSecretIsFixed() {
        String wrong = "ffffffff-0000-1111-2222-333333333333";
        token(wrong);
        h.client.resources(ProxmoxCluster.class).resource(cluster()).create();

        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(
                        () ->
                                assertThat(condition(Conditions.READY))
                                        .isNotNull()
                                        .satisfies(
                                                c -> {
                                                    assertThat(c.getStatus()).isEqualTo("False");
                                                    assertThat(c.getReason())
                                                            .isEqualTo("AuthenticationFailed");
                                                }));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> !events("AuthenticationFailed").isEmpty());

        token(SECRET);
        await().atMost(Duration.ofSeconds(40))
                .untilAsserted(
                        () ->
                                assertThat(condition(Conditions.READY).getStatus())
                                        .isEqualTo("True"));

        String everything =
                h.client
                                .getKubernetesSerialization()
                                .asJson(
                                        h.client
                                                .resources(ProxmoxCluster.class)
                                                .inNamespace(NS)
                                                .list())
                        + h.client
                                .getKubernetesSerialization()
                                .asJson(h.client.v1().events().inNamespace(NS).list());
        assertThat(everything).doesNotContain(SECRET).doesNotContain(wrong);
    }

    @Test
    void aRotatedTokenReconnectsWithoutWaitingForThePoll() {
        String wrong = "ffffffff-0000-1111-2222-333333333333";
        token(wrong);
        // One poll at connect, then none for ten minutes: only the Secret's change can bring the
        // new token in.
        ProxmoxCluster slow = cluster();
        slow.getSpec().setPollIntervalSeconds(600);
        h.client.resources(ProxmoxCluster.class).resource(slow).create();
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(
                        () ->
                                assertThat(condition(Conditions.READY))
                                        .isNotNull()
                                        .extracting(Condition::getReason)
                                        .isEqualTo("AuthenticationFailed"));

        token(SECRET);

        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(
                        () ->
                                assertThat(condition(Conditions.READY).getStatus())
                                        .isEqualTo("True"));
    }

    @Test
    void missingPrivilegesAreNamed() {
        pve.grant("{\"Sys.Audit\":1,\"VM.Audit\":1,\"Datastore.Audit\":1}");
        token(SECRET);
        h.client.resources(ProxmoxCluster.class).resource(cluster()).create();

        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(
                        () ->
                                assertThat(condition("PrivilegesComplete"))
                                        .isNotNull()
                                        .satisfies(
                                                c -> {
                                                    assertThat(c.getStatus()).isEqualTo("False");
                                                    assertThat(c.getMessage())
                                                            .contains("VM.Allocate on /vms")
                                                            .contains("Sys.Modify on /")
                                                            .doesNotContain("VM.Audit");
                                                }));
        assertThat(condition(Conditions.READY).getReason()).isEqualTo("MissingPrivileges");
        assertThat(status().getMissingPrivileges()).contains("VM.Clone on /vms");
    }

    @Test
    void aMissingSecretIsReportedByNameAndItsCreationConnects() {
        h.client.resources(ProxmoxCluster.class).resource(cluster()).create();

        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(
                        () ->
                                assertThat(condition(Conditions.READY))
                                        .isNotNull()
                                        .satisfies(
                                                c -> {
                                                    assertThat(c.getReason())
                                                            .isEqualTo("SecretNotFound");
                                                    assertThat(c.getMessage())
                                                            .isEqualTo(
                                                                    "Secret store/pve-token not found");
                                                }));
        await().atMost(Duration.ofSeconds(10)).until(() -> !events("SecretNotFound").isEmpty());

        token(SECRET);
        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(
                        () ->
                                assertThat(condition(Conditions.READY).getStatus())
                                        .isEqualTo("True"));
    }

    List<Event> events(String reason) {
        return h.client.v1().events().inNamespace(NS).list().getItems().stream()
                .filter(e -> reason.equals(e.getReason()))
                .toList();
    }
}
