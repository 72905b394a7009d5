package io.pveha.reconciler.lb;

import static io.pveha.reconciler.lb.Facts.Host;
import static io.pveha.reconciler.lb.Facts.bundle;
import static io.pveha.reconciler.lb.Facts.facts;
import static io.pveha.reconciler.lb.Facts.healthy;
import static io.pveha.reconciler.lb.Facts.inputs;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.pveha.api.lb.LoadBalancerPairStatus;
import io.pveha.lb.apply.ConfigApplier;
import io.pveha.reconciler.CommonReason;
import io.pveha.reconciler.Conditions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The status rules, one by one: observed facts in, status and conditions out. */
class LbStatusBuilderTest {
    @Test
    void aHealthyPairIsReadyWithTheMasterHoldingTheVip() {
        LoadBalancerPairStatus s = LbStatusBuilder.build(inputs(null, healthy()));

        assertThat(s.getVipHolder()).isEqualTo("lb1");
        assertThat(s.getVipHolderSince()).isEqualTo(Facts.SINCE);
        assertThat(s.getBackendsSummary()).isEqualTo("2/2");
        assertThat(s.getObservedGeneration()).isEqualTo(3L);
        assertThat(s.getVirtualRouterId()).isEqualTo(51);
        assertThat(condition(s, "ConfigApplied"))
                .extracting(Condition::getStatus, Condition::getReason)
                .containsExactly("True", "Applied");
        assertThat(condition(s, "VipHeld"))
                .extracting(Condition::getStatus, Condition::getReason)
                .containsExactly("True", "HeldByMaster");
        assertThat(condition(s, "BackendsHealthy"))
                .extracting(Condition::getStatus, Condition::getReason)
                .containsExactly("True", "AllUp");
        assertThat(condition(s, Conditions.READY))
                .extracting(Condition::getStatus, Condition::getReason)
                .containsExactly("True", "Ready");
        assertThat(s.getHosts())
                .extracting(LoadBalancerPairStatus.HostStatus::getVrrpState)
                .containsExactly("MASTER", "BACKUP");
        assertThat(s.getHosts())
                .allSatisfy(
                        h ->
                                assertThat(h.getAppliedConfigHash())
                                        .isEqualTo(h.getDesiredConfigHash()));
        assertThat(s.getConditions())
                .allSatisfy(c -> assertThat(c.getObservedGeneration()).isEqualTo(3L));
    }

    @Test
    void theVipOnBothLiveHostsIsASplitBrain() {
        LoadBalancerPairStatus s =
                LbStatusBuilder.build(
                        inputs(
                                null,
                                facts(
                                        new Host(bundle("lb1", "v1")).holdingVip().facts(),
                                        new Host(bundle("lb2", "v1")).holdingVip().facts())));

        assertThat(s.getVipHolder()).isEqualTo("lb1,lb2");
        assertThat(condition(s, "VipHeld"))
                .extracting(Condition::getStatus, Condition::getReason)
                .containsExactly("False", "SplitBrain");
        assertThat(condition(s, Conditions.READY))
                .extracting(Condition::getReason)
                .isEqualTo("SplitBrain");
    }

    @Test
    void aVipLeftOnACrashedKeepalivedIsStaleNotSplitBrain() {
        Host crashed = new Host(bundle("lb1", "v1")).holdingVip().keepalivedDown();
        crashed.vrrp = "MASTER";
        LoadBalancerPairStatus s =
                LbStatusBuilder.build(
                        inputs(
                                null,
                                facts(
                                        crashed.facts(),
                                        new Host(bundle("lb2", "v1")).holdingVip().facts())));

        assertThat(s.getVipHolder()).isEqualTo("lb2");
        assertThat(condition(s, "VipHeld")).extracting(Condition::getReason).isEqualTo("StaleVip");
        assertThat(StatusViews.host(s, "lb1").getVrrpState())
                .as("the notify file lies after a crash")
                .isEqualTo("STOPPED");
    }

