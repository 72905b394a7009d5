package io.pveha.reconciler.monitoring;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.micrometer.core.instrument.MeterRegistry;
import io.pveha.alerting.Dispatcher;
import io.pveha.alerting.MessageFormats;
import io.pveha.alerting.ReceiverConfig;
import io.pveha.alerting.Sender;
import io.pveha.api.SecretKeyRef;
import io.pveha.api.backup.BackupPolicy;
import io.pveha.api.cluster.DisasterRecoveryStatus;
import io.pveha.api.cluster.ProxmoxCluster;
import io.pveha.api.cluster.ProxmoxClusterStatus;
import io.pveha.api.lb.LoadBalancerPair;
import io.pveha.api.monitoring.AlertState;
import io.pveha.api.monitoring.Alerting;
import io.pveha.api.monitoring.AlertingStatus;
import io.pveha.api.monitoring.EmailReceiver;
import io.pveha.api.monitoring.Language;
import io.pveha.api.monitoring.MaintenanceWindow;
import io.pveha.api.monitoring.Receiver;
import io.pveha.api.monitoring.ReceiverState;
import io.pveha.api.monitoring.ServiceCheck;
import io.pveha.api.vm.HaVm;
import io.pveha.api.vm.PowerState;
import io.pveha.cluster.ClusterConnections;
import io.pveha.cluster.ClusterKey;
import io.pveha.cluster.ClusterSnapshot;
import io.pveha.cluster.PollOutcome;
import io.pveha.monitoring.AlertKey;
import io.pveha.monitoring.AlertPlanner;
import io.pveha.monitoring.Observation;
import io.pveha.monitoring.Outgoing;
import io.pveha.monitoring.Router;
import io.pveha.monitoring.Text;
import io.pveha.monitoring.Topology;
import io.pveha.monitoring.checks.CheckConditions;
import io.pveha.monitoring.checks.CheckRunner;
import io.pveha.reconciler.Conditions;
import io.pveha.reconciler.EventRecorder;
import io.pveha.reconciler.Note;
import io.pveha.reconciler.Secrets;
import io.pveha.validate.CalendarSchedule;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Monitoring and alerting of one operator, run as part of each ProxmoxCluster pass (after every
 * poll, and whenever a check's verdict or a receiver's health changes):
 *
 * <pre>
 * observe  {@link #observe}: the poll, the cluster's HaVms/LBs/BackupPolicies (informer caches),
 *          receiver Secrets, check results ({@link CheckRunner}), receiver health ({@link Dispatcher})
 * plan     {@link BuiltinItems} + check verdicts → {@link AlertPlanner} (pure)
 * act      checks started/stopped, receivers configured, messages queued (after the status write)
 * report   status.alerting, conditions Alerting and AlertDelivery, Events on the affected objects,
 *          metrics
 * </pre>
 */
public final class Monitoring implements AutoCloseable {
    public static final String ALERTING = "Alerting";
    public static final String ALERT_DELIVERY = "AlertDelivery";
    public static final String CHECK_ALERT = "ServiceCheckFailed";
    public static final String DEFAULT_ZONE = "Asia/Shanghai";

    private final Dispatcher dispatcher;
    private final CheckRunner checks;
    private final EventRecorder events;
    private final MonitoringMetrics metrics;
    private final List<Consumer<ClusterKey>> triggers = new CopyOnWriteArrayList<>();

    public Monitoring(
            ClusterConnections connections,
            EventRecorder events,
            Clock clock,
            MeterRegistry registry) {
        this.events = events;
        // Provider rate limits and signatures are about real time, whatever clock the operator
        // runs.
        this.dispatcher =
                new Dispatcher(new Sender(Clock.systemUTC()), Clock.systemUTC(), registry);
        this.checks =
                new CheckRunner(
                        clock,
                        (scope, node, vmid, timeout) -> {
                            ClusterKey key = keyOf(scope);
                            var connection =
                                    connections
                                            .get(key)
                                            .orElseThrow(
                                                    () ->
                                                            new IllegalStateException(
                                                                    "no connection to " + scope));
                            connection.vms().guestAddresses(node, vmid);
                        });
        this.metrics = new MonitoringMetrics(registry);
        checks.addListener(scope -> fire(keyOf(scope)));
        dispatcher.addListener(
                new Dispatcher.Listener() {
                    @Override
                    public void healthChanged(String scope, String receiver, Dispatcher.Health h) {
                        fire(keyOf(scope));
                    }
                });
    }

    public Dispatcher dispatcher() {
        return dispatcher;
    }

    public CheckRunner checks() {
        return checks;
    }

    /** The ProxmoxCluster controller's trigger: reconcile this cluster soon. */
    public void onTrigger(Consumer<ClusterKey> trigger) {
        triggers.add(trigger);
    }

    private void fire(ClusterKey key) {
        triggers.forEach(t -> t.accept(key));
    }

    static ClusterKey keyOf(String scope) {
        int slash = scope.indexOf('/');
        return new ClusterKey(scope.substring(0, slash), scope.substring(slash + 1));
    }

    /** What one pass decided, to be written and then acted on. */
    public record Outcome(
            AlertingStatus status,
            List<Note> clusterNotes,
            List<TargetNote> targetNotes,
            List<Outgoing> messages,
            MessageFormats.Style style,
            String scope,
            boolean anyFiring,
            String firingMessage,
            boolean deliveryOk,
            MonitoringReason deliveryReason,
            String deliveryMessage) {}

    /** An Event for another object than the ProxmoxCluster (a HaVm's check, an LB, a policy). */
    public record TargetNote(HasMetadata target, Note note) {}

    /** observe → plan → act (checks, receivers); the messages wait for {@link #deliver}. */
    public Outcome pass(
            ProxmoxCluster cluster,
            ProxmoxClusterStatus previous,
            PollOutcome poll,
            List<HaVm> haVms,
            List<LoadBalancerPair> lbs,
            List<BackupPolicy> backups,
            DisasterRecoveryStatus.Recovery recovery,
            Function<ResourceID, Optional<Secret>> secrets,
            Instant now) {
        ClusterKey key = ClusterKey.of(cluster);
        String scope = key.namespace() + "/" + key.name();
        Alerting alerting = cluster.getSpec().getAlerting();
        String namespace = cluster.getMetadata().getNamespace();
        List<String> problems = new ArrayList<>();

        // observe: receivers and their Secrets
        List<ReceiverConfig> receivers = new ArrayList<>();
        if (alerting != null) {
            for (Receiver r : alerting.getReceivers()) {
                try {
                    receivers.add(resolve(r, namespace, secrets));
                } catch (Secrets.MissingSecretException e) {
                    problems.add("receiver " + r.getName() + ": " + e.getMessage());
                }
            }
        }
        dispatcher.configure(
                scope, receivers, alerting == null ? null : alerting.getFallbackReceiver());
        Map<String, Dispatcher.Health> health = new LinkedHashMap<>();
        for (ReceiverConfig r : receivers) {
            dispatcher.health(scope, r.name()).ifPresent(h -> health.put(r.name(), h));
        }

        // observe: the poll
        ClusterSnapshot snapshot = poll.lastSnapshot().orElse(null);
        boolean pollFailing = poll.error() != null;
        String pollError = pollFailing ? poll.error().describe() : null;

        // act (idempotent): the declared checks run from now on
        List<CheckRunner.Spec> specs = new ArrayList<>();
        Map<String, HaVm> vmsByName = new LinkedHashMap<>();
        for (HaVm vm : haVms) {
            vmsByName.put(vm.getMetadata().getName(), vm);
            if (vm.getSpec().getMonitoring() == null
                    || vm.getSpec().getPowerState() == PowerState.Stopped
                    || Boolean.TRUE.equals(vm.getSpec().getTemplate())) {
                continue;
            }
            for (ServiceCheck c : vm.getSpec().getMonitoring().getChecks()) {
                try {
                    specs.add(
                            new CheckRunner.Spec(
                                    scope,
                                    vm.getMetadata().getName(),
                                    c,
                                    address(vm),
                                    vm.getStatus() == null ? null : vm.getStatus().getNode(),
                                    vm.getStatus() == null ? null : vm.getStatus().getVmid(),
                                    CheckConditions.compile(c)));
                } catch (CheckConditions.InvalidCondition e) {
                    problems.add(
                            "HaVm "
                                    + vm.getMetadata().getName()
                                    + " check "
                                    + c.getName()
                                    + ": "
                                    + e.getMessage());
                }
            }
        }
        checks.sync(scope, specs);

        // plan
        BuiltinItems.Inputs inputs =
                new BuiltinItems.Inputs(
                        key.name(),
                        cluster.getSpec().getMonitoring(),
                        snapshot,
                        pollFailing,
                        pollError,
                        haVms,
                        lbs,
                        backups,
                        health,
                        recovery,
                        now);
        Topology topology = BuiltinItems.topology(inputs);
        List<Observation> observations = new ArrayList<>(BuiltinItems.evaluate(inputs, topology));
        for (CheckRunner.Spec s : specs) {
            observations.add(checkObservation(s, checks.state(s.id()), topology));
        }
        observations = mute(observations, alerting, vmsByName, now);
        Set<AlertKey> hold = new HashSet<>();
        AlertingStatus before = previous == null ? null : previous.getAlerting();
        if (before != null && (pollFailing || snapshot == null)) {
            for (AlertState a : before.getAlerts()) {
                if (BuiltinItems.FROM_POLL.contains(a.getAlertname())) {
                    hold.add(new AlertKey(a.getAlertname(), a.getSubject()));
                }
            }
        }
        Router router =
                new Router(
                        alerting == null ? null : alerting.getRoute(),
                        alerting == null ? null : alerting.getFallbackReceiver());
        AlertPlanner.Settings settings =
                new AlertPlanner.Settings(
                        key.name(),
                        Duration.ofMinutes(
                                alerting == null
                                                || alerting.getRoute() == null
                                                || alerting.getRoute().getRepeatIntervalMinutes()
                                                        == null
                                        ? 240
                                        : alerting.getRoute().getRepeatIntervalMinutes()),
                        alerting == null
                                || alerting.getRoute() == null
                                || !Boolean.FALSE.equals(alerting.getRoute().getSendResolved()),
                        router);
        AlertPlanner.Plan plan =
                AlertPlanner.plan(observations, hold, before, topology, settings, now);

        List<Outgoing> messages = new ArrayList<>();
        for (Outgoing m : plan.messages()) {
            messages.add(reroute(m, router, alerting));
        }

        // report: status, conditions' facts, Events
        AlertingStatus status = plan.status();
        status.setConfigProblems(problems);
        List<ReceiverState> states = new ArrayList<>();
        for (ReceiverConfig r : receivers) {
            Dispatcher.Health h = health.get(r.name());
            ReceiverState st = new ReceiverState();
            st.setName(r.name());
            st.setHealthy(h == null || h.healthy());
            if (h != null) {
                st.setLastError(h.lastError());
                st.setFailingSince(h.failingSince() == null ? null : h.failingSince().toString());
                st.setLastDelivered(
                        h.lastDelivered() == null ? null : h.lastDelivered().toString());
            }
            states.add(st);
        }
        status.setReceivers(states);

        MessageFormats.Style style = style(alerting, key.name());
        Language lang = style.language();
        List<Note> clusterNotes = new ArrayList<>();
        List<TargetNote> targetNotes = new ArrayList<>();
        for (AlertPlanner.Transition t : plan.transitions()) {
            boolean firing = AlertPlanner.FIRING.equals(t.to());
            MonitoringReason reason =
                    firing
                            ? (AlertPlanner.NODE_OFFLINE.equals(t.key().alertname())
                                    ? MonitoringReason.IncidentOpened
                                    : MonitoringReason.AlertFiring)
                            : MonitoringReason.AlertResolved;
            String text =
                    (firing ? "" : (lang == Language.EN ? "resolved: " : "已恢复: "))
                            + t.summary().in(lang)
                            + " ["
                            + t.key()
                            + (t.incident() == null ? "" : ", incident " + t.incident())
                            + "]";
            Note note = firing ? Note.warning(reason, text) : Note.normal(reason, text);
            HasMetadata target = target(t.target(), vmsByName, lbs, backups);
            if (target != null) {
                targetNotes.add(new TargetNote(target, note));
            }
            clusterNotes.add(note);
        }
        for (Outgoing m : messages) {
            if (m.kind() == Outgoing.Kind.FOLLOW_UP) {
                clusterNotes.add(
                        Note.normal(
                                MonitoringReason.IncidentUpdate,
                                m.lines().stream()
                                        .map(l -> l.in(lang))
                                        .collect(Collectors.joining("; "))));
            } else if (m.kind() == Outgoing.Kind.FLAPPING) {
                clusterNotes.add(Note.warning(MonitoringReason.AlertFlapping, m.title().in(lang)));
            }
        }
        List<AlertState> firing =
                status.getAlerts().stream()
                        .filter(a -> AlertPlanner.FIRING.equals(a.getState()))
                        .toList();
        String firingMessage =
                firing.isEmpty()
                        ? "no alert is firing"
                        : firing.size()
                                + " firing: "
                                + firing.stream()
                                        .limit(5)
                                        .map(a -> a.getAlertname() + " " + a.getSubject())
                                        .collect(Collectors.joining(", "))
                                + (firing.size() > 5 ? ", ..." : "");
        List<String> failing =
                states.stream()
                        .filter(s -> !Boolean.TRUE.equals(s.getHealthy()))
                        .map(s -> s.getName() + ": " + s.getLastError())
                        .toList();
        boolean deliveryOk = problems.isEmpty() && failing.isEmpty();
        MonitoringReason deliveryReason =
                !problems.isEmpty()
                        ? MonitoringReason.MonitoringMisconfigured
                        : !failing.isEmpty()
                                ? MonitoringReason.ReceiverFailing
                                : receivers.isEmpty()
                                        ? MonitoringReason.NoReceivers
                                        : MonitoringReason.Delivering;
        String deliveryMessage =
                !problems.isEmpty()
                        ? String.join("; ", problems)
                        : !failing.isEmpty()
                                ? String.join("; ", failing)
                                : receivers.isEmpty()
                                        ? "no receivers declared in spec.alerting"
                                        : receivers.size() + " receivers";
        metrics.update(key, snapshot, topology, status, specs, checks, plan.transitions(), lbs);
        Map<String, Boolean> lastBackup = new LinkedHashMap<>();
        for (BackupPolicy bp : backups) {
            if (bp.getStatus() != null
                    && bp.getStatus().getLastRun() != null
                    && bp.getStatus().getLastRun().getResult() != null
                    && !"running".equals(bp.getStatus().getLastRun().getResult())) {
                lastBackup.put(
                        bp.getMetadata().getName(),
                        "ok".equals(bp.getStatus().getLastRun().getResult()));
            }
        }
        metrics.backups(key, lastBackup);
        metrics.recovery(key, recovery);
        return new Outcome(
                status,
                clusterNotes,
                targetNotes,
                messages,
                style,
                scope,
                !firing.isEmpty(),
                firingMessage,
                deliveryOk,
                deliveryReason,
                deliveryMessage);
    }

    /** Puts the outcome into the status being built (before the Reporter writes it). */
    public static void apply(
            Outcome outcome, ProxmoxClusterStatus status, long generation, Instant now) {
        status.setAlerting(outcome.status());
        Conditions.set(
                status,
                ALERTING,
                !outcome.anyFiring(),
                outcome.anyFiring()
                        ? MonitoringReason.AlertsFiring
                        : MonitoringReason.NoAlertsFiring,
                outcome.firingMessage(),
                generation,
                now);
        Conditions.set(
                status,
                ALERT_DELIVERY,
                outcome.deliveryOk(),
                outcome.deliveryReason(),
                outcome.deliveryMessage(),
                generation,
                now);
    }

    /** After the status is stored: the messages go out, Events on the other objects. */
    public void deliver(Outcome outcome) {
        for (Outgoing m : outcome.messages()) {
            dispatcher.submit(outcome.scope(), m, outcome.style());
        }
        for (TargetNote n : outcome.targetNotes()) {
            events.record(n.target(), n.note());
        }
    }

    /** The cluster is gone: stop its checks and forget its receivers. */
    public void forget(ClusterKey key) {
        String scope = key.namespace() + "/" + key.name();
        checks.forget(scope);
        dispatcher.forget(scope);
    }

    /** Secret names the alerting spec refers to (so a rotated webhook URL is used at once). */
    public static Set<String> secretNames(Alerting alerting) {
        Set<String> out = new HashSet<>();
        if (alerting == null) {
            return out;
        }
        for (Receiver r : alerting.getReceivers()) {
            for (SecretKeyRef ref : refs(r)) {
                out.add(ref.getName());
            }
            if (r.getEmail() != null && r.getEmail().getSmtpSecretRef() != null) {
                out.add(r.getEmail().getSmtpSecretRef().getName());
            }
        }
        return out;
    }

    static List<SecretKeyRef> refs(Receiver r) {
        List<SecretKeyRef> out = new ArrayList<>();
        if (r.getWecom() != null) out.add(r.getWecom().getUrlSecretRef());
        if (r.getDingtalk() != null) {
            out.add(r.getDingtalk().getUrlSecretRef());
            if (r.getDingtalk().getSignSecretRef() != null)
                out.add(r.getDingtalk().getSignSecretRef());
        }
        if (r.getFeishu() != null) {
            out.add(r.getFeishu().getUrlSecretRef());
            if (r.getFeishu().getSignSecretRef() != null) out.add(r.getFeishu().getSignSecretRef());
        }
        if (r.getSlack() != null) out.add(r.getSlack().getUrlSecretRef());
        if (r.getWebhook() != null) out.add(r.getWebhook().getUrlSecretRef());
        out.removeIf(Objects::isNull);
        return out;
    }

    /** A receiver with its Secret values (registered with the Redactor as they are read). */
    public static ReceiverConfig resolve(
            Receiver r, String namespace, Function<ResourceID, Optional<Secret>> secrets)
            throws Secrets.MissingSecretException {
        Function<SecretKeyRef, String> none = x -> null;
        String kind = r.kind();
        switch (kind) {
            case "wecom":
                return new ReceiverConfig(
                        r.getName(),
                        kind,
                        read(r.getWecom().getUrlSecretRef(), "url", namespace, secrets),
                        null,
                        r.getWecom().getMentionMobiles(),
                        null,
                        List.of());
            case "dingtalk":
                return new ReceiverConfig(
                        r.getName(),
                        kind,
                        read(r.getDingtalk().getUrlSecretRef(), "url", namespace, secrets),
                        r.getDingtalk().getSignSecretRef() == null
                                ? null
                                : read(
                                        r.getDingtalk().getSignSecretRef(),
                                        "secret",
                                        namespace,
                                        secrets),
                        r.getDingtalk().getAtMobiles(),
                        null,
                        List.of());
            case "feishu":
                return new ReceiverConfig(
                        r.getName(),
                        kind,
                        read(r.getFeishu().getUrlSecretRef(), "url", namespace, secrets),
                        r.getFeishu().getSignSecretRef() == null
                                ? null
                                : read(
                                        r.getFeishu().getSignSecretRef(),
                                        "secret",
                                        namespace,
                                        secrets),
                        List.of(),
                        null,
                        List.of());
            case "slack":
                return new ReceiverConfig(
                        r.getName(),
                        kind,
                        read(r.getSlack().getUrlSecretRef(), "url", namespace, secrets),
                        null,
                        List.of(),
                        null,
                        List.of());
            case "webhook":
                return new ReceiverConfig(
                        r.getName(),
                        kind,
                        read(r.getWebhook().getUrlSecretRef(), "url", namespace, secrets),
                        null,
                        List.of(),
                        null,
                        List.of());
            case "email":
                EmailReceiver e = r.getEmail();
                String name = e.getSmtpSecretRef().getName();
                Secret secret = secrets.apply(new ResourceID(name, namespace)).orElse(null);
                String host = Secrets.read(secret, namespace, name, "host");
                String port = optional(secret, namespace, name, "port");
                String from = Secrets.read(secret, namespace, name, "from");
                String user = optional(secret, namespace, name, "username");
                String password = optional(secret, namespace, name, "password");
                int p;
                try {
                    p =
                            port == null
                                    ? (e.getSecurity() == EmailReceiver.Security.TLS ? 465 : 587)
                                    : Integer.parseInt(port);
                } catch (NumberFormatException bad) {
                    throw new Secrets.MissingSecretException(
                            "SecretKeyMissing",
                            "Secret " + namespace + "/" + name + " key port is not a number");
                }
                return new ReceiverConfig(
                        r.getName(),
                        kind,
                        null,
                        null,
                        List.of(),
                        new ReceiverConfig.Smtp(host, p, from, user, password, e.getSecurity()),
                        e.getTo());
            default:
                throw new Secrets.MissingSecretException(
                        "InvalidSpec", "receiver " + r.getName() + " has no provider");
        }
    }

    private static String optional(Secret secret, String namespace, String name, String key) {
        try {
            return Secrets.read(secret, namespace, name, key);
        } catch (Secrets.MissingSecretException e) {
            return null;
        }
    }

    private static String read(
            SecretKeyRef ref,
            String defaultKey,
            String namespace,
            Function<ResourceID, Optional<Secret>> secrets)
            throws Secrets.MissingSecretException {
        Secret secret = secrets.apply(new ResourceID(ref.getName(), namespace)).orElse(null);
        return Secrets.read(secret, namespace, ref.getName(), ref.keyOr(defaultKey));
    }

    static MessageFormats.Style style(Alerting alerting, String cluster) {
        Language l =
                alerting == null || alerting.getLanguage() == null
                        ? Language.ZH_CN
                        : alerting.getLanguage();
        ZoneId zone;
        try {
            zone =
                    ZoneId.of(
                            alerting == null || alerting.getTimeZone() == null
                                    ? DEFAULT_ZONE
                                    : alerting.getTimeZone());
        } catch (RuntimeException e) {
            zone = ZoneId.of(DEFAULT_ZONE);
        }
        return new MessageFormats.Style(l, zone, cluster, "");
    }

    /** The VM's first IPv4 address, as its status reports it. */
    static String address(HaVm vm) {
        if (vm.getStatus() == null) {
            return null;
        }
        return vm.getStatus().getIpAddresses().stream()
                .filter(a -> a.matches("^[0-9.]+$"))
                .findFirst()
                .orElse(vm.getStatus().getIpAddresses().stream().findFirst().orElse(null));
    }

    static Observation checkObservation(
            CheckRunner.Spec s, CheckRunner.State state, Topology topology) {
        Observation.Verdict verdict = CheckRunner.verdict(s, state);
        String detail = state == null || state.last() == null ? "" : state.last().detail();
        Topology.Vm vm = topology.vms().get(s.vm());
        String node = vm != null ? vm.node() : s.node();
        ServiceCheck c = s.check();
        return new Observation(
                new AlertKey(CHECK_ALERT, "havm/" + s.vm() + "/" + c.getName()),
                verdict,
                c.getSeverity() == null
                        ? io.pveha.api.monitoring.Severity.warning
                        : c.getSeverity(),
                Duration.ZERO,
                Text.of(
                        "虚拟机 " + s.vm() + " 的服务检查 " + c.getName() + " 失败: " + detail,
                        "service check " + c.getName() + " of " + s.vm() + " failing: " + detail),
                Map.of("havm", s.vm(), "check", c.getName()),
                node,
                "HaVm/" + s.vm(),
                false);
    }

    /** Maintenance windows open now mute the nodes and VMs they list (everything if none). */
    static List<Observation> mute(
            List<Observation> observations, Alerting alerting, Map<String, HaVm> vms, Instant now) {
        if (alerting == null || alerting.getMaintenance().isEmpty()) {
            return observations;
        }
        ZoneId zone = style(alerting, "").zone();
        Set<String> nodes = new HashSet<>();
        Set<String> vmNames = new HashSet<>();
        boolean all = false;
        for (MaintenanceWindow w : alerting.getMaintenance()) {
            if (!open(w, now, zone)) {
                continue;
            }
            if (w.getNodes().isEmpty() && w.getVms().isEmpty()) {
                all = true;
            }
            nodes.addAll(w.getNodes());
            vmNames.addAll(w.getVms());
        }
        List<Observation> out = new ArrayList<>();
        for (Observation o : observations) {
            boolean muted =
                    o.muted()
                            || all
                            || (o.node() != null && nodes.contains(o.node()))
                            || nodes.contains(o.labels().getOrDefault("node", ""))
                            || vmNames.contains(o.labels().getOrDefault("havm", ""));
            out.add(muted == o.muted() ? o : o.withMuted(muted));
        }
        return out;
    }

    /** A window is open when its last start is less than its duration ago. */
    public static boolean open(MaintenanceWindow w, Instant now, ZoneId zone) {
        Duration length =
                Duration.ofMinutes(w.getDurationMinutes() == null ? 60 : w.getDurationMinutes());
        return CalendarSchedule.next(w.getSchedule(), now.minus(length).minusSeconds(60), zone)
                .map(start -> !start.isAfter(now) && start.plus(length).isAfter(now))
                .orElse(false);
    }

    /**
     * A failing receiver's own alert goes to the fallback (or the other routed receivers), never to
     * the failing receiver itself.
     */
    static Outgoing reroute(Outgoing m, Router router, Alerting alerting) {
        if (m.alerts().isEmpty() || !"AlertDeliveryFailing".equals(m.alerts().get(0).alertname())) {
            return m;
        }
        String failing = m.alerts().get(0).labels().get("receiver");
        List<String> to = new ArrayList<>();
        if (router.fallback() != null && !router.fallback().equals(failing)) {
            to.add(router.fallback());
        } else {
            m.receivers().stream().filter(r -> !r.equals(failing)).forEach(to::add);
        }
        return new Outgoing(m.kind(), m.severity(), m.title(), m.lines(), to, m.alerts(), m.at());
    }

    private static HasMetadata target(
            String target,
            Map<String, HaVm> vms,
            List<LoadBalancerPair> lbs,
            List<BackupPolicy> backups) {
        if (target == null) {
            return null;
        }
        int slash = target.indexOf('/');
        String kind = target.substring(0, slash);
        String name = target.substring(slash + 1);
        return switch (kind) {
            case "HaVm" -> vms.get(name);
            case "LoadBalancerPair" ->
                    lbs.stream()
                            .filter(l -> l.getMetadata().getName().equals(name))
                            .findFirst()
                            .orElse(null);
            case "BackupPolicy" ->
                    backups.stream()
                            .filter(b -> b.getMetadata().getName().equals(name))
                            .findFirst()
                            .orElse(null);
            default -> null;
        };
    }

    @Override
    public void close() {
        checks.close();
        dispatcher.close();
    }
}
