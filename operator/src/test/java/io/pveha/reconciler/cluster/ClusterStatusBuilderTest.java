package io.pveha.reconciler.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.pveha.api.cluster.ProxmoxCluster;
import io.pveha.api.cluster.ProxmoxClusterStatus;
import io.pveha.cluster.ClusterKey;
import io.pveha.cluster.ClusterSnapshot;
import io.pveha.cluster.PollOutcome;
import io.pveha.cluster.RequiredPrivileges;
import io.pveha.pve.PveApiException;
import io.pveha.pve.PveErrorKind;
import io.pveha.pve.model.CephHealth;
import io.pveha.pve.model.ClusterResource;
import io.pveha.pve.model.ClusterStatusEntry;
import io.pveha.pve.model.PveVersion;
import io.pveha.reconciler.CommonReason;
import io.pveha.reconciler.Conditions;
import io.pveha.reconciler.Note;
import io.pveha.reconciler.cluster.ClusterSettingsResolver.SecretKey;
import io.pveha.reconciler.cluster.ClusterSettingsResolver.SecretValue;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The status of a ProxmoxCluster pass, and its Events: facts of the poll in, status out. */
class ClusterStatusBuilderTest {
    static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

    static ClusterSnapshot snapshot(boolean quorate, boolean pve3Online) {
        return snapshot(quorate, pve3Online, 0.05, NOW);
    }

    static ClusterSnapshot snapshot(
            boolean quorate, boolean pve3Online, double cpu, Instant polledAt) {
        List<ClusterStatusEntry> status =
                List.of(
                        new ClusterStatusEntry(
                                "cluster", "cluster", "store", 3, quorate, 3, null, null, null,
                                null, null),
                        new ClusterStatusEntry(
                                "node",
                                "node/pve1",
                                "pve1",
                                null,
                                null,
                                null,
                                1,
                                "10.0.0.1",
                                true,
                                true,
                                ""),
                        new ClusterStatusEntry(
                                "node",
                                "node/pve3",
                                "pve3",
                                null,
                                null,
                                null,
                                3,
                                "10.0.0.3",
                                false,
                                pve3Online,
                                ""));
        List<ClusterResource> resources =
                List.of(
                        node("pve1", "online", cpu),
                        node("pve3", pve3Online ? "online" : "offline", cpu),
                        new ClusterResource(
                                "qemu/100",
                                "qemu",
                                100,
                                "pve1",
                                "pos-1",
                                "running",
                                false,
                                2,
                                0.1,
                                4L << 30,
                                1L << 30,
                                32L << 30,
                                0L,
                                100L,
                                null,
                                "pveha",
                                "started",
                                null,
                                null,
                                null,
                                null,
                                null,
                                null),
                        new ClusterResource(
                                "storage/pve1/vm-pool",
                                "storage",
                                null,
                                "pve1",
                                null,
                                "available",
                                null,
                                null,
                                null,
                                null,
                                null,
                                100L << 30,
                                10L << 30,
                                null,
                                null,
                                null,
                                null,
                                "vm-pool",
                                "rbd",
                                true,
                                "images",
                                null,
                                null));
        return ClusterSnapshot.of(
                7,
                polledAt,
                "https://pve1:8006",
                new PveVersion("8.4.1", "8.4", "abcdef0123456789"),
                status,
                resources,
                List.of(),
                new CephHealth("HEALTH_WARN", List.of("PG_DEGRADED"), List.of("PG_DEGRADED: x")));
    }

    static ClusterResource node(String name, String status, double cpu) {
        return new ClusterResource(
                "node/" + name,
                "node",
                null,
                name,
                null,
                status,
                null,
                8,
                cpu,
                64L << 30,
                8L << 30,
                100L << 30,
                10L << 30,
                1000L,
                null,
                null,
                "online",
                null,
                null,
                null,
                null,
                null,
                "");
    }

    static PollOutcome healthy(ClusterSnapshot s, List<RequiredPrivileges.Requirement> missing) {
        return new PollOutcome(s, null, null, missing, true);
    }

    /** A pass's status and Events. */
    record Pass(ProxmoxClusterStatus status, List<Note> events) {
        List<String> reasons() {
            return events.stream().map(n -> n.reason().name()).toList();
        }
    }