    @Test
    void nobodyHoldingTheVipIsNotHeldOrUnknownWhenAHostCannotBeSeen() {
        LoadBalancerPairStatus none =
                LbStatusBuilder.build(
                        inputs(
                                null,
                                facts(
                                        new Host(bundle("lb1", "v1")).facts(),
                                        new Host(bundle("lb2", "v1")).facts())));
        assertThat(condition(none, "VipHeld"))
                .extracting(Condition::getStatus, Condition::getReason)
                .containsExactly("False", "NotHeld");
        assertThat(none.getVipHolder()).isNull();

        LoadBalancerPairStatus blind =
                LbStatusBuilder.build(
                        inputs(
                                null,
                                facts(Facts.unreachable(), new Host(bundle("lb2", "v1")).facts())));
        assertThat(condition(blind, "VipHeld"))
                .extracting(Condition::getStatus, Condition::getReason)
                .containsExactly("Unknown", "HostUnreachable");
    }

    @Test
    void theVipOnTheBackupWhileTheMasterIsFineIsNotReady() {
        LoadBalancerPairStatus s =
                LbStatusBuilder.build(
                        inputs(
                                null,
                                facts(
                                        new Host(bundle("lb1", "v1")).facts(),
                                        new Host(bundle("lb2", "v1")).holdingVip().facts())));

        assertThat(condition(s, "VipHeld"))
                .extracting(Condition::getStatus, Condition::getReason)
                .containsExactly("True", "HeldByBackup");
        assertThat(condition(s, Conditions.READY))
                .extracting(Condition::getStatus, Condition::getReason)
                .containsExactly("False", "VipOnBackup");
    }

    @Test
    void anUnreachableHostKeepsItsLastKnownFilesAndMakesThePairNotReady() {
        LoadBalancerPairStatus before = LbStatusBuilder.build(inputs(null, healthy()));
        LoadBalancerPairStatus s =
                LbStatusBuilder.build(
                        inputs(
                                before,
                                facts(
                                        Facts.unreachable(),
                                        new Host(bundle("lb2", "v1")).holdingVip().facts())));

        LoadBalancerPairStatus.HostStatus lb1 = StatusViews.host(s, "lb1");
        assertThat(lb1.getReachable()).isFalse();
        assertThat(lb1.getVrrpState()).isEqualTo("UNKNOWN");
        assertThat(lb1.getHoldsVip()).isNull();
        assertThat(lb1.getAppliedConfigHash())
                .isEqualTo(StatusViews.host(before, "lb1").getAppliedConfigHash());
        assertThat(lb1.getLastError()).contains("timeout");
        assertThat(s.getVipHolder()).isEqualTo("lb2");
        assertThat(condition(s, Conditions.READY))
                .satisfies(
                        c -> {
                            assertThat(c.getReason()).isEqualTo("HostUnreachable");
                            assertThat(c.getMessage()).contains("lb1", "lb2 holds");
                        });
    }

    @Test
    void aRefusedHostKeyIsItsOwnReasonAndTheOfferedFingerprintIsKept() {
        LoadBalancerPairStatus s =
                LbStatusBuilder.build(
                        inputs(
                                null,
                                facts(
                                        new Host(bundle("lb1", "v1")).holdingVip().facts(),
                                        Facts.keyRefused())));

        assertThat(StatusViews.host(s, "lb2").getHostKeyFingerprint()).isEqualTo("SHA256:evil");
        assertThat(condition(s, "ConfigApplied"))
                .extracting(Condition::getReason)
                .isEqualTo("HostKeyRejected");
        assertThat(condition(s, Conditions.READY))
                .extracting(Condition::getReason)
                .isEqualTo("HostKeyRejected");
    }

    @Test
    void aDaemonDownIsReportedEvenWhileTheVipIsServed() {
        LoadBalancerPairStatus s =
                LbStatusBuilder.build(
                        inputs(
                                null,
                                facts(
                                        new Host(bundle("lb1", "v1"))
                                                .keepalivedDown()
                                                .haproxyDown()
                                                .facts(),
                                        new Host(bundle("lb2", "v1")).holdingVip().facts())));

        assertThat(condition(s, Conditions.READY))
                .satisfies(
                        c -> {
                            assertThat(c.getReason()).isEqualTo("DaemonDown");
                            assertThat(c.getMessage())
                                    .isEqualTo(
                                            "keepalived and haproxy not running on lb1; lb2 holds 192.0.2.10 (the master lb1 does not)");
                        });
        assertThat(StatusViews.host(s, "lb1").getVrrpStateSince()).isNull();
    }

