package io.pveha.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.pveha.api.monitoring.AlertState;
import io.pveha.api.monitoring.AlertingStatus;
import io.pveha.api.monitoring.Route;
import io.pveha.api.monitoring.Severity;
import io.pveha.monitoring.Observation.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The alert engine's planner, table-style: observations and previous status in, plan out. */
class AlertPlannerTest {
    static final Instant T0 = Instant.parse("2026-11-24T00:00:00Z");
    static final AlertPlanner.Settings SETTINGS =
            new AlertPlanner.Settings(
                    "store/main", Duration.ofHours(4), true, new Router(route(), "fallback"));

    static Route route() {
        Route r = new Route();
        r.setReceivers(new ArrayList<>(List.of("store-wecom")));
        Route.ChildRoute critical = new Route.ChildRoute();
        critical.setMatch(new LinkedHashMap<>(Map.of("severity", "critical")));
        critical.setReceivers(new ArrayList<>(List.of("store-wecom", "ops-dingtalk")));
        r.setRoutes(new ArrayList<>(List.of(critical)));
        return r;
    }

    static Observation node(String node, Verdict v) {
        return new Observation(
                new AlertKey("NodeOffline", "node/" + node),
                v,
                Severity.critical,
                Duration.ZERO,
                Text.of("节点 " + node + " 离线", "node " + node + " is offline"),
                Map.of("node", node),
                null,
                null,
                false);
    }

    static Observation check(String vm, String node, Verdict v) {
        return new Observation(
                new AlertKey("ServiceCheckFailed", "havm/" + vm + "/http"),
                v,
                Severity.critical,
                Duration.ZERO,
                Text.of(vm + " http 失败", vm + " http failing"),
                Map.of("havm", vm, "check", "http"),
                node,
                "HaVm/" + vm,
                false);
    }

    static Topology topology(Topology.Vm... vms) {
        Map<String, Topology.Vm> m = new LinkedHashMap<>();
        for (Topology.Vm v : vms) {
            m.put(v.name(), v);
        }
        return new Topology(
                m, Map.of(), Map.of(), Map.of("pve2", List.of("store-lb/pos→pos-api-2")));
    }

    static AlertPlanner.Plan plan(
            AlertingStatus previous, Topology t, Instant at, Observation... obs) {
        return AlertPlanner.plan(List.of(obs), Set.of(), previous, t, SETTINGS, at);
    }

    @Nested
    class NodeIncident {
        final Topology before =
                topology(
                        new Topology.Vm("payment-gateway", 401, "pve2", true, "started"),
                        new Topology.Vm("pos-api-2", 202, "pve2", true, "started"),
                        new Topology.Vm("pos-api-1", 201, "pve1", true, "started"));

