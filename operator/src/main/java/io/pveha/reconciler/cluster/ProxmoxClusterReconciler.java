package io.pveha.reconciler.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.pveha.api.cluster.ProxmoxCluster;
import io.pveha.api.cluster.ProxmoxClusterSpec;
import io.pveha.api.cluster.ProxmoxClusterStatus;
import io.pveha.cluster.ClusterConnection;
import io.pveha.cluster.ClusterConnections;
import io.pveha.cluster.ClusterKey;
import io.pveha.cluster.ConnectionSettings;
import io.pveha.cluster.PollOutcome;
import io.pveha.pve.PveTls;
import io.pveha.reconciler.Conditions;
import io.pveha.reconciler.Copies;
import io.pveha.reconciler.EventRecorder;
import io.pveha.reconciler.Paused;
import io.pveha.reconciler.ReconcileMarker;
import io.pveha.reconciler.SpecOrIntentChanged;
import io.pveha.reconciler.SpecValidation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Keeps one connection and bulk poll per ProxmoxCluster and reports what the poll sees. Observation is
 * the poller's job; this reconciler only (re)configures the connection and turns the latest outcome
 * into status, conditions and Events.
 */
@ControllerConfiguration(name = "proxmoxcluster", generationAwareEventProcessing = false,
        informer = @Informer(onUpdateFilter = SpecOrIntentChanged.class))
public class ProxmoxClusterReconciler implements Reconciler<ProxmoxCluster>, Cleaner<ProxmoxCluster> {
    private static final Logger LOG = LoggerFactory.getLogger(ProxmoxClusterReconciler.class);
    /** Volatile facts (load, uptime, usage, poll time) are refreshed in status at most this often. */
    static final Duration HEARTBEAT = Duration.ofMinutes(5);

    private final ClusterConnections connections;
    private final SpecValidation validation;
    private final EventRecorder events;
    private final Clock clock;
    private final HaGroupSync haGroups;

    public ProxmoxClusterReconciler(ClusterConnections connections, SpecValidation validation, EventRecorder events, Clock clock) {
        this.connections = connections;
        this.validation = validation;
        this.events = events;
        this.clock = clock;
        this.haGroups = new HaGroupSync(clock);
    }

    @Override
    public List<EventSource<?, ProxmoxCluster>> prepareEventSources(EventSourceContext<ProxmoxCluster> context) {
        PollEventSource source = new PollEventSource();
        connections.addListener(source);
        return List.of(source);
    }

    @Override
    public UpdateControl<ProxmoxCluster> reconcile(ProxmoxCluster cluster, Context<ProxmoxCluster> context) {
        try (ReconcileMarker ignored = ReconcileMarker.of(cluster)) {
            ClusterKey key = ClusterKey.of(cluster);
            ProxmoxClusterStatus previous = cluster.getStatus();
            long generation = cluster.getMetadata().getGeneration() == null ? 0 : cluster.getMetadata().getGeneration();
            Instant now = clock.instant();
            if (Paused.isPaused(cluster)) {
                writeStatus(cluster, withOnlyReady(previous, Conditions.FALSE, io.pveha.reconciler.CommonReason.ReconciliationPaused.name(), Paused.MESSAGE, generation, now), context);
                return UpdateControl.noUpdate();
            }
            List<String> problems = validation.problems(cluster);
            if (!problems.isEmpty()) {
                String message = String.join("; ", problems);
                ProxmoxClusterStatus status = withOnlyReady(previous, Conditions.FALSE, io.pveha.reconciler.CommonReason.InvalidSpec.name(), message, generation, now);
                if (writeStatus(cluster, status, context)) {
                    events.warning(cluster, io.pveha.reconciler.CommonReason.InvalidSpec.name(), message);
                }
                connections.remove(key);
                return UpdateControl.noUpdate();
            }
            String problemReason = null;
            String problemMessage = null;
            PveTls tls = null;
            PollOutcome outcome = connections.get(key).map(ClusterConnection::outcome).orElse(null);
            Duration poll = Duration.ofSeconds(Optional.ofNullable(cluster.getSpec().getPollIntervalSeconds())
                    .orElse(ProxmoxClusterSpec.DEFAULT_POLL_INTERVAL_SECONDS));
            HaGroupSync.Outcome groups = null;
            try {
                ConnectionSettings settings = new ClusterSettingsResolver(context.getClient()).resolve(cluster);
                tls = settings.tls();
                ClusterConnection connection = connections.ensure(key, settings);
                outcome = connection.outcome();
                if (outcome.healthy()) {
                    groups = haGroups.sync(cluster, connection);
                }
            } catch (ClusterSettingsResolver.SettingsProblem e) {
                problemReason = e.reason;
                problemMessage = e.getMessage();
            }
            ClusterStatusBuilder.Result result = ClusterStatusBuilder.build(new ClusterStatusBuilder.Inputs(
                    previous, outcome, problemReason, problemMessage, tls, generation, now));
            if (groups != null) {
                result.status().setConditions(Conditions.set(result.status().getConditions(), ClusterStatusBuilder.HA_GROUPS,
                        groups.inSync() ? Conditions.TRUE : Conditions.FALSE, groups.reason(), groups.message(), generation, now));
            }
            if (writeStatus(cluster, result.status(), context)) {
                result.events().forEach(e -> events.record(cluster, e.type(), e.reason(), e.message()));
                Conditions.find(result.status().getConditions(), Conditions.READY).ifPresent(ready ->
                        LOG.debug("status written: Ready={} ({}) {}", ready.getStatus(), ready.getReason(), ready.getMessage()));
                result.events().forEach(e -> LOG.info("{}: {}", e.reason(), e.message()));
            }
            // Polls drive this reconciler; the reschedule is only a safety net (and retries Secret problems).
            Duration next = problemReason != null ? Duration.ofSeconds(30) : max(poll.multipliedBy(4), Duration.ofMinutes(1));
            return UpdateControl.<ProxmoxCluster>noUpdate().rescheduleAfter(next);
        }
    }

