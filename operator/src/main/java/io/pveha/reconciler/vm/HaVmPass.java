package io.pveha.reconciler.vm;

import io.fabric8.kubernetes.api.model.Condition;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.pveha.api.Pveha;
import io.pveha.api.backup.BackupPolicy;
import io.pveha.api.backup.BackupPolicyStatus;
import io.pveha.api.vm.HaVm;
import io.pveha.api.vm.HaVmSpec;
import io.pveha.api.vm.HaVmStatus;
import io.pveha.api.vm.PowerState;
import io.pveha.api.vm.RestartPolicy;
import io.pveha.cluster.ClusterConnection;
import io.pveha.cluster.ClusterKey;
import io.pveha.cluster.ClusterSnapshot;
import io.pveha.cluster.PollOutcome;
import io.pveha.pve.PveApiException;
import io.pveha.pve.PveErrorKind;
import io.pveha.pve.Upid;
import io.pveha.pve.model.ClusterResource;
import io.pveha.pve.model.HaStatusEntry;
import io.pveha.pve.model.TaskEntry;
import io.pveha.pve.model.TaskStatus;
import io.pveha.pve.model.VmConfig;
import io.pveha.reconciler.Conditions;
import io.pveha.reconciler.Copies;
import io.pveha.reconciler.EventRecorder;
import io.pveha.reconciler.ReconcileGate;
import io.pveha.reconciler.Redactor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import static io.pveha.reconciler.vm.HaVmReasons.*;

/**
 * One reconcile of one HaVm: observe (from the shared poll), decide the next step, take it, report.
 *
 * <p>Crash safety rests on the status being a write-ahead log: the VMID is written before anything is
 * created with it, and an intent ({@code pendingTask} without a task id) is written before any
 * create-like call, then the task id right after it. A restart at any point finds either nothing done
 * (redo), or the task (follow it), or the VM with its ownership marker (adopt it) — never a reason to
 * create a second VM.
 */
final class HaVmPass {
    private static final Logger LOG = LoggerFactory.getLogger(HaVmPass.class);
    static final Duration BUSY = Duration.ofSeconds(2);
    static final Duration SOON = Duration.ofMillis(500);
    static final Duration STEADY = Duration.ofMinutes(5);
    static final Duration WAIT_CLUSTER = Duration.ofSeconds(10);
    static final Set<String> HA_MOVING = Set.of("fence", "recovery", "freeze", "migrate", "relocate");

    private final HaVmShared shared;
    private final Context<HaVm> context;
    private final HaVm vm;
    private final String uid;
    private final long generation;
    private final HaVmStatus status;
    private HaVm stored;
    private ClusterConnection connection;
    private ClusterSnapshot snapshot;

    HaVmPass(HaVmShared shared, HaVm vm, Context<HaVm> context) {
        this.shared = shared;
        this.context = context;
        this.vm = vm;
        this.stored = vm;
        this.uid = vm.getMetadata().getUid();
        this.generation = vm.getMetadata().getGeneration() == null ? 0 : vm.getMetadata().getGeneration();
        HaVmStatus copy = Copies.deepCopy(vm.getStatus(), HaVmStatus.class);
        this.status = copy == null ? new HaVmStatus() : copy;
    }

    /** Runs the pass and writes status; returns when to look again (null: only on events). */
    Duration run() {
        Duration next;
        try {
            next = decide();
        } catch (PveApiException e) {
            next = apiFailure(e);
        }
        status.setObservedGeneration(generation);
        logReadyChange();
        persist();
        return next;
    }

    private Duration decide() {
        Optional<ReconcileGate.Stop> stop = ReconcileGate.check(vm, status.getConditions(), shared.validation);
        stop.flatMap(ReconcileGate.Stop::note).ifPresent(n -> shared.events.record(vm, n));
        if (stop.isPresent()) {
            ready(Conditions.FALSE, stop.get().reason().name(), stop.get().message());
            return null;
        }
        ClusterKey key = clusterKey(vm);
        connection = shared.connections.get(key).orElse(null);
        PollOutcome outcome = connection == null ? null : connection.outcome();
        snapshot = outcome == null ? null : outcome.snapshot();
        if (snapshot == null) {
            ready(Conditions.FALSE, CLUSTER_NOT_READY, "ProxmoxCluster " + key + " is not connected yet");
            return WAIT_CLUSTER;
        }
        if (outcome.error() != null) {
            ready(Conditions.FALSE, CLUSTER_UNREACHABLE, "cannot act while the cluster is unreachable: " + outcome.error().getMessage()
                    + "; showing facts from " + snapshot.polledAt());
            return WAIT_CLUSTER;
        }
        if (status.getPendingTask() != null) {
            return followTask();
        }
        Instant acted = shared.actedAt.get(uid);
        if (acted != null && snapshot.polledAt().isBefore(acted)) {
            // The last poll predates our own last change: plan only from facts that include it.
            connection.requestPoll();
            return SOON;
        }
        Integer vmid = status.getVmid() != null ? status.getVmid() : vm.getSpec().getVmid();
        if (vmid == null) {
            vmid = allocateVmid();
        } else if (status.getVmid() == null) {
            status.setVmid(vmid);
            persist();
        }
        Optional<ClusterResource> observed = snapshot.vm(vmid);
        if (observed.isEmpty()) {
            return provision(vmid);
        }
        ClusterResource obs = observed.get();
        if (!owned(obs)) {
            return restoreOverExisting(obs);
        }
        observe(obs);
        condition(PROVISIONED, Conditions.TRUE, PROVISIONED, "VM " + vmid + " exists on " + obs.node());
        if (obs.lock() != null && !obs.lock().isBlank()) {
            ready(Conditions.FALSE, LOCKED, "VM is locked (" + obs.lock() + "); waiting");
            return Duration.ofSeconds(5);
        }
        Duration step = configure(obs);
        if (step == null) {
            step = template(obs);
        }
        if (step == null) {
            step = ha(obs);
        }
        if (step == null) {
            step = power(obs);
        }
        if (step == null) {
            step = placement(obs);
        }
        if (step != null) {
            return step;
        }
        refreshAddresses(obs);
        return summarize(obs);
    }

    // ---------------------------------------------------------------- tasks