        @Test
        void oneMessageNamesTheNodeAndWhatItCarriedThenFollowUpsThenTheResolution() {
            AlertPlanner.Plan p1 =
                    plan(null, before, T0, node("pve2", Verdict.FAILING), node("pve1", Verdict.OK));
            assertThat(p1.messages()).hasSize(1);
            Outgoing incident = p1.messages().get(0);
            assertThat(incident.kind()).isEqualTo(Outgoing.Kind.INCIDENT);
            assertThat(incident.receivers()).containsExactly("store-wecom", "ops-dingtalk");
            String text = String.join("\n", incident.lines().stream().map(Text::zh).toList());
            assertThat(text)
                    .contains(
                            "pve2",
                            "payment-gateway (401)",
                            "pos-api-2 (202)",
                            "store-lb/pos→pos-api-2");
            assertThat(text).doesNotContain("pos-api-1");
            assertThat(p1.status().getIncidents()).hasSize(1);

            // The checks of its VMs fail too: folded, no message of their own.
            AlertPlanner.Plan p2 =
                    plan(
                            p1.status(),
                            before,
                            T0.plusSeconds(30),
                            node("pve2", Verdict.FAILING),
                            check("payment-gateway", "pve2", Verdict.FAILING));
            assertThat(p2.messages()).isEmpty();
            assertThat(p2.status().getAlerts())
                    .filteredOn(a -> a.getAlertname().equals("ServiceCheckFailed"))
                    .singleElement()
                    .satisfies(a -> assertThat(a.getIncident()).startsWith("node/pve2@"));

            // PVE fences the node and starts the VMs elsewhere.
            Topology recovering =
                    topology(
                            new Topology.Vm("payment-gateway", 401, "pve3", true, "started"),
                            new Topology.Vm("pos-api-2", 202, "pve2", false, "recovery"),
                            new Topology.Vm("pos-api-1", 201, "pve1", true, "started"));
            AlertPlanner.Plan p3 =
                    plan(
                            p2.status(),
                            recovering,
                            T0.plusSeconds(120),
                            node("pve2", Verdict.FAILING),
                            check("payment-gateway", "pve3", Verdict.OK));
            assertThat(p3.messages())
                    .singleElement()
                    .satisfies(
                            m -> {
                                assertThat(m.kind()).isEqualTo(Outgoing.Kind.FOLLOW_UP);
                                assertThat(m.lines())
                                        .extracting(Text::en)
                                        .containsExactly(
                                                "pve2 fenced by PVE HA; recovery on the other nodes begins",
                                                "payment-gateway started on pve3");
                            });
            Topology recovered =
                    topology(
                            new Topology.Vm("payment-gateway", 401, "pve3", true, "started"),
                            new Topology.Vm("pos-api-2", 202, "pve1", true, "started"),
                            new Topology.Vm("pos-api-1", 201, "pve1", true, "started"));
            AlertPlanner.Plan p4 =
                    plan(
                            p3.status(),
                            recovered,
                            T0.plusSeconds(184),
                            node("pve2", Verdict.FAILING));
            assertThat(p4.messages())
                    .singleElement()
                    .satisfies(
                            m ->
                                    assertThat(m.lines())
                                            .extracting(Text::en)
                                            .containsExactly(
                                                    "pos-api-2 started on pve1",
                                                    "all recovered after 3 m 04 s"));
            // Nothing new: nothing sent.
            assertThat(
                            plan(
                                            p4.status(),
                                            recovered,
                                            T0.plusSeconds(200),
                                            node("pve2", Verdict.FAILING))
                                    .messages())
                    .isEmpty();

            AlertPlanner.Plan p5 =
                    plan(p4.status(), recovered, T0.plusSeconds(600), node("pve2", Verdict.OK));
            assertThat(p5.messages())
                    .singleElement()
                    .satisfies(
                            m -> {
                                assertThat(m.kind()).isEqualTo(Outgoing.Kind.RESOLVED);
                                assertThat(m.lines())
                                        .extracting(Text::en)
                                        .contains("node pve2 is back online after 10 m 00 s");
                            });
            assertThat(p5.status().getIncidents()).isEmpty();
        }

        @Test
        void aRestartedOperatorDoesNotPageAgain() {
            AlertPlanner.Plan p1 = plan(null, before, T0, node("pve2", Verdict.FAILING));
            // A new leader reads the same status and sees the same facts.
            AlertPlanner.Plan again =
                    plan(p1.status(), before, T0.plusSeconds(20), node("pve2", Verdict.FAILING));
            assertThat(again.messages()).isEmpty();
            assertThat(again.transitions()).isEmpty();
        }
    }

    @Nested
    class Checks {
        @Test
        void pendingUntilTheThresholdThenOneMessageThenResolved() {
            Topology t = topology(new Topology.Vm("pos-api-1", 201, "pve1", true, "started"));
            AlertPlanner.Plan p1 = plan(null, t, T0, check("pos-api-1", "pve1", Verdict.PENDING));
            assertThat(p1.messages()).isEmpty();
            assertThat(p1.status().getAlerts())
                    .singleElement()
                    .extracting(AlertState::getState)
                    .isEqualTo("pending");
            AlertPlanner.Plan p2 =
                    plan(
                            p1.status(),
                            t,
                            T0.plusSeconds(20),
                            check("pos-api-1", "pve1", Verdict.FAILING));
            assertThat(p2.messages())
                    .singleElement()
                    .extracting(Outgoing::kind)
                    .isEqualTo(Outgoing.Kind.FIRING);
            assertThat(p2.transitions())
                    .singleElement()
                    .extracting(AlertPlanner.Transition::to)
                    .isEqualTo("firing");
            AlertPlanner.Plan p3 =
                    plan(
                            p2.status(),
                            t,
                            T0.plusSeconds(30),
                            check("pos-api-1", "pve1", Verdict.HOLD));
            assertThat(p3.messages()).isEmpty();
            AlertPlanner.Plan p4 =
                    plan(
                            p3.status(),
                            t,
                            T0.plusSeconds(40),
                            check("pos-api-1", "pve1", Verdict.OK));
            assertThat(p4.messages())
                    .singleElement()
                    .extracting(Outgoing::kind)
                    .isEqualTo(Outgoing.Kind.RESOLVED);
        }

