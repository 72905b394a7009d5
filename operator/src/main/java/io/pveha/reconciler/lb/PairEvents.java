package io.pveha.reconciler.lb;

import io.fabric8.kubernetes.api.model.Condition;
import io.pveha.api.lb.LoadBalancerPairStatus;
import io.pveha.api.lb.LoadBalancerPairStatus.BackendStatus;
import io.pveha.api.lb.LoadBalancerPairStatus.HostStatus;
import io.pveha.lb.HostFacts;
import io.pveha.lb.apply.ConfigApplier;
import io.pveha.lb.ssh.HostChannelException;
import io.pveha.reconciler.Conditions;
import io.pveha.reconciler.Note;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The Events a pass produces, derived from what changed between the previous and the new status (so
 * a fact that stays the same is reported once, not every poll) and from what the pass did.
 */
final class PairEvents {
    private PairEvents() {}

    static List<Note> between(
            LoadBalancerPairStatus before,
            LoadBalancerPairStatus after,
            String vip,
            Map<String, HostFacts> facts,
            Map<String, LbStatusBuilder.ActionResult> results) {
        List<Note> events = new ArrayList<>();
        vipEvents(before, after, vip, events);
        for (HostStatus h : after.getHosts()) {
            hostEvents(StatusViews.host(before, h.getName()), h, facts.get(h.getName()), events);
        }
        results.forEach((host, action) -> actionEvent(host, action, after, events));
        backendEvents(before, after, events);
        problemEvents(before, after, events);
        if (after.getVirtualRouterId() != null
                && !after.getVirtualRouterId()
                        .equals(before == null ? null : before.getVirtualRouterId())) {
            events.add(
                    Note.normal(
                            LbReason.RouterIdAssigned,
                            "VRRP virtual router id " + after.getVirtualRouterId()));
        }
        return events;
    }

    private static void vipEvents(
            LoadBalancerPairStatus before,
            LoadBalancerPairStatus after,
            String vip,
            List<Note> events) {
        String was = before == null ? null : before.getVipHolder();
        String now = after.getVipHolder();
        if (Objects.equals(was, now)) {
            return;
        }
        String reason = reasonOf(after, LbStatusBuilder.VIP_HELD);
        if (LbReason.SplitBrain.name().equals(reason)) {
            events.add(Note.warning(LbReason.SplitBrain, message(after, LbStatusBuilder.VIP_HELD)));
        } else if (now == null) {
            if (was != null) {
                events.add(
                        Note.warning(
                                LbReason.VipLost,
                                "no host holds " + vip + " any more (was " + was + ")"));
            }
        } else if (was == null) {
            events.add(Note.normal(LbReason.VipAcquired, now + " holds " + vip));
        } else {
            events.add(
                    new Note(
                            LbReason.HeldByBackup.name().equals(reason),
                            LbReason.VipMoved,
                            vip + " moved from " + was + " to " + now));
        }
    }

    private static void hostEvents(
            HostStatus before, HostStatus after, HostFacts facts, List<Note> events) {
        boolean wasReachable = before == null || !Boolean.FALSE.equals(before.getReachable());
        if (Boolean.FALSE.equals(after.getReachable())
                && facts != null
                && (wasReachable || !Objects.equals(before.getLastError(), after.getLastError()))) {
            boolean keyRefused = facts.failure() == HostChannelException.Reason.HOST_KEY_REJECTED;
            events.add(
                    Note.warning(
                            keyRefused ? LbReason.HostKeyRejected : LbReason.HostUnreachable,
                            after.getName() + ": " + after.getLastError()));
        } else if (Boolean.TRUE.equals(after.getReachable())
                && before != null
                && Boolean.FALSE.equals(before.getReachable())) {
            events.add(Note.normal(LbReason.HostReachable, after.getName() + " answers again"));
        }
        // MASTER/BACKUP swaps show as VipMoved; a host dropping out of VRRP is worth its own
        // warning.
        boolean droppedOut =
                "FAULT".equals(after.getVrrpState()) || "STOPPED".equals(after.getVrrpState());
        if (before != null
                && before.getVrrpState() != null
                && Boolean.TRUE.equals(after.getReachable())
                && droppedOut
                && !Objects.equals(before.getVrrpState(), after.getVrrpState())) {
            events.add(
                    Note.warning(
                            LbReason.VrrpStateChanged,
                            after.getName()
                                    + ": "
                                    + before.getVrrpState()
                                    + " -> "
                                    + after.getVrrpState()));
        }
    }