    private Duration followTask() {
        HaVmStatus.PendingTask task = status.getPendingTask();
        if (task.getUpid() == null) {
            return resolveIntent(task);
        }
        Upid upid = Upid.parse(task.getUpid());
        TaskStatus state = taskState(upid);
        if (state.running()) {
            ready(Conditions.FALSE, WAITING_FOR_TASK, task.getAction() + " running on " + upid.node() + " (" + upid.type() + ")");
            if (isCreateLike(task.getAction())) {
                condition(PROVISIONED, Conditions.FALSE, reasonFor(task.getAction()), task.getAction() + " task " + task.getUpid());
            }
            return BUSY;
        }
        connection.taskSlots().release(uid);
        status.setPendingTask(null);
        acted();
        if (state.succeeded()) {
            status.setFailedAttempts(null);
            shared.events.normal(vm, task.getAction() + "Succeeded", task.getAction() + " of VM " + status.getVmid() + " finished ("
                    + state.exitstatus() + ")");
            LOG.info("{} of VM {} finished: {}", task.getAction(), status.getVmid(), state.exitstatus());
            if (isCreateLike(task.getAction())) {
                condition(PROVISIONED, Conditions.TRUE, PROVISIONED, task.getAction() + " finished");
            }
            return SOON;
        }
        String log = String.join(" | ", tail(upid));
        int attempts = status.getFailedAttempts() == null ? 1 : status.getFailedAttempts() + 1;
        status.setFailedAttempts(attempts);
        String message = task.getAction() + " failed: " + state.exitstatus() + (log.isEmpty() ? "" : " (log: " + log + ")");
        ready(Conditions.FALSE, TASK_FAILED, message);
        if (isCreateLike(task.getAction())) {
            condition(PROVISIONED, Conditions.FALSE, TASK_FAILED, message);
        }
        shared.events.warning(vm, TASK_FAILED, message);
        LOG.warn("{} of VM {}: {}", task.getAction(), status.getVmid(), message);
        return backoff(attempts);
    }

    /**
     * The task's state from the last poll's task list when that poll is later than the task's start (no
     * call at all), else from PVE directly (one call): the list may not reach back far enough.
     */
    private TaskStatus taskState(Upid upid) {
        Optional<TaskEntry> listed = snapshot.task(upid.value());
        Long startedAt = shared.taskStartedAtPoll.get(uid);
        if (listed.isPresent() && startedAt != null && snapshot.sequence() > startedAt) {
            TaskEntry t = listed.get();
            if (t.status() == null) {
                // Running as of a poll made after the task started: look again at the next poll, soon.
                connection.requestPoll();
            }
            return new TaskStatus(t.upid(), t.node(), t.status() == null ? "running" : "stopped", t.status(), t.type(), t.id(),
                    t.user(), t.starttime());
        }
        return connection.api().taskStatus(upid);
    }

    private List<String> tail(Upid upid) {
        try {
            return connection.api().taskLog(upid, 3);
        } catch (PveApiException e) {
            return List.of();
        }
    }

    /**
     * An intent without a task id: the operator stopped between writing the intent and recording the
     * task. Find the task among the node's tasks for this VMID started by our token; if there is none,
     * the call never reached PVE and is simply made again.
     */
    private Duration resolveIntent(HaVmStatus.PendingTask intent) {
        int vmid = status.getVmid();
        String token = connection.settings().token().tokenId();
        Instant since = Instant.parse(intent.getStartedAt()).minusSeconds(120);
        List<TaskEntry> tasks = connection.vms().tasks(intent.getNode(), vmid, null);
        Optional<TaskEntry> ours = tasks.stream()
                .filter(t -> Upid.isUpid(t.upid()))
                .filter(t -> token.equals(Upid.parse(t.upid()).user()))
                .filter(t -> t.starttime() != null && !Instant.ofEpochSecond(t.starttime()).isBefore(since))
                .filter(t -> taskTypeMatches(intent.getAction(), t.type()))
                .max(Comparator.comparing(TaskEntry::starttime));
        if (ours.isPresent()) {
            intent.setUpid(ours.get().upid());
            LOG.info("recovered task {} for the interrupted {} of VM {}", ours.get().upid(), intent.getAction(), vmid);
            return SOON;
        }
        connection.taskSlots().release(uid);
        status.setPendingTask(null);
        LOG.info("no task found for the interrupted {} of VM {}: it never started, planning again", intent.getAction(), vmid);
        return SOON;
    }

    private static boolean taskTypeMatches(String action, String type) {
        return switch (action) {
            case "Create" -> "qmcreate".equals(type);
            case "Clone" -> "qmclone".equals(type);
            case "Restore" -> "qmrestore".equals(type);
            default -> true;
        };
    }

    private Duration startTask(String action, String node, String reason, String message, TaskCall call) {
        if (!connection.taskSlots().tryAcquire(node, uid)) {
            ready(Conditions.FALSE, WAITING_FOR_TASK_SLOT, "node " + node + " runs as many operator tasks as allowed; waiting");
            return Duration.ofSeconds(3);
        }
        HaVmStatus.PendingTask intent = new HaVmStatus.PendingTask();
        intent.setAction(action);
        intent.setNode(node);
        intent.setStartedAt(now().toString());
        status.setPendingTask(intent);
        ready(Conditions.FALSE, reason, message);
        if (isCreateLike(action)) {
            condition(PROVISIONED, Conditions.FALSE, reason, message);
        }
        persist();
        Optional<Upid> upid;
        try {
            upid = call.start();
        } catch (PveApiException e) {
            status.setPendingTask(null);
            connection.taskSlots().release(uid);
            if (e.kind() == PveErrorKind.OUTCOME_UNKNOWN) {
                // It may have started: leave the intent so the next pass looks for the task.
                status.setPendingTask(intent);
            }
            throw e;
        }
        acted();
        if (upid.isEmpty()) {
            // PVE finished synchronously (e.g. a config change without a task).
            status.setPendingTask(null);
            connection.taskSlots().release(uid);
            return SOON;
        }
        intent.setUpid(upid.get().value());
        shared.taskStartedAtPoll.put(uid, snapshot.sequence());
        LOG.info("{} of VM {} started: {}", action, status.getVmid(), upid.get());
        return BUSY;
    }

    @FunctionalInterface
    private interface TaskCall {
        Optional<Upid> start();
    }

