package io.pveha.reconciler.vm;

import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.pveha.api.backup.BackupPolicy;
import io.pveha.api.cluster.ProxmoxCluster;
import io.pveha.api.vm.CloudInit;
import io.pveha.api.vm.HaVm;
import io.pveha.api.vm.HaVmStatus;
import io.pveha.api.vm.Source;
import io.pveha.api.vm.TemplateSource;
import io.pveha.cluster.ClusterConnection;
import io.pveha.cluster.ClusterConnections;
import io.pveha.cluster.ClusterKey;
import io.pveha.cluster.ClusterSnapshot;
import io.pveha.pve.PveApiException;
import io.pveha.pve.model.ClusterResource;
import io.pveha.pve.model.HaGroup;
import io.pveha.pve.model.HaStatusEntry;
import io.pveha.pve.model.VmConfig;
import io.pveha.reconciler.ClusterView;
import io.pveha.reconciler.Secrets;
import io.pveha.reconciler.task.TaskLedger;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Reads what a HaVm's plan needs, without changing anything in PVE or Kubernetes. The VM, its HA
 * service and pending tasks come from the cluster's shared poll (no call per VM); the clone source,
 * the BackupPolicy and the cloud-init Secrets come from informer caches. A call of its own is made
 * only when the planner's rules ask for one: the VM's configuration ({@link
 * HaVmPlanner#configDue}), the guest agent's addresses ({@link HaVmPlanner#addressesDue}), the HA
 * groups ({@link HaVmPlanner#haGroupsDue}), and once per template and half hour, whether a template
 * has the guest agent (which its clones inherit).
 */
final class HaVmObserver {
    static final Duration TEMPLATE_FACTS_TTL = Duration.ofMinutes(30);

    /** Where the observer finds Kubernetes objects: the informer caches of the controller. */
    record Caches(
            Function<ResourceID, Optional<HaVm>> haVms,
            Function<ResourceID, Optional<BackupPolicy>> backupPolicies,
            Function<ResourceID, Optional<Secret>> secrets,
            Function<ResourceID, Optional<ProxmoxCluster>> clusters,
            Function<String, List<HaVm>> haVmsIn,
            Function<String, List<BackupPolicy>> backupPoliciesIn) {

        Caches(
                Function<ResourceID, Optional<HaVm>> haVms,
                Function<ResourceID, Optional<BackupPolicy>> backupPolicies,
                Function<ResourceID, Optional<Secret>> secrets,
                Function<ResourceID, Optional<ProxmoxCluster>> clusters,
                Function<String, List<HaVm>> haVmsIn) {
            this(haVms, backupPolicies, secrets, clusters, haVmsIn, ns -> List.of());
        }

        Caches(
                Function<ResourceID, Optional<HaVm>> haVms,
                Function<ResourceID, Optional<BackupPolicy>> backupPolicies,
                Function<ResourceID, Optional<Secret>> secrets) {
            this(
                    haVms,
                    backupPolicies,
                    secrets,
                    id -> Optional.empty(),
                    ns -> List.of(),
                    ns -> List.of());
        }
    }

    /** The cluster's placement policies and the HaVms of the same cluster, from the caches. */
    static HaVmFacts.Placement placement(HaVm vm, Caches caches) {
        String ns = vm.getMetadata().getNamespace();
        String cluster = vm.getSpec().getClusterRef().getName();
        return new HaVmFacts.Placement(
                caches.clusters().apply(new ResourceID(cluster, ns)),
                caches.haVmsIn().apply(ns).stream()
                        .filter(o -> io.pveha.reconciler.placement.Placements.sameCluster(vm, o))
                        .toList(),
                caches.backupPoliciesIn().apply(ns).stream()
                        .filter(
                                p ->
                                        p.getSpec() != null
                                                && p.getSpec().getClusterRef() != null
                                                && cluster.equals(
                                                        p.getSpec().getClusterRef().getName()))
                        .sorted(java.util.Comparator.comparing(p -> p.getMetadata().getName()))
                        .toList());
    }

    private record TemplateAgent(boolean enabled, Instant readAt) {}

    private final ClusterConnections connections;
    private final TaskLedger ledger;
    private final VmMemory.Store memories;

    /**
     * Whether a template has the guest agent enabled, by cluster and VMID: its clones inherit the
     * setting.
     */
    private final Map<String, CompletableFuture<TemplateAgent>> templateAgents =
            new ConcurrentHashMap<>();

    HaVmObserver(ClusterConnections connections, TaskLedger ledger, VmMemory.Store memories) {
        this.connections = connections;
        this.ledger = ledger;
        this.memories = memories;
    }

    static ClusterKey clusterKey(HaVm vm) {
        return new ClusterKey(
                vm.getMetadata().getNamespace(), vm.getSpec().getClusterRef().getName());
    }

    HaVmFacts observe(HaVm vm, Caches caches, Instant now) {
        String uid = vm.getMetadata().getUid();
        HaVmStatus status = vm.getStatus();
        Integer vmid =
                status != null && status.getVmid() != null
                        ? status.getVmid()
                        : vm.getSpec().getVmid();
        ClusterView cluster = ClusterView.of(connections, clusterKey(vm));
        if (!cluster.usable()) {
            return HaVmFacts.clusterOnly(cluster, vmid, memories.get(uid));
        }
        ClusterSnapshot snapshot = cluster.snapshot();
        ClusterConnection connection = cluster.connection();
        HaVmFacts.Placement placement = placement(vm, caches);
        String here =
                io.pveha.reconciler.recovery.RecoveryPlanner.site(
                        snapshot,
                        placement.clusterSpec().map(s -> s.getDisasterRecovery()).orElse(null));
        if (livesElsewhere(status, here)) {
            // The VM lives on another PVE cluster than the one this connection reaches (a
            // disaster-recovery switch): its VMID and pending task mean nothing here, and a VM
            // with that VMID here is not it. The planner decides from the cluster alone.
            return HaVmFacts.clusterOnly(cluster, vmid, memories.get(uid)).withPlacement(placement);
        }
        Optional<TaskLedger.TaskFact> task =
                status == null || status.getPendingTask() == null
                        ? Optional.empty()
                        : Optional.of(
                                ledger.observe(
                                        connection,
                                        uid,
                                        status.getPendingTask(),
                                        snapshot,
                                        madeBy(status.getPendingTask(), vmid)));
        boolean stale = ledger.isStale(uid, snapshot);
        Optional<ClusterResource> resource = vmid == null ? Optional.empty() : snapshot.vm(vmid);
        Optional<HaStatusEntry> ha = vmid == null ? Optional.empty() : snapshot.haService(vmid);
        HaVmFacts.Sources sources = sources(vm, caches);
        CloudInitSecrets.Read secrets = cloudInitSecrets(vm, caches);

        String justMade = HaVmPlanner.justMade(task, resource.isPresent());
        boolean waiting =
                task.map(
                                t ->
                                        justMade == null
                                                && (t.state() == TaskLedger.State.RUNNING
                                                        || t.state() == TaskLedger.State.UNKNOWN))
                        .orElse(false);
        Optional<VmConfig> config = Optional.empty();
        Optional<List<String>> pending = Optional.empty();
        Optional<HaVmFacts.Addresses> addresses = Optional.empty();
        Optional<List<HaGroup>> groups = Optional.empty();
        if (resource.isPresent()
                && !waiting
                && !(stale && task.isEmpty())
                && locked(resource.get()) == null) {
            ClusterResource obs = resource.get();
            VmMemory memory = memories.get(uid);
            Instant assumed = HaVmPlanner.assumedConfigCheck(vm, obs, memory, now);
            if (assumed != null) {
                memories.update(uid, m -> m.configChecked(assumed));
                memory = memories.get(uid);
            }
            boolean configDue =
                    HaVmPlanner.configDue(vm, obs, memory, now, snapshot.polledAt(), justMade);
            if (configDue) {
                VmConfig read = connection.vms().config(obs.node(), obs.vmid());
                config = Optional.of(read);
                boolean agent =
                        read.get("agent")
                                .map(a -> a.startsWith("1") || a.contains("enabled=1"))
                                .orElse(false);
                memories.update(uid, m -> m.configChecked(now).agent(agent));
                if ("running".equals(obs.status()) && !obs.isTemplate()) {
                    pending =
                            Optional.of(
                                    List.copyOf(
                                            connection
                                                    .vms()
                                                    .pendingChanges(obs.node(), obs.vmid())
                                                    .keySet()));
                }
            } else if (memory.agentEnabled() == null) {
                agentOfSource(vm, sources, connection, snapshot, now)
                        .ifPresent(agent -> memories.update(uid, m -> m.agent(agent)));
            }
            memory = memories.get(uid);
            if (HaVmPlanner.addressesDue(vm, obs, memory, now)) {
                addresses = Optional.of(askAddresses(connection, obs, now));
                HaVmFacts.Addresses asked = addresses.get();
                memories.update(uid, m -> m.addressesAsked(now, asked.boot(), asked.failed()));
            }
            if (io.pveha.reconciler.placement.Placements.model(snapshot.version())
                            == io.pveha.reconciler.placement.Placements.Model.GROUPS
                    && HaVmPlanner.haGroupsDue(vm, ha, obs.vmid(), configDue)) {
                groups = Optional.of(connection.vms().haGroups());
            }
        }
        return new HaVmFacts(
                cluster,
                vmid,
                resource,
                ha,
                config,
                pending,
                task,
                stale,
                sources,
                secrets,
                addresses,
                groups,
                memories.get(uid),
                placement(vm, caches));
    }

    /**
     * True when the HaVm's VM lives on another PVE cluster than {@code snapshot}'s and no restore
     * onto this one is in flight (its task is followed as usual).
     */
    static boolean livesElsewhere(HaVmStatus status, String here) {
        if (status == null || status.getPveCluster() == null) {
            return false;
        }
        if (here.equals(status.getPveCluster())) {
            return false;
        }
        HaVmStatus.Recovery recovery = status.getRecovery();
        boolean restoringHere =
                recovery != null
                        && here.equals(recovery.getTargetCluster())
                        && status.getPendingTask() != null
                        && HaVmAction.TaskKind.RESTORE.action.equals(
                                status.getPendingTask().getAction());
        return !restoringHere;
    }

    /**
     * Facts for a deletion step: the poll, the pending task, and the configuration (protection,
     * ownership) before acting.
     */
    HaVmFacts observeDeletion(HaVm vm, Instant now) {
        String uid = vm.getMetadata().getUid();
        HaVmStatus status = vm.getStatus();
        Integer vmid = status == null ? null : status.getVmid();
        ClusterView cluster = ClusterView.of(connections, clusterKey(vm));
        if (!cluster.usable()
                || vmid == null
                || !HaVmDeletionPlanner.destroys(vm)
                || (status.getPveCluster() != null
                        && !status.getPveCluster()
                                .replace(
                                        io.pveha.reconciler.recovery.RecoveryPlanner.STANDBY_SUFFIX,
                                        "")
                                .equals(cluster.snapshot().identity()))) {
            // A VM on a lost cluster is not destroyed on this one (its VMID is another VM here).
            return HaVmFacts.clusterOnly(cluster, vmid, memories.get(uid));
        }
        ClusterSnapshot snapshot = cluster.snapshot();
        Optional<TaskLedger.TaskFact> task =
                status.getPendingTask() == null
                        ? Optional.empty()
                        : Optional.of(
                                ledger.observe(
                                        cluster.connection(),
                                        uid,
                                        status.getPendingTask(),
                                        snapshot));
        boolean stale = ledger.isStale(uid, snapshot);
        Optional<ClusterResource> resource = snapshot.vm(vmid);
        Optional<VmConfig> config = Optional.empty();
        boolean waiting =
                task.map(
                                t ->
                                        t.state() == TaskLedger.State.RUNNING
                                                || t.state() == TaskLedger.State.UNKNOWN)
                        .orElse(false);
        if (resource.isPresent() && !waiting && !stale) {
            // Ownership without our tag, and PVE's protection flag, are only in the configuration.
            config = Optional.of(cluster.connection().vms().config(resource.get().node(), vmid));
        }
        return new HaVmFacts(
                cluster,
                vmid,
                resource,
                snapshot.haService(vmid),
                config,
                Optional.empty(),
                task,
                stale,
                HaVmFacts.Sources.NONE,
                CloudInitSecrets.Read.NONE,
                Optional.empty(),
                Optional.empty(),
                memories.get(uid));
    }

    void forget(HaVm vm) {
        memories.forget(vm.getMetadata().getUid());
        ledger.forget(connections.get(clusterKey(vm)).orElse(null), vm.getMetadata().getUid());
    }

    /**
     * A create, clone or restore that the task list no longer shows ended well when the VM it made
     * is in the poll without the lock PVE holds while making it (a failed one leaves no VM: PVE
     * removes what it began).
     */
    static TaskLedger.Evidence madeBy(io.pveha.api.PendingTask task, Integer vmid) {
        if (vmid == null || !HaVmPlanner.createLike(task.getAction())) {
            return TaskLedger.Evidence.NONE;
        }
        return snapshot ->
                snapshot.vm(vmid)
                        .filter(
                                vm ->
                                        vm.lock() == null
                                                || vm.lock().isBlank()
                                                || !(vm.lock().equals("clone")
                                                        || vm.lock().equals("create")))
                        .isPresent();
    }

    private static String locked(ClusterResource obs) {
        return obs.lock() == null || obs.lock().isBlank() ? null : obs.lock();
    }

    private static HaVmFacts.Sources sources(HaVm vm, Caches caches) {
        Source source = vm.getSpec().getSource();
        String namespace = vm.getMetadata().getNamespace();
        Optional<HaVm> template =
                source != null
                                && source.getTemplate() != null
                                && source.getTemplate().getHaVmRef() != null
                        ? caches.haVms()
                                .apply(
                                        new ResourceID(
                                                source.getTemplate().getHaVmRef().getName(),
                                                namespace))
                        : Optional.empty();
        Optional<BackupPolicy> policy =
                source != null
                                && source.getBackup() != null
                                && source.getBackup().getPolicyRef() != null
                        ? caches.backupPolicies()
                                .apply(
                                        new ResourceID(
                                                source.getBackup().getPolicyRef().getName(),
                                                namespace))
                        : Optional.empty();
        return new HaVmFacts.Sources(template, policy);
    }

    /**
     * The cloud-init Secrets from the cache; their resourceVersions make the version that tells a
     * rotated password.
     */
    private static CloudInitSecrets.Read cloudInitSecrets(HaVm vm, Caches caches) {
        CloudInit ci = vm.getSpec().getCloudInit();
        if (ci == null || (ci.getSshKeysSecretRef() == null && ci.getPasswordSecretRef() == null)) {
            return CloudInitSecrets.Read.NONE;
        }
        String namespace = vm.getMetadata().getNamespace();
        String keys = null;
        String password = null;
        StringBuilder version = new StringBuilder();
        try {
            if (ci.getSshKeysSecretRef() != null) {
                String name = ci.getSshKeysSecretRef().getName();
                Optional<Secret> secret = caches.secrets().apply(new ResourceID(name, namespace));
                keys =
                        Secrets.read(
                                secret.orElse(null),
                                namespace,
                                name,
                                ci.getSshKeysSecretRef().keyOr("ssh-authorized-keys"));
                version.append(name)
                        .append('@')
                        .append(secret.get().getMetadata().getResourceVersion());
            }
            if (ci.getPasswordSecretRef() != null) {
                String name = ci.getPasswordSecretRef().getName();
                Optional<Secret> secret = caches.secrets().apply(new ResourceID(name, namespace));
                password =
                        Secrets.read(
                                secret.orElse(null),
                                namespace,
                                name,
                                ci.getPasswordSecretRef().keyOr("password"));
                version.append('/')
                        .append(name)
                        .append('@')
                        .append(secret.get().getMetadata().getResourceVersion());
            }
        } catch (Secrets.MissingSecretException e) {
            return new CloudInitSecrets.Read(CloudInitSecrets.NONE, e.getMessage());
        }
        return new CloudInitSecrets.Read(
                new CloudInitSecrets(keys, password, version.toString()), null);
    }

    /**
     * A clone has its template's guest agent setting: read once per template and half hour, not
     * once per clone.
     */
    private Optional<Boolean> agentOfSource(
            HaVm vm,
            HaVmFacts.Sources sources,
            ClusterConnection connection,
            ClusterSnapshot snapshot,
            Instant now) {
        TemplateSource template =
                vm.getSpec().getSource() == null ? null : vm.getSpec().getSource().getTemplate();
        if (template == null) {
            return Optional.empty();
        }
        Integer sourceVmid =
                template.getVmid() != null
                        ? template.getVmid()
                        : sources.templateHaVm()
                                .map(HaVm::getStatus)
                                .map(HaVmStatus::getVmid)
                                .orElse(null);
        if (sourceVmid == null) {
            return Optional.empty();
        }
        String key = connection.key() + "/" + sourceVmid;
        Optional<ClusterResource> source = snapshot.vm(sourceVmid);
        if (source.isEmpty()) {
            return Optional.empty();
        }
        // One read per template and half hour however many clones ask at once: the first asker
        // reads, the others
        // wait for its answer (outside any lock).
        CompletableFuture<TemplateAgent> mine = new CompletableFuture<>();
        CompletableFuture<TemplateAgent> known =
                templateAgents.compute(
                        key,
                        (k, v) ->
                                v == null
                                                || v.isCompletedExceptionally()
                                                || (v.isDone()
                                                        && !now.isBefore(
                                                                v.join()
                                                                        .readAt()
                                                                        .plus(TEMPLATE_FACTS_TTL)))
                                        ? mine
                                        : v);
        if (known == mine) {
            try {
                VmConfig config = connection.vms().config(source.get().node(), sourceVmid);
                mine.complete(
                        new TemplateAgent(
                                config.get("agent")
                                        .map(a -> a.startsWith("1") || a.contains("enabled=1"))
                                        .orElse(false),
                                now));
            } catch (RuntimeException e) {
                mine.completeExceptionally(e);
                throw e;
            }
        }
        try {
            return Optional.of(known.get(30, TimeUnit.SECONDS).enabled());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (ExecutionException | TimeoutException e) {
            return Optional.empty();
        }
    }

    private static HaVmFacts.Addresses askAddresses(
            ClusterConnection connection, ClusterResource obs, Instant now) {
        String boot = HaVmPlanner.bootOf(obs, now);
        try {
            return new HaVmFacts.Addresses(
                    connection.vms().guestAddresses(obs.node(), obs.vmid()), false, boot);
        } catch (PveApiException e) {
            // The agent is not up (yet): addresses stay unknown, which is no error of the VM; asked
            // less and less often.
            return new HaVmFacts.Addresses(List.of(), true, boot);
        }
    }
}