    private static void actionEvent(
            String host,
            LbStatusBuilder.ActionResult action,
            LoadBalancerPairStatus after,
            List<Note> events) {
        ConfigApplier.Result r = action.result();
        if (action.kind() == PairPlanner.Kind.START) {
            events.add(
                    r.applied()
                            ? Note.normal(
                                    LbReason.DaemonsStarted,
                                    "started the stopped daemons on " + host)
                            : Note.warning(LbReason.StartFailed, host + ": " + r.message()));
            return;
        }
        HostStatus h = StatusViews.host(after, host);
        String hash = h == null ? null : h.getDesiredConfigHash();
        events.add(
                switch (r.outcome()) {
                    case APPLIED ->
                            Note.normal(
                                    LbReason.ConfigApplied,
                                    "applied configuration sha256:"
                                            + LbStatusBuilder.shortHash(hash)
                                            + " on "
                                            + host);
                    case REJECTED ->
                            Note.warning(
                                    LbReason.ConfigRejected,
                                    host
                                            + " refused configuration sha256:"
                                            + LbStatusBuilder.shortHash(hash)
                                            + "; the previous one keeps running: "
                                            + r.message());
                    case ROLLED_BACK ->
                            Note.warning(LbReason.ConfigRolledBack, host + ": " + r.message());
                    case PRECONDITION_FAILED -> Note.warning(LbReason.HostNotPrepared, r.message());
                    case FAILED -> Note.warning(LbReason.ApplyFailed, host + ": " + r.message());
                });
    }

    private static void backendEvents(
            LoadBalancerPairStatus before, LoadBalancerPairStatus after, List<Note> events) {
        for (BackendStatus b : after.getBackends()) {
            BackendStatus was = StatusViews.backend(before, b.getService(), b.getServer());
            String name = b.getService() + "/" + b.getServer() + " (" + b.getAddress() + ")";
            if (was == null) {
                if (before != null && !before.getBackends().isEmpty()) {
                    events.add(
                            Note.normal(LbReason.BackendAdded, name + " added, " + b.getState()));
                }
            } else if ("UP".equals(was.getState())
                    && ("DOWN".equals(b.getState()) || "MAINT".equals(b.getState()))) {
                events.add(Note.warning(LbReason.BackendDown, name + " is " + b.getState()));
            } else if (!"UP".equals(was.getState())
                    && !"UNKNOWN".equals(was.getState())
                    && "UP".equals(b.getState())) {
                events.add(Note.normal(LbReason.BackendUp, name + " is UP again"));
            }
        }
        if (before != null) {
            for (BackendStatus b : before.getBackends()) {
                if (StatusViews.backend(after, b.getService(), b.getServer()) == null) {
                    events.add(
                            Note.normal(
                                    LbReason.BackendRemoved,
                                    b.getService()
                                            + "/"
                                            + b.getServer()
                                            + " ("
                                            + b.getAddress()
                                            + ") removed"));
                }
            }
        }
    }

    /**
     * Problems that block configuration (Secret, router id, render): once, when they appear or
     * change.
     */
    private static void problemEvents(
            LoadBalancerPairStatus before, LoadBalancerPairStatus after, List<Note> events) {
        String reason = reasonOf(after, LbStatusBuilder.CONFIG_APPLIED);
        PairProblem.BLOCKING.stream()
                .filter(r -> r.name().equals(reason))
                .findFirst()
                .filter(
                        r ->
                                !reason.equals(reasonOf(before, LbStatusBuilder.CONFIG_APPLIED))
                                        || !Objects.equals(
                                                message(before, LbStatusBuilder.CONFIG_APPLIED),
                                                message(after, LbStatusBuilder.CONFIG_APPLIED)))
                .ifPresent(
                        r ->
                                events.add(
                                        Note.warning(
                                                r,
                                                message(after, LbStatusBuilder.CONFIG_APPLIED))));
    }

    private static String reasonOf(LoadBalancerPairStatus status, String type) {
        return condition(status, type).map(Condition::getReason).orElse(null);
    }

    private static String message(LoadBalancerPairStatus status, String type) {
        return condition(status, type).map(Condition::getMessage).orElse(null);
    }

    private static java.util.Optional<Condition> condition(
            LoadBalancerPairStatus status, String type) {
        return status == null
                ? java.util.Optional.empty()
                : Conditions.find(status.getConditions(), type);
    }
}