    static Pass pass(
            ProxmoxCluster cluster,
            ProxmoxClusterStatus previous,
            PollOutcome outcome,
            Map<SecretKey, SecretValue> secrets,
            Optional<HaGroupSync.Outcome> haGroups,
            Instant now) {
        ProxmoxClusterFacts facts =
                new ProxmoxClusterFacts(
                        new ClusterKey("store", "main"),
                        null,
                        outcome,
                        secrets,
                        Optional.empty(),
                        Optional.empty());
        ProxmoxClusterPlanner.Plan plan = ProxmoxClusterPlanner.plan(cluster, previous, facts, now);
        ProxmoxClusterStatus status =
                ClusterStatusBuilder.build(cluster, previous, facts, plan, haGroups, now);
        return new Pass(status, ProxmoxClusterEvents.between(previous, status));
    }

    static Pass pass(ProxmoxClusterStatus previous, PollOutcome outcome) {
        return pass(
                ProxmoxClusterPlannerTest.cluster(),
                previous,
                outcome,
                ProxmoxClusterPlannerTest.token(),
                Optional.empty(),
                NOW);
    }

    static Condition condition(ProxmoxClusterStatus status, String type) {
        return Conditions.find(status.getConditions(), type).orElseThrow();
    }

    @Test
    void beforeTheFirstPollItIsConnecting() {
        Pass first = pass(null, PollOutcome.NONE);

        assertThat(condition(first.status(), Conditions.READY).getReason()).isEqualTo("Connecting");
        assertThat(condition(first.status(), "Quorate").getStatus()).isEqualTo("Unknown");
        assertThat(first.status().getObservedGeneration()).isEqualTo(2L);
        assertThat(first.events()).as("connecting is no news").isEmpty();
    }

    @Test
    void aHealthyPollMakesItReadyWithFacts() {
        Pass result = pass(null, healthy(snapshot(true, true), List.of()));
        ProxmoxClusterStatus status = result.status();

        assertThat(condition(status, Conditions.READY))
                .satisfies(
                        c -> {
                            assertThat(c.getStatus()).isEqualTo("True");
                            assertThat(c.getMessage())
                                    .isEqualTo("PVE 8.4.1, 2/2 nodes online, Ceph HEALTH_WARN");
                        });
        assertThat(status.getVersion()).isEqualTo("8.4.1");
        assertThat(status.getClusterName()).isEqualTo("store");
        assertThat(status.getNodesSummary()).isEqualTo("2/2");
        assertThat(status.getCeph().getChecks()).containsExactly("PG_DEGRADED");
        assertThat(status.getStorages())
                .singleElement()
                .satisfies(
                        s -> {
                            assertThat(s.getName()).isEqualTo("vm-pool");
                            assertThat(s.getShared()).isTrue();
                        });
        assertThat(status.getVmCount()).isEqualTo(1);
        assertThat(status.getActiveEndpoint()).isEqualTo("https://pve1:8006");
        assertThat(condition(status, "TlsVerified").getReason()).isEqualTo("PinnedFingerprint");
        assertThat(condition(status, "PrivilegesComplete").getStatus()).isEqualTo("True");
        assertThat(result.events())
                .singleElement()
                .satisfies(
                        e -> {
                            assertThat(e.reason()).isEqualTo(ProxmoxClusterReason.Ready);
                            assertThat(e.warning()).isFalse();
                        });
    }

    @Test
    void aFailedPollKeepsTheLastKnownFactsAndSaysWhy() {
        ProxmoxClusterStatus before = pass(null, healthy(snapshot(true, true), List.of())).status();
        PveApiException down =
                new PveApiException(
                        PveErrorKind.CONNECTION,
                        0,
                        "GET",
                        "/cluster/resources",
                        "cannot reach https://pve1:8006: connection refused",
                        null,
                        null);
        PollOutcome failed = new PollOutcome(snapshot(true, true), down, NOW, List.of(), true);

        Pass result = pass(before, failed);

        assertThat(condition(result.status(), Conditions.READY))
                .satisfies(
                        c -> {
                            assertThat(c.getStatus()).isEqualTo("False");
                            assertThat(c.getReason()).isEqualTo("Unreachable");
                            assertThat(c.getMessage())
                                    .contains("connection refused")
                                    .contains("last successful poll at 2026-11-23T12:00:00Z");
                        });
        assertThat(result.status().getVersion()).isEqualTo("8.4.1");
        assertThat(result.status().getNodes()).hasSize(2);
        assertThat(result.reasons()).containsExactly("Unreachable");
        assertThat(result.events().get(0).warning()).isTrue();
    }

    @Test
    void missingPrivilegesAreListedInStatus() {
        ProxmoxClusterStatus status =
                pass(
                                null,
                                healthy(
                                        snapshot(true, true),
                                        List.of(
                                                RequiredPrivileges.ALL.get(4),
                                                RequiredPrivileges.ALL.get(5))))
                        .status();

        assertThat(condition(status, "PrivilegesComplete").getMessage())
                .isEqualTo("the token lacks: VM.Allocate on /vms, VM.Clone on /vms");
        assertThat(condition(status, Conditions.READY).getReason()).isEqualTo("MissingPrivileges");
        assertThat(status.getMissingPrivileges())
                .containsExactly("VM.Allocate on /vms", "VM.Clone on /vms");
    }