    @Test
    void oneServerDownLeavesThePairReadyButNotHealthy() {
        LoadBalancerPairStatus s =
                LbStatusBuilder.build(
                        inputs(
                                null,
                                facts(
                                        new Host(bundle("lb1", "v1"))
                                                .holdingVip()
                                                .server("app2", "DOWN")
                                                .facts(),
                                        new Host(bundle("lb2", "v1")).facts())));

        assertThat(s.getBackendsSummary()).isEqualTo("1/2");
        assertThat(condition(s, "BackendsHealthy"))
                .extracting(Condition::getStatus, Condition::getReason)
                .containsExactly("False", "SomeDown");
        assertThat(condition(s, Conditions.READY))
                .satisfies(
                        c -> {
                            assertThat(c.getStatus()).isEqualTo("True");
                            assertThat(c.getMessage()).contains("1/2 servers UP", "web/app2 DOWN");
                        });
    }

    @Test
    void everyServerDownIsNotReady() {
        LoadBalancerPairStatus s =
                LbStatusBuilder.build(
                        inputs(
                                null,
                                facts(
                                        new Host(bundle("lb1", "v1"))
                                                .holdingVip()
                                                .server("app1", "DOWN")
                                                .server("app2", "MAINT 1/2")
                                                .facts(),
                                        new Host(bundle("lb2", "v1")).facts())));

        assertThat(condition(s, "BackendsHealthy"))
                .extracting(Condition::getReason)
                .isEqualTo("AllDown");
        assertThat(condition(s, Conditions.READY))
                .extracting(Condition::getStatus, Condition::getReason)
                .containsExactly("False", "NoHealthyBackends");
    }

    @Test
    void backendStatesComeFromTheVipHolder() {
        LoadBalancerPairStatus s =
                LbStatusBuilder.build(
                        inputs(
                                null,
                                facts(
                                        new Host(bundle("lb1", "v1"))
                                                .server("app1", "DOWN")
                                                .facts(),
                                        new Host(bundle("lb2", "v1")).holdingVip().facts())));

        assertThat(s.getBackendsSummary()).isEqualTo("2/2");
    }

    @Test
    void aRejectedApplyRecordsTheHashAndKeepsTheHostsWordsOnLaterPasses() {
        Map<String, io.pveha.lb.HostFacts> oldConfig =
                facts(
                        new Host(bundle("lb1", "v0")).holdingVip().facts(),
                        new Host(bundle("lb2", "v0")).facts());
        LoadBalancerPairStatus refused =
                LbStatusBuilder.build(
                        inputs(
                                null,
                                oldConfig,
                                Map.of(
                                        "lb2",
                                        Facts.applied(
                                                ConfigApplier.Outcome.REJECTED,
                                                "keepalived -t rejected the new configuration (exit 5): bad"))));

        assertThat(StatusViews.host(refused, "lb2").getRejectedConfigHash())
                .isEqualTo(Facts.bundle("lb2", "v1").hash());
        assertThat(condition(refused, "ConfigApplied"))
                .satisfies(
                        c -> {
                            assertThat(c.getReason()).isEqualTo("Rejected");
                            assertThat(c.getMessage())
                                    .isEqualTo(
                                            "lb2: keepalived -t rejected the new configuration (exit 5): bad");
                        });

        LoadBalancerPairStatus later = LbStatusBuilder.build(inputs(refused, oldConfig));
        assertThat(condition(later, "ConfigApplied"))
                .isEqualTo(condition(refused, "ConfigApplied"));
        assertThat(StatusViews.host(later, "lb2").getRejectedConfigHash())
                .isEqualTo(Facts.bundle("lb2", "v1").hash());
        assertThat(StatusViews.host(later, "lb1").getAppliedConfigHash())
                .isEqualTo(Facts.bundle("lb1", "v0").hash());
    }

