package io.pveha.reconciler.lb;

import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.pveha.api.SecretKeyRef;
import io.pveha.api.lb.LbHost;
import io.pveha.api.lb.LoadBalancerPair;
import io.pveha.api.lb.LoadBalancerPairSpec;
import io.pveha.api.lb.LoadBalancerPairStatus;
import io.pveha.api.lb.Vip;
import io.pveha.api.vm.HaVm;
import io.pveha.lb.ConfigBundle;
import io.pveha.lb.HostFacts;
import io.pveha.lb.HostTarget;
import io.pveha.lb.LbHostClient;
import io.pveha.lb.apply.ConfigApplier;
import io.pveha.lb.ssh.HostChannelException;
import io.pveha.reconciler.CacheTrim;
import io.pveha.reconciler.EventRecorder;
import io.pveha.reconciler.ReconcileGate;
import io.pveha.reconciler.ReconcileMarker;
import io.pveha.reconciler.Reporter;
import io.pveha.reconciler.SpecOrIntentChanged;
import io.pveha.reconciler.SpecValidation;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles a LoadBalancerPair: gate (pause, invalid spec: {@link ReconcileGate}), desired state
 * (Secrets from the informer cache, selected HaVms, router id, rendered bundles), observation of
 * both hosts in parallel, status written from the observation, then the planned actions (apply or
 * start, standby first), a second observation and status after acting. Status and Events go through
 * the {@link Reporter}; Events report what changed ({@link PairEvents}). The pass repeats every
 * poll interval: hosts do not tell us when a VIP moves, so polling is how the status keeps up
 * (within one interval). A changed Secret or a selected HaVm's new address triggers a pass at once.
 */
@ControllerConfiguration(
        name = "loadbalancerpair",
        generationAwareEventProcessing = false,
        informer = @Informer(onUpdateFilter = SpecOrIntentChanged.class))
public final class LoadBalancerPairReconciler implements Reconciler<LoadBalancerPair> {
    private static final Logger LOG = LoggerFactory.getLogger(LoadBalancerPairReconciler.class);

    /** How long a pass waits for a host to be observed. */
    public static final Duration DEFAULT_OBSERVE_BUDGET = Duration.ofSeconds(10);

    private final LbHostClient hosts;
    private final SpecValidation validation;
    private final EventRecorder events;
    private final Clock clock;
    private final Duration observeBudget;

    /**
     * Observations still running from an earlier pass (a host slow to connect): joined, never
     * started twice.
     */
    private final Map<String, CompletableFuture<HostFacts>> inFlight = new ConcurrentHashMap<>();

    private final ExecutorService observers =
            Executors.newCachedThreadPool(
                    r -> {
                        Thread t = new Thread(r, "lb-observe");
                        t.setDaemon(true);
                        return t;
                    });
    private volatile InformerEventSource<HaVm, LoadBalancerPair> haVms;
    private volatile InformerEventSource<Secret, LoadBalancerPair> secrets;

    public LoadBalancerPairReconciler(
            LbHostClient hosts, SpecValidation validation, EventRecorder events, Clock clock) {
        this(hosts, validation, events, clock, DEFAULT_OBSERVE_BUDGET);
    }

    /**
     * @param validation the CRD's schema and CEL rules, as every kind's gate checks them
     * @param observeBudget how long a pass waits for a host's observation; a host that has not
     *     answered by then is reported unreachable for this pass, so one dead host (TCP connect
     *     timeouts) cannot delay what the status says about the other
     */
    public LoadBalancerPairReconciler(
            LbHostClient hosts,
            SpecValidation validation,
            EventRecorder events,
            Clock clock,
            Duration observeBudget) {
        this.hosts = hosts;
        this.validation = validation;
        this.events = events;
        this.clock = clock;
        this.observeBudget = observeBudget;
    }

