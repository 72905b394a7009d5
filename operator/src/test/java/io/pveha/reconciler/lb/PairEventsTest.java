package io.pveha.reconciler.lb;

import static io.pveha.reconciler.lb.Facts.Host;
import static io.pveha.reconciler.lb.Facts.bundle;
import static io.pveha.reconciler.lb.Facts.facts;
import static org.assertj.core.api.Assertions.assertThat;

import io.pveha.api.lb.LoadBalancerPairStatus;
import io.pveha.lb.HostFacts;
import io.pveha.lb.apply.ConfigApplier;
import io.pveha.reconciler.Note;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PairEventsTest {
    final LoadBalancerPairStatus healthy =
            LbStatusBuilder.build(Facts.inputs(null, Facts.healthy()));

    List<Note> events(LoadBalancerPairStatus before, Map<String, HostFacts> now) {
        return events(before, now, Map.of());
    }

    List<Note> events(
            LoadBalancerPairStatus before,
            Map<String, HostFacts> now,
            Map<String, LbStatusBuilder.ActionResult> results) {
        LoadBalancerPairStatus after = LbStatusBuilder.build(Facts.inputs(before, now, results));
        return PairEvents.between(before, after, Facts.VIP, now, results);
    }

    static String reason(Note note) {
        return note.reason().name();
    }

    @Test
    void nothingChangedNothingToSay() {
        assertThat(events(healthy, Facts.healthy())).isEmpty();
    }

    @Test
    void aVipMoveIsReportedOnce() {
        var moved = facts(Facts.unreachable(), new Host(bundle("lb2", "v1")).holdingVip().facts());
        List<Note> first = events(healthy, moved);
        assertThat(first)
                .extracting(PairEventsTest::reason)
                .containsExactly("VipMoved", "HostUnreachable");
        assertThat(first.get(0).message()).isEqualTo("192.0.2.10 moved from lb1 to lb2");
        assertThat(first.get(0).type()).isEqualTo("Warning");

        LoadBalancerPairStatus after = LbStatusBuilder.build(Facts.inputs(healthy, moved));
        assertThat(events(after, moved)).isEmpty();
    }

    @Test
    void aSplitBrainIsAWarning() {
        assertThat(
                        events(
                                healthy,
                                facts(
                                        new Host(bundle("lb1", "v1")).holdingVip().facts(),
                                        new Host(bundle("lb2", "v1")).holdingVip().facts())))
                .extracting(Note::type, PairEventsTest::reason)
                .contains(org.assertj.core.groups.Tuple.tuple("Warning", "SplitBrain"));
    }

    @Test
    void backendStateChangesAreReportedBothWays() {
        var down =
                facts(
                        new Host(bundle("lb1", "v1")).holdingVip().server("app2", "DOWN").facts(),
                        new Host(bundle("lb2", "v1")).facts());
        assertThat(events(healthy, down))
                .extracting(PairEventsTest::reason, Note::message)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(
                                "BackendDown", "web/app2 (192.0.2.22:8080) is DOWN"));
        LoadBalancerPairStatus wasDown = LbStatusBuilder.build(Facts.inputs(healthy, down));
        assertThat(events(wasDown, Facts.healthy()))
                .extracting(PairEventsTest::reason)
                .containsExactly("BackendUp");
    }

    @Test
    void aRefusedHostKeyIsReportedOnceWithTheOfferedKey() {
        var refused = facts(new Host(bundle("lb1", "v1")).holdingVip().facts(), Facts.keyRefused());
        assertThat(events(healthy, refused))
                .extracting(PairEventsTest::reason)
                .containsExactly("HostKeyRejected");
        assertThat(events(LbStatusBuilder.build(Facts.inputs(healthy, refused)), refused))
                .isEmpty();
    }

    @Test
    void applyOutcomesAreReported() {
        var old =
                facts(
                        new Host(bundle("lb1", "v0")).holdingVip().facts(),
                        new Host(bundle("lb2", "v0")).facts());
        LoadBalancerPairStatus before = LbStatusBuilder.build(Facts.inputs(null, old));
        assertThat(
                        events(
                                before,
                                old,
                                Map.of(
                                        "lb2",
                                        Facts.applied(
                                                ConfigApplier.Outcome.REJECTED,
                                                "haproxy -c rejected it"))))
                .filteredOn(e -> e.reason() == LbReason.ConfigRejected)
                .singleElement()
                .satisfies(
                        e ->
                                assertThat(e.message())
                                        .contains(
                                                "lb2 refused configuration sha256:",
                                                "the previous one keeps running",
                                                "haproxy -c"));
        assertThat(
                        events(
                                before,
                                Facts.healthy(),
                                Map.of("lb2", Facts.applied(ConfigApplier.Outcome.APPLIED, ""))))
                .extracting(PairEventsTest::reason)
                .contains("ConfigApplied");
    }
}
