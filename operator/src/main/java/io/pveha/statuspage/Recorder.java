package io.pveha.statuspage;

import io.pveha.api.monitoring.IncidentState;
import io.pveha.statuspage.PlatformView.Segment;
import io.pveha.statuspage.PlatformView.TimelineEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The page's own memory, kept in this process (each replica keeps its own, from the same status):
 * the last 24 hours of each node's and each check's state, and the timeline of each incident,
 * including the ones the alert engine has closed (status keeps only open incidents). A restarted
 * operator starts with an empty history; open incidents are rebuilt from status.
 *
 * <p>Not thread-safe: the page's sampler is its only writer.
 */
final class Recorder {
    static final Duration WINDOW = Duration.ofHours(24);
    static final int MAX_RESOLVED = 50;

    private final Map<String, Deque<Segment>> histories = new LinkedHashMap<>();
    private final Map<String, Incident> incidents = new LinkedHashMap<>();

    /** An incident as the page saw it unfold. */
    static final class Incident {
        final String cluster;
        final String id;
        final String node;
        final String startedAt;
        String recoveredAt;
        String resolvedAt;
        final List<String> vms = new ArrayList<>();
        final List<String> backends = new ArrayList<>();
        final List<TimelineEntry> timeline = new ArrayList<>();
        final Set<String> seen = new HashSet<>();

        Incident(String cluster, IncidentState s) {
            this.cluster = cluster;
            this.id = s.getId();
            this.node = s.getNode();
            this.startedAt = s.getStartedAt();
            s.getVms().forEach(v -> vms.add(v.getName()));
            backends.addAll(s.getBackends());
            add("node_down", s.getStartedAt(), null, s.getNode());
        }

        void add(String event, String at, String vm, String node) {
            if (seen.add(event + "/" + vm)) {
                timeline.add(new TimelineEntry(at, event, vm, node));
            }
        }

        boolean open() {
            return resolvedAt == null;
        }
    }

    /** The subject's state from now on; a segment starts only when the state changes. */
    void state(String subject, String state, Instant now) {
        Deque<Segment> segments = histories.computeIfAbsent(subject, k -> new ArrayDeque<>());
        if (segments.isEmpty() || !segments.peekLast().state().equals(state)) {
            segments.addLast(new Segment(now.toString(), state));
        }
        // Keep one segment that began before the window: it is the state at the window's start.
        Instant start = now.minus(WINDOW);
        while (segments.size() > 1) {
            Segment first = segments.pollFirst();
            Segment second = segments.peekFirst();
            if (Instant.parse(second.from()).isAfter(start)) {
                segments.addFirst(first);
                break;
            }
        }
    }

    /** The subject's segments in the last 24 hours (the first may begin earlier). */
    List<Segment> history(String subject) {
        Deque<Segment> segments = histories.get(subject);
        return segments == null ? List.of() : List.copyOf(segments);
    }

    /** Forgets the subjects not in {@code present} (a node or check that no longer exists). */
    void retain(Set<String> present) {
        histories.keySet().retainAll(present);
    }

    /**
     * Follows the open incidents of one cluster's status: new steps are added to the timeline at
     * the time the status gives (start, recovery) or, when it gives none, the time this page first
     * saw them. An incident the status no longer lists is resolved now, or when the node's {@code
     * NodeOffline} alert says it resolved.
     */
    void incidents(
            String cluster,
            List<IncidentState> open,
            Map<String, String> nodeResolvedAt,
            Instant now) {
        Set<String> ids = new HashSet<>();
        for (IncidentState s : open) {
            if (s.getId() == null) {
                continue;
            }
            ids.add(s.getId());
            Incident i = incidents.computeIfAbsent(s.getId(), k -> new Incident(cluster, s));
            i.resolvedAt = null;
            if (Boolean.TRUE.equals(s.getFenced())) {
                i.add("fenced", now.toString(), null, s.getNode());
            }
            for (IncidentState.IncidentVm v : s.getVms()) {
                if (v.getStartedOn() != null) {
                    i.add("vm_started", now.toString(), v.getName(), v.getStartedOn());
                }
            }
            if (s.getRecoveredAt() != null) {
                i.recoveredAt = s.getRecoveredAt();
                i.add("recovered", s.getRecoveredAt(), null, s.getNode());
            }
        }
        for (Incident i : incidents.values()) {
            if (i.cluster.equals(cluster) && i.open() && !ids.contains(i.id)) {
                i.resolvedAt = nodeResolvedAt.getOrDefault(i.node, now.toString());
                i.add("resolved", i.resolvedAt, null, i.node);
            }
        }
        prune(now);
    }

    /** A cluster that is gone: its open incidents end with it. */
    void clusterGone(String cluster, Instant now) {
        incidents.values().removeIf(i -> i.cluster.equals(cluster));
        histories.keySet().removeIf(k -> k.startsWith(cluster + "|"));
    }

    private void prune(Instant now) {
        Instant cutoff = now.minus(WINDOW);
        incidents.values().removeIf(i -> !i.open() && Instant.parse(i.resolvedAt).isBefore(cutoff));
        List<Incident> resolved = incidents.values().stream().filter(i -> !i.open()).toList();
        for (int n = 0; n < resolved.size() - MAX_RESOLVED; n++) {
            incidents.remove(resolved.get(n).id);
        }
    }

    /** The cluster's incidents, open first, newest first. */
    List<Incident> incidents(String cluster) {
        List<Incident> out = new ArrayList<>();
        for (Incident i : incidents.values()) {
            if (i.cluster.equals(cluster)) {
                out.add(i);
            }
        }
        out.sort(
                java.util.Comparator.comparing((Incident i) -> !i.open())
                        .thenComparing(
                                (Incident i) -> i.startedAt, java.util.Comparator.reverseOrder()));
        return out;
    }
}