    /**
     * HaVms selected by a pair's services (a new IP address or label re-renders the pairs that
     * select them) and the Secrets pairs refer to (a new SSH key or VRRP password is rendered and
     * applied without waiting for the poll; passes read them from this cache, never with an API
     * call).
     */
    @Override
    public List<EventSource<?, LoadBalancerPair>> prepareEventSources(
            EventSourceContext<LoadBalancerPair> context) {
        InformerEventSourceConfiguration<HaVm> vmConfig =
                InformerEventSourceConfiguration.from(HaVm.class, LoadBalancerPair.class)
                        .withName("havms")
                        .withSecondaryToPrimaryMapper(
                                vm ->
                                        context.getPrimaryCache()
                                                .list(
                                                        vm.getMetadata().getNamespace(),
                                                        pair -> selects(pair, vm))
                                                .map(ResourceID::fromResource)
                                                .collect(Collectors.toSet()))
                        .withItemStore(CacheTrim.store())
                        .build();
        InformerEventSourceConfiguration<Secret> secretConfig =
                InformerEventSourceConfiguration.from(Secret.class, LoadBalancerPair.class)
                        .withName("secrets")
                        .withSecondaryToPrimaryMapper(
                                secret ->
                                        context.getPrimaryCache()
                                                .list(
                                                        secret.getMetadata().getNamespace(),
                                                        pair ->
                                                                secretNames(pair)
                                                                        .contains(
                                                                                secret.getMetadata()
                                                                                        .getName()))
                                                .map(ResourceID::fromResource)
                                                .collect(Collectors.toSet()))
                        // Secrets keep fabric8's own store (no CacheTrim): few,
                        // small, their values must not be interned, and with the
                        // trimming store RbacAuditIT's watched-namespaces run
                        // missed an existing Secret in 2 of 7 runs; 0 of 3 without.
                        .build();
        haVms = new InformerEventSource<>(vmConfig, context);
        secrets = new InformerEventSource<>(secretConfig, context);
        return List.of(haVms, secrets);
    }

    static boolean selects(LoadBalancerPair pair, HaVm vm) {
        LoadBalancerPairSpec spec = pair.getSpec();
        if (spec == null || spec.getServices() == null || !inCluster(spec, vm)) {
            return false;
        }
        return spec.getServices().stream()
                .anyMatch(
                        s ->
                                s.getBackends() != null
                                        && s.getBackends().getHaVmSelector() != null
                                        && LabelSelectors.matches(
                                                s.getBackends().getHaVmSelector(),
                                                vm.getMetadata().getLabels()));
    }

    /** The Secrets a pair reads: each host's SSH key and the VRRP password. */
    static Set<String> secretNames(LoadBalancerPair pair) {
        LoadBalancerPairSpec spec = pair.getSpec();
        Set<String> names = new HashSet<>();
        if (spec == null) {
            return names;
        }
        if (spec.getHosts() != null) {
            spec.getHosts().stream()
                    .map(LbHost::getSshKeySecretRef)
                    .filter(Objects::nonNull)
                    .map(SecretKeyRef::getName)
                    .forEach(names::add);
        }
        if (spec.getVip() != null && spec.getVip().getAuthSecretRef() != null) {
            names.add(spec.getVip().getAuthSecretRef().getName());
        }
        names.remove(null);
        return names;
    }

    private static boolean inCluster(LoadBalancerPairSpec spec, HaVm vm) {
        return spec.getClusterRef() == null
                || (vm.getSpec() != null
                        && spec.getClusterRef().equals(vm.getSpec().getClusterRef()));
    }

    @Override
    public UpdateControl<LoadBalancerPair> reconcile(
            LoadBalancerPair pair, Context<LoadBalancerPair> context) {
        try (ReconcileMarker ignored = ReconcileMarker.of(pair)) {
            return reconcileMarked(pair, context);
        }
    }

    @Override
    public ErrorStatusUpdateControl<LoadBalancerPair> updateErrorStatus(
            LoadBalancerPair pair, Context<LoadBalancerPair> context, Exception e) {
        return Reporter.kubernetesError(
                pair,
                context,
                e,
                (status, reason, message) ->
                        LbStatusBuilder.stopped(
                                status, reason, message, generation(pair), clock.instant()));
    }

