package io.pveha.reconciler.cluster;

import io.pveha.api.cluster.ProxmoxCluster;
import io.pveha.api.cluster.ProxmoxClusterStatus;
import io.pveha.cluster.ClusterSnapshot;
import io.pveha.cluster.ConnectionSettings;
import io.pveha.cluster.PollOutcome;
import io.pveha.cluster.RequiredPrivileges;
import io.pveha.pve.PveApiException;
import io.pveha.pve.PveTls;
import io.pveha.reconciler.CommonReason;
import io.pveha.reconciler.Conditions;
import io.pveha.reconciler.Reason;
import io.pveha.reconciler.placement.PlacementRules;
import io.pveha.reconciler.placement.Placements;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Decides what a ProxmoxCluster pass does and says: a pure function of the resource, its status,
 * the observed facts and the time (no I/O, no clock). The connection settings to ensure (from the
 * spec and its Secrets), the HA group changes to make, and the verdicts of the conditions:
 * Connected (settings, then the latest poll), Quorate, PrivilegesComplete, TlsVerified, and Ready,
 * which is the first of Connected, Quorate and PrivilegesComplete that is not True (privileges PVE
 * cannot tell do not block it).
 */
final class ProxmoxClusterPlanner {
    /**
     * A Secret or spec problem: looked at again this soon even without an event (a Secret event
     * usually comes first).
     */
    static final Duration SETTINGS_RETRY = Duration.ofSeconds(30);

    /** Polls drive this controller; the reschedule is a safety net, at least this long. */
    static final Duration SAFETY_NET = Duration.ofMinutes(1);

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