    @Test
    void insecureTlsIsAWarningConditionNotAFailure() {
        ProxmoxCluster insecure =
                ProxmoxClusterPlannerTest.cluster(s -> s.getTls().setInsecureSkipVerify(true));
        ProxmoxClusterStatus status =
                pass(
                                insecure,
                                null,
                                healthy(snapshot(true, true), List.of()),
                                ProxmoxClusterPlannerTest.token(),
                                Optional.empty(),
                                NOW)
                        .status();

        assertThat(condition(status, "TlsVerified"))
                .satisfies(
                        c -> {
                            assertThat(c.getStatus()).isEqualTo("False");
                            assertThat(c.getReason()).isEqualTo("InsecureSkipVerify");
                        });
        assertThat(condition(status, Conditions.READY).getStatus()).isEqualTo("True");
    }

    @Test
    void aSettingsProblemIsReportedWithItsReasonAndTheFactsOfTheRunningConnection() {
        Map<SecretKey, SecretValue> gone =
                Map.of(
                        ProxmoxClusterPlannerTest.ID,
                                SecretValue.missing(
                                        CommonReason.SecretNotFound,
                                        "Secret store/pve-token not found"),
                        ProxmoxClusterPlannerTest.SECRET,
                                SecretValue.missing(
                                        CommonReason.SecretNotFound,
                                        "Secret store/pve-token not found"));
        Pass result =
                pass(
                        ProxmoxClusterPlannerTest.cluster(),
                        null,
                        healthy(snapshot(true, true), List.of()),
                        gone,
                        Optional.empty(),
                        NOW);

        assertThat(condition(result.status(), Conditions.READY))
                .satisfies(
                        c -> {
                            assertThat(c.getReason()).isEqualTo("SecretNotFound");
                            assertThat(c.getMessage())
                                    .isEqualTo("Secret store/pve-token not found");
                        });
        assertThat(condition(result.status(), "TlsVerified").getReason())
                .isEqualTo("NotConfigured");
        assertThat(result.status().getNodesSummary()).isEqualTo("2/2");
        assertThat(result.events())
                .singleElement()
                .satisfies(
                        e -> {
                            assertThat(e.reason()).isEqualTo(CommonReason.SecretNotFound);
                            assertThat(e.warning()).isTrue();
                        });
    }

    @Test
    void aNodeGoingOfflineAndComingBackAreEvents() {
        ProxmoxClusterStatus up = pass(null, healthy(snapshot(true, true), List.of())).status();
        Pass down = pass(up, healthy(snapshot(true, false), List.of()));
        Pass back = pass(down.status(), healthy(snapshot(true, true), List.of()));

        assertThat(down.events()).extracting(Note::message).containsExactly("node pve3 is offline");
        assertThat(down.reasons()).containsExactly("NodeOffline");
        assertThat(down.status().getNodesSummary()).isEqualTo("1/2");
        assertThat(back.reasons()).containsExactly("NodeOnline");
    }

    @Test
    void reassertingTheSameFactsChangesNothing() {
        ProxmoxClusterStatus first = pass(null, healthy(snapshot(true, true), List.of())).status();
        Pass again = pass(first, healthy(snapshot(true, true), List.of()));

        assertThat(again.events()).isEmpty();
        assertThat(again.status()).usingRecursiveComparison().isEqualTo(first);
    }

    // ---------------------------------------------------------------- heartbeat

    @Test
    void aPollThatOnlyMovedLoadIsNotWrittenWithinTheHeartbeat() {
        ProxmoxClusterStatus first =
                pass(null, healthy(snapshot(true, true, 0.05, NOW), List.of())).status();
        Instant later = NOW.plusSeconds(60);
        Pass busier =
                pass(
                        ProxmoxClusterPlannerTest.cluster(),
                        first,
                        healthy(snapshot(true, true, 0.73, later), List.of()),
                        ProxmoxClusterPlannerTest.token(),
                        Optional.empty(),
                        later);

        assertThat(busier.status())
                .as("the previous status itself: nothing to write")
                .isSameAs(first);
        assertThat(busier.events()).isEmpty();
    }