    // ---------------------------------------------------------------- provisioning

    private int allocateVmid() {
        ready(Conditions.FALSE, ALLOCATING_VMID, "choosing a free VMID");
        Set<Integer> claimed = context.getPrimaryCache().list()
                .filter(other -> !uid.equals(other.getMetadata().getUid()))
                .filter(other -> other.getSpec() != null && vm.getSpec().getClusterRef().equals(other.getSpec().getClusterRef()))
                .flatMap(other -> java.util.stream.Stream.of(other.getSpec().getVmid(),
                        other.getStatus() == null ? null : other.getStatus().getVmid()))
                .filter(Objects::nonNull)
                .collect(Collectors.toSet());
        int vmid = shared.allocator.allocate(connection, snapshot, claimed, uid);
        status.setVmid(vmid);
        // The VMID is in status before anything is created with it.
        persist();
        LOG.info("allocated VMID {}", vmid);
        return vmid;
    }

    private Duration provision(int vmid) {
        HaVmSpec.Source source = vm.getSpec().getSource();
        if (wasProvisioned()) {
            shared.events.warning(vm, "VmMissing", "VM " + vmid + " no longer exists in PVE; creating it again from the source");
        }
        Optional<String> missingStorage = storagesNeeded(source).stream()
                .filter(id -> snapshot.storages().stream().noneMatch(st -> id.equals(st.storage()))).findFirst();
        if (missingStorage.isPresent()) {
            // Typically a CephPool with addStorage that is still being created: wait for it rather than
            // send a create that PVE refuses ("storage '...' does not exist").
            ready(Conditions.FALSE, WAITING_FOR_STORAGE, "storage " + missingStorage.get() + " does not exist in the cluster (yet)");
            return Duration.ofSeconds(5);
        }
        if (!connection.vms().isVmidFree(vmid)) {
            // Exists, but the poll has not shown it yet.
            connection.requestPoll();
            return BUSY;
        }
        if (source.getTemplate() != null) {
            return cloneFromTemplate(vmid, source.getTemplate());
        }
        String node = chooseNode();
        if (node == null) {
            ready(Conditions.FALSE, NODE_OFFLINE, "no online node to create the VM on");
            return WAIT_CLUSTER;
        }
        if (source.getBackup() != null) {
            return restore(vmid, node, false);
        }
        CloudInitSecrets secrets = cloudInitSecrets();
        Map<String, Object> params = VmSpecMapping.createParams(vm, vmid, secrets);
        String what = source.getIso() != null ? "with install media " + source.getIso().getVolume() : "empty";
        return startTask("Create", node, CREATING, "creating VM " + vmid + " " + what + " on " + node,
                () -> {
                    Optional<Upid> upid = Optional.of(connection.vms().create(node, params));
                    status.setAppliedSecretsVersion(secrets.version());
                    return upid;
                });
    }

    /**
     * Restores {@code source.backup}: the volume given, or the latest good backup the referenced BackupPolicy
     * reports for this HaVm (by name) or VMID. {@code overwrite} replaces an existing VM ({@code force=1}).
     */
    private Duration restore(int vmid, String node, boolean overwrite) {
        HaVmSpec.BackupSource backup = vm.getSpec().getSource().getBackup();
        String archive = backup.getVolume();
        if (archive == null) {
            String wait = null;
            BackupPolicy policy = context.getClient().resources(BackupPolicy.class).inNamespace(vm.getMetadata().getNamespace())
                    .withName(backup.getPolicyRef().getName()).get();
            if (policy == null) {
                wait = "BackupPolicy " + backup.getPolicyRef().getName() + " (source.backup.policyRef) does not exist";
            } else {
                archive = latestBackup(policy, vmid).orElse(null);
                if (archive == null) {
                    wait = "BackupPolicy " + backup.getPolicyRef().getName() + " reports no good backup of HaVm "
                            + vm.getMetadata().getName() + " or VM " + vmid + " (source.backup.policyRef)";
                }
            }
            if (wait != null) {
                condition(PROVISIONED, Conditions.FALSE, WAITING_FOR_SOURCE, wait);
                ready(Conditions.FALSE, WAITING_FOR_SOURCE, wait);
                return Duration.ofSeconds(15);
            }
        }
        String volume = archive;
        Map<String, Object> params = VmSpecMapping.restoreParams(vm, vmid, volume, overwrite);
        return startTask("Restore", node, RESTORING, "restoring " + volume + " to VM " + vmid + " on " + node
                        + (overwrite ? " over the existing VM" : ""),
                () -> Optional.of(connection.vms().create(node, params)));
    }

    /** The policy's latest good backup of this HaVm (matched by name first, then by VMID). */
    private Optional<String> latestBackup(BackupPolicy policy, int vmid) {
        if (policy.getStatus() == null) {
            return Optional.empty();
        }
        List<BackupPolicyStatus.VmBackup> backups = policy.getStatus().getVms();
        Comparator<BackupPolicyStatus.VmBackup> byTime = Comparator.comparing(b -> b.getTime() == null ? "" : b.getTime());
        return backups.stream().filter(b -> vm.getMetadata().getName().equals(b.getHaVm()) && b.getVolume() != null)
                .max(byTime)
                .or(() -> backups.stream().filter(b -> Objects.equals(b.getVmid(), vmid) && b.getVolume() != null).max(byTime))
                .map(BackupPolicyStatus.VmBackup::getVolume);
    }

    /**
     * A VM this HaVm does not own holds the VMID. With a backup source and the restore-over-existing
     * annotation, the backup is restored over it ({@code force=1}); otherwise it is left alone (status says so).
     */
    private Duration restoreOverExisting(ClusterResource obs) {
        Map<String, String> annotations = vm.getMetadata().getAnnotations();
        boolean allowed = annotations != null && "true".equalsIgnoreCase(annotations.get(Pveha.ANNOTATION_RESTORE_OVER_EXISTING));
        if (vm.getSpec().getSource() == null || vm.getSpec().getSource().getBackup() == null || !allowed || wasProvisioned()) {
            return null;
        }
        shared.events.normal(vm, "RestoreOverExisting", "restoring the backup over the existing VM " + obs.vmid()
                + " (" + obs.name() + ") as " + Pveha.ANNOTATION_RESTORE_OVER_EXISTING + " allows");
        return restore(obs.vmid(), obs.node(), true);
    }