    @Override
    public DeleteControl cleanup(ProxmoxCluster cluster, Context<ProxmoxCluster> context) {
        connections.remove(ClusterKey.of(cluster));
        haGroups.forget(cluster);
        LOG.info("cluster {} deleted: polling stopped (HA groups in PVE are left as they are)", ClusterKey.of(cluster));
        return DeleteControl.defaultDelete();
    }

    private boolean writeStatus(ProxmoxCluster cluster, ProxmoxClusterStatus status, Context<ProxmoxCluster> context) {
        ProxmoxClusterStatus previous = cluster.getStatus();
        if (previous != null && onlyVolatileChanged(previous, status, context)) {
            return false;
        }
        try {
            return io.pveha.reconciler.StatusPatch.write(cluster, status, context).changed();
        } catch (io.pveha.reconciler.StatusPatch.Conflict e) {
            LOG.debug("status write skipped: {}", e.getMessage());
            return false;
        }
    }

    /** True when only load, usage, uptime or poll time moved and the last heartbeat is recent. */
    private boolean onlyVolatileChanged(ProxmoxClusterStatus before, ProxmoxClusterStatus after, Context<ProxmoxCluster> context) {
        var serialization = context.getClient().getKubernetesSerialization();
        JsonNode a = stable(serialization.convertValue(before, JsonNode.class));
        JsonNode b = stable(serialization.convertValue(after, JsonNode.class));
        if (!a.equals(b)) {
            return false;
        }
        String last = before.getLastPollTime();
        return last != null && Duration.between(Instant.parse(last), clock.instant()).compareTo(HEARTBEAT) < 0;
    }

    private static JsonNode stable(JsonNode status) {
        if (status instanceof ObjectNode o) {
            o.remove("lastPollTime");
            o.path("nodes").forEach(n -> ((ObjectNode) n).remove(Set.of("cpu", "memoryUsedBytes", "uptimeSeconds")));
            o.path("storages").forEach(s -> ((ObjectNode) s).remove("usedBytes"));
        }
        return status;
    }

    private static ProxmoxClusterStatus withOnlyReady(ProxmoxClusterStatus previous, String status, String reason, String message,
                                                      long generation, Instant now) {
        ProxmoxClusterStatus next = previous == null ? new ProxmoxClusterStatus() : Copies.deepCopy(previous, ProxmoxClusterStatus.class);
        next.setObservedGeneration(generation);
        next.setConditions(Conditions.set(next.getConditions(), Conditions.READY, status, reason, message, generation, now));
        return next;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    /** Reconciles a ProxmoxCluster after each of its polls. */
    private static final class PollEventSource extends AbstractEventSource<PollOutcome, ProxmoxCluster>
            implements ClusterConnections.Listener {
        PollEventSource() {
            super(PollOutcome.class, "proxmoxcluster-polls");
        }

        @Override
        public void polled(ClusterKey key, PollOutcome previous, PollOutcome current) {
            if (isRunning()) {
                getEventHandler().handleEvent(new Event(new ResourceID(key.name(), key.namespace())));
            }
        }

        @Override
        public Set<PollOutcome> getSecondaryResources(ProxmoxCluster primary) {
            return Set.of();
        }
    }
}