        @Test
        void aRemovedCheckResolvesWhatItHadOpen() {
            Topology t = topology(new Topology.Vm("pos-api-1", 201, "pve1", true, "started"));
            AlertPlanner.Plan p1 = plan(null, t, T0, check("pos-api-1", "pve1", Verdict.FAILING));
            AlertPlanner.Plan p2 = plan(p1.status(), t, T0.plusSeconds(10));
            assertThat(p2.messages())
                    .singleElement()
                    .satisfies(
                            m -> {
                                assertThat(m.kind()).isEqualTo(Outgoing.Kind.RESOLVED);
                                assertThat(m.lines())
                                        .extracting(Text::en)
                                        .contains("the monitoring item was removed");
                            });
            assertThat(p2.status().getAlerts()).allMatch(a -> a.getState().equals("resolved"));
        }

        @Test
        void aFlappingCheckIsReportedOnceAndThenWhenItSettles() {
            Topology t = topology(new Topology.Vm("pos-api-1", 201, "pve1", true, "started"));
            AlertingStatus s = null;
            List<Outgoing> all = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                AlertPlanner.Plan p =
                        plan(
                                s,
                                t,
                                T0.plusSeconds(20L * i),
                                check(
                                        "pos-api-1",
                                        "pve1",
                                        i % 2 == 0 ? Verdict.FAILING : Verdict.OK));
                all.addAll(p.messages());
                s = p.status();
            }
            assertThat(all)
                    .extracting(Outgoing::kind)
                    .containsExactly(
                            Outgoing.Kind.FIRING,
                            Outgoing.Kind.RESOLVED,
                            Outgoing.Kind.FIRING,
                            Outgoing.Kind.RESOLVED,
                            Outgoing.Kind.FIRING,
                            Outgoing.Kind.FLAPPING);
            // Stable (OK) for more than half the window: one message with the state.
            AlertPlanner.Plan settled =
                    plan(s, t, T0.plusSeconds(240 + 301), check("pos-api-1", "pve1", Verdict.OK));
            assertThat(settled.messages())
                    .singleElement()
                    .extracting(Outgoing::kind)
                    .isEqualTo(Outgoing.Kind.RESOLVED);
        }

        @Test
        void mutedAlertsRunButSendNothingAndRemindersFollowTheRepeatInterval() {
            Topology t = topology(new Topology.Vm("pos-api-1", 201, "pve1", true, "started"));
            AlertPlanner.Plan muted =
                    plan(null, t, T0, check("pos-api-1", "pve1", Verdict.FAILING).withMuted(true));
            assertThat(muted.messages()).isEmpty();
            assertThat(muted.status().getAlerts())
                    .singleElement()
                    .extracting(AlertState::getState)
                    .isEqualTo("firing");
            // The window closes while it still fails: now it is told.
            AlertPlanner.Plan told =
                    plan(
                            muted.status(),
                            t,
                            T0.plusSeconds(60),
                            check("pos-api-1", "pve1", Verdict.FAILING));
            assertThat(told.messages())
                    .singleElement()
                    .extracting(Outgoing::kind)
                    .isEqualTo(Outgoing.Kind.FIRING);
            AlertPlanner.Plan reminder =
                    plan(
                            told.status(),
                            t,
                            T0.plusSeconds(60).plus(Duration.ofHours(4)),
                            check("pos-api-1", "pve1", Verdict.FAILING));
            assertThat(reminder.messages())
                    .singleElement()
                    .extracting(Outgoing::kind)
                    .isEqualTo(Outgoing.Kind.REMINDER);
        }
    }
}