    /** The PVE storages the create, clone or restore names: they must exist before it is sent. */
    private List<String> storagesNeeded(HaVmSpec.Source source) {
        List<String> ids = new java.util.ArrayList<>();
        if (source.getTemplate() != null) {
            if (Boolean.TRUE.equals(source.getTemplate().getFull()) && source.getTemplate().getStorage() != null) {
                ids.add(source.getTemplate().getStorage());
            }
        } else if (source.getBackup() != null) {
            if (source.getBackup().getStorage() != null) {
                ids.add(source.getBackup().getStorage());
            }
        } else {
            vm.getSpec().getDisks().forEach(d -> ids.add(d.getStorage()));
        }
        return ids;
    }

    private Duration cloneFromTemplate(int vmid, HaVmSpec.TemplateSource template) {
        Integer sourceVmid = template.getVmid();
        if (template.getHaVmRef() != null) {
            HaVm sourceVm = context.getClient().resources(HaVm.class).inNamespace(vm.getMetadata().getNamespace())
                    .withName(template.getHaVmRef().getName()).get();
            String wait = sourceWaitReason(sourceVm, template);
            if (wait != null) {
                condition(PROVISIONED, Conditions.FALSE, WAITING_FOR_SOURCE, wait);
                ready(Conditions.FALSE, WAITING_FOR_SOURCE, wait);
                return Duration.ofSeconds(5);
            }
            sourceVmid = sourceVm.getStatus().getVmid();
        }
        Optional<ClusterResource> source = snapshot.vm(sourceVmid);
        if (source.isEmpty()) {
            String message = "source VM " + sourceVmid + " does not exist in the cluster";
            condition(PROVISIONED, Conditions.FALSE, WAITING_FOR_SOURCE, message);
            ready(Conditions.FALSE, WAITING_FOR_SOURCE, message);
            return Duration.ofSeconds(5);
        }
        boolean full = Boolean.TRUE.equals(template.getFull());
        if (!full && !source.get().isTemplate()) {
            String message = "source VM " + sourceVmid + " is not a template: a linked clone needs a template (set source.template.full: true to copy a VM)";
            condition(PROVISIONED, Conditions.FALSE, WAITING_FOR_SOURCE, message);
            ready(Conditions.FALSE, WAITING_FOR_SOURCE, message);
            return Duration.ofSeconds(15);
        }
        String sourceNode = source.get().node();
        String target = vm.getSpec().getPlacement() == null ? null : vm.getSpec().getPlacement().getNode();
        Map<String, Object> params = VmSpecMapping.cloneParams(vm, vmid, sourceNode, target);
        int from = sourceVmid;
        return startTask("Clone", sourceNode, CLONING, (full ? "full" : "linked") + " clone of " + from + " to VM " + vmid,
                () -> Optional.of(connection.vms().cloneVm(sourceNode, from, params)));
    }

    private static String sourceWaitReason(HaVm source, HaVmSpec.TemplateSource template) {
        String name = template.getHaVmRef().getName();
        if (source == null) {
            return "HaVm " + name + " (the clone source) does not exist";
        }
        if (source.getStatus() == null || source.getStatus().getVmid() == null
                || !Conditions.isTrue(source.getStatus().getConditions(), PROVISIONED)) {
            return "waiting for HaVm " + name + " (the clone source) to be provisioned";
        }
        boolean full = Boolean.TRUE.equals(template.getFull());
        boolean isTemplate = Boolean.TRUE.equals(source.getStatus().getTemplate());
        if (!full && !isTemplate) {
            return "waiting for HaVm " + name + " to become a template (a linked clone needs one)";
        }
        if (!isTemplate && Boolean.TRUE.equals(source.getSpec().getTemplate())) {
            // A template-to-be is still being installed or converted: a copy now would copy a half-made VM.
            return "waiting for HaVm " + name + " to become a template";
        }
        return null;
    }

    /** The placement node if it is online, else the online node with the most free memory. */
    private String chooseNode() {
        String wanted = vm.getSpec().getPlacement() == null ? null : vm.getSpec().getPlacement().getNode();
        if (wanted != null) {
            return snapshot.nodeOnline(wanted) ? wanted : null;
        }
        return snapshot.nodes().stream()
                .filter(n -> "online".equals(n.status()))
                .max(Comparator.comparingLong(n -> (n.maxmem() == null ? 0 : n.maxmem()) - (n.mem() == null ? 0 : n.mem())))
                .map(ClusterResource::node)
                .orElse(null);
    }

    /** Whether the existing VM belongs to this HaVm; false (and status says why) if it must not be touched. */
    private boolean owned(ClusterResource obs) {
        if (Ownership.taggedFor(obs.tagList(), vm)) {
            return true;
        }
        VmConfig config = connection.vms().config(obs.node(), obs.vmid());
        if (Ownership.describedAs(config.get("description").orElse(null), vm)) {
            return true;
        }
        Map<String, String> annotations = vm.getMetadata().getAnnotations();
        if (annotations != null && "true".equalsIgnoreCase(annotations.get(Pveha.ANNOTATION_ADOPT))) {
            if (!isTrue(PROVISIONED)) {
                shared.events.normal(vm, "Adopted", "adopting existing VM " + obs.vmid() + " (" + obs.name() + ") on " + obs.node());
                LOG.info("adopting VM {}", obs.vmid());
            }
            return true;
        }
        String message = "VMID " + obs.vmid() + " is used by VM '" + obs.name() + "' on " + obs.node()
                + ", which this HaVm does not own; it is left untouched. To manage it, annotate the HaVm with "
                + Pveha.ANNOTATION_ADOPT + "=true";
        if (vm.getSpec().getSource() != null && vm.getSpec().getSource().getBackup() != null) {
            message += "; to restore the backup over it (the VM's disks are replaced), annotate with "
                    + Pveha.ANNOTATION_RESTORE_OVER_EXISTING + "=true";
        }
        if (!isReason(Conditions.READY, VMID_TAKEN)) {
            shared.events.warning(vm, VMID_TAKEN, message);
        }
        condition(PROVISIONED, Conditions.FALSE, VMID_TAKEN, message);
        ready(Conditions.FALSE, VMID_TAKEN, message);
        return false;
    }

    // ---------------------------------------------------------------- convergence