        boolean holds() {
            return Conditions.TRUE.equals(status);
        }
    }

    /**
     * What a pass does and shows.
     *
     * @param connect the settings to keep the connection on; empty when the spec or a Secret is
     *     unusable (a connection made from earlier settings keeps polling, so the last known facts
     *     stay fresh)
     * @param needsHaGroups plan again with {@link ProxmoxClusterFacts#haGroups()} read: the HA
     *     groups are due a check (PVE 8)
     * @param haGroups the HA group changes to make (present once the groups were read)
     * @param requeue when to look again without an event
     * @param model how PVE keeps placement, from the version the cluster reports (null before the
     *     first poll)
     * @param needsHaRules plan again with {@link ProxmoxClusterFacts#haRules()} read (PVE 9)
     * @param haRules the HA rule changes to make (present once the rules were read)
     * @param placementProblems what the spec asks and cannot be (an undeclared policy, a node the
     *     cluster does not have)
     * @param placementKey the desired rules, to tell when they change between checks
     * @param other the connection to the cluster that is not active (disaster recovery): the
     *     standby while the primary runs the platform, the lost primary after the switch; empty
     *     without a standby
     */
    record Plan(
            Optional<ConnectionSettings> connect,
            Verdict connected,
            Verdict quorate,
            Verdict privileges,
            Verdict tls,
            Verdict ready,
            boolean needsHaGroups,
            Optional<HaGroupSync.Plan> haGroups,
            Duration requeue,
            Placements.Model model,
            boolean needsHaRules,
            Optional<PlacementRules.Plan> haRules,
            List<String> placementProblems,
            String placementKey,
            Optional<OtherConnection> other) {
        Reason reason() {
            return ready.reason();
        }

        String message() {
            return ready.message();
        }
    }

    /**
     * The other cluster's connection: its role ({@code standby} or {@code primary}) and settings,
     * or why they do not resolve.
     */
    record OtherConnection(String role, ConnectionSettings settings, String problem) {}

    private ProxmoxClusterPlanner() {}

    /** The other cluster's connection as the spec and its Secrets give it. */
    static Optional<OtherConnection> other(
            ProxmoxCluster cluster,
            Map<ClusterSettingsResolver.SecretKey, ClusterSettingsResolver.SecretValue> secrets) {
        return ClusterSettingsResolver.other(cluster.getSpec())
                .map(
                        site -> {
                            try {
                                return new OtherConnection(
                                        site.role(),
                                        ClusterSettingsResolver.resolve(cluster, site, secrets),
                                        null);
                            } catch (ClusterSettingsResolver.SettingsProblem p) {
                                return new OtherConnection(site.role(), null, p.getMessage());
                            }
                        });
    }

    static Plan plan(
            ProxmoxCluster cluster,
            ProxmoxClusterStatus previous,
            ProxmoxClusterFacts facts,
            Instant now) {
        ConnectionSettings settings = null;
        ClusterSettingsResolver.SettingsProblem problem = null;
        try {
            settings = ClusterSettingsResolver.resolve(cluster, facts.secrets());
        } catch (ClusterSettingsResolver.SettingsProblem p) {
            problem = p;
        }
        PollOutcome outcome = facts.outcome();
        ClusterSnapshot snapshot = outcome.snapshot();
        Verdict connected = connected(problem, outcome);
        Verdict quorate =
                !connected.holds()
                        ? Verdict.unknown(ProxmoxClusterReason.NotConnected, "no fresh facts")
                        : snapshot.quorate()
                                ? Verdict.isTrue(
                                        ProxmoxClusterReason.Quorate,
                                        ClusterStatusBuilder.nodesSummary(snapshot)
                                                + " nodes online")
                                : Verdict.isFalse(
                                        ProxmoxClusterReason.NoQuorum,
                                        "the cluster has lost quorum: writes are refused");
        Verdict privileges = privileges(outcome);
        Verdict ready = ready(List.of(connected, quorate, privileges), snapshot);

        boolean usable = settings != null && outcome.healthy();
        long generation =
                cluster.getMetadata().getGeneration() == null
                        ? 0
                        : cluster.getMetadata().getGeneration();
        Placements.Model model = snapshot == null ? null : Placements.model(snapshot.version());
        Map<String, Placements.Policy> policies = Placements.policies(cluster.getSpec());
        List<String> problems = new ArrayList<>();
        if (snapshot != null) {
            Set<String> members =
                    snapshot.nodes().stream()
                            .map(io.pveha.pve.model.ClusterResource::node)
                            .collect(Collectors.toSet());
            policies.values().stream()
                    .filter(Placements.Policy::strict)
                    .forEach(
                            p ->
                                    p.nodes().keySet().stream()
                                            .filter(n -> !members.isEmpty() && !members.contains(n))
                                            .forEach(
                                                    n ->
                                                            problems.add(
                                                                    "placement policy "
                                                                            + p.name()
                                                                            + " is strict to "
                                                                            + n
                                                                            + ", which is not a node of this cluster")));
        }
        boolean due =
                HaGroupSync.due(
                        Conditions.find(
                                previous == null ? null : previous.getConditions(),
                                ClusterStatusBuilder.PLACEMENT),
                        generation,
                        facts.lastHaGroupCheck(),
                        now);
        boolean groups = usable && model == Placements.Model.GROUPS;
        boolean rules = usable && model == Placements.Model.RULES;
        boolean needsHaGroups = groups && facts.haGroups().isEmpty() && due;
        Optional<HaGroupSync.Plan> haGroups =
                groups
                        ? facts.haGroups()
                                .map(list -> HaGroupSync.plan(cluster, policies.values(), list))
                        : Optional.empty();
        String marker = HaGroupSync.marker(cluster);
        List<PlacementRules.DesiredRule> desired =
                rules
                        ? PlacementRules.desired(
                                marker,
                                policies,
                                facts.haVms(),
                                snapshot.haByVmid().keySet(),
                                problems)
                        : List.of();
        String key = rules ? desired.toString() : "";
        boolean needsHaRules =
                rules
                        && facts.haRules().isEmpty()
                        && (due || !facts.lastPlacementKey().map(key::equals).orElse(false));
        Set<String> ownerComments = new TreeSet<>();
        facts.haVms()
                .forEach(vm -> ownerComments.add(io.pveha.reconciler.vm.Ownership.haComment(vm)));
        Optional<PlacementRules.Plan> haRules =
                rules
                        ? facts.haRules()
                                .map(
                                        list ->
                                                PlacementRules.plan(
                                                        marker, desired, list, ownerComments))
                        : Optional.empty();

        Duration poll = ClusterSettingsResolver.pollInterval(cluster.getSpec());
        Duration requeue = problem != null ? SETTINGS_RETRY : max(poll.multipliedBy(4), SAFETY_NET);
        return new Plan(
                Optional.ofNullable(settings),
                connected,
                quorate,
                privileges,
                tls(settings),
                ready,
                needsHaGroups,
                haGroups,
                requeue,
                model,
                needsHaRules,
                haRules,
                List.copyOf(problems),
                key,
                other(cluster, facts.secrets()));
    }

    static Verdict connected(ClusterSettingsResolver.SettingsProblem problem, PollOutcome outcome) {
        ClusterSnapshot snapshot = outcome.snapshot();
        if (problem != null) {
            return Verdict.isFalse(problem.reason, problem.getMessage());
        }
        if (outcome.error() != null) {
            PveApiException e = outcome.error();
            return Verdict.isFalse(
                    reasonFor(e),
                    e.describe()
                            + (snapshot == null
                                    ? ""
                                    : "; last successful poll at " + snapshot.polledAt()));
        }
        if (snapshot == null) {
            return Verdict.isFalse(ProxmoxClusterReason.Connecting, "waiting for the first poll");
        }
        return Verdict.isTrue(
                ProxmoxClusterReason.Connected,
                "polling via "
                        + snapshot.endpoint()
                        + " (PVE "
                        + snapshot.version().version()
                        + ")");
    }

    static Reason reasonFor(PveApiException e) {
        return switch (e.kind()) {
            case AUTHENTICATION -> ProxmoxClusterReason.AuthenticationFailed;
            case PERMISSION -> ProxmoxClusterReason.PermissionDenied;
            case TLS -> ProxmoxClusterReason.TlsVerificationFailed;
            case CONNECTION, OUTCOME_UNKNOWN -> ProxmoxClusterReason.Unreachable;
            case NODE_UNREACHABLE -> ProxmoxClusterReason.NodeUnreachable;
            case NO_QUORUM -> ProxmoxClusterReason.NoQuorum;
            case NOT_IMPLEMENTED, PROTOCOL -> ProxmoxClusterReason.UnsupportedApi;
            default -> CommonReason.ApiError;
        };
    }

    static Verdict privileges(PollOutcome outcome) {
        if (!outcome.privilegesChecked()) {
            return Verdict.unknown(
                    ProxmoxClusterReason.NotChecked,
                    outcome.snapshot() == null
                            ? "checked after the first successful poll"
                            : "PVE did not answer GET /access/permissions");
        }
        if (outcome.missingPrivileges().isEmpty()) {
            return Verdict.isTrue(
                    ProxmoxClusterReason.PrivilegesComplete,
                    "the token has every privilege the operator uses");
        }
        return Verdict.isFalse(
                ProxmoxClusterReason.MissingPrivileges,
                "the token lacks: "
                        + String.join(
                                ", ",
                                outcome.missingPrivileges().stream()
                                        .map(RequiredPrivileges.Requirement::toString)
                                        .toList()));
    }

    static Verdict tls(ConnectionSettings settings) {
        if (settings == null) {
            return Verdict.unknown(ProxmoxClusterReason.NotConfigured, "settings not resolved");
        }
        PveTls tls = settings.tls();
        if (tls.insecureSkipVerify()) {
            return Verdict.isFalse(
                    ProxmoxClusterReason.InsecureSkipVerify,
                    "certificate verification is disabled by spec.tls.insecureSkipVerify; use a CA bundle or a pinned fingerprint");
        }
        Reason how =
                tls.pinnedFingerprint() != null || tls.perEndpoint()
                        ? ProxmoxClusterReason.PinnedFingerprint
                        : tls.caBundlePem() != null
                                ? ProxmoxClusterReason.CaBundle
                                : ProxmoxClusterReason.SystemTrust;
        return Verdict.isTrue(how, "server certificate verified: " + tls);
    }

    /**
     * The first blocking verdict that does not hold; privileges PVE could not tell (Unknown) do not
     * block.
     */
    static Verdict ready(List<Verdict> blocking, ClusterSnapshot snapshot) {
        for (Verdict v : blocking) {
            if (!v.holds() && v.reason() != ProxmoxClusterReason.NotChecked) {
                return Verdict.isFalse(v.reason(), v.message());
            }
        }
        String ceph =
                snapshot.ceph() == null || snapshot.ceph().status() == null
                        ? "None"
                        : snapshot.ceph().status();
        return Verdict.isTrue(
                ProxmoxClusterReason.Ready,
                "PVE "
                        + snapshot.version().version()
                        + ", "
                        + ClusterStatusBuilder.nodesSummary(snapshot)
                        + " nodes online, Ceph "
                        + ceph);
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
