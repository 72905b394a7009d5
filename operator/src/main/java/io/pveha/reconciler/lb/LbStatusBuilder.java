package io.pveha.reconciler.lb;

import io.fabric8.kubernetes.api.model.Condition;
import io.pveha.api.lb.LbHost;
import io.pveha.api.lb.LoadBalancerPairSpec;
import io.pveha.api.lb.LoadBalancerPairStatus;
import io.pveha.api.lb.LoadBalancerPairStatus.BackendStatus;
import io.pveha.api.lb.LoadBalancerPairStatus.HostStatus;
import io.pveha.lb.ConfigBundle;
import io.pveha.lb.HostFacts;
import io.pveha.lb.Service;
import io.pveha.lb.apply.ConfigApplier;
import io.pveha.lb.observe.HostObservation;
import io.pveha.lb.observe.ServerState;
import io.pveha.lb.ssh.HostChannelException;
import io.pveha.reconciler.Conditions;
import io.pveha.reconciler.Copies;
import io.pveha.reconciler.Reason;
import io.pveha.reconciler.Redactor;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The one place a LoadBalancerPair status is built, and the condition rules with it. Inputs are
 * facts (the spec, what each host reported, what this pass did); the output is a complete new
 * status. Every rule is a small method tested on its own.
 *
 * <p>Conditions: ConfigApplied (both hosts run the rendered files), VipHeld (exactly one host holds
 * the VIP), BackendsHealthy (every rendered server UP), and Ready. Ready is False when the pair
 * cannot fail over or the service is down: a problem blocking configuration, no or two VIP holders,
 * a configuration not applied, a host unreachable or with a daemon down, the VIP on the backup
 * while the master is fine, or a service without any UP server. One DOWN server of several leaves
 * Ready True (that is what the backends are for) and shows in BackendsHealthy and the BACKENDS
 * column.
 */
final class LbStatusBuilder {
    static final String CONFIG_APPLIED = "ConfigApplied";
    static final String VIP_HELD = "VipHeld";
    static final String BACKENDS_HEALTHY = "BackendsHealthy";

    /**
     * @param problem what blocked configuration (Secret, router id, render), or null
     * @param bundles the rendered bundle per host, empty when a problem came first
     * @param services the rendered services (servers per service), empty when a problem came first
     * @param facts what each host reported this pass; a host missing here was not observed
     * @param results what this pass did to each host (apply or start), if anything
     */
    record Inputs(
            LoadBalancerPairSpec spec,
            LoadBalancerPairStatus previous,
            long generation,
            Instant now,
            Integer routerId,
            Problem problem,
            Map<String, ConfigBundle> bundles,
            List<Service> services,
            List<String> unroutable,
            Map<String, HostFacts> facts,
            Map<String, ActionResult> results) {}

    record Problem(Reason reason, String message) {}

    /** What this pass did to a host. */
    record ActionResult(PairPlanner.Kind kind, ConfigApplier.Result result) {}

    private LbStatusBuilder() {}

    /**
     * The status of a pass that stopped before observing (paused, invalid spec) or failed on
     * Kubernetes: only Ready changes.
     */
    static LoadBalancerPairStatus stopped(
            LoadBalancerPairStatus previous,
            Reason reason,
            String message,
            long generation,
            Instant now) {
        LoadBalancerPairStatus status = Copies.deepCopy(previous, LoadBalancerPairStatus.class);
        status = status == null ? new LoadBalancerPairStatus() : status;
        status.setObservedGeneration(generation);
        status.setConditions(
                Conditions.set(
                        status.getConditions(),
                        Conditions.READY,
                        Conditions.FALSE,
                        reason.name(),
                        Redactor.scrub(message),
                        generation,
                        now));
        return status;
    }