    private void observe(ClusterResource obs) {
        String before = status.getNode();
        if (before != null && !before.equals(obs.node()) && status.getPendingTask() == null) {
            shared.events.normal(vm, "VmMoved", "VM " + obs.vmid() + " moved from " + before + " to " + obs.node()
                    + (obs.hastate() != null ? " (HA: " + obs.hastate() + ")" : ""));
        }
        status.setNode(obs.node());
        status.setPowerState(obs.status());
        status.setTemplate(obs.isTemplate());
        status.setHaState(snapshot.haService(obs.vmid()).map(HaStatusEntry::crmState)
                .orElse(obs.hastate() != null ? obs.hastate() : null));
    }

    private Duration configure(ClusterResource obs) {
        if (!needsConfigCheck(obs)) {
            return null;
        }
        VmConfig config = connection.vms().config(obs.node(), obs.vmid());
        shared.configCheckedAt.put(uid, now());
        shared.agentEnabled.put(uid, config.get("agent").map(a -> a.startsWith("1") || a.contains("enabled=1")).orElse(false));
        CloudInitSecrets secrets = cloudInitSecrets();
        boolean secretsChanged = !Objects.equals(secrets.version(), status.getAppliedSecretsVersion()) && secrets.password() != null;
        VmSpecMapping.ConfigDelta delta = VmSpecMapping.delta(vm, config, secrets, secretsChanged);
        if (!delta.set().isEmpty() || !delta.delete().isEmpty()) {
            Map<String, Object> params = new LinkedHashMap<>(delta.set());
            if (!delta.delete().isEmpty()) {
                params.put("delete", String.join(",", delta.delete()));
            }
            if (config.digest() != null) {
                params.put("digest", config.digest());
            }
            String summary = String.join(", ", delta.changes());
            shared.events.normal(vm, "Configuring", summary);
            status.setAppliedSecretsVersion(secrets.version());
            condition(IN_SYNC, Conditions.FALSE, CONFIGURING, summary);
            return startTask("Configure", obs.node(), CONFIGURING, "applying: " + summary,
                    () -> connection.vms().updateConfig(obs.node(), obs.vmid(), params));
        }
        if (!delta.resizes().isEmpty()) {
            VmSpecMapping.Resize resize = delta.resizes().get(0);
            condition(IN_SYNC, Conditions.FALSE, CONFIGURING, "growing " + resize.disk() + " to " + resize.size());
            return startTask("Resize", obs.node(), CONFIGURING, "growing " + resize.disk() + " to " + resize.size(),
                    () -> connection.vms().resize(obs.node(), obs.vmid(), resize.disk(), resize.size()));
        }
        status.setAppliedSecretsVersion(secrets.version());
        List<String> pending = "running".equals(obs.status()) && !obs.isTemplate()
                ? List.copyOf(connection.vms().pendingChanges(obs.node(), obs.vmid()).keySet()) : List.of();
        status.setPendingChanges(pending);
        if (!pending.isEmpty() && vm.getSpec().getRestartPolicy() == RestartPolicy.Automatic) {
            shared.events.normal(vm, "Restarting", "restarting to apply " + String.join(", ", pending));
            return startTask("Restart", obs.node(), STARTING, "restarting to apply " + String.join(", ", pending),
                    () -> Optional.of(connection.vms().power(obs.node(), obs.vmid(), "reboot", Map.of())));
        }
        if (!delta.refused().isEmpty()) {
            condition(IN_SYNC, Conditions.FALSE, CHANGE_REFUSED, String.join("; ", delta.refused()));
        } else if (!pending.isEmpty()) {
            condition(IN_SYNC, Conditions.FALSE, RESTART_PENDING, String.join(", ", pending)
                    + " take effect at the next restart (spec.restartPolicy is Manual)");
        } else {
            condition(IN_SYNC, Conditions.TRUE, "InSync", "configuration matches the spec");
        }
        return null;
    }

    private boolean needsConfigCheck(ClusterResource obs) {
        if (!isTrue(IN_SYNC) || status.getObservedGeneration() == null || status.getObservedGeneration() != generation) {
            return true;
        }
        Instant checked = shared.configCheckedAt.get(uid);
        if (checked == null || Duration.between(checked, now()).compareTo(HaVmShared.DRIFT_CHECK) >= 0) {
            return true;
        }
        // Cheap hints from the bulk poll: anything visible there that differs from the spec.
        HaVmSpec spec = vm.getSpec();
        if (!VmSpecMapping.vmName(vm).equals(obs.name()) || !Ownership.taggedFor(obs.tagList(), vm)) {
            return true;
        }
        if (spec.getMemoryMiB() != null && obs.maxmem() != null && obs.maxmem() != ((long) spec.getMemoryMiB() << 20)) {
            return true;
        }
        if (spec.getCpu() != null && obs.maxcpu() != null) {
            int cores = spec.getCpu().getCores() == null ? -1 : spec.getCpu().getCores();
            int sockets = spec.getCpu().getSockets() == null ? 1 : spec.getCpu().getSockets();
            return cores > 0 && obs.maxcpu() != cores * sockets;
        }
        return false;
    }

    private Duration template(ClusterResource obs) {
        if (!Boolean.TRUE.equals(vm.getSpec().getTemplate()) || obs.isTemplate()) {
            return null;
        }
        if (installsFromIso()) {
            // A template from an ISO is installed first: the VM boots the installer, the OS is installed on its
            // console, and the installer (or the admin) powers it off; that shutdown is the signal to convert.
            if ("running".equals(obs.status())) {
                status.setInstallerBooted(true);
                ready(Conditions.FALSE, WAITING_FOR_INSTALL, "VM " + obs.vmid() + " runs its installer: install the OS on the console,"
                        + " then shut the VM down; it is converted into a template then");
                return STEADY;
            }
            if (!Boolean.TRUE.equals(status.getInstallerBooted())) {
                return null;
            }
        } else if ("running".equals(obs.status())) {
            return startTask("Shutdown", obs.node(), STOPPING, "shutting down before the conversion to a template",
                    () -> Optional.of(connection.vms().power(obs.node(), obs.vmid(), "shutdown", Map.of("forceStop", 1, "timeout", 120))));
        }
        if (vm.getSpec().getSource().getIso() != null) {
            Duration ejecting = ejectInstallMedia(obs);
            if (ejecting != null) {
                return ejecting;
            }
        }
        return startTask("Template", obs.node(), CONVERTING_TO_TEMPLATE, "converting VM " + obs.vmid() + " into a template",
                () -> Optional.of(connection.vms().convertToTemplate(obs.node(), obs.vmid())));
    }

