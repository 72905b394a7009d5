package io.pveha.monitoring;

import io.pveha.api.monitoring.AlertState;
import io.pveha.api.monitoring.AlertingStatus;
import io.pveha.api.monitoring.IncidentState;
import io.pveha.api.monitoring.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The alert engine's planner: a pure function of (observations, the previous engine state in
 * status, topology, settings, now) to the next state, its transitions and the messages to send.
 *
 * <ul>
 *   <li>One state machine per (alert, subject): pending → firing → resolved, with the delay of the
 *       item ({@code forDuration}) or the check's thresholds (its runner says PENDING/FAILING/OK).
 *   <li>One message per transition: a firing alert is announced once ({@code lastNotified}),
 *       reminded every repeat interval, and its resolution is sent only when its firing was.
 *   <li>Flapping: {@value #FLAP_LIMIT} state changes within {@link #FLAP_WINDOW} → one FLAPPING
 *       message, then silence until no change for half the window, then one message with the state.
 *   <li>One incident, not a storm: a node going offline opens an incident naming what it carried;
 *       alerts whose subject depends on that node are folded into it (no message of their own);
 *       PVE's recovery is told as follow-ups; the node's return closes it.
 *   <li>Muted (maintenance): the state machine runs, nothing is sent.
 * </ul>
 */
public final class AlertPlanner {
    public static final Duration FLAP_WINDOW = Duration.ofMinutes(10);
    public static final int FLAP_LIMIT = 6;
    public static final int MAX_ALERTS = 500;
    public static final String NODE_OFFLINE = "NodeOffline";

    public static final String PENDING = "pending";
    public static final String FIRING = "firing";
    public static final String RESOLVED = "resolved";

    private AlertPlanner() {}

    /** What the route and the cluster's alerting settings say. */
    public record Settings(
            String cluster, Duration repeatInterval, boolean sendResolved, Router router) {
        public static Settings defaults(String cluster) {
            return new Settings(cluster, Duration.ofHours(4), true, Router.none());
        }
    }

    /** A state change, for Events, conditions and metrics. */
    public record Transition(
            AlertKey key,
            String from,
            String to,
            Severity severity,
            Text summary,
            String target,
            String incident) {}

    public record Plan(
            AlertingStatus status, List<Transition> transitions, List<Outgoing> messages) {}

    public static Plan plan(
            List<Observation> observations,
            Set<AlertKey> hold,
            AlertingStatus previous,
            Topology topology,
            Settings settings,
            Instant now) {
        AlertingStatus prev = previous == null ? new AlertingStatus() : previous;
        Map<AlertKey, AlertState> before = new LinkedHashMap<>();
        for (AlertState a : prev.getAlerts()) {
            before.put(new AlertKey(a.getAlertname(), a.getSubject()), a);
        }
        Map<AlertKey, Observation> seen = new LinkedHashMap<>();
        for (Observation o : observations) {
            seen.putIfAbsent(o.key(), o);
        }
        Set<AlertKey> keys = new LinkedHashSet<>(before.keySet());
        keys.addAll(seen.keySet());

        List<Transition> transitions = new ArrayList<>();
        List<Outgoing> messages = new ArrayList<>();
        Map<AlertKey, AlertState> after = new LinkedHashMap<>();

        // 1. Every state machine steps.
        for (AlertKey key : keys) {
            AlertState was = before.get(key);
            Observation obs = seen.get(key);
            AlertState next = step(key, was, obs, hold.contains(key), now);
            String from = was == null ? RESOLVED : was.getState();
            String to = next == null ? RESOLVED : next.getState();
            if (next != null && !from.equals(to) && (FIRING.equals(to) || FIRING.equals(from))) {
                flip(next, now);
            }
            if (next != null) {
                after.put(key, next);
            }
            if (!from.equals(to) && (FIRING.equals(from) || FIRING.equals(to))) {
                AlertState s = next != null ? next : was;
                transitions.add(
                        new Transition(
                                key,
                                from,
                                to,
                                severity(s),
                                obs != null ? obs.summary() : Text.plain(s.getSummary()),
                                obs != null ? obs.target() : s.getLabels().get("target"),
                                s.getIncident()));
            }
        }

        // 2. Incidents: opened by NodeOffline firing, followed until the node is back.
        Map<String, IncidentState> incidents = new LinkedHashMap<>();
        for (IncidentState i : prev.getIncidents()) {
            incidents.put(i.getNode(), copy(i));
        }
        for (Transition t : transitions) {
            if (NODE_OFFLINE.equals(t.key().alertname()) && FIRING.equals(t.to())) {
                String node = after.get(t.key()).getLabels().get("node");
                if (node != null && !incidents.containsKey(node)) {
                    incidents.put(node, open(node, topology, now));
                }
            }
        }
        // Fold alerts about subjects on an incident's node (not the NodeOffline alert itself).
        for (Map.Entry<AlertKey, AlertState> e : after.entrySet()) {
            AlertState a = e.getValue();
            Observation obs = seen.get(e.getKey());
            String node = obs != null ? obs.node() : a.getLabels().get("dependsOn");
            if (NODE_OFFLINE.equals(a.getAlertname())) {
                continue;
            }
            if (FIRING.equals(a.getState())
                    && node != null
                    && incidents.containsKey(node)
                    && a.getLastNotified() == null) {
                a.setIncident(incidents.get(node).getId());
            } else if (a.getIncident() != null
                    && incidents.values().stream()
                            .noneMatch(i -> i.getId().equals(a.getIncident()))) {
                a.setIncident(null);
            }
        }

        // 3. Messages.
        for (Map.Entry<AlertKey, AlertState> e : after.entrySet()) {
            AlertKey key = e.getKey();
            AlertState a = e.getValue();
            AlertState was = before.get(key);
            Observation obs = seen.get(key);
            boolean muted = obs != null ? obs.muted() : Boolean.TRUE.equals(a.getMuted());
            a.setMuted(muted ? Boolean.TRUE : null);
            if (!FIRING.equals(a.getState())) {
                if (RESOLVED.equals(a.getState()) && was != null && FIRING.equals(was.getState())) {
                    resolvedMessage(key, a, was, incidents, topology, settings, now, messages);
                }
                continue;
            }
            if (a.getIncident() != null || muted) {
                continue;
            }
            if (Boolean.TRUE.equals(a.getFlapping())) {
                continue;
            }
            if (a.getLastNotified() == null) {
                if (NODE_OFFLINE.equals(key.alertname())
                        && incidents.containsKey(a.getLabels().get("node"))) {
                    messages.add(
                            incidentMessage(
                                    a, incidents.get(a.getLabels().get("node")), settings, now));
                } else {
                    messages.add(message(Outgoing.Kind.FIRING, a, settings, now, List.of()));
                }
                a.setLastNotified(now.toString());
            } else if (!Instant.parse(a.getLastNotified())
                    .plus(settings.repeatInterval())
                    .isAfter(now)) {
                messages.add(message(Outgoing.Kind.REMINDER, a, settings, now, List.of()));
                a.setLastNotified(now.toString());
            }
        }

        // 4. Flapping starts and ends.
        for (Map.Entry<AlertKey, AlertState> e : after.entrySet()) {
            AlertState a = e.getValue();
            List<Instant> flips = flips(a, now);
            boolean flapping = Boolean.TRUE.equals(a.getFlapping());
            if (!flapping && flips.size() >= FLAP_LIMIT) {
                a.setFlapping(true);
                if (!Boolean.TRUE.equals(a.getMuted()) && a.getIncident() == null) {
                    messages.add(
                            message(
                                    Outgoing.Kind.FLAPPING,
                                    a,
                                    settings,
                                    now,
                                    List.of(
                                            Text.of(
                                                    "10 分钟内状态变化 " + flips.size() + " 次，稳定前不再逐次通知",
                                                    flips.size()
                                                            + " state changes within 10 minutes: no message per change until it settles"))));
                }
                // Undo a message planned for this very flip.
                messages.removeIf(
                        m ->
                                m.kind() != Outgoing.Kind.FLAPPING
                                        && m.alerts().size() == 1
                                        && m.alerts().get(0).alertname().equals(a.getAlertname())
                                        && m.alerts().get(0).subject().equals(a.getSubject()));
            } else if (flapping
                    && (flips.isEmpty()
                            || flips.get(flips.size() - 1)
                                    .plus(FLAP_WINDOW.dividedBy(2))
                                    .isBefore(now))) {
                a.setFlapping(null);
                a.getFlips().clear();
                if (FIRING.equals(a.getState())) {
                    messages.add(
                            message(
                                    Outgoing.Kind.FIRING,
                                    a,
                                    settings,
                                    now,
                                    List.of(
                                            Text.of(
                                                    "已停止抖动，仍在告警",
                                                    "stopped flapping, still failing"))));
                    a.setLastNotified(now.toString());
                } else if (!Boolean.TRUE.equals(a.getMuted())) {
                    messages.add(
                            message(
                                    Outgoing.Kind.RESOLVED,
                                    a,
                                    settings,
                                    now,
                                    List.of(
                                            Text.of(
                                                    "已停止抖动，恢复正常",
                                                    "stopped flapping, back to normal"))));
                    a.setLastNotified(null);
                }
            }
        }

        // 5. Incident follow-ups; closing when the node is back (the NodeOffline alert resolved).
        List<IncidentState> open = new ArrayList<>();
        for (IncidentState incident : incidents.values()) {
            AlertState nodeAlert =
                    after.get(new AlertKey(NODE_OFFLINE, "node/" + incident.getNode()));
            boolean nodeStillDown = nodeAlert != null && FIRING.equals(nodeAlert.getState());
            if (!nodeStillDown) {
                continue; // closed: its resolution message was sent with the NodeOffline alert
            }
            List<Text> lines = followUps(incident, topology, now);
            if (!lines.isEmpty() && !Boolean.TRUE.equals(nodeAlert.getMuted())) {
                messages.add(followUpMessage(nodeAlert, incident, lines, settings, now));
            }
            open.add(incident);
        }

        // 6. The next state: open alerts, then resolved ones kept for flapping memory.
        List<AlertState> alerts =
                after.values().stream()
                        .filter(
                                a ->
                                        !RESOLVED.equals(a.getState())
                                                || Boolean.TRUE.equals(a.getFlapping())
                                                || !flips(a, now).isEmpty())
                        .sorted(
                                Comparator.comparing(
                                                (AlertState a) -> RESOLVED.equals(a.getState()))
                                        .thenComparing(AlertState::getAlertname)
                                        .thenComparing(AlertState::getSubject))
                        .limit(MAX_ALERTS)
                        .collect(Collectors.toCollection(ArrayList::new));
        AlertingStatus status = new AlertingStatus();
        status.setAlerts(alerts);
        status.setIncidents(open);
        status.setReceivers(new ArrayList<>(prev.getReceivers()));
        status.setConfigProblems(new ArrayList<>(prev.getConfigProblems()));
        return new Plan(status, transitions, messages);
    }

    /** One state machine step; null = nothing to remember. */
    static AlertState step(
            AlertKey key, AlertState was, Observation obs, boolean held, Instant now) {
        boolean open =
                was != null && (PENDING.equals(was.getState()) || FIRING.equals(was.getState()));
        if (obs == null) {
            if (!open) {
                return was == null ? null : copy(was);
            }
            if (held) {
                return copy(was);
            }
            if (PENDING.equals(was.getState())) {
                return null;
            }
            AlertState gone = copy(was);
            gone.setState(RESOLVED);
            gone.setSince(now.toString());
            gone.setSummary(was.getSummary());
            gone.getLabels().put("resolution", "removed");
            return gone;
        }
        switch (obs.verdict()) {
            case HOLD:
                return was == null ? null : refresh(copy(was), obs);
            case OK:
                if (!open) {
                    return was == null ? null : copy(was);
                }
                if (PENDING.equals(was.getState())) {
                    return null;
                }
                AlertState ok = refresh(copy(was), obs);
                ok.setState(RESOLVED);
                ok.setSince(now.toString());
                return ok;
            case PENDING:
                if (open) {
                    return refresh(copy(was), obs);
                }
                return fresh(key, obs, was, PENDING, now);
            case FAILING:
            default:
                if (open && FIRING.equals(was.getState())) {
                    return refresh(copy(was), obs);
                }
                Instant pendingSince =
                        open && PENDING.equals(was.getState())
                                ? Instant.parse(was.getSince())
                                : now;
                if (!pendingSince.plus(obs.forDuration()).isAfter(now)) {
                    AlertState firing = fresh(key, obs, was, FIRING, now);
                    return firing;
                }
                AlertState pending = fresh(key, obs, was, PENDING, now);
                pending.setSince(pendingSince.toString());
                return pending;
        }
    }

    private static AlertState fresh(
            AlertKey key, Observation obs, AlertState was, String state, Instant now) {
        AlertState a = new AlertState();
        a.setAlertname(key.alertname());
        a.setSubject(key.subject());
        a.setState(state);
        a.setSince(now.toString());
        if (was != null) {
            a.setFlips(new ArrayList<>(was.getFlips()));
            a.setFlapping(was.getFlapping());
            // A flapping alert keeps its announcement so its end is told once.
            if (Boolean.TRUE.equals(was.getFlapping())) {
                a.setLastNotified(was.getLastNotified());
            }
        }
        return refresh(a, obs);
    }

    private static AlertState refresh(AlertState a, Observation obs) {
        a.setSeverity(obs.severity().name());
        a.setSummary(obs.summary().en());
        Map<String, String> labels = new LinkedHashMap<>(obs.labels());
        if (obs.node() != null) {
            labels.put("dependsOn", obs.node());
        }
        if (obs.target() != null) {
            labels.put("target", obs.target());
        }
        labels.put("summaryZh", obs.summary().zh());
        a.setLabels(labels);
        return a;
    }

    private static void flip(AlertState a, Instant now) {
        List<String> kept = new ArrayList<>();
        for (String f : a.getFlips()) {
            if (Instant.parse(f).plus(FLAP_WINDOW).isAfter(now)) {
                kept.add(f);
            }
        }
        kept.add(now.toString());
        a.setFlips(kept);
    }

    private static List<Instant> flips(AlertState a, Instant now) {
        return a.getFlips().stream()
                .map(Instant::parse)
                .filter(i -> i.plus(FLAP_WINDOW).isAfter(now))
                .toList();
    }

    static AlertState copy(AlertState a) {
        AlertState c = new AlertState();
        c.setAlertname(a.getAlertname());
        c.setSubject(a.getSubject());
        c.setSeverity(a.getSeverity());
        c.setState(a.getState());
        c.setSince(a.getSince());
        c.setLastNotified(a.getLastNotified());
        c.setIncident(a.getIncident());
        c.setFlapping(a.getFlapping());
        c.setFlips(new ArrayList<>(a.getFlips()));
        c.setMuted(a.getMuted());
        c.setSummary(a.getSummary());
        c.setLabels(new LinkedHashMap<>(a.getLabels()));
        return c;
    }

    private static IncidentState copy(IncidentState i) {
        IncidentState c = new IncidentState();
        c.setId(i.getId());
        c.setNode(i.getNode());
        c.setStartedAt(i.getStartedAt());
        c.setFenced(i.getFenced());
        c.setRecoveredAt(i.getRecoveredAt());
        c.setOsds(new ArrayList<>(i.getOsds()));
        c.setBackends(new ArrayList<>(i.getBackends()));
        List<IncidentState.IncidentVm> vms = new ArrayList<>();
        for (IncidentState.IncidentVm v : i.getVms()) {
            IncidentState.IncidentVm w = new IncidentState.IncidentVm();
            w.setName(v.getName());
            w.setVmid(v.getVmid());
            w.setStartedOn(v.getStartedOn());
            vms.add(w);
        }
        c.setVms(vms);
        return c;
    }

    private static IncidentState open(String node, Topology topology, Instant now) {
        IncidentState i = new IncidentState();
        i.setId("node/" + node + "@" + now.getEpochSecond());
        i.setNode(node);
        i.setStartedAt(now.toString());
        for (Topology.Vm vm : topology.vmsOn(node)) {
            if (vm.haState() == null || "disabled".equals(vm.haState())) {
                continue; // PVE HA does not move it: it stays down with its node
            }
            IncidentState.IncidentVm v = new IncidentState.IncidentVm();
            v.setName(vm.name());
            v.setVmid(vm.vmid());
            i.getVms().add(v);
        }
        i.setOsds(new ArrayList<>(topology.osds().getOrDefault(node, List.of())));
        i.setBackends(new ArrayList<>(topology.backends().getOrDefault(node, List.of())));
        return i;
    }

    /** What changed since the last pass, in PVE's recovery of the incident's VMs. */
    private static List<Text> followUps(IncidentState incident, Topology topology, Instant now) {
        List<Text> lines = new ArrayList<>();
        String node = incident.getNode();
        boolean fencedNow = false;
        for (IncidentState.IncidentVm v : incident.getVms()) {
            Topology.Vm vm = topology.vms().get(v.getName());
            if (vm == null) {
                continue;
            }
            if ("recovery".equals(vm.haState())
                    || (vm.running() && !node.equals(vm.node()) && vm.node() != null)) {
                fencedNow = true;
            }
        }
        if (!Boolean.TRUE.equals(incident.getFenced()) && fencedNow) {
            incident.setFenced(true);
            lines.add(
                    Text.of(
                            node + " 已被 PVE HA 隔离 (fenced)，开始在其他节点恢复",
                            node + " fenced by PVE HA; recovery on the other nodes begins"));
        }
        for (IncidentState.IncidentVm v : incident.getVms()) {
            Topology.Vm vm = topology.vms().get(v.getName());
            if (v.getStartedOn() == null
                    && vm != null
                    && vm.running()
                    && vm.node() != null
                    && !node.equals(vm.node())) {
                v.setStartedOn(vm.node());
                lines.add(
                        Text.of(
                                v.getName() + " 已在 " + vm.node() + " 启动",
                                v.getName() + " started on " + vm.node()));
            }
        }
        if (incident.getRecoveredAt() == null
                && !incident.getVms().isEmpty()
                && incident.getVms().stream().allMatch(v -> v.getStartedOn() != null)) {
            incident.setRecoveredAt(now.toString());
            Text took =
                    Durations.human(Duration.between(Instant.parse(incident.getStartedAt()), now));
            lines.add(
                    Text.of(
                            node + " 承载的虚拟机已全部恢复，用时 " + took.zh(),
                            "all recovered after " + took.en()));
        }
        return lines;
    }

    private static Severity severity(AlertState a) {
        try {
            return Severity.valueOf(a.getSeverity());
        } catch (RuntimeException e) {
            return Severity.warning;
        }
    }

    static Map<String, String> routeLabels(AlertState a, String cluster) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("alertname", a.getAlertname());
        labels.put("severity", a.getSeverity());
        labels.put("cluster", cluster);
        a.getLabels()
                .forEach(
                        (k, v) -> {
                            if (!k.equals("summaryZh")
                                    && !k.equals("dependsOn")
                                    && !k.equals("target")
                                    && !k.equals("resolution")) {
                                labels.putIfAbsent(k, v);
                            }
                        });
        return labels;
    }

    private static Outgoing.AlertRef ref(AlertState a, String cluster, String status, Instant now) {
        return new Outgoing.AlertRef(
                a.getAlertname(),
                a.getSubject(),
                status,
                routeLabels(a, cluster),
                Text.of(a.getLabels().getOrDefault("summaryZh", a.getSummary()), a.getSummary()),
                a.getSince() == null ? now : Instant.parse(a.getSince()),
                RESOLVED.equals(status) ? now : null);
    }

    private static Text summaryOf(AlertState a) {
        return Text.of(a.getLabels().getOrDefault("summaryZh", a.getSummary()), a.getSummary());
    }

    static Outgoing message(
            Outgoing.Kind kind, AlertState a, Settings settings, Instant now, List<Text> extra) {
        Text head =
                switch (kind) {
                    case FIRING -> Text.of("【告警】", "[FIRING] ");
                    case REMINDER -> Text.of("【仍在告警】", "[STILL FIRING] ");
                    case RESOLVED -> Text.of("【已恢复】", "[RESOLVED] ");
                    case FLAPPING -> Text.of("【抖动】", "[FLAPPING] ");
                    default -> Text.of("", "");
                };
        Text summary = summaryOf(a);
        List<Text> lines = new ArrayList<>();
        lines.add(summary);
        lines.addAll(extra);
        lines.add(
                Text.of(
                        "告警项 " + a.getAlertname() + " · " + a.getSubject(),
                        "alert " + a.getAlertname() + " · " + a.getSubject()));
        if (kind == Outgoing.Kind.RESOLVED && a.getSince() != null) {
            // nothing more: the summary says what it was
        }
        Map<String, String> labels = routeLabels(a, settings.cluster());
        String status = kind == Outgoing.Kind.RESOLVED ? RESOLVED : FIRING;
        return new Outgoing(
                kind,
                severity(a),
                Text.of(head.zh() + summary.zh(), head.en() + summary.en()),
                lines,
                settings.router().receivers(labels),
                List.of(ref(a, settings.cluster(), status, now)),
                now);
    }

    private static Outgoing incidentMessage(
            AlertState nodeAlert, IncidentState incident, Settings settings, Instant now) {
        String node = incident.getNode();
        List<Text> lines = new ArrayList<>();
        lines.add(
                Text.of(
                        "集群 " + settings.cluster() + " 的节点 " + node + " 离线",
                        "node " + node + " of cluster " + settings.cluster() + " is offline"));
        if (!incident.getVms().isEmpty()) {
            String vms =
                    incident.getVms().stream()
                            .map(v -> v.getName() + " (" + v.getVmid() + ")")
                            .collect(Collectors.joining(", "));
            lines.add(Text.of("承载的 HA 虚拟机: " + vms, "HA VMs it carried: " + vms));
            lines.add(
                    Text.of(
                            "PVE HA 将在隔离该节点后于其他节点重启它们",
                            "PVE HA restarts them on the other nodes once the node is fenced"));
        } else {
            lines.add(Text.of("该节点上没有 HA 虚拟机", "it carried no HA VMs"));
        }
        if (!incident.getBackends().isEmpty()) {
            String b = String.join(", ", incident.getBackends());
            lines.add(Text.of("负载均衡后端: " + b, "load-balancer backends: " + b));
        }
        if (!incident.getOsds().isEmpty()) {
            String o = String.join(", ", incident.getOsds());
            lines.add(Text.of("Ceph OSD: " + o, "Ceph OSDs: " + o));
        }
        Map<String, String> labels = routeLabels(nodeAlert, settings.cluster());
        return new Outgoing(
                Outgoing.Kind.INCIDENT,
                severity(nodeAlert),
                Text.of("【故障】节点 " + node + " 离线", "[INCIDENT] node " + node + " offline"),
                lines,
                settings.router().receivers(labels),
                List.of(ref(nodeAlert, settings.cluster(), FIRING, now)),
                now);
    }

    private static Outgoing followUpMessage(
            AlertState nodeAlert,
            IncidentState incident,
            List<Text> lines,
            Settings settings,
            Instant now) {
        Map<String, String> labels = routeLabels(nodeAlert, settings.cluster());
        return new Outgoing(
                Outgoing.Kind.FOLLOW_UP,
                severity(nodeAlert),
                Text.of(
                        "【进展】节点 " + incident.getNode() + " 故障",
                        "[UPDATE] node " + incident.getNode() + " failure"),
                lines,
                settings.router().receivers(labels),
                List.of(ref(nodeAlert, settings.cluster(), FIRING, now)),
                now);
    }

    private static void resolvedMessage(
            AlertKey key,
            AlertState a,
            AlertState was,
            Map<String, IncidentState> incidents,
            Topology topology,
            Settings settings,
            Instant now,
            List<Outgoing> messages) {
        if (Boolean.TRUE.equals(a.getFlapping())) {
            return; // told once when it settles
        }
        if (was.getLastNotified() == null
                || was.getIncident() != null
                || Boolean.TRUE.equals(a.getMuted())
                || !settings.sendResolved()) {
            a.setLastNotified(null);
            return;
        }
        List<Text> extra = new ArrayList<>();
        Duration took = Duration.between(Instant.parse(was.getSince()), now);
        if (NODE_OFFLINE.equals(key.alertname())) {
            String node = a.getLabels().get("node");
            Text d = Durations.human(took);
            extra.add(
                    Text.of(
                            "节点 " + node + " 已重新上线，离线 " + d.zh(),
                            "node " + node + " is back online after " + d.en()));
            IncidentState incident = incidents.get(node);
            if (incident != null) {
                List<String> notBack =
                        incident.getVms().stream()
                                .filter(v -> v.getStartedOn() == null)
                                .map(IncidentState.IncidentVm::getName)
                                .toList();
                if (!notBack.isEmpty()) {
                    String n = String.join(", ", notBack);
                    extra.add(
                            Text.of(
                                    "未在其他节点恢复的虚拟机: " + n,
                                    "not recovered elsewhere meanwhile: " + n));
                }
            }
        } else if ("removed".equals(a.getLabels().get("resolution"))) {
            extra.add(Text.of("监控项已删除", "the monitoring item was removed"));
        } else {
            Text d = Durations.human(took);
            extra.add(Text.of("持续 " + d.zh(), "lasted " + d.en()));
        }
        Outgoing m = message(Outgoing.Kind.RESOLVED, a, settings, now, extra);
        messages.add(m);
        a.setLastNotified(null);
    }
}