    static LoadBalancerPairStatus build(Inputs in) {
        LoadBalancerPairStatus status = new LoadBalancerPairStatus();
        status.setObservedGeneration(in.generation());
        status.setVirtualRouterId(in.routerId());
        status.setUnroutableBackends(new ArrayList<>(in.unroutable()));
        List<HostStatus> hosts =
                in.spec().getHosts().stream().map(h -> host(in, h.getName())).toList();
        status.setHosts(new ArrayList<>(hosts));

        Vip vip = vip(in, hosts);
        status.setVipHolder(vip.holder());
        status.setVipHolderSince(vipSince(in, hosts, vip.holder()));
        List<BackendStatus> backends = backends(in, hosts, vip.holder());
        status.setBackends(new ArrayList<>(backends));
        long up = backends.stream().filter(b -> "UP".equals(b.getState())).count();
        status.setBackendsSummary(
                in.services().isEmpty() && in.problem() != null && in.previous() != null
                        ? in.previous().getBackendsSummary()
                        : up + "/" + backends.size());

        List<Condition> conditions =
                in.previous() == null ? List.of() : in.previous().getConditions();
        Verdict applied = configApplied(in, hosts);
        Verdict held = vip.verdict();
        Verdict healthy = backendsHealthy(in, backends);
        Verdict ready = ready(in, hosts, applied, held, healthy, backends);
        conditions = set(conditions, CONFIG_APPLIED, applied, in);
        conditions = set(conditions, VIP_HELD, held, in);
        conditions = set(conditions, BACKENDS_HEALTHY, healthy, in);
        conditions = set(conditions, Conditions.READY, ready, in);
        status.setConditions(conditions);
        return status;
    }

    /** A condition's status, reason and message. */
    record Verdict(String status, Reason reason, String message) {
        static Verdict isTrue(Reason reason, String message) {
            return new Verdict(Conditions.TRUE, reason, message);
        }

        static Verdict isFalse(Reason reason, String message) {
            return new Verdict(Conditions.FALSE, reason, message);
        }

        static Verdict unknown(Reason reason, String message) {
            return new Verdict(Conditions.UNKNOWN, reason, message);
        }

        boolean isFalse() {
            return Conditions.FALSE.equals(status);
        }
    }

    /** Per host: fresh facts when observed, the last known ones (marked unreachable) when not. */
    static HostStatus host(Inputs in, String name) {
        HostStatus before = StatusViews.host(in.previous(), name);
        HostFacts facts = in.facts().get(name);
        ConfigBundle bundle = in.bundles().get(name);
        String desiredHash =
                bundle == null
                        ? (before == null ? null : before.getDesiredConfigHash())
                        : bundle.hash();
        ActionResult action = in.results().get(name);
        HostStatus h = new HostStatus();
        h.setName(name);
        h.setDesiredConfigHash(desiredHash);
        if (facts == null) {
            // Not observed this pass (a problem came first): keep what was last known.
            if (before != null) {
                h.setReachable(before.getReachable());
                h.setHostKeyFingerprint(before.getHostKeyFingerprint());
                h.setServiceManager(before.getServiceManager());
                h.setVrrpState(before.getVrrpState());
                h.setVrrpStateSince(before.getVrrpStateSince());
                h.setHoldsVip(before.getHoldsVip());
                h.setHaproxyUp(before.getHaproxyUp());
                h.setKeepalivedUp(before.getKeepalivedUp());
                h.setAppliedConfigHash(before.getAppliedConfigHash());
                h.setRejectedConfigHash(before.getRejectedConfigHash());
                h.setLastError(before.getLastError());
            }
            return h;
        }
        h.setHostKeyFingerprint(
                facts.hostKeyFingerprint() != null
                        ? facts.hostKeyFingerprint()
                        : before == null ? null : before.getHostKeyFingerprint());
        h.setRejectedConfigHash(rejectedHash(before, desiredHash, action));
        if (!facts.reachable()) {
            h.setReachable(false);
            h.setVrrpState("UNKNOWN");
            h.setServiceManager(before == null ? null : before.getServiceManager());
            // The files do not change while we cannot see them; the runtime facts are unknown.
            h.setAppliedConfigHash(before == null ? null : before.getAppliedConfigHash());
            h.setLastError(Redactor.scrub(facts.message()));
            return h;
        }
        HostObservation obs = facts.observation();
        h.setReachable(true);
        h.setServiceManager(obs.serviceManager());
        h.setKeepalivedUp(obs.keepalivedUp());
        h.setHaproxyUp(obs.haproxyUp());
        // The notify script's file outlives a crashed keepalived: only trust it while keepalived
        // runs.
        h.setVrrpState(
                obs.keepalivedUp()
                        ? Optional.ofNullable(obs.vrrpState()).orElse("UNKNOWN")
                        : "STOPPED");
        h.setVrrpStateSince(obs.keepalivedUp() ? obs.vrrpStateSince() : null);
        h.setHoldsVip(obs.holdsAddress(in.spec().getVip().getAddress()));
        h.setAppliedConfigHash(
                bundle == null || obs.applyPending() ? null : obs.appliedHash(bundle.paths()));
        if (action != null && !action.result().applied()) {
            h.setLastError(Redactor.scrub(action.result().message()));
        } else if (!obs.nonlocalBind()) {
            h.setLastError(
                    "net.ipv4.ip_nonlocal_bind is 0: haproxy cannot bind the VIP while the peer holds it");
        }
        return h;
    }