    /**
     * Empties the CD-ROM drive that still holds the installer ISO before the VM becomes a template. PVE
     * refuses to clone a VM to another node while any drive, a CD-ROM included, is on node-local storage
     * ("can't clone VM to node 'pve2' (VM uses local storage)"), and the installer is never needed again.
     */
    private Duration ejectInstallMedia(ClusterResource obs) {
        String iso = vm.getSpec().getSource().getIso().getVolume();
        VmConfig config = connection.vms().config(obs.node(), obs.vmid());
        Map<String, Object> eject = new LinkedHashMap<>();
        config.values().forEach((key, value) -> {
            if (key.matches("(ide|sata|scsi)\\d+") && value.startsWith(iso + ",") && value.contains("media=cdrom")) {
                eject.put(key, "none,media=cdrom");
            }
        });
        if (eject.isEmpty()) {
            return null;
        }
        eject.put("digest", config.digest());
        return startTask("Eject", obs.node(), CONVERTING_TO_TEMPLATE, "ejecting the installer " + iso + " before the conversion to a template",
                () -> connection.vms().updateConfig(obs.node(), obs.vmid(), eject));
    }

    private Duration ha(ClusterResource obs) {
        HaVmSpec.Ha ha = vm.getSpec().getHa();
        boolean wanted = ha != null && Boolean.TRUE.equals(ha.getEnabled()) && !obs.isTemplate();
        Optional<HaStatusEntry> service = snapshot.haService(obs.vmid());
        if (!wanted) {
            condition(HA_MANAGED, Conditions.FALSE, "NotRequested", "spec.ha.enabled is not true");
            if (service.isPresent()) {
                return removeOwnHaResource(obs.vmid());
            }
            return null;
        }
        String group = ha.getGroup();
        if (!ha.getPreferredNodes().isEmpty()) {
            group = "pveha-vm-" + obs.vmid();
            ensurePreferredGroup(group, ha.getPreferredNodes());
        }
        String state = desiredPower() == PowerState.Stopped ? "stopped" : "started";
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("state", state);
        if (group != null) {
            params.put("group", group);
        }
        params.put("max_restart", ha.getMaxRestart() == null ? 1 : ha.getMaxRestart());
        params.put("max_relocate", ha.getMaxRelocate() == null ? 1 : ha.getMaxRelocate());
        params.put("comment", Ownership.haComment(vm));
        if (service.isEmpty()) {
            if (connection.vms().haResource(obs.vmid()).isEmpty()) {
                Map<String, Object> create = new LinkedHashMap<>(params);
                create.put("sid", "vm:" + obs.vmid());
                connection.vms().createHaResource(create);
                shared.events.normal(vm, "HaRegistered", "vm:" + obs.vmid() + " is now an HA resource (" + state
                        + (group == null ? "" : ", group " + group) + ")");
                LOG.info("registered vm:{} with the HA manager", obs.vmid());
            }
            acted();
            condition(HA_MANAGED, Conditions.FALSE, HA_REGISTERING, "waiting for the HA manager to list vm:" + obs.vmid());
            ready(Conditions.FALSE, HA_REGISTERING, "registering vm:" + obs.vmid() + " with the HA manager");
            return BUSY;
        }
        HaStatusEntry entry = service.get();
        boolean differs = !state.equals(entry.requestState())
                || !Objects.equals(group, entry.group())
                || !Objects.equals(params.get("max_restart"), entry.maxRestart())
                || !Objects.equals(params.get("max_relocate"), entry.maxRelocate());
        if (differs && !"error".equals(entry.crmState())) {
            Map<String, Object> update = new LinkedHashMap<>(params);
            if (group == null && entry.group() != null) {
                update.put("delete", "group");
            }
            connection.vms().updateHaResource(obs.vmid(), update);
            shared.events.normal(vm, "HaUpdated", "vm:" + obs.vmid() + " → " + state + (group == null ? "" : ", group " + group));
            acted();
            return BUSY;
        }
        if ("error".equals(entry.crmState())) {
            condition(HA_MANAGED, Conditions.FALSE, "HaError", "the HA manager put vm:" + obs.vmid()
                    + " into the error state (it failed to start or stop it); fix the cause, then set the resource to disabled and back in PVE");
        } else {
            condition(HA_MANAGED, Conditions.TRUE, "HaManaged", "vm:" + obs.vmid() + " " + entry.crmState()
                    + (entry.group() == null ? "" : " in group " + entry.group()));
        }
        return null;
    }

    private Duration removeOwnHaResource(int vmid) {
        Optional<io.pveha.pve.model.HaResource> resource = connection.vms().haResource(vmid);
        if (resource.isPresent() && Ownership.haComment(vm).equals(resource.get().comment())) {
            connection.vms().deleteHaResource(vmid);
            shared.events.normal(vm, "HaRemoved", "vm:" + vmid + " is no longer an HA resource (spec.ha.enabled is false)");
            acted();
            return BUSY;
        }
        return null;
    }

    private void ensurePreferredGroup(String group, List<String> nodes) {
        StringBuilder members = new StringBuilder();
        for (int i = 0; i < nodes.size(); i++) {
            if (i > 0) {
                members.append(',');
            }
            members.append(nodes.get(i)).append(':').append(nodes.size() - i);
        }
        Optional<io.pveha.pve.model.HaGroup> existing = connection.vms().haGroups().stream()
                .filter(g -> group.equals(g.group())).findFirst();
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("nodes", members.toString());
        params.put("comment", Ownership.haComment(vm));
        if (existing.isEmpty()) {
            params.put("group", group);
            connection.vms().createHaGroup(params);
        } else if (!members.toString().equals(existing.get().nodes())) {
            connection.vms().updateHaGroup(group, params);
        }
    }

