package io.pveha.reconciler.lb;

import static io.pveha.reconciler.lb.Facts.Host;
import static io.pveha.reconciler.lb.Facts.bundle;
import static io.pveha.reconciler.lb.Facts.facts;
import static org.assertj.core.api.Assertions.assertThat;

import io.pveha.api.lb.LoadBalancerPairStatus;
import io.pveha.lb.apply.ConfigApplier;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PairPlannerTest {
    @Test
    void aFirstApplyGoesToTheLowerPriorityHostFirst() {
        var actions =
                PairPlanner.plan(
                        Facts.bundles("v1"),
                        facts(new Host(null).facts(), new Host(null).facts()),
                        null,
                        Facts.VIP,
                        "lb1");

        assertThat(actions)
                .extracting(PairPlanner.HostAction::host, PairPlanner.HostAction::kind)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("lb2", PairPlanner.Kind.APPLY),
                        org.assertj.core.groups.Tuple.tuple("lb1", PairPlanner.Kind.APPLY));
    }

    @Test
    void aChangeGoesToTheHostWithoutTheVipFirst() {
        var actions =
                PairPlanner.plan(
                        Facts.bundles("v2"),
                        facts(
                                new Host(bundle("lb1", "v1")).facts(),
                                new Host(bundle("lb2", "v1")).holdingVip().facts()),
                        null,
                        Facts.VIP,
                        "lb1");

        assertThat(actions).extracting(PairPlanner.HostAction::host).containsExactly("lb1", "lb2");
    }

    @Test
    void nothingIsPlannedWhenBothHostsRunTheRenderedFiles() {
        assertThat(PairPlanner.plan(Facts.bundles("v1"), Facts.healthy(), null, Facts.VIP, "lb1"))
                .isEmpty();
    }

    @Test
    void anApplyCutOffHalfwayIsRepeatedEvenWhenTheFilesMatch() {
        var actions =
                PairPlanner.plan(
                        Facts.bundles("v1"),
                        facts(
                                new Host(bundle("lb1", "v1")).holdingVip().pending().facts(),
                                new Host(bundle("lb2", "v1")).facts()),
                        null,
                        Facts.VIP,
                        "lb1");

        assertThat(actions).extracting(PairPlanner.HostAction::host).containsExactly("lb1");
    }

    @Test
    void aConfigurationOneHostRefusedIsAppliedNowhere() {
        var old =
                facts(
                        new Host(bundle("lb1", "v0")).holdingVip().facts(),
                        new Host(bundle("lb2", "v0")).facts());
        LoadBalancerPairStatus refused =
                LbStatusBuilder.build(
                        Facts.inputs(
                                null,
                                old,
                                Map.of(
                                        "lb2",
                                        Facts.applied(ConfigApplier.Outcome.REJECTED, "no"))));

        assertThat(PairPlanner.plan(Facts.bundles("v1"), old, refused, Facts.VIP, "lb1")).isEmpty();
        assertThat(PairPlanner.plan(Facts.bundles("v2"), old, refused, Facts.VIP, "lb1"))
                .as("a new rendering is tried again")
                .hasSize(2);
    }

    @Test
    void stoppedDaemonsAreStartedOnlyWhenTheyWereAlreadyDownAtThePreviousPass() {
        var down =
                facts(
                        new Host(bundle("lb1", "v1")).keepalivedDown().haproxyDown().facts(),
                        new Host(bundle("lb2", "v1")).holdingVip().facts());
        LoadBalancerPairStatus healthy = LbStatusBuilder.build(Facts.inputs(null, Facts.healthy()));
        LoadBalancerPairStatus seenDown = LbStatusBuilder.build(Facts.inputs(healthy, down));

        assertThat(PairPlanner.plan(Facts.bundles("v1"), down, healthy, Facts.VIP, "lb1"))
                .isEmpty();
        assertThat(PairPlanner.plan(Facts.bundles("v1"), down, seenDown, Facts.VIP, "lb1"))
                .extracting(PairPlanner.HostAction::host, PairPlanner.HostAction::kind)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("lb1", PairPlanner.Kind.START));
    }

    @Test
    void anUnreachableHostIsLeftAlone() {
        assertThat(
                        PairPlanner.plan(
                                Facts.bundles("v2"),
                                facts(Facts.unreachable(), Facts.keyRefused()),
                                null,
                                Facts.VIP,
                                "lb1"))
                .isEmpty();
        assertThat(
                        PairPlanner.plan(
                                Facts.bundles("v2"),
                                facts(Facts.unreachable(), new Host(bundle("lb2", "v1")).facts()),
                                null,
                                Facts.VIP,
                                "lb1"))
                .extracting(PairPlanner.HostAction::host)
                .isEqualTo(List.of("lb2"));
    }
}
