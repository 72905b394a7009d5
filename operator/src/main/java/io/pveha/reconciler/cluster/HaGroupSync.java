package io.pveha.reconciler.cluster;

import io.fabric8.kubernetes.api.model.Condition;
import io.pveha.api.cluster.ProxmoxCluster;
import io.pveha.pve.model.HaGroup;
import io.pveha.reconciler.Conditions;
import io.pveha.reconciler.Reason;
import io.pveha.reconciler.placement.Placements;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The HA groups a ProxmoxCluster declares, kept in PVE: missing ones are created, drifted ones
 * corrected, and the ones it created that the spec no longer declares removed. Groups it did not
 * create (no comment naming this ProxmoxCluster) are never changed or removed. Pure decisions: when
 * to look ({@link #due}: when the spec changed, and every {@link #RECHECK}, not at every poll:
 * reading the groups is a call), what to change ({@link #plan}), and what to report ({@link
 * #outcome}). Kept apart from the rest of the cluster's plan because PVE 9 replaces HA groups by HA
 * rules.
 */
final class HaGroupSync {
    static final Duration RECHECK = Duration.ofMinutes(10);

    /**
     * After a failed check (PVE refused, or the API is not there): again, but not at every poll.
     */
    static final Duration RETRY = Duration.ofMinutes(1);

    /** A change to PVE's HA groups, as {@code /cluster/ha/groups} takes it. */
    sealed interface Action {
        String group();

        /** What was done, for the condition's message: "created frontline". */
        String done();
    }

    /**
     * @param params the group's settings, its id ({@code group}) included
     */
    record CreateGroup(String group, Map<String, Object> params) implements Action {
        public String done() {
            return "created " + group;
        }
    }

    record UpdateGroup(String group, Map<String, Object> params) implements Action {
        public String done() {
            return "updated " + group;
        }
    }

    record DeleteGroup(String group) implements Action {
        public String done() {
            return "removed " + group;
        }
    }

    /**
     * @param actions what to change, in order
     * @param foreign declared groups that exist and are not ours: left as they are
     * @param declared the names the spec declares
     */
    record Plan(List<Action> actions, List<String> foreign, List<String> declared) {}

    /** The HaGroupsInSync condition. */
    record Outcome(boolean inSync, Reason reason, String message) {}

    private HaGroupSync() {}

    static String marker(ProxmoxCluster cluster) {
        return "pveha.io/cluster="
                + cluster.getMetadata().getNamespace()
                + "/"
                + cluster.getMetadata().getName();
    }

    /**
     * Whether the groups are to be read (and corrected) in this pass: never checked (in status, or
     * since the operator started), the spec changed since the last check, or the last check is
     * {@link #RECHECK} old ({@link #RETRY} when it failed or found foreign groups).
     *
     * @param condition the HaGroupsInSync condition in status: its observedGeneration is the spec
     *     the last check saw
     * @param lastCheck when this operator last checked, if it did
     */
    static boolean due(
            Optional<Condition> condition,
            long generation,
            Optional<Instant> lastCheck,
            Instant now) {
        if (condition.isEmpty()
                || lastCheck.isEmpty()
                || !Objects.equals(condition.get().getObservedGeneration(), generation)) {
            return true;
        }
        Duration every = Conditions.TRUE.equals(condition.get().getStatus()) ? RECHECK : RETRY;
        return Duration.between(lastCheck.get(), now).compareTo(every) >= 0;
    }

    static Plan plan(ProxmoxCluster cluster, List<HaGroup> groups) {
        return plan(cluster, Placements.policies(cluster.getSpec()).values(), groups);
    }

    /** The groups of {@code policies} (placement policies and deprecated HA groups alike). */
    static Plan plan(
            ProxmoxCluster cluster, Collection<Placements.Policy> policies, List<HaGroup> groups) {
        String marker = marker(cluster);
        Map<String, HaGroup> existing =
                groups.stream()
                        .collect(
                                Collectors.toMap(
                                        HaGroup::group, g -> g, (a, b) -> a, LinkedHashMap::new));
        List<Action> actions = new ArrayList<>();
        List<String> foreign = new ArrayList<>();
        for (Placements.Policy declared : policies) {
            Map<String, Object> wanted = params(declared, marker);
            HaGroup current = existing.get(declared.name());
            if (current == null) {
                Map<String, Object> create = new LinkedHashMap<>(wanted);
                create.put("group", declared.name());
                actions.add(new CreateGroup(declared.name(), create));
            } else if (current.comment() != null && !current.comment().equals(marker)) {
                foreign.add(declared.name());
            } else if (!same(current, wanted)) {
                actions.add(new UpdateGroup(declared.name(), wanted));
            }
        }
        List<String> declared = policies.stream().map(Placements.Policy::name).toList();
        for (HaGroup group : existing.values()) {
            if (marker.equals(group.comment()) && !declared.contains(group.group())) {
                actions.add(new DeleteGroup(group.group()));
            }
        }
        return new Plan(actions, foreign, declared);
    }

    /**
     * What the check came to once every action of the plan was carried out ({@code done} lists
     * them).
     */
    static Outcome outcome(Plan plan, List<Action> done) {
        if (!plan.foreign().isEmpty()) {
            return new Outcome(
                    false,
                    ProxmoxClusterReason.HaGroupNotOwned,
                    "HA group(s) "
                            + String.join(", ", plan.foreign())
                            + " exist in PVE and were not created by this ProxmoxCluster; they are left as they are");
        }
        String summary =
                plan.declared().isEmpty()
                        ? "no placement policies declared"
                        : plan.declared().size() + " HA group(s) in sync";
        return new Outcome(
                true,
                ProxmoxClusterReason.HaGroupsInSync,
                done.isEmpty()
                        ? summary
                        : summary
                                + " ("
                                + done.stream().map(Action::done).collect(Collectors.joining(", "))
                                + ")");
    }

    /** PVE refused or failed a read or a change of the groups ({@code why} says which and why). */
    static Outcome failed(String why) {
        return new Outcome(false, ProxmoxClusterReason.HaGroupSyncFailed, why);
    }

    static Map<String, Object> params(Placements.Policy policy, String marker) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put(
                "nodes",
                policy.nodes().entrySet().stream()
                        .map(n -> n.getValue() == 0 ? n.getKey() : n.getKey() + ":" + n.getValue())
                        .collect(Collectors.joining(",")));
        p.put("restricted", policy.strict());
        p.put("nofailback", !policy.failback());
        p.put("comment", marker);
        return p;
    }

    private static boolean same(HaGroup current, Map<String, Object> wanted) {
        return Objects.equals(
                        normalizeNodes(current.nodes()),
                        normalizeNodes((String) wanted.get("nodes")))
                && Boolean.TRUE.equals(current.restricted()) == (Boolean) wanted.get("restricted")
                && Boolean.TRUE.equals(current.nofailback()) == (Boolean) wanted.get("nofailback")
                && Objects.equals(current.comment(), wanted.get("comment"));
    }

    private static String normalizeNodes(String nodes) {
        return nodes == null
                ? ""
                : Arrays.stream(nodes.split(","))
                        .map(String::strip)
                        .sorted()
                        .collect(Collectors.joining(","));
    }
}