    private Duration power(ClusterResource obs) {
        boolean haManaged = snapshot.haService(obs.vmid()).isPresent();
        if (obs.isTemplate() || haManaged) {
            return null;
        }
        if (!snapshot.nodeOnline(obs.node())) {
            return null;
        }
        PowerState desired = desiredPower();
        if (desired == PowerState.Running && "stopped".equals(obs.status())) {
            return startTask("Start", obs.node(), STARTING, "starting VM " + obs.vmid(),
                    () -> Optional.of(connection.vms().power(obs.node(), obs.vmid(), "start", Map.of())));
        }
        if (desired == PowerState.Stopped && "running".equals(obs.status())) {
            return startTask("Shutdown", obs.node(), STOPPING, "shutting down VM " + obs.vmid(),
                    () -> Optional.of(connection.vms().power(obs.node(), obs.vmid(), "shutdown", Map.of("forceStop", 1, "timeout", 120))));
        }
        return null;
    }

    private Duration placement(ClusterResource obs) {
        String target = vm.getSpec().getPlacement() == null ? null : vm.getSpec().getPlacement().getNode();
        if (target == null || target.equals(status.getAppliedPlacement())) {
            return null;
        }
        if (target.equals(obs.node())) {
            status.setAppliedPlacement(target);
            shared.haMigrateRequestedAt.remove(uid);
            return null;
        }
        if (!snapshot.nodeOnline(target)) {
            ready(Conditions.FALSE, NODE_OFFLINE, "spec.placement.node " + target + " is offline; the VM stays on " + obs.node());
            return WAIT_CLUSTER;
        }
        if (snapshot.haService(obs.vmid()).isPresent()) {
            Instant asked = shared.haMigrateRequestedAt.get(uid);
            if (asked == null || Duration.between(asked, now()).compareTo(HaVmShared.HA_MIGRATE_PATIENCE) > 0) {
                connection.vms().migrateHaResource(obs.vmid(), target);
                shared.haMigrateRequestedAt.put(uid, now());
                shared.events.normal(vm, "Migrating", "asked the HA manager to migrate vm:" + obs.vmid() + " from " + obs.node() + " to " + target);
                acted();
            }
            ready(Conditions.FALSE, MIGRATING, "the HA manager is migrating the VM from " + obs.node() + " to " + target);
            return BUSY;
        }
        boolean online = "running".equals(obs.status());
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("target", target);
        if (online) {
            params.put("online", 1);
        }
        shared.events.normal(vm, "Migrating", (online ? "live-" : "") + "migrating VM " + obs.vmid() + " from " + obs.node() + " to " + target);
        return startTask("Migrate", obs.node(), MIGRATING, "migrating from " + obs.node() + " to " + target,
                () -> Optional.of(connection.vms().migrate(obs.node(), obs.vmid(), params)));
    }