    private UpdateControl<LoadBalancerPair> reconcileMarked(
            LoadBalancerPair pair, Context<LoadBalancerPair> context) {
        Reporter<LoadBalancerPair, LoadBalancerPairStatus> reporter =
                new Reporter<>(pair, context, events);
        LoadBalancerPairStatus previous = pair.getStatus();
        long generation = generation(pair);
        Instant now = clock.instant();
        Optional<ReconcileGate.Stop> stop =
                ReconcileGate.check(
                        pair, previous == null ? null : previous.getConditions(), validation);
        if (stop.isPresent()) {
            // Paused: hosts are neither observed nor changed. Invalid: permanent until the spec
            // changes, which triggers a pass.
            reporter.report(
                    LbStatusBuilder.stopped(
                            previous, stop.get().reason(), stop.get().message(), generation, now),
                    stop.get().note().stream().toList());
            return UpdateControl.noUpdate();
        }
        LoadBalancerPairSpec spec = pair.getSpec();
        Duration interval =
                Duration.ofSeconds(
                        Objects.requireNonNullElse(
                                spec.getPollIntervalSeconds(),
                                LoadBalancerPairSpec.DEFAULT_POLL_INTERVAL_SECONDS));

        RouterIdAllocator.Allocation routerId =
                RouterIdAllocator.allocate(
                        known(pair),
                        context.getPrimaryCache()
                                .list()
                                .map(LoadBalancerPairReconciler::known)
                                .toList());
        LbStatusBuilder.Problem problem = null;
        DesiredPairResolver.DesiredPair desired = null;
        if (!routerId.ok()) {
            problem = new LbStatusBuilder.Problem(LbReason.RouterIdConflict, routerId.conflict());
        } else {
            try {
                desired =
                        new DesiredPairResolver(new CachedSecrets(this::cachedSecret))
                                .resolve(pair, routerId.id(), haVmsOf(pair));
            } catch (PairProblem e) {
                problem = new LbStatusBuilder.Problem(e.reason(), e.getMessage());
            }
        }

        long started = System.nanoTime();
        Map<String, HostFacts> facts = desired == null ? Map.of() : observe(pair, desired);
        long observedAt = System.nanoTime();
        String vip = spec.getVip().getAddress();
        LoadBalancerPairStatus observed =
                LbStatusBuilder.build(
                        inputs(
                                pair,
                                previous,
                                generation,
                                now,
                                routerId.id(),
                                problem,
                                desired,
                                facts,
                                Map.of()));
        reporter.report(observed, PairEvents.between(previous, observed, vip, facts, Map.of()));
        LOG.debug(
                "pass: observed in {} ms, status after {} ms",
                (observedAt - started) / 1_000_000,
                (System.nanoTime() - started) / 1_000_000);
        if (desired == null) {
            return UpdateControl.<LoadBalancerPair>noUpdate().rescheduleAfter(interval);
        }

        List<PairPlanner.HostAction> plan =
                PairPlanner.plan(
                        desired.bundles(),
                        facts,
                        previous,
                        vip,
                        desired.config().preferredMaster().name());
        if (plan.isEmpty()) {
            return UpdateControl.<LoadBalancerPair>noUpdate().rescheduleAfter(interval);
        }
        Map<String, LbStatusBuilder.ActionResult> results = act(desired, facts, plan);
        Map<String, HostFacts> after = observe(pair, desired);
        LoadBalancerPairStatus acted =
                LbStatusBuilder.build(
                        inputs(
                                pair,
                                observed,
                                generation,
                                clock.instant(),
                                routerId.id(),
                                null,
                                desired,
                                after,
                                results));
        reporter.report(acted, PairEvents.between(observed, acted, vip, after, results));
        LOG.debug("pass with actions took {} ms", (System.nanoTime() - started) / 1_000_000);
        return UpdateControl.<LoadBalancerPair>noUpdate().rescheduleAfter(interval);
    }

    /**
     * One action at a time; an apply that does not succeed stops the others, so the VIP holder
     * keeps a working config.
     */
    private Map<String, LbStatusBuilder.ActionResult> act(
            DesiredPairResolver.DesiredPair desired,
            Map<String, HostFacts> facts,
            List<PairPlanner.HostAction> plan) {
        Map<String, LbStatusBuilder.ActionResult> results = new LinkedHashMap<>();
        for (PairPlanner.HostAction action : plan) {
            HostTarget target = desired.target(action.host());
            long began = System.nanoTime();
            ConfigApplier.Result result =
                    action.kind() == PairPlanner.Kind.APPLY
                            ? hosts.apply(
                                    target, action.bundle(), facts.get(action.host()).observation())
                            : hosts.startStopped(target, facts.get(action.host()).observation());
            LOG.info(
                    "{} {}: {} in {} ms {}",
                    action.kind(),
                    action.host(),
                    result.outcome(),
                    (System.nanoTime() - began) / 1_000_000,
                    result.message());
            results.put(action.host(), new LbStatusBuilder.ActionResult(action.kind(), result));
            if (action.kind() == PairPlanner.Kind.APPLY && !result.applied()) {
                break;
            }
        }
        return results;
    }