    @Test
    void theVolatileFactsAreWrittenOnceTheHeartbeatIsDue() {
        ProxmoxClusterStatus first =
                pass(null, healthy(snapshot(true, true, 0.05, NOW), List.of())).status();
        Instant later = NOW.plus(ClusterStatusBuilder.HEARTBEAT);
        Pass busier =
                pass(
                        ProxmoxClusterPlannerTest.cluster(),
                        first,
                        healthy(snapshot(true, true, 0.73, later), List.of()),
                        ProxmoxClusterPlannerTest.token(),
                        Optional.empty(),
                        later);

        assertThat(busier.status()).isNotSameAs(first);
        assertThat(busier.status().getNodes())
                .extracting(ProxmoxClusterStatus.NodeInfo::getCpu)
                .containsOnly("0.73");
        assertThat(busier.status().getLastPollTime()).isEqualTo(later.toString());
    }

    @Test
    void theStandbysPollTimeAloneIsNotWorthAWriteButItsReachabilityIs() {
        ProxmoxClusterStatus first =
                pass(null, healthy(snapshot(true, true, 0.05, NOW), List.of())).status();
        first.setDisasterRecovery(new io.pveha.api.cluster.DisasterRecoveryStatus());
        var other = new io.pveha.api.cluster.DisasterRecoveryStatus.SiteInfo();
        other.setReachable(true);
        other.setLastPollTime(NOW.toString());
        first.getDisasterRecovery().setOther(other);
        ProxmoxClusterStatus next =
                io.pveha.reconciler.Copies.deepCopy(first, ProxmoxClusterStatus.class);
        next.getDisasterRecovery().getOther().setLastPollTime(NOW.plusSeconds(15).toString());
        Instant later = NOW.plusSeconds(15);

        assertThat(ClusterStatusBuilder.heartbeatNotDue(first, next, later)).isTrue();
        next.getDisasterRecovery().getOther().setReachable(false);
        assertThat(ClusterStatusBuilder.heartbeatNotDue(first, next, later)).isFalse();
    }

    @Test
    void aChangeBesidesTheVolatileFactsIsWrittenAtOnce() {
        ProxmoxClusterStatus first =
                pass(null, healthy(snapshot(true, true, 0.05, NOW), List.of())).status();
        Instant later = NOW.plusSeconds(60);
        Pass offline =
                pass(
                        ProxmoxClusterPlannerTest.cluster(),
                        first,
                        healthy(snapshot(true, false, 0.73, later), List.of()),
                        ProxmoxClusterPlannerTest.token(),
                        Optional.empty(),
                        later);

        assertThat(offline.status()).isNotSameAs(first);
        assertThat(offline.status().getNodesSummary()).isEqualTo("1/2");
    }

    // ---------------------------------------------------------------- HA groups

    @Test
    void theHaGroupConditionIsSetByACheckAndKeptBetweenChecks() {
        ProxmoxCluster cluster = ProxmoxClusterPlannerTest.cluster();
        ProxmoxClusterStatus checked =
                pass(
                                cluster,
                                null,
                                healthy(snapshot(true, true), List.of()),
                                ProxmoxClusterPlannerTest.token(),
                                Optional.of(
                                        new HaGroupSync.Outcome(
                                                true,
                                                ProxmoxClusterReason.HaGroupsInSync,
                                                "1 HA group(s) in sync (created frontline)")),
                                NOW)
                        .status();
        ProxmoxClusterStatus later =
                pass(
                                cluster,
                                checked,
                                healthy(snapshot(true, true), List.of()),
                                ProxmoxClusterPlannerTest.token(),
                                Optional.empty(),
                                NOW.plusSeconds(30))
                        .status();

        assertThat(condition(checked, "PlacementInSync"))
                .satisfies(
                        c -> {
                            assertThat(c.getStatus()).isEqualTo("True");
                            assertThat(c.getMessage())
                                    .isEqualTo("1 HA group(s) in sync (created frontline)");
                            assertThat(c.getObservedGeneration()).isEqualTo(2L);
                        });
        assertThat(condition(later, "PlacementInSync"))
                .isEqualTo(condition(checked, "PlacementInSync"));
    }

    @Test
    void aStoppedPassOnlyChangesReady() {
        ProxmoxClusterStatus before = pass(null, healthy(snapshot(true, true), List.of())).status();
        ProxmoxClusterStatus paused =
                ClusterStatusBuilder.stopped(
                        ProxmoxClusterPlannerTest.cluster(),
                        before,
                        CommonReason.ReconciliationPaused,
                        "paused",
                        NOW);

        assertThat(condition(paused, Conditions.READY))
                .extracting(Condition::getStatus, Condition::getReason)
                .containsExactly("False", "ReconciliationPaused");
        assertThat(condition(paused, "Connected")).isEqualTo(condition(before, "Connected"));
        assertThat(paused.getNodes()).hasSize(2);
    }
}
