package io.pveha.reconciler.cluster;

import io.fabric8.kubernetes.api.model.Condition;
import io.pveha.api.cluster.ProxmoxClusterStatus;
import io.pveha.cluster.ClusterSnapshot;
import io.pveha.cluster.PollOutcome;
import io.pveha.cluster.RequiredPrivileges;
import io.pveha.pve.PveApiException;
import io.pveha.pve.PveErrorKind;
import io.pveha.pve.PveTls;
import io.pveha.pve.model.CephHealth;
import io.pveha.pve.model.ClusterResource;
import io.pveha.pve.model.ClusterStatusEntry;
import io.pveha.pve.model.PveVersion;
import io.pveha.reconciler.Conditions;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ClusterStatusBuilderTest {
    static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
    static final PveTls PINNED = PveTls.pinned("AB:".repeat(31) + "AB");

    static ClusterSnapshot snapshot(boolean quorate, boolean pve3Online) {
        List<ClusterStatusEntry> status = List.of(
                new ClusterStatusEntry("cluster", "cluster", "store", 3, quorate, 3, null, null, null, null, null),
                new ClusterStatusEntry("node", "node/pve1", "pve1", null, null, null, 1, "10.0.0.1", true, true, ""),
                new ClusterStatusEntry("node", "node/pve3", "pve3", null, null, null, 3, "10.0.0.3", false, pve3Online, ""));
        List<ClusterResource> resources = List.of(
                node("pve1", "online"), node("pve3", pve3Online ? "online" : "offline"),
                new ClusterResource("qemu/100", "qemu", 100, "pve1", "pos-1", "running", false, 2, 0.1, 4L << 30, 1L << 30,
                        32L << 30, 0L, 100L, null, "pveha", "started", null, null, null, null, null, null),
                new ClusterResource("storage/pve1/vm-pool", "storage", null, "pve1", null, "available", null, null, null, null, null,
                        100L << 30, 10L << 30, null, null, null, null, "vm-pool", "rbd", true, "images", null, null));
        return ClusterSnapshot.of(7, NOW, "https://pve1:8006", new PveVersion("8.4.1", "8.4", "abcdef0123456789"),
                status, resources, List.of(), new CephHealth("HEALTH_WARN", List.of("PG_DEGRADED"), List.of("PG_DEGRADED: x")));
    }

    static ClusterResource node(String name, String status) {
        return new ClusterResource("node/" + name, "node", null, name, null, status, null, 8, 0.05, 64L << 30, 8L << 30,
                100L << 30, 10L << 30, 1000L, null, null, "online", null, null, null, null, null, "");
    }

    static PollOutcome healthy(ClusterSnapshot s, List<RequiredPrivileges.Requirement> missing) {
        return new PollOutcome(s, null, null, missing, true);
    }

    static ClusterStatusBuilder.Result build(ProxmoxClusterStatus previous, PollOutcome outcome) {
        return ClusterStatusBuilder.build(new ClusterStatusBuilder.Inputs(previous, outcome, null, null, PINNED, 2, NOW));
    }

    static Condition condition(ProxmoxClusterStatus status, String type) {
        return Conditions.find(status.getConditions(), type).orElseThrow();
    }

    @Test
    void beforeTheFirstPollItIsConnecting() {
        ProxmoxClusterStatus status = build(null, null).status();

        assertThat(condition(status, Conditions.READY).getReason()).isEqualTo("Connecting");
        assertThat(condition(status, "Quorate").getStatus()).isEqualTo("Unknown");
        assertThat(status.getObservedGeneration()).isEqualTo(2L);
    }

    @Test
    void aHealthyPollMakesItReadyWithFacts() {
        ClusterStatusBuilder.Result result = build(null, healthy(snapshot(true, true), List.of()));
        ProxmoxClusterStatus status = result.status();

        assertThat(condition(status, Conditions.READY)).satisfies(c -> {
            assertThat(c.getStatus()).isEqualTo("True");
            assertThat(c.getMessage()).isEqualTo("PVE 8.4.1, 2/2 nodes online, Ceph HEALTH_WARN");
        });
        assertThat(status.getVersion()).isEqualTo("8.4.1");
        assertThat(status.getClusterName()).isEqualTo("store");
        assertThat(status.getNodesSummary()).isEqualTo("2/2");
        assertThat(status.getCeph().getChecks()).containsExactly("PG_DEGRADED");
        assertThat(status.getStorages()).singleElement().satisfies(s -> {
            assertThat(s.getName()).isEqualTo("vm-pool");
            assertThat(s.getShared()).isTrue();
        });
        assertThat(status.getVmCount()).isEqualTo(1);
        assertThat(status.getActiveEndpoint()).isEqualTo("https://pve1:8006");
        assertThat(result.events()).extracting(ClusterStatusBuilder.PendingEvent::reason).containsExactly("Ready");
    }

    @Test
    void aFailedPollKeepsTheLastKnownFactsAndSaysWhy() {
        ProxmoxClusterStatus before = build(null, healthy(snapshot(true, true), List.of())).status();
        PveApiException down = new PveApiException(PveErrorKind.CONNECTION, 0, "GET", "/cluster/resources",
                "cannot reach https://pve1:8006: connection refused", null, null);
        PollOutcome failed = new PollOutcome(snapshot(true, true), down, NOW, List.of(), true);

        ClusterStatusBuilder.Result result = build(before, failed);

        assertThat(condition(result.status(), Conditions.READY)).satisfies(c -> {
            assertThat(c.getStatus()).isEqualTo("False");
            assertThat(c.getReason()).isEqualTo("Unreachable");
            assertThat(c.getMessage()).contains("connection refused").contains("last successful poll at 2026-11-23T12:00:00Z");
        });
        assertThat(result.status().getVersion()).isEqualTo("8.4.1");
        assertThat(result.status().getNodes()).hasSize(2);
        assertThat(result.events()).extracting(ClusterStatusBuilder.PendingEvent::reason).containsExactly("Unreachable");
    }

    @Test
    void eachErrorKindHasItsOwnReason() {
        assertThat(ClusterStatusBuilder.reasonFor(error(PveErrorKind.AUTHENTICATION))).isEqualTo("AuthenticationFailed");
        assertThat(ClusterStatusBuilder.reasonFor(error(PveErrorKind.TLS))).isEqualTo("TlsVerificationFailed");
        assertThat(ClusterStatusBuilder.reasonFor(error(PveErrorKind.PERMISSION))).isEqualTo("PermissionDenied");
        assertThat(ClusterStatusBuilder.reasonFor(error(PveErrorKind.SERVER))).isEqualTo("ApiError");
        assertThat(ClusterStatusBuilder.reasonFor(error(PveErrorKind.NODE_UNREACHABLE))).isEqualTo("NodeUnreachable");
    }

    @Test
    void lostQuorumMakesItNotReady() {
        ProxmoxClusterStatus status = build(null, healthy(snapshot(false, true), List.of())).status();

        assertThat(condition(status, "Quorate").getStatus()).isEqualTo("False");
        assertThat(condition(status, Conditions.READY).getReason()).isEqualTo("NoQuorum");
    }

    @Test
    void missingPrivilegesAreNamedAndBlockReadiness() {
        ProxmoxClusterStatus status = build(null, healthy(snapshot(true, true),
                List.of(RequiredPrivileges.ALL.get(4), RequiredPrivileges.ALL.get(5)))).status();

        assertThat(condition(status, "PrivilegesComplete").getMessage()).isEqualTo("the token lacks: VM.Allocate on /vms, VM.Clone on /vms");
        assertThat(condition(status, Conditions.READY).getReason()).isEqualTo("MissingPrivileges");
        assertThat(status.getMissingPrivileges()).containsExactly("VM.Allocate on /vms", "VM.Clone on /vms");
    }

    @Test
    void insecureTlsIsAWarningConditionNotAFailure() {
        ProxmoxClusterStatus status = ClusterStatusBuilder.build(new ClusterStatusBuilder.Inputs(null,
                healthy(snapshot(true, true), List.of()), null, null, PveTls.insecure(), 1, NOW)).status();

        assertThat(condition(status, "TlsVerified")).satisfies(c -> {
            assertThat(c.getStatus()).isEqualTo("False");
            assertThat(c.getReason()).isEqualTo("InsecureSkipVerify");
        });
        assertThat(condition(status, Conditions.READY).getStatus()).isEqualTo("True");
    }

    @Test
    void aSettingsProblemIsReportedWithItsReason() {
        ProxmoxClusterStatus status = ClusterStatusBuilder.build(new ClusterStatusBuilder.Inputs(null, null, "SecretNotFound",
                "Secret store/pve-token not found", null, 1, NOW)).status();

        assertThat(condition(status, Conditions.READY)).satisfies(c -> {
            assertThat(c.getReason()).isEqualTo("SecretNotFound");
            assertThat(c.getMessage()).isEqualTo("Secret store/pve-token not found");
        });
    }

    @Test
    void aNodeGoingOfflineAndComingBackAreEvents() {
        ProxmoxClusterStatus up = build(null, healthy(snapshot(true, true), List.of())).status();
        ClusterStatusBuilder.Result down = build(up, healthy(snapshot(true, false), List.of()));
        ClusterStatusBuilder.Result back = build(down.status(), healthy(snapshot(true, true), List.of()));

        assertThat(down.events()).extracting(ClusterStatusBuilder.PendingEvent::message).containsExactly("node pve3 is offline");
        assertThat(down.status().getNodesSummary()).isEqualTo("1/2");
        assertThat(back.events()).extracting(ClusterStatusBuilder.PendingEvent::reason).containsExactly("NodeOnline");
    }

    @Test
    void reassertingTheSameFactsChangesNothing() {
        ProxmoxClusterStatus first = build(null, healthy(snapshot(true, true), List.of())).status();
        ClusterStatusBuilder.Result again = build(first, healthy(snapshot(true, true), List.of()));

        assertThat(again.events()).isEmpty();
        assertThat(Conditions.sameFacts(first.getConditions(), again.status().getConditions())).isTrue();
    }

    static PveApiException error(PveErrorKind kind) {
        return new PveApiException(kind, 0, "GET", "/x", "x", null, null);
    }
}