    @Test
    void aProblemBeforeObservationKeepsTheLastKnownHostFacts() {
        LoadBalancerPairStatus before = LbStatusBuilder.build(inputs(null, healthy()));
        LoadBalancerPairStatus s =
                LbStatusBuilder.build(
                        new LbStatusBuilder.Inputs(
                                Facts.spec(),
                                before,
                                4L,
                                Facts.NOW,
                                51,
                                new LbStatusBuilder.Problem(
                                        CommonReason.SecretNotFound,
                                        "Secret shop/lb-vrrp not found"),
                                Map.of(),
                                List.of(),
                                List.of(),
                                Map.of(),
                                Map.of()));

        assertThat(condition(s, "ConfigApplied"))
                .extracting(Condition::getReason)
                .isEqualTo("SecretNotFound");
        assertThat(condition(s, Conditions.READY))
                .extracting(Condition::getStatus, Condition::getMessage)
                .containsExactly("False", "Secret shop/lb-vrrp not found");
        assertThat(s.getHosts())
                .usingRecursiveFieldByFieldElementComparator()
                .isEqualTo(before.getHosts());
        assertThat(s.getBackendsSummary()).isEqualTo("2/2");
    }

    @Test
    void theSameFactsTwiceGiveTheSameStatus() {
        LoadBalancerPairStatus first = LbStatusBuilder.build(inputs(null, healthy()));
        LoadBalancerPairStatus second =
                LbStatusBuilder.build(
                        new LbStatusBuilder.Inputs(
                                Facts.spec(),
                                first,
                                3L,
                                Facts.NOW.plusSeconds(60),
                                51,
                                null,
                                Facts.bundles("v1"),
                                Facts.services(),
                                List.of(),
                                healthy(),
                                Map.of()));

        assertThat(second).usingRecursiveComparison().isEqualTo(first);
    }

    @Test
    void theHolderSinceStaysWhileTheHolderDoesAndMovesWithIt() {
        LoadBalancerPairStatus first = LbStatusBuilder.build(inputs(null, healthy()));
        Host lb2 = new Host(bundle("lb2", "v1")).holdingVip();
        LoadBalancerPairStatus moved =
                LbStatusBuilder.build(
                        inputs(
                                first,
                                facts(
                                        new Host(bundle("lb1", "v1")).keepalivedDown().facts(),
                                        lb2.facts())));

        assertThat(moved.getVipHolder()).isEqualTo("lb2");
        assertThat(moved.getVipHolderSince()).isEqualTo(Facts.SINCE);
        assertThat(condition(moved, "VipHeld").getLastTransitionTime())
                .as("still held: no transition")
                .isEqualTo(condition(first, "VipHeld").getLastTransitionTime());
    }

    @Test
    void pausingOnlyTouchesReady() {
        LoadBalancerPairStatus before = LbStatusBuilder.build(inputs(null, healthy()));
        LoadBalancerPairStatus s =
                LbStatusBuilder.stopped(
                        before, CommonReason.ReconciliationPaused, "paused", 5L, Facts.NOW);

        assertThat(condition(s, Conditions.READY))
                .extracting(Condition::getStatus, Condition::getReason)
                .containsExactly("False", "ReconciliationPaused");
        assertThat(condition(s, "VipHeld")).isEqualTo(condition(before, "VipHeld"));
        assertThat(s.getVipHolder()).isEqualTo("lb1");
    }

    @Test
    void anInvalidSpecIsSaidInReadyWithTheGeneration() {
        LoadBalancerPairStatus s =
                LbStatusBuilder.stopped(
                        null, CommonReason.InvalidSpec, "a: bad; b: worse", 7L, Facts.NOW);

        assertThat(s.getObservedGeneration()).isEqualTo(7L);
        assertThat(condition(s, Conditions.READY))
                .extracting(Condition::getReason, Condition::getMessage)
                .containsExactly("InvalidSpec", "a: bad; b: worse");
    }

    @Test
    void selectedHaVmsWithoutAnAddressAreListed() {
        LoadBalancerPairStatus s =
                LbStatusBuilder.build(
                        new LbStatusBuilder.Inputs(
                                Facts.spec(),
                                null,
                                1L,
                                Facts.NOW,
                                51,
                                null,
                                Facts.bundles("v1"),
                                List.of(),
                                List.of("web/vm-a"),
                                healthy(),
                                Map.of()));

        assertThat(s.getUnroutableBackends()).containsExactly("web/vm-a");
        assertThat(condition(s, "BackendsHealthy"))
                .satisfies(
                        c -> {
                            assertThat(c.getReason()).isEqualTo("NoBackends");
                            assertThat(c.getMessage()).contains("web/vm-a");
                        });
    }

    private static Condition condition(LoadBalancerPairStatus s, String type) {
        return Conditions.find(s.getConditions(), type).orElseThrow();
    }
}