    private static String rejectedHash(HostStatus before, String desiredHash, ActionResult action) {
        if (action != null && action.kind() == PairPlanner.Kind.APPLY) {
            ConfigApplier.Outcome outcome = action.result().outcome();
            return outcome == ConfigApplier.Outcome.REJECTED
                            || outcome == ConfigApplier.Outcome.ROLLED_BACK
                    ? desiredHash
                    : null;
        }
        String earlier = before == null ? null : before.getRejectedConfigHash();
        return Objects.equals(earlier, desiredHash) ? earlier : null;
    }

    record Vip(String holder, Verdict verdict) {}

    /**
     * Who holds the VIP: exactly one live holder is the healthy case; two live holders are a split
     * brain.
     */
    static Vip vip(Inputs in, List<HostStatus> hosts) {
        String address = in.spec().getVip().getAddress();
        if (in.facts().isEmpty()) {
            String holder = in.previous() == null ? null : in.previous().getVipHolder();
            return new Vip(
                    holder, Verdict.unknown(LbReason.NotObserved, "the hosts were not observed"));
        }
        List<HostStatus> holders =
                hosts.stream().filter(h -> Boolean.TRUE.equals(h.getHoldsVip())).toList();
        List<HostStatus> live =
                holders.stream().filter(h -> Boolean.TRUE.equals(h.getKeepalivedUp())).toList();
        List<String> unreachable =
                hosts.stream()
                        .filter(h -> Boolean.FALSE.equals(h.getReachable()))
                        .map(HostStatus::getName)
                        .toList();
        if (live.size() == 2) {
            return new Vip(
                    names(holders),
                    Verdict.isFalse(
                            LbReason.SplitBrain,
                            "both "
                                    + names(holders)
                                    + " hold "
                                    + address
                                    + ": they do not hear each other's VRRP adverts"));
        }
        if (holders.size() == 2) {
            HostStatus stale =
                    holders.stream()
                            .filter(h -> !Boolean.TRUE.equals(h.getKeepalivedUp()))
                            .findFirst()
                            .orElseThrow();
            String holder = live.isEmpty() ? names(holders) : live.get(0).getName();
            return new Vip(
                    holder,
                    Verdict.isFalse(
                            LbReason.StaleVip,
                            stale.getName()
                                    + " still has "
                                    + address
                                    + " configured although its keepalived is not running"
                                    + (live.isEmpty() ? "" : "; " + holder + " holds it")));
        }
        if (holders.size() == 1) {
            String holder = holders.get(0).getName();
            boolean preempt =
                    in.spec().getVip().getPreempt() == null || in.spec().getVip().getPreempt();
            boolean master = holder.equals(preferredMaster(in.spec()));
            LbReason reason =
                    !preempt
                            ? LbReason.Held
                            : master ? LbReason.HeldByMaster : LbReason.HeldByBackup;
            return new Vip(
                    holder,
                    Verdict.isTrue(
                            reason,
                            holder
                                    + " holds "
                                    + address
                                    + (master || !preempt
                                            ? ""
                                            : " (the master "
                                                    + preferredMaster(in.spec())
                                                    + " does not)")));
        }
        if (!unreachable.isEmpty()) {
            return new Vip(
                    null,
                    Verdict.unknown(
                            LbReason.HostUnreachable,
                            "no reachable host holds "
                                    + address
                                    + "; cannot see "
                                    + String.join(", ", unreachable)));
        }
        return new Vip(null, Verdict.isFalse(LbReason.NotHeld, "no host holds " + address));
    }