    private Map<String, HostFacts> observe(
            LoadBalancerPair pair, DesiredPairResolver.DesiredPair desired) {
        Map<String, CompletableFuture<HostFacts>> pending = new LinkedHashMap<>();
        for (HostTarget target : desired.targets()) {
            ConfigBundle bundle = desired.bundles().get(target.host().name());
            String key =
                    pair.getMetadata().getNamespace()
                            + "/"
                            + pair.getMetadata().getName()
                            + "/"
                            + target.host().name();
            CompletableFuture<HostFacts> future =
                    inFlight.compute(
                            key,
                            (k, running) ->
                                    running != null && !running.isDone()
                                            ? running
                                            : CompletableFuture.supplyAsync(
                                                    () -> hosts.observe(target, bundle.paths()),
                                                    observers));
            // Only a still-running observation is worth keeping for the next pass.
            future.whenComplete((facts, error) -> inFlight.remove(key, future));
            pending.put(target.host().name(), future);
        }
        long deadline = System.nanoTime() + observeBudget.toNanos();
        Map<String, HostFacts> facts = new LinkedHashMap<>();
        for (Map.Entry<String, CompletableFuture<HostFacts>> e : pending.entrySet()) {
            try {
                facts.put(
                        e.getKey(),
                        e.getValue()
                                .get(
                                        Math.max(0, deadline - System.nanoTime()),
                                        TimeUnit.NANOSECONDS));
            } catch (TimeoutException timeout) {
                facts.put(
                        e.getKey(),
                        HostFacts.failed(
                                HostChannelException.Reason.UNREACHABLE,
                                "no answer within " + observeBudget.toMillis() + " ms",
                                null));
            } catch (ExecutionException failure) {
                facts.put(
                        e.getKey(),
                        HostFacts.failed(
                                HostChannelException.Reason.UNREACHABLE,
                                "observation failed: " + failure.getCause(),
                                null));
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                facts.put(
                        e.getKey(),
                        HostFacts.failed(
                                HostChannelException.Reason.UNREACHABLE, "interrupted", null));
            }
        }
        return facts;
    }

    private static LbStatusBuilder.Inputs inputs(
            LoadBalancerPair pair,
            LoadBalancerPairStatus previous,
            long generation,
            Instant now,
            Integer routerId,
            LbStatusBuilder.Problem problem,
            DesiredPairResolver.DesiredPair desired,
            Map<String, HostFacts> facts,
            Map<String, LbStatusBuilder.ActionResult> results) {
        return new LbStatusBuilder.Inputs(
                pair.getSpec(),
                previous,
                generation,
                now,
                routerId,
                problem,
                desired == null ? Map.of() : desired.bundles(),
                desired == null ? List.of() : desired.config().services(),
                desired == null
                        ? (previous == null ? List.of() : previous.getUnroutableBackends())
                        : desired.unroutable(),
                facts,
                results);
    }

    private Optional<Secret> cachedSecret(ResourceID id) {
        return secrets == null ? Optional.empty() : secrets.get(id);
    }

    private static long generation(LoadBalancerPair pair) {
        return Objects.requireNonNullElse(pair.getMetadata().getGeneration(), 0L);
    }

    private List<HaVm> haVmsOf(LoadBalancerPair pair) {
        if (haVms == null) {
            return List.of();
        }
        return haVms.list(pair.getMetadata().getNamespace(), vm -> inCluster(pair.getSpec(), vm))
                .toList();
    }

    static RouterIdAllocator.KnownPair known(LoadBalancerPair pair) {
        LoadBalancerPairSpec spec = pair.getSpec();
        Set<String> addresses =
                spec == null || spec.getHosts() == null
                        ? Set.of()
                        : spec.getHosts().stream()
                                .map(LbHost::getAddress)
                                .filter(Objects::nonNull)
                                .collect(Collectors.toSet());
        Vip vip = spec == null ? null : spec.getVip();
        return new RouterIdAllocator.KnownPair(
                pair.getMetadata().getNamespace() + "/" + pair.getMetadata().getName(),
                vip == null ? null : vip.getVirtualRouterId(),
                pair.getStatus() == null ? null : pair.getStatus().getVirtualRouterId(),
                addresses,
                vip == null
                        ? null
                        : RouterIdAllocator.network(vip.getAddress(), vip.getPrefixLength()));
    }
}