    private void refreshAddresses(ClusterResource obs) {
        if (!"running".equals(obs.status())) {
            status.setIpAddresses(List.of());
            return;
        }
        if (!shared.agentEnabled.getOrDefault(uid, false)) {
            // Without a guest agent (or before the config was read) PVE cannot tell the guest's addresses.
            return;
        }
        Instant checked = shared.ipsCheckedAt.get(uid);
        int failures = shared.agentFailures.getOrDefault(uid, 0);
        Duration every = !status.getIpAddresses().isEmpty() ? HaVmShared.IP_REFRESH
                : failures == 0 ? HaVmShared.IP_RETRY : min(HaVmShared.IP_REFRESH, HaVmShared.IP_RETRY.multipliedBy(1L << Math.min(failures, 7)));
        String boot = obs.node() + "@" + (obs.uptime() == null ? "?" : Long.toString(now().getEpochSecond() - obs.uptime()));
        String previousBoot = shared.bootSeen.get(uid);
        boolean rebooted = previousBoot != null && !sameBoot(previousBoot, boot);
        if (!rebooted && checked != null && Duration.between(checked, now()).compareTo(every) < 0) {
            return;
        }
        shared.ipsCheckedAt.put(uid, now());
        shared.bootSeen.put(uid, boot);
        try {
            status.setIpAddresses(connection.vms().guestAddresses(obs.node(), obs.vmid()));
            shared.agentFailures.remove(uid);
        } catch (PveApiException e) {
            // The agent is not up (yet): IPs stay unknown, which is no error of the VM; ask less and less often.
            shared.agentFailures.merge(uid, 1, Integer::sum);
            LOG.debug("guest agent of VM {}: {}", obs.vmid(), e.getMessage());
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** Same node and a boot time within a minute (uptime is sampled, so the derived boot time jitters). */
    private static boolean sameBoot(String a, String b) {
        String[] x = a.split("@");
        String[] y = b.split("@");
        if (!x[0].equals(y[0])) {
            return false;
        }
        try {
            return Math.abs(Long.parseLong(x[1]) - Long.parseLong(y[1])) < 60;
        } catch (NumberFormatException e) {
            return true;
        }
    }

    private Duration summarize(ClusterResource obs) {
        status.setFailedAttempts(null);
        String ha = status.getHaState();
        if (ha != null && HA_MOVING.contains(ha)) {
            ready(Conditions.FALSE, HA_RECOVERING, "the HA manager has vm:" + obs.vmid() + " in state " + ha + " (node " + obs.node() + ")");
            return WAIT_CLUSTER;
        }
        if (!snapshot.nodeOnline(obs.node())) {
            ready(Conditions.FALSE, NODE_OFFLINE, "node " + obs.node() + " is offline"
                    + (ha != null ? "; the HA manager will recover the VM" : ""));
            return WAIT_CLUSTER;
        }
        if (obs.isTemplate()) {
            ready(Conditions.TRUE, READY, "template " + obs.vmid() + " on " + obs.node());
            return STEADY;
        }
        PowerState desired = desiredPower();
        String expected = desired == PowerState.Running ? "running" : "stopped";
        if (!expected.equals(obs.status())) {
            ready(Conditions.FALSE, desired == PowerState.Running ? STARTING : STOPPING,
                    "VM is " + obs.status() + ", waiting for it to be " + expected);
            return BUSY;
        }
        Optional<Condition> sync = Conditions.find(status.getConditions(), IN_SYNC);
        if (sync.isPresent() && !Conditions.TRUE.equals(sync.get().getStatus())) {
            ready(Conditions.FALSE, sync.get().getReason(), sync.get().getMessage());
            return STEADY;
        }
        ready(Conditions.TRUE, READY, "VM " + obs.vmid() + " " + obs.status() + " on " + obs.node()
                + (ha == null ? "" : " (HA " + ha + ")"));
        return STEADY;
    }

    // ---------------------------------------------------------------- helpers

    private CloudInitSecrets cloudInitSecrets() {
        HaVmSpec.CloudInit ci = vm.getSpec().getCloudInit();
        if (ci == null || (ci.getSshKeysSecretRef() == null && ci.getPasswordSecretRef() == null)) {
            return CloudInitSecrets.NONE;
        }
        String namespace = vm.getMetadata().getNamespace();
        String keys = null;
        String password = null;
        StringBuilder version = new StringBuilder();
        try {
            if (ci.getSshKeysSecretRef() != null) {
                keys = io.pveha.reconciler.Secrets.read(context.getClient(), namespace, ci.getSshKeysSecretRef().getName(),
                        ci.getSshKeysSecretRef().keyOr("ssh-authorized-keys"));
                version.append(secretVersion(namespace, ci.getSshKeysSecretRef().getName()));
            }
            if (ci.getPasswordSecretRef() != null) {
                password = io.pveha.reconciler.Secrets.read(context.getClient(), namespace, ci.getPasswordSecretRef().getName(),
                        ci.getPasswordSecretRef().keyOr("password"));
                version.append('/').append(secretVersion(namespace, ci.getPasswordSecretRef().getName()));
            }
        } catch (io.pveha.reconciler.Secrets.MissingSecretException e) {
            throw new PveApiException(PveErrorKind.VALIDATION, 0, "read", "Secret", e.getMessage(), null, null);
        }
        return new CloudInitSecrets(keys, password, version.toString());
    }

    private String secretVersion(String namespace, String name) {
        var secret = context.getClient().secrets().inNamespace(namespace).withName(name).get();
        return secret == null ? "" : name + "@" + secret.getMetadata().getResourceVersion();
    }

    /** A template-to-be with install media that has not booted its installer yet. */
    private boolean installsFromIso() {
        return vm.getSpec().getSource().getIso() != null && !Boolean.TRUE.equals(status.getTemplate());
    }

    private PowerState desiredPower() {
        if (Boolean.TRUE.equals(vm.getSpec().getTemplate())) {
            // Boot the installer once; after that, a template-to-be stays off.
            return installsFromIso() && !Boolean.TRUE.equals(status.getInstallerBooted()) ? PowerState.Running : PowerState.Stopped;
        }
        return vm.getSpec().getPowerState() == null ? PowerState.Running : vm.getSpec().getPowerState();
    }

    private Duration apiFailure(PveApiException e) {
        String reason = e.kind() == PveErrorKind.NODE_UNREACHABLE ? NODE_OFFLINE
                : e.kind() == PveErrorKind.LOCKED ? LOCKED : API_ERROR;
        ready(Conditions.FALSE, reason, Redactor.scrub(e.describe()));
        LOG.warn("PVE refused or failed: {}", e.describe());
        if (!e.retryable()) {
            if (!isReason(Conditions.READY, reason) || !Objects.equals(readyMessage(), Redactor.scrub(e.describe()))) {
                shared.events.warning(vm, reason, Redactor.scrub(e.describe()));
            }
            int attempts = status.getFailedAttempts() == null ? 1 : status.getFailedAttempts() + 1;
            status.setFailedAttempts(attempts);
            return backoff(attempts);
        }
        return Duration.ofSeconds(10);
    }

    private void logReadyChange() {
        Optional<Condition> before = vm.getStatus() == null ? Optional.empty() : Conditions.find(vm.getStatus().getConditions(), Conditions.READY);
        Optional<Condition> after = Conditions.find(status.getConditions(), Conditions.READY);
        if (after.isPresent() && (before.isEmpty() || !Objects.equals(before.get().getReason(), after.get().getReason()))) {
            LOG.info("Ready={} {}: {}", after.get().getStatus(), after.get().getReason(), after.get().getMessage());
        }
    }

    private String readyMessage() {
        return Conditions.find(status.getConditions(), Conditions.READY).map(Condition::getMessage).orElse(null);
    }

    static Duration backoff(int attempts) {
        long seconds = Math.min(600, 15L << Math.min(6, Math.max(0, attempts - 1)));
        return Duration.ofSeconds(seconds);
    }

    private void acted() {
        shared.actedAt.put(uid, now());
        if (connection != null) {
            connection.requestPoll();
        }
    }

    private boolean wasProvisioned() {
        return isTrue(PROVISIONED);
    }

    private static boolean isCreateLike(String action) {
        return "Create".equals(action) || "Clone".equals(action) || "Restore".equals(action);
    }

    private static String reasonFor(String action) {
        return switch (action) {
            case "Create" -> CREATING;
            case "Clone" -> CLONING;
            case "Restore" -> RESTORING;
            default -> WAITING_FOR_TASK;
        };
    }

    private boolean isTrue(String type) {
        return Conditions.isTrue(status.getConditions(), type);
    }

    private boolean isReason(String type, String reason) {
        return Conditions.find(status.getConditions(), type).map(c -> reason.equals(c.getReason())).orElse(false);
    }

    private void condition(String type, String value, String reason, String message) {
        status.setConditions(Conditions.set(status.getConditions(), type, value, reason, Redactor.scrub(message), generation, now()));
    }

    private void ready(String value, String reason, String message) {
        condition(Conditions.READY, value, reason, message);
    }

    private Instant now() {
        return shared.clock.instant().truncatedTo(ChronoUnit.SECONDS);
    }

    private void persist() {
        try {
            stored = io.pveha.reconciler.StatusPatch.record(stored, status, context);
        } catch (io.pveha.reconciler.StatusPatch.Conflict e) {
            // Changed meanwhile: abort this pass; JOSDK reconciles again from the fresh object.
            throw new ConcurrentChange(e);
        }
    }

    static ClusterKey clusterKey(HaVm vm) {
        return new ClusterKey(vm.getMetadata().getNamespace(), vm.getSpec().getClusterRef().getName());
    }

    /** The HaVm changed while this pass ran; its work is redone from the fresh object. */
    static final class ConcurrentChange extends RuntimeException {
        ConcurrentChange(Throwable cause) {
            super("the HaVm changed during the reconcile", cause);
        }
    }
}