    private static String vipSince(Inputs in, List<HostStatus> hosts, String holder) {
        if (holder == null) {
            return null;
        }
        if (in.previous() != null
                && holder.equals(in.previous().getVipHolder())
                && in.previous().getVipHolderSince() != null) {
            return in.previous().getVipHolderSince();
        }
        return hosts.stream()
                .filter(
                        h ->
                                holder.equals(h.getName())
                                        && "MASTER".equals(h.getVrrpState())
                                        && h.getVrrpStateSince() != null)
                .map(HostStatus::getVrrpStateSince)
                .findFirst()
                .orElse(in.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
    }

    /**
     * Every rendered server with its state as haproxy reports it: from the VIP holder (the haproxy
     * that serves), else from the preferred master, else from the other host.
     */
    static List<BackendStatus> backends(Inputs in, List<HostStatus> hosts, String holder) {
        if (in.services().isEmpty()) {
            return in.previous() == null || in.problem() == null
                    ? List.of()
                    : in.previous().getBackends();
        }
        List<ServerState> observed =
                reportingHost(in, holder).map(f -> f.observation().servers()).orElse(null);
        List<BackendStatus> result = new ArrayList<>();
        for (Service service : in.services()) {
            for (Service.Server server : service.servers()) {
                BackendStatus b = new BackendStatus();
                b.setService(service.name());
                b.setServer(server.name());
                b.setAddress(server.address() + ":" + server.port());
                b.setHaVm(server.haVm());
                b.setState(
                        observed == null
                                ? "UNKNOWN"
                                : observed.stream()
                                        .filter(
                                                s ->
                                                        s.backend().equals("be_" + service.name())
                                                                && s.server().equals(server.name()))
                                        .map(ServerState::summary)
                                        .findFirst()
                                        .orElse("UNKNOWN"));
                result.add(b);
            }
        }
        return result;
    }

    private static Optional<HostFacts> reportingHost(Inputs in, String holder) {
        List<String> order = new ArrayList<>();
        if (holder != null && !holder.contains(",")) {
            order.add(holder);
        }
        order.add(preferredMaster(in.spec()));
        in.spec().getHosts().forEach(h -> order.add(h.getName()));
        return order.stream()
                .map(n -> in.facts().get(n))
                .filter(f -> f != null && f.reachable() && f.observation().haproxyAnswering())
                .findFirst();
    }

    /**
     * True when both hosts run the rendered files. Otherwise the most telling host problem wins:
     * what this pass's apply met, a refusal from an earlier pass (kept with the host's words), a
     * host that cannot be reached, and last a configuration simply not installed yet.
     */
    static Verdict configApplied(Inputs in, List<HostStatus> hosts) {
        if (in.problem() != null) {
            return Verdict.isFalse(in.problem().reason(), in.problem().message());
        }
        for (HostStatus h : hosts) {
            ActionResult action = in.results().get(h.getName());
            if (action != null
                    && action.kind() == PairPlanner.Kind.APPLY
                    && !action.result().applied()) {
                return Verdict.isFalse(
                        reasonOf(action.result().outcome()),
                        h.getName() + ": " + action.result().message());
            }
        }
        List<HostStatus> notApplied =
                hosts.stream()
                        .filter(
                                h ->
                                        !Objects.equals(
                                                h.getAppliedConfigHash(), h.getDesiredConfigHash()))
                        .toList();
        if (notApplied.isEmpty()) {
            return Verdict.isTrue(
                    LbReason.Applied,
                    hosts.stream()
                            .map(
                                    h ->
                                            h.getName()
                                                    + " sha256:"
                                                    + shortHash(h.getAppliedConfigHash()))
                            .collect(Collectors.joining(", ")));
        }
        if (hosts.stream().anyMatch(h -> h.getRejectedConfigHash() != null)) {
            // Refused earlier and not retried: keep the host's words from then.
            Condition earlier =
                    Conditions.find(
                                    in.previous() == null ? null : in.previous().getConditions(),
                                    CONFIG_APPLIED)
                            .orElse(null);
            String refused =
                    hosts.stream()
                            .filter(h -> h.getRejectedConfigHash() != null)
                            .map(HostStatus::getName)
                            .findFirst()
                            .orElseThrow();
            return earlier != null
                            && Conditions.FALSE.equals(earlier.getStatus())
                            && List.of(LbReason.Rejected.name(), LbReason.RolledBack.name())
                                    .contains(earlier.getReason())
                    ? Verdict.isFalse(LbReason.valueOf(earlier.getReason()), earlier.getMessage())
                    : Verdict.isFalse(LbReason.Rejected, refused + " refused this configuration");
        }
        for (HostStatus h : notApplied) {
            if (Boolean.FALSE.equals(h.getReachable())) {
                HostFacts facts = in.facts().get(h.getName());
                boolean keyRefused =
                        facts != null
                                && facts.failure() == HostChannelException.Reason.HOST_KEY_REJECTED;
                return Verdict.isFalse(
                        keyRefused ? LbReason.HostKeyRejected : LbReason.HostUnreachable,
                        h.getName() + ": " + h.getLastError());
            }
        }
        return Verdict.isFalse(
                LbReason.Pending,
                notApplied.stream().map(HostStatus::getName).collect(Collectors.joining(", "))
                        + ": the rendered configuration is not installed yet");
    }

    static LbReason reasonOf(ConfigApplier.Outcome outcome) {
        return switch (outcome) {
            case APPLIED -> LbReason.Applied;
            case REJECTED -> LbReason.Rejected;
            case ROLLED_BACK -> LbReason.RolledBack;
            case PRECONDITION_FAILED -> LbReason.HostNotPrepared;
            case FAILED -> LbReason.ApplyFailed;
        };
    }

    static Verdict backendsHealthy(Inputs in, List<BackendStatus> backends) {
        if (in.problem() != null && in.services().isEmpty()) {
            return Verdict.unknown(LbReason.NotObserved, "the configuration could not be rendered");
        }
        if (backends.isEmpty()) {
            return Verdict.isFalse(
                    LbReason.NoBackends,
                    "no server to balance to"
                            + (in.unroutable().isEmpty()
                                    ? ""
                                    : "; selected HaVms without an address: "
                                            + String.join(", ", in.unroutable())));
        }
        List<String> down =
                backends.stream()
                        .filter(b -> !"UP".equals(b.getState()))
                        .map(b -> b.getService() + "/" + b.getServer() + " " + b.getState())
                        .toList();
        if (backends.stream().allMatch(b -> "UNKNOWN".equals(b.getState()))) {
            return Verdict.unknown(LbReason.NotObserved, "no haproxy reported its servers");
        }
        long up = backends.size() - down.size();
        if (down.isEmpty()) {
            return Verdict.isTrue(LbReason.AllUp, up + "/" + backends.size() + " servers UP");
        }
        return Verdict.isFalse(
                up == 0 ? LbReason.AllDown : LbReason.SomeDown,
                up + "/" + backends.size() + " servers UP; " + String.join(", ", down));
    }

    static Verdict ready(
            Inputs in,
            List<HostStatus> hosts,
            Verdict applied,
            Verdict held,
            Verdict healthy,
            List<BackendStatus> backends) {
        if (in.problem() != null) {
            return Verdict.isFalse(in.problem().reason(), in.problem().message());
        }
        if (held.isFalse()) {
            return Verdict.isFalse(held.reason(), held.message());
        }
        if (applied.isFalse()) {
            return Verdict.isFalse(applied.reason(), applied.message());
        }
        for (HostStatus h : hosts) {
            if (Boolean.FALSE.equals(h.getReachable())) {
                HostFacts facts = in.facts().get(h.getName());
                boolean keyRefused =
                        facts != null
                                && facts.failure() == HostChannelException.Reason.HOST_KEY_REJECTED;
                return Verdict.isFalse(
                        keyRefused ? LbReason.HostKeyRejected : LbReason.HostUnreachable,
                        h.getName() + ": " + h.getLastError() + servedBy(held));
            }
        }
        for (HostStatus h : hosts) {
            List<String> down = new ArrayList<>();
            if (Boolean.FALSE.equals(h.getKeepalivedUp())) {
                down.add("keepalived");
            }
            if (Boolean.FALSE.equals(h.getHaproxyUp())) {
                down.add("haproxy");
            }
            if (!down.isEmpty()) {
                return Verdict.isFalse(
                        LbReason.DaemonDown,
                        String.join(" and ", down)
                                + " not running on "
                                + h.getName()
                                + servedBy(held));
            }
        }
        if (Conditions.UNKNOWN.equals(held.status())) {
            return Verdict.unknown(held.reason(), held.message());
        }
        if (held.reason() == LbReason.HeldByBackup) {
            return Verdict.isFalse(LbReason.VipOnBackup, held.message());
        }
        if (healthy.reason() == LbReason.AllDown
                || healthy.reason() == LbReason.NoBackends
                || serviceWithoutUpServer(in, backends) != null) {
            String service = serviceWithoutUpServer(in, backends);
            return Verdict.isFalse(
                    LbReason.NoHealthyBackends,
                    service == null
                            ? healthy.message()
                            : "service " + service + " has no server UP");
        }
        long up = backends.stream().filter(b -> "UP".equals(b.getState())).count();
        return Verdict.isTrue(
                LbReason.Ready,
                held.message()
                        + "; "
                        + up
                        + "/"
                        + backends.size()
                        + " servers UP"
                        + (healthy.reason() == LbReason.SomeDown
                                ? " ("
                                        + healthy.message()
                                                .substring(healthy.message().indexOf("; ") + 2)
                                        + ")"
                                : ""));
    }

    private static String serviceWithoutUpServer(Inputs in, List<BackendStatus> backends) {
        return in.services().stream()
                .map(Service::name)
                .filter(
                        name ->
                                backends.stream()
                                        .noneMatch(
                                                b ->
                                                        name.equals(b.getService())
                                                                && "UP".equals(b.getState())))
                .filter(
                        name ->
                                backends.stream()
                                        .anyMatch(
                                                b ->
                                                        name.equals(b.getService())
                                                                && !"UNKNOWN".equals(b.getState())))
                .findFirst()
                .orElse(null);
    }

    private static String servedBy(Verdict held) {
        return Conditions.TRUE.equals(held.status()) ? "; " + held.message() : "";
    }

    static String preferredMaster(LoadBalancerPairSpec spec) {
        return spec.getHosts().stream()
                .max(Comparator.comparing(h -> h.getPriority() == null ? 0 : h.getPriority()))
                .map(LbHost::getName)
                .orElse(null);
    }

    private static String names(List<HostStatus> hosts) {
        return hosts.stream().map(HostStatus::getName).sorted().collect(Collectors.joining(","));
    }

    static String shortHash(String hash) {
        return hash == null ? "none" : hash.substring(0, Math.min(12, hash.length()));
    }

    private static List<Condition> set(
            List<Condition> conditions, String type, Verdict v, Inputs in) {
        return Conditions.set(
                conditions,
                type,
                v.status(),
                v.reason().name(),
                Redactor.scrub(v.message()),
                in.generation(),
                in.now());
    }
}
