package io.pveha.reconciler.vm;

import io.fabric8.kubernetes.api.model.Condition;
import io.pveha.api.Pveha;
import io.pveha.api.backup.BackupPolicy;
import io.pveha.api.backup.BackupPolicyStatus;
import io.pveha.api.vm.BackupSource;
import io.pveha.api.vm.Ha;
import io.pveha.api.vm.HaVm;
import io.pveha.api.vm.HaVmSpec;
import io.pveha.api.vm.HaVmStatus;
import io.pveha.api.vm.PowerState;
import io.pveha.api.vm.RestartPolicy;
import io.pveha.api.vm.Source;
import io.pveha.api.vm.TemplateSource;
import io.pveha.cluster.ClusterSnapshot;
import io.pveha.pve.model.ClusterResource;
import io.pveha.pve.model.HaGroup;
import io.pveha.pve.model.HaStatusEntry;
import io.pveha.pve.model.VmConfig;
import io.pveha.reconciler.CommonReason;
import io.pveha.reconciler.Conditions;
import io.pveha.reconciler.Note;
import io.pveha.reconciler.placement.Placements;
import io.pveha.reconciler.task.TaskLedger;
import io.pveha.reconciler.task.TaskLedger.TaskFact;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Decides what a HaVm pass does: a pure function of the HaVm (spec and status), the observed facts
 * and the current instant. Steps in order — follow a pending task; provision a missing VM (create,
 * clone or restore); make sure an existing VM is ours; then configuration, template conversion, HA,
 * power and placement, one action at a time — and when nothing is left to do, the Ready summary. A
 * VM that is not ours is never changed, and nothing is started while a task is pending.
 */
final class HaVmPlanner {
    static final Duration BUSY = Duration.ofSeconds(2);
    static final Duration SOON = Duration.ofMillis(500);
    static final Duration STEADY = Duration.ofMinutes(5);
    static final Duration WAIT_CLUSTER = Duration.ofSeconds(10);
    static final Duration WAIT_SOURCE = Duration.ofSeconds(5);
    static final Duration WAIT_LOCK = Duration.ofSeconds(5);

    /**
     * How often a VM's full configuration is compared with its spec when nothing in the poll hints
     * at drift.
     */
    static final Duration DRIFT_CHECK = Duration.ofMinutes(30);

    /**
     * How often guest addresses are refreshed once known (also after every restart or move of the
     * VM).
     */
    static final Duration IP_REFRESH = Duration.ofMinutes(30);

    /** How often guest addresses are asked for while none is known (the VM is booting). */
    static final Duration IP_RETRY = Duration.ofSeconds(15);

    /** An HA migration request is not repeated within this time. */
    static final Duration HA_MIGRATE_PATIENCE = Duration.ofMinutes(3);

    static final Set<String> HA_MOVING =
            Set.of("fence", "recovery", "freeze", "migrate", "relocate");

    private static final String RESTORE_ACTION = HaVmAction.TaskKind.RESTORE.action;

    private HaVmPlanner() {}

    static HaVmPlan plan(HaVm vm, HaVmFacts facts, Instant now) {
        return new Pass(vm, facts, now).plan();
    }

    // ---------------------------------------------------------------- what the observer should
    // read

    /**
     * What to remember as the last drift check of a VM the operator knows nothing about yet (it has
     * just started) although its status says the VM was in sync at this generation and the poll
     * shows our tag: a moment spread over {@link #DRIFT_CHECK} by the HaVm's UID, so its first
     * periodic check falls somewhere in the next {@link #DRIFT_CHECK} instead of now. Without it a
     * restart at 1,000 VMs read every configuration (and every pending change) in the first minute
     * (2,152 PVE calls against 168 in a steady minute). Drift the poll shows (name, tags, memory,
     * CPUs) is still read at once. Null when the VM must be read as before.
     */
    static Instant assumedConfigCheck(HaVm vm, ClusterResource obs, VmMemory memory, Instant now) {
        HaVmStatus status = vm.getStatus();
        if (memory.configCheckedAt() != null
                || status == null
                || !Conditions.isTrue(status.getConditions(), Names.IN_SYNC)
                || !Objects.equals(status.getObservedGeneration(), generation(vm))
                || !Ownership.taggedFor(obs.tagList(), vm)) {
            return null;
        }
        String uid = vm.getMetadata().getUid() == null ? "" : vm.getMetadata().getUid();
        long spread = Math.floorMod(uid.hashCode(), DRIFT_CHECK.toSeconds());
        return now.minus(DRIFT_CHECK).plusSeconds(spread + 1);
    }

    /**
     * Whether the VM's configuration must be read this pass: to prove ownership without our tag,
     * after a spec change, until the VM was once found in sync, every {@link #DRIFT_CHECK}, before
     * converting an installed VM into a template (to eject the ISO), and whenever the poll hints at
     * drift (name, tag, memory, CPUs). A VM the operator has just made is known without reading it,
     * unless the spec declares what depends on its content.
     *
     * @param polledAt when the poll the facts come from began
     * @param justMade the create-like action (Create, Clone, Restore) whose task ended in this
     *     pass, or null
     */
    static boolean configDue(
            HaVm vm,
            ClusterResource obs,
            VmMemory memory,
            Instant now,
            Instant polledAt,
            String justMade) {
        HaVmSpec spec = vm.getSpec();
        if (justMade != null) {
            return switch (justMade) {
                case "Create" -> false;
                case "Clone" -> !spec.getDisks().isEmpty() || spec.getCloudInit() != null;
                default -> true;
            };
        }
        HaVmStatus status = vm.getStatus();
        if (!Ownership.taggedFor(obs.tagList(), vm) && !memory.wroteConfigAfter(polledAt)) {
            return true;
        }
        long generation = generation(vm);
        if (status == null
                || !Conditions.isTrue(status.getConditions(), Names.IN_SYNC)
                || !Objects.equals(status.getObservedGeneration(), generation)) {
            return true;
        }
        if (memory.configCheckedAt() == null
                || !now.isBefore(memory.configCheckedAt().plus(DRIFT_CHECK))) {
            return true;
        }
        if (Boolean.TRUE.equals(spec.getTemplate())
                && !obs.isTemplate()
                && spec.getSource().getIso() != null
                && "stopped".equals(obs.status())) {
            return true;
        }
        if (!VmSpecMapping.vmName(vm).equals(obs.name())) {
            return true;
        }
        if (spec.getMemoryMiB() != null
                && obs.maxmem() != null
                && obs.maxmem() != ((long) spec.getMemoryMiB() << 20)) {
            return true;
        }
        if (spec.getCpu() != null && obs.maxcpu() != null) {
            int cores = spec.getCpu().getCores() == null ? -1 : spec.getCpu().getCores();
            int sockets = spec.getCpu().getSockets() == null ? 1 : spec.getCpu().getSockets();
            return cores > 0 && obs.maxcpu() != cores * sockets;
        }
        return false;
    }

    /**
     * The create-like action whose task ended well in this pass (its effects in the same poll), or
     * whose interrupted intent turns out to have made the VM: what it made is the operator's own.
     */
    static String justMade(Optional<TaskFact> task, boolean vmExists) {
        if (task.isEmpty() || !createLike(task.get().task().getAction())) {
            return null;
        }
        TaskFact t = task.get();
        boolean done = t.state() == TaskLedger.State.SUCCEEDED && t.current();
        boolean interruptedButMade =
                !t.task().started()
                        && vmExists
                        && (t.state() == TaskLedger.State.RUNNING
                                || t.state() == TaskLedger.State.UNKNOWN);
        return done || interruptedButMade ? t.task().getAction() : null;
    }

    /**
     * Whether to ask the guest agent for the VM's addresses: only for a running VM with the agent
     * enabled, every {@link #IP_REFRESH} once known, every {@link #IP_RETRY} (backing off) while
     * none is known, and at once after the VM restarted or moved.
     */
    static boolean addressesDue(HaVm vm, ClusterResource obs, VmMemory memory, Instant now) {
        if (!"running".equals(obs.status()) || !Boolean.TRUE.equals(memory.agentEnabled())) {
            return false;
        }
        List<String> known = vm.getStatus() == null ? List.of() : vm.getStatus().getIpAddresses();
        int failures = memory.agentFailures();
        Duration every =
                !known.isEmpty()
                        ? IP_REFRESH
                        : failures == 0
                                ? IP_RETRY
                                : min(
                                        IP_REFRESH,
                                        IP_RETRY.multipliedBy(1L << Math.min(failures, 7)));
        String boot = bootOf(obs, now);
        boolean rebooted = memory.boot() != null && !sameBoot(memory.boot(), boot);
        return rebooted
                || memory.ipsCheckedAt() == null
                || !now.isBefore(memory.ipsCheckedAt().plus(every));
    }

    /**
     * Whether PVE's HA groups must be read: the VM's preferred-node group is not (yet) what its HA
     * service uses.
     */
    static boolean haGroupsDue(
            HaVm vm, Optional<HaStatusEntry> service, int vmid, boolean configDue) {
        Ha ha = vm.getSpec().getHa();
        if (ha == null
                || !Boolean.TRUE.equals(ha.getEnabled())
                || ha.getPreferredNodes().isEmpty()) {
            return false;
        }
        return configDue
                || service.isEmpty()
                || !preferredGroup(vmid).equals(service.get().group());
    }

    /** Node and boot time: a restart or a move gives another value. */
    static String bootOf(ClusterResource obs, Instant now) {
        return obs.node()
                + "@"
                + (obs.uptime() == null ? "?" : Long.toString(now.getEpochSecond() - obs.uptime()));
    }

    static String preferredGroup(int vmid) {
        return "pveha-vm-" + vmid;
    }

    /** Condition types of a HaVm besides Ready. */
    static final class Names {
        static final String PROVISIONED = "Provisioned";
        static final String IN_SYNC = "InSync";
        static final String HA_MANAGED = "HaManaged";
        static final String DELETING = "Deleting";
        static final String PLACEMENT = "Placement";

        private Names() {}
    }

    // ---------------------------------------------------------------- the pass

    private static final class Pass {
        private final HaVm vm;
        private final HaVmSpec spec;
        private final HaVmStatus status;
        private final HaVmFacts facts;
        private final Instant now;
        private final HaVmPlan.Builder plan = new HaVmPlan.Builder();

        /**
         * The create-like task that ended in this pass, if any (what was just made is known without
         * reading it).
         */
        private String justMade;

        Pass(HaVm vm, HaVmFacts facts, Instant now) {
            this.vm = vm;
            this.spec = vm.getSpec();
            this.status = vm.getStatus() == null ? new HaVmStatus() : vm.getStatus();
            this.facts = facts;
            this.now = now;
        }

        HaVmPlan plan() {
            if (facts.cluster().blocked().isPresent()) {
                var blocked = facts.cluster().blocked().get();
                return plan.ready(blocked.reason(), blocked.message())
                        .requeue(WAIT_CLUSTER)
                        .build();
            }
            if (facts.task().isPresent() && !followTask(facts.task().get())) {
                return plan.build();
            }
            if (facts.task().isEmpty() && facts.stale()) {
                return keepShowing(SOON);
            }
            String here = here();
            String lived = plan.pveCluster() != null ? plan.pveCluster() : status.getPveCluster();
            if (lived != null && !lived.equals(here)) {
                // The VM lives on another PVE cluster (disaster recovery, or a mistake).
                HaVmRecovery.plan(vm, status, facts, lived, here, now, plan);
                return plan.build();
            }
            if (status.getVmid() == null && spec.getVmid() != null) {
                plan.vmid(spec.getVmid());
            }
            if (facts.vm().isEmpty()) {
                provision();
                return plan.build();
            }
            ClusterResource obs = facts.vm().get();
            if (!owned(obs)) {
                return plan.build();
            }
            if (!here.equals(status.getPveCluster()) && plan.pveCluster() == null) {
                // Which PVE cluster the VM lives on: its VMID means something only there.
                plan.pveCluster(here);
            }
            plan.condition(
                    Names.PROVISIONED,
                    true,
                    HaVmReason.Provisioned,
                    "VM " + obs.vmid() + " exists on " + obs.node());
            if (obs.lock() != null && !obs.lock().isBlank()) {
                return plan.ready(HaVmReason.Locked, "VM is locked (" + obs.lock() + "); waiting")
                        .requeue(WAIT_LOCK)
                        .build();
            }
            addresses(obs);
            if (configure(obs) || template(obs) || ha(obs) || power(obs) || placement(obs)) {
                return plan.build();
            }
            summarize(obs);
            if (plan.build().ready()) {
                HaVmRecovery.readyHere(vm, status, here, now, plan);
            }
            return plan.build();
        }

        // ------------------------------------------------------------ tasks

        /**
         * Plans around a pending task; false when the pass stops here (the task runs, failed, or
         * facts must catch up).
         */
        private boolean followTask(TaskFact task) {
            String action = task.task().getAction();
            switch (task.state()) {
                case RUNNING, UNKNOWN -> {
                    if (createLike(action) && !task.task().started() && facts.vm().isPresent()) {
                        // The interrupted create did reach PVE: what it made is in the poll, the
                        // facts decide from here.
                        plan.ended(task);
                        justMade = action;
                        if (RESTORE_ACTION.equals(action)) {
                            // A disaster-recovery restore made the VM: it lives here now (never
                            // restored a second time under another VMID).
                            HaVmRecovery.restoreEnded(status, here(), true, null, now, plan);
                        }
                        return true;
                    }
                    String where =
                            task.task().getNode() == null ? "" : " on " + task.task().getNode();
                    plan.ready(
                            HaVmReason.WaitingForTask,
                            action
                                    + (task.task().started()
                                            ? " running"
                                                    + where
                                                    + " ("
                                                    + task.task().getTaskType()
                                                    + ")"
                                            : " being started" + where));
                    if (createLike(action)) {
                        plan.condition(
                                Names.PROVISIONED,
                                false,
                                reasonOf(action),
                                action + " task " + task.task().getUpid());
                    }
                    plan.requeue(BUSY);
                    return false;
                }
                case NOT_STARTED -> {
                    plan.ended(task);
                    return true;
                }
                case SUCCEEDED -> {
                    plan.ended(task).failedAttempts(0);
                    if (RESTORE_ACTION.equals(action)) {
                        HaVmRecovery.restoreEnded(status, here(), true, null, now, plan);
                    }
                    if (createLike(action)) {
                        plan.condition(
                                Names.PROVISIONED,
                                true,
                                HaVmReason.Provisioned,
                                action + " finished");
                        justMade = action;
                    }
                    if ("Create".equals(action)) {
                        plan.condition(
                                Names.IN_SYNC,
                                true,
                                HaVmReason.InSync,
                                "configuration set when the VM was created");
                    }
                    if (!task.current()) {
                        // Learned from PVE directly: the poll at hand may predate the task's
                        // effects.
                        plan.ready(
                                        HaVmReason.WaitingForTask,
                                        action + " finished; waiting for the next poll")
                                .requeue(SOON);
                        return false;
                    }
                    return true;
                }
                default -> {
                    if (RESTORE_ACTION.equals(action)
                            && HaVmRecovery.restoreEnded(
                                            status, here(), false, task.describe(), now, plan)
                                    .isPresent()) {
                        // Disaster recovery: that backup is unusable, the next older one is next.
                        plan.ended(task)
                                .condition(
                                        Names.PROVISIONED,
                                        false,
                                        HaVmReason.WaitingForRecovery,
                                        plan.recovery().getMessage())
                                .ready(HaVmReason.WaitingForRecovery, plan.recovery().getMessage())
                                .requeue(SOON);
                        return false;
                    }
                    int attempts =
                            status.getFailedAttempts() == null ? 1 : status.getFailedAttempts() + 1;
                    String message = action + " failed: " + task.describe();
                    plan.ended(task)
                            .failedAttempts(attempts)
                            .ready(CommonReason.TaskFailed, message)
                            .requeue(backoff(attempts));
                    if (createLike(action)) {
                        plan.condition(Names.PROVISIONED, false, CommonReason.TaskFailed, message);
                    }
                    return false;
                }
            }
        }

        private HaVmPlan keepShowing(Duration requeue) {
            Optional<Condition> ready = Conditions.find(status.getConditions(), Conditions.READY);
            plan.ready(
                    ready.flatMap(
                                    c ->
                                            io.pveha.reconciler.Reasons.find(
                                                    HaVmReason.class, c.getReason()))
                            .orElse(HaVmReason.WaitingForTask),
                    ready.map(Condition::getMessage)
                            .orElse("waiting for a poll after the last change"));
            return plan.requeue(requeue).build();
        }

        // ------------------------------------------------------------ provisioning

        private void provision() {
            Source source = spec.getSource();
            Integer vmid = facts.vmid();
            if (wasProvisioned() && vmid != null) {
                plan.note(
                        Note.warning(
                                HaVmReason.VmMissing,
                                "VM "
                                        + vmid
                                        + " no longer exists in PVE; creating it again from the source"));
            }
            Optional<String> missingStorage =
                    storagesNeeded(source).stream()
                            .filter(
                                    id ->
                                            snapshot().storages().stream()
                                                    .noneMatch(st -> id.equals(st.storage())))
                            .findFirst();
            if (missingStorage.isPresent()) {
                // Typically a CephPool with addStorage still being created: wait rather than send a
                // create PVE refuses.
                plan.ready(
                                HaVmReason.WaitingForStorage,
                                "storage "
                                        + missingStorage.get()
                                        + " does not exist in the cluster (yet)")
                        .requeue(WAIT_SOURCE);
                return;
            }
            if (source.getTemplate() != null) {
                cloneFromTemplate(vmid, source.getTemplate());
                return;
            }
            String node = chooseNode();
            if (node == null) {
                plan.ready(HaVmReason.NodeOffline, "no online node to create the VM on")
                        .requeue(WAIT_CLUSTER);
                return;
            }
            if (source.getBackup() != null) {
                restore(vmid, node, false);
                return;
            }
            if (!facts.secrets().ok()) {
                plan.ready(CommonReason.SecretNotFound, facts.secrets().missing())
                        .requeue(WAIT_CLUSTER);
                return;
            }
            String what =
                    source.getIso() != null
                            ? "with install media " + source.getIso().getVolume()
                            : "empty";
            start(
                    new HaVmAction.Create(vmid, node),
                    HaVmReason.Creating,
                    "creating VM " + describe(vmid) + " " + what + " on " + node);
            plan.appliedSecretsVersion(facts.secrets().secrets().version());
        }

        private void cloneFromTemplate(Integer vmid, TemplateSource template) {
            Integer sourceVmid = template.getVmid();
            if (template.getHaVmRef() != null) {
                String wait =
                        sourceWaitReason(facts.source().templateHaVm().orElse(null), template);
                if (wait != null) {
                    waitForSource(wait, WAIT_SOURCE);
                    return;
                }
                sourceVmid = facts.source().templateHaVm().get().getStatus().getVmid();
            }
            Optional<ClusterResource> source = snapshot().vm(sourceVmid);
            if (source.isEmpty()) {
                waitForSource(
                        "source VM " + sourceVmid + " does not exist in the cluster", WAIT_SOURCE);
                return;
            }
            boolean full = Boolean.TRUE.equals(template.getFull());
            if (!full && !source.get().isTemplate()) {
                waitForSource(
                        "source VM "
                                + sourceVmid
                                + " is not a template: a linked clone needs a template"
                                + " (set source.template.full: true to copy a VM)",
                        Duration.ofSeconds(15));
                return;
            }
            String target = spec.getPlacement() == null ? null : spec.getPlacement().getNode();
            start(
                    new HaVmAction.Clone(vmid, source.get().node(), sourceVmid, target),
                    HaVmReason.Cloning,
                    (full ? "full" : "linked")
                            + " clone of "
                            + sourceVmid
                            + " to VM "
                            + describe(vmid));
        }

        /**
         * Restores {@code source.backup}: the volume given, or the latest good backup the
         * referenced BackupPolicy reports for this HaVm (by name) or VMID.
         */
        private void restore(Integer vmid, String node, boolean overwrite) {
            BackupSource backup = spec.getSource().getBackup();
            String archive = backup.getVolume();
            if (archive == null) {
                Optional<BackupPolicy> policy = facts.source().backupPolicy();
                if (policy.isEmpty()) {
                    waitForSource(
                            "BackupPolicy "
                                    + backup.getPolicyRef().getName()
                                    + " (source.backup.policyRef) does not exist",
                            Duration.ofSeconds(15));
                    return;
                }
                archive = latestBackup(policy.get(), vmid).orElse(null);
                if (archive == null) {
                    waitForSource(
                            "BackupPolicy "
                                    + backup.getPolicyRef().getName()
                                    + " reports no good backup of HaVm "
                                    + vm.getMetadata().getName()
                                    + (vmid == null ? "" : " or VM " + vmid)
                                    + " (source.backup.policyRef)",
                            Duration.ofSeconds(15));
                    return;
                }
            }
            start(
                    new HaVmAction.Restore(vmid, node, archive, overwrite),
                    HaVmReason.Restoring,
                    "restoring "
                            + archive
                            + " to VM "
                            + describe(vmid)
                            + " on "
                            + node
                            + (overwrite ? " over the existing VM" : ""));
        }

        private void waitForSource(String message, Duration requeue) {
            plan.condition(Names.PROVISIONED, false, HaVmReason.WaitingForSource, message)
                    .ready(HaVmReason.WaitingForSource, message)
                    .requeue(requeue);
        }

        /** The policy's latest good backup of this HaVm (matched by name first, then by VMID). */
        private Optional<String> latestBackup(BackupPolicy policy, Integer vmid) {
            if (policy.getStatus() == null) {
                return Optional.empty();
            }
            List<BackupPolicyStatus.VmBackup> backups = policy.getStatus().getVms();
            Comparator<BackupPolicyStatus.VmBackup> byTime =
                    Comparator.comparing(b -> b.getTime() == null ? "" : b.getTime());
            return backups.stream()
                    .filter(
                            b ->
                                    vm.getMetadata().getName().equals(b.getHaVm())
                                            && b.getVolume() != null)
                    .max(byTime)
                    .or(
                            () ->
                                    backups.stream()
                                            .filter(
                                                    b ->
                                                            vmid != null
                                                                    && Objects.equals(
                                                                            b.getVmid(), vmid)
                                                                    && b.getVolume() != null)
                                            .max(byTime))
                    .map(BackupPolicyStatus.VmBackup::getVolume);
        }

        /**
         * The PVE storages the create, clone or restore names: they must exist before it is sent.
         */
        private List<String> storagesNeeded(Source source) {
            List<String> ids = new ArrayList<>();
            if (source.getTemplate() != null) {
                if (Boolean.TRUE.equals(source.getTemplate().getFull())
                        && source.getTemplate().getStorage() != null) {
                    ids.add(source.getTemplate().getStorage());
                }
            } else if (source.getBackup() != null) {
                if (source.getBackup().getStorage() != null) {
                    ids.add(source.getBackup().getStorage());
                }
            } else {
                spec.getDisks().forEach(d -> ids.add(d.getStorage()));
            }
            return ids;
        }

        /** The placement node if it is online, else the online node with the most free memory. */
        private String chooseNode() {
            String wanted = spec.getPlacement() == null ? null : spec.getPlacement().getNode();
            if (wanted != null) {
                return snapshot().nodeOnline(wanted) ? wanted : null;
            }
            return snapshot().nodes().stream()
                    .filter(n -> "online".equals(n.status()))
                    .max(
                            Comparator.comparingLong(
                                    n ->
                                            (n.maxmem() == null ? 0 : n.maxmem())
                                                    - (n.mem() == null ? 0 : n.mem())))
                    .map(ClusterResource::node)
                    .orElse(null);
        }

        // ------------------------------------------------------------ ownership

        /**
         * Whether the existing VM belongs to this HaVm; when it does not, the plan says why and
         * what may be done.
         */
        private boolean owned(ClusterResource obs) {
            if (Ownership.taggedFor(obs.tagList(), vm)
                    || justMade != null
                    || facts.memory().wroteConfigAfter(snapshot().polledAt())) {
                // Our tag, a VM this pass saw made by our task, or our tag written after this poll
                // began.
                return true;
            }
            if (facts.config().isPresent()
                    && Ownership.describedAs(
                            facts.config().get().get("description").orElse(null), vm)) {
                return true;
            }
            if (adoptAnnotated()) {
                if (!wasProvisioned()) {
                    plan.note(
                            Note.normal(
                                    HaVmReason.Adopted,
                                    "adopting existing VM "
                                            + obs.vmid()
                                            + " ("
                                            + obs.name()
                                            + ") on "
                                            + obs.node()));
                }
                return true;
            }
            if (restoreOverExistingAllowed()) {
                plan.note(
                        Note.normal(
                                HaVmReason.RestoreOverExisting,
                                "restoring the backup over the existing VM "
                                        + obs.vmid()
                                        + " ("
                                        + obs.name()
                                        + ") as "
                                        + Pveha.ANNOTATION_RESTORE_OVER_EXISTING
                                        + " allows"));
                restore(obs.vmid(), obs.node(), true);
                return false;
            }
            String message =
                    "VMID "
                            + obs.vmid()
                            + " is used by VM '"
                            + obs.name()
                            + "' on "
                            + obs.node()
                            + ", which this HaVm does not own; it is left untouched. To manage it, annotate the HaVm with "
                            + Pveha.ANNOTATION_ADOPT
                            + "=true";
            if (spec.getSource() != null && spec.getSource().getBackup() != null) {
                message +=
                        "; to restore the backup over it (the VM's disks are replaced), annotate with "
                                + Pveha.ANNOTATION_RESTORE_OVER_EXISTING
                                + "=true";
            }
            if (!isReason(Conditions.READY, HaVmReason.VmidTaken)) {
                plan.note(Note.warning(HaVmReason.VmidTaken, message));
            }
            plan.condition(Names.PROVISIONED, false, HaVmReason.VmidTaken, message)
                    .ready(HaVmReason.VmidTaken, message);
            return false;
        }

        private boolean adoptAnnotated() {
            Map<String, String> annotations = vm.getMetadata().getAnnotations();
            return annotations != null
                    && "true".equalsIgnoreCase(annotations.get(Pveha.ANNOTATION_ADOPT));
        }

        private boolean restoreOverExistingAllowed() {
            Map<String, String> annotations = vm.getMetadata().getAnnotations();
            boolean allowed =
                    annotations != null
                            && "true"
                                    .equalsIgnoreCase(
                                            annotations.get(
                                                    Pveha.ANNOTATION_RESTORE_OVER_EXISTING));
            return allowed
                    && spec.getSource() != null
                    && spec.getSource().getBackup() != null
                    && !wasProvisioned();
        }

        // ------------------------------------------------------------ convergence

        private void addresses(ClusterResource obs) {
            if (!"running".equals(obs.status())) {
                if (!status.getIpAddresses().isEmpty()) {
                    plan.ipAddresses(List.of());
                }
                return;
            }
            facts.addresses().filter(a -> !a.failed()).ifPresent(a -> plan.ipAddresses(a.ips()));
        }

        /** Configuration drift of declared fields; true when an action was planned. */
        private boolean configure(ClusterResource obs) {
            CloudInitSecrets.Read secrets = facts.secrets();
            if (facts.config().isEmpty()) {
                if ("Clone".equals(justMade)
                        && spec.getDisks().isEmpty()
                        && spec.getCloudInit() == null) {
                    // A clone just made: what it needs (tags, declared hardware) is set in one
                    // call, without reading it back.
                    Map<String, Object> settings =
                            VmSpecMapping.settingsAfterClone(vm, obs.tagList());
                    plan.condition(
                            Names.IN_SYNC,
                            true,
                            HaVmReason.InSync,
                            "configuration set when the VM was cloned");
                    return act(
                            new HaVmAction.SetConfig(
                                    obs.node(), settings, List.of("settings of the new clone")),
                            HaVmReason.Configuring,
                            "setting tags and declared hardware of the new clone");
                }
                return false;
            }
            if (!secrets.ok()) {
                plan.condition(
                        Names.IN_SYNC, false, CommonReason.SecretNotFound, secrets.missing());
                return false;
            }
            VmConfig config = facts.config().get();
            boolean secretsChanged =
                    !Objects.equals(secrets.secrets().version(), status.getAppliedSecretsVersion())
                            && secrets.secrets().password() != null;
            VmSpecMapping.ConfigDelta delta =
                    VmSpecMapping.delta(vm, config, secrets.secrets(), secretsChanged);
            if (!delta.set().isEmpty() || !delta.delete().isEmpty()) {
                Map<String, Object> params = new LinkedHashMap<>(delta.set());
                if (!delta.delete().isEmpty()) {
                    params.put("delete", String.join(",", delta.delete()));
                }
                if (config.digest() != null) {
                    params.put("digest", config.digest());
                }
                String summary = String.join(", ", delta.changes());
                plan.note(Note.normal(HaVmReason.Configuring, summary));
                plan.appliedSecretsVersion(secrets.secrets().version());
                plan.condition(Names.IN_SYNC, false, HaVmReason.Configuring, summary);
                HaVmAction action =
                        VmSpecMapping.allocatesStorage(delta.set())
                                ? new HaVmAction.ConfigureAsync(obs.node(), params, summary)
                                : new HaVmAction.SetConfig(obs.node(), params, delta.changes());
                return act(action, HaVmReason.Configuring, "applying: " + summary);
            }
            if (!delta.resizes().isEmpty()) {
                VmSpecMapping.Resize resize = delta.resizes().get(0);
                String message = "growing " + resize.disk() + " to " + resize.size();
                plan.condition(Names.IN_SYNC, false, HaVmReason.Configuring, message);
                return act(
                        new HaVmAction.Resize(obs.node(), resize.disk(), resize.size()),
                        HaVmReason.Configuring,
                        message);
            }
            plan.appliedSecretsVersion(secrets.secrets().version());
            List<String> pending =
                    "running".equals(obs.status()) && !obs.isTemplate()
                            ? facts.pending().orElse(List.of())
                            : List.of();
            plan.pendingChanges(pending);
            if (!pending.isEmpty() && spec.getRestartPolicy() == RestartPolicy.Automatic) {
                plan.note(
                        Note.normal(
                                HaVmReason.Restarting,
                                "restarting to apply " + String.join(", ", pending)));
                return act(
                        HaVmAction.Power.restart(obs.node()),
                        HaVmReason.Starting,
                        "restarting to apply " + String.join(", ", pending));
            }
            if (!delta.refused().isEmpty()) {
                plan.condition(
                        Names.IN_SYNC,
                        false,
                        HaVmReason.ChangeRefused,
                        String.join("; ", delta.refused()));
            } else if (!pending.isEmpty()) {
                plan.condition(
                        Names.IN_SYNC,
                        false,
                        HaVmReason.RestartPending,
                        String.join(", ", pending)
                                + " take effect at the next restart (spec.restartPolicy is Manual)");
            } else {
                plan.condition(
                        Names.IN_SYNC, true, HaVmReason.InSync, "configuration matches the spec");
            }
            return false;
        }

        /** Template conversion; true when an action (or a wait for the installer) was planned. */
        private boolean template(ClusterResource obs) {
            if (!Boolean.TRUE.equals(spec.getTemplate()) || obs.isTemplate()) {
                return false;
            }
            if (installsFromIso()) {
                // A template from an ISO is installed first: the VM boots the installer, the OS is
                // installed on its
                // console, and the installer (or the admin) powers it off; that shutdown is the
                // signal to convert.
                if ("running".equals(obs.status())) {
                    plan.installerBooted()
                            .ready(
                                    HaVmReason.WaitingForInstall,
                                    "VM "
                                            + obs.vmid()
                                            + " runs its installer: install the OS"
                                            + " on the console, then shut the VM down; it is converted into a template then")
                            .requeue(STEADY);
                    return true;
                }
                if (!Boolean.TRUE.equals(status.getInstallerBooted())) {
                    return false;
                }
            } else if ("running".equals(obs.status())) {
                return act(
                        HaVmAction.Power.shutdown(obs.node()),
                        HaVmReason.Stopping,
                        "shutting down before the conversion to a template");
            }
            if (spec.getSource().getIso() != null) {
                if (facts.config().isEmpty()) {
                    // The installer ISO must be ejected first: look at the drives on the next pass
                    // (configDue asks for them).
                    return keep(
                            HaVmReason.ConvertingToTemplate,
                            "reading the configuration before the conversion to a template",
                            SOON);
                }
                Map<String, Object> eject = ejectInstallMedia(facts.config().get());
                if (!eject.isEmpty()) {
                    String iso = spec.getSource().getIso().getVolume();
                    return act(
                            new HaVmAction.Eject(obs.node(), eject, iso),
                            HaVmReason.ConvertingToTemplate,
                            "ejecting the installer "
                                    + iso
                                    + " before the conversion to a template");
                }
            }
            return act(
                    new HaVmAction.ConvertToTemplate(obs.node()),
                    HaVmReason.ConvertingToTemplate,
                    "converting VM " + obs.vmid() + " into a template");
        }

        /**
         * Empties the CD-ROM drive that still holds the installer ISO before the VM becomes a
         * template. PVE refuses to clone a VM to another node while any drive, a CD-ROM included,
         * is on node-local storage ("can't clone VM to node 'pve2' (VM uses local storage)"), and
         * the installer is never needed again.
         */
        private Map<String, Object> ejectInstallMedia(VmConfig config) {
            String iso = spec.getSource().getIso().getVolume();
            Map<String, Object> eject = new LinkedHashMap<>();
            config.values()
                    .forEach(
                            (key, value) -> {
                                if (key.matches("(ide|sata|scsi)\\d+")
                                        && value.startsWith(iso + ",")
                                        && value.contains("media=cdrom")) {
                                    eject.put(key, "none,media=cdrom");
                                }
                            });
            if (!eject.isEmpty() && config.digest() != null) {
                eject.put("digest", config.digest());
            }
            return eject;
        }

        /**
         * HA registration and its settings; true when an action (or a wait for the HA manager) was
         * planned.
         */
        private boolean ha(ClusterResource obs) {
            Ha ha = spec.getHa();
            boolean wanted =
                    ha != null && Boolean.TRUE.equals(ha.getEnabled()) && !obs.isTemplate();
            Optional<HaStatusEntry> service = facts.ha();
            if (!wanted) {
                plan.condition(
                        Names.HA_MANAGED,
                        false,
                        HaVmReason.NotRequested,
                        "spec.ha.enabled is not true");
                return service.isPresent()
                        && act(
                                new HaVmAction.RemoveHa(true),
                                HaVmReason.RemovingHa,
                                "removing HA resource vm:"
                                        + obs.vmid()
                                        + " (spec.ha.enabled is false)");
            }
            Placements.Model model = Placements.model(snapshot().version());
            Optional<Placements.Policy> policy =
                    facts.placement().clusterSpec().flatMap(c -> Placements.policyOf(vm, c));
            // PVE 8: the HA resource names its group; PVE 9: rules name the resource (the
            // ProxmoxCluster keeps them), the resource only carries failback
            String group = null;
            if (model == Placements.Model.GROUPS) {
                group = ha.policyName();
                if (!ha.getPreferredNodes().isEmpty()) {
                    group = preferredGroup(obs.vmid());
                    if (facts.haGroups().isPresent()) {
                        String members = groupMembers(ha.getPreferredNodes());
                        Optional<HaGroup> existing =
                                facts.haGroups().get().stream()
                                        .filter(g -> preferredGroup(obs.vmid()).equals(g.group()))
                                        .findFirst();
                        if (existing.isEmpty() || !members.equals(existing.get().nodes())) {
                            return act(
                                    new HaVmAction.EnsureHaGroup(
                                            group, members, existing.isPresent()),
                                    HaVmReason.HaRegistering,
                                    "HA group "
                                            + group
                                            + " for spec.ha.preferredNodes "
                                            + ha.getPreferredNodes());
                        }
                    }
                }
            }
            boolean failback = HaVmPlacement.failback(policy);
            if (service.isPresent()) {
                HaVmPlacement.Assessment placement =
                        HaVmPlacement.assess(
                                vm,
                                obs,
                                model,
                                group,
                                policy,
                                facts.placement().neighbours(),
                                facts.placement().renderedObjects(),
                                snapshot());
                plan.placement(placement.placement());
                plan.condition(
                        Names.PLACEMENT,
                        placement.holds(),
                        placement.reason(),
                        placement.message());
            }
            String state = desiredPower() == PowerState.Stopped ? "stopped" : "started";
            Map<String, Object> params = new LinkedHashMap<>();
            params.put("state", state);
            if (group != null) {
                params.put("group", group);
            }
            if (model == Placements.Model.RULES && !failback) {
                params.put("failback", 0);
            }
            params.put("max_restart", ha.getMaxRestart() == null ? 1 : ha.getMaxRestart());
            params.put("max_relocate", ha.getMaxRelocate() == null ? 1 : ha.getMaxRelocate());
            params.put("comment", Ownership.haComment(vm));
            if (service.isEmpty()) {
                Map<String, Object> create = new LinkedHashMap<>(params);
                create.put("sid", "vm:" + obs.vmid());
                plan.condition(
                        Names.HA_MANAGED,
                        false,
                        HaVmReason.HaRegistering,
                        "waiting for the HA manager to list vm:" + obs.vmid());
                plan.note(
                        Note.normal(
                                HaVmReason.HaRegistered,
                                "vm:"
                                        + obs.vmid()
                                        + " is now an HA resource ("
                                        + state
                                        + (group == null ? "" : ", group " + group)
                                        + ")"));
                return act(
                        new HaVmAction.RegisterHa(create),
                        HaVmReason.HaRegistering,
                        "registering vm:" + obs.vmid() + " with the HA manager");
            }
            HaStatusEntry entry = service.get();
            boolean differs =
                    !state.equals(entry.requestState())
                            || (model == Placements.Model.GROUPS
                                    && !Objects.equals(group, entry.group()))
                            || (model == Placements.Model.RULES
                                    && failback != !Boolean.FALSE.equals(entry.failback()))
                            || !Objects.equals(params.get("max_restart"), entry.maxRestart())
                            || !Objects.equals(params.get("max_relocate"), entry.maxRelocate());
            if ("error".equals(entry.crmState())) {
                plan.condition(
                        Names.HA_MANAGED,
                        false,
                        HaVmReason.HaError,
                        "the HA manager put vm:"
                                + obs.vmid()
                                + " into the error state (it failed to start or stop it); fix the cause, then set the resource to disabled"
                                + " and back in PVE");
                return false;
            }
            if (differs) {
                Map<String, Object> update = new LinkedHashMap<>(params);
                if (model == Placements.Model.GROUPS && group == null && entry.group() != null) {
                    update.put("delete", "group");
                }
                if (model == Placements.Model.RULES && failback) {
                    // PVE 9's default: no failback line in resources.cfg
                    update.put("delete", "failback");
                }
                plan.note(
                        Note.normal(
                                HaVmReason.HaUpdated,
                                "vm:"
                                        + obs.vmid()
                                        + " → "
                                        + state
                                        + (group == null ? "" : ", group " + group)));
                return act(
                        new HaVmAction.UpdateHa(update),
                        HaVmReason.HaRegistering,
                        "updating HA resource vm:" + obs.vmid());
            }
            plan.condition(
                    Names.HA_MANAGED,
                    true,
                    HaVmReason.HaManaged,
                    "vm:"
                            + obs.vmid()
                            + " "
                            + entry.crmState()
                            + (entry.group() == null ? "" : " in group " + entry.group()));
            return false;
        }

        private boolean power(ClusterResource obs) {
            if (obs.isTemplate() || facts.ha().isPresent() || !snapshot().nodeOnline(obs.node())) {
                return false;
            }
            PowerState desired = desiredPower();
            if (desired == PowerState.Running && "stopped".equals(obs.status())) {
                return act(
                        HaVmAction.Power.start(obs.node()),
                        HaVmReason.Starting,
                        "starting VM " + obs.vmid());
            }
            if (desired == PowerState.Stopped && "running".equals(obs.status())) {
                return act(
                        HaVmAction.Power.shutdown(obs.node()),
                        HaVmReason.Stopping,
                        "shutting down VM " + obs.vmid());
            }
            return false;
        }

        private boolean placement(ClusterResource obs) {
            String target = spec.getPlacement() == null ? null : spec.getPlacement().getNode();
            if (target == null || target.equals(status.getAppliedPlacement())) {
                return false;
            }
            if (target.equals(obs.node())) {
                plan.appliedPlacement(target);
                return false;
            }
            if (!snapshot().nodeOnline(target)) {
                plan.ready(
                                HaVmReason.NodeOffline,
                                "spec.placement.node "
                                        + target
                                        + " is offline; the VM stays on "
                                        + obs.node())
                        .requeue(WAIT_CLUSTER);
                return true;
            }
            if (facts.ha().isPresent()) {
                Instant asked = facts.memory().haMigrateRequestedAt();
                String message =
                        "the HA manager is migrating the VM from " + obs.node() + " to " + target;
                if (asked == null || !now.isBefore(asked.plus(HA_MIGRATE_PATIENCE))) {
                    plan.note(
                            Note.normal(
                                    HaVmReason.Migrating,
                                    "asked the HA manager to migrate vm:"
                                            + obs.vmid()
                                            + " from "
                                            + obs.node()
                                            + " to "
                                            + target));
                    return act(
                            new HaVmAction.RequestHaMigrate(target), HaVmReason.Migrating, message);
                }
                return keep(HaVmReason.Migrating, message, BUSY);
            }
            boolean online = "running".equals(obs.status());
            plan.note(
                    Note.normal(
                            HaVmReason.Migrating,
                            (online ? "live-" : "")
                                    + "migrating VM "
                                    + obs.vmid()
                                    + " from "
                                    + obs.node()
                                    + " to "
                                    + target));
            return act(
                    new HaVmAction.Migrate(obs.node(), target, online),
                    HaVmReason.Migrating,
                    "migrating from " + obs.node() + " to " + target);
        }

        private void summarize(ClusterResource obs) {
            plan.failedAttempts(0);
            String ha = facts.ha().map(HaStatusEntry::crmState).orElse(obs.hastate());
            if (ha != null && HA_MOVING.contains(ha)) {
                plan.ready(
                                HaVmReason.HaRecovering,
                                "the HA manager has vm:"
                                        + obs.vmid()
                                        + " in state "
                                        + ha
                                        + " (node "
                                        + obs.node()
                                        + ")")
                        .requeue(WAIT_CLUSTER);
                return;
            }
            if (!snapshot().nodeOnline(obs.node())) {
                plan.ready(
                                HaVmReason.NodeOffline,
                                "node "
                                        + obs.node()
                                        + " is offline"
                                        + (ha != null
                                                ? "; the HA manager will recover the VM"
                                                : ""))
                        .requeue(WAIT_CLUSTER);
                return;
            }
            if (obs.isTemplate()) {
                plan.ready(HaVmReason.Ready, "template " + obs.vmid() + " on " + obs.node())
                        .requeue(STEADY);
                return;
            }
            PowerState desired = desiredPower();
            String expected = desired == PowerState.Running ? "running" : "stopped";
            if (!expected.equals(obs.status())) {
                plan.ready(
                                desired == PowerState.Running
                                        ? HaVmReason.Starting
                                        : HaVmReason.Stopping,
                                "VM is " + obs.status() + ", waiting for it to be " + expected)
                        .requeue(BUSY);
                return;
            }
            Optional<HaVmPlan.ConditionChange> sync = plan.condition(Names.IN_SYNC);
            Optional<Condition> previousSync =
                    Conditions.find(status.getConditions(), Names.IN_SYNC);
            if (sync.isPresent() && !sync.get().status()) {
                plan.ready(sync.get().reason(), sync.get().message()).requeue(STEADY);
                return;
            }
            if (sync.isEmpty()
                    && previousSync.isPresent()
                    && !Conditions.TRUE.equals(previousSync.get().getStatus())) {
                var reason =
                        io.pveha.reconciler.Reasons.find(
                                        HaVmReason.class, previousSync.get().getReason())
                                .orElse(HaVmReason.Configuring);
                plan.ready(reason, previousSync.get().getMessage()).requeue(STEADY);
                return;
            }
            plan.ready(
                            HaVmReason.Ready,
                            "VM "
                                    + obs.vmid()
                                    + " "
                                    + obs.status()
                                    + " on "
                                    + obs.node()
                                    + (ha == null ? "" : " (HA " + ha + ")"))
                    .requeue(STEADY);
        }

        // ------------------------------------------------------------ helpers

        /** Plans a task start (or a synchronous call) and what Ready says meanwhile. */
        private boolean act(HaVmAction action, io.pveha.reconciler.Reason reason, String message) {
            // A configuration write needs no poll to show its effect before the next step;
            // everything else does.
            plan.action(action)
                    .ready(reason, message)
                    .requeue(action instanceof HaVmAction.SetConfig ? SOON : BUSY);
            return true;
        }

        private void start(
                HaVmAction.Task action, io.pveha.reconciler.Reason reason, String message) {
            plan.condition(Names.PROVISIONED, false, reason, message);
            act(action, reason, message);
        }

        private boolean keep(io.pveha.reconciler.Reason reason, String message, Duration requeue) {
            plan.ready(reason, message).requeue(requeue);
            return true;
        }

        private static String describe(Integer vmid) {
            return vmid == null ? "(new VMID)" : Integer.toString(vmid);
        }

        private static String groupMembers(List<String> nodes) {
            StringBuilder members = new StringBuilder();
            for (int i = 0; i < nodes.size(); i++) {
                if (i > 0) {
                    members.append(',');
                }
                members.append(nodes.get(i)).append(':').append(nodes.size() - i);
            }
            return members.toString();
        }

        /** A template-to-be with install media that has not booted its installer yet. */
        private boolean installsFromIso() {
            return spec.getSource().getIso() != null && !Boolean.TRUE.equals(status.getTemplate());
        }

        private PowerState desiredPower() {
            if (Boolean.TRUE.equals(spec.getTemplate())) {
                // Boot the installer once; after that, a template-to-be stays off.
                return installsFromIso() && !Boolean.TRUE.equals(status.getInstallerBooted())
                        ? PowerState.Running
                        : PowerState.Stopped;
            }
            return spec.getPowerState() == null ? PowerState.Running : spec.getPowerState();
        }

        private boolean wasProvisioned() {
            return Conditions.isTrue(status.getConditions(), Names.PROVISIONED);
        }

        private boolean isReason(String type, io.pveha.reconciler.Reason reason) {
            return Conditions.find(status.getConditions(), type)
                    .map(c -> reason.name().equals(c.getReason()))
                    .orElse(false);
        }

        private ClusterSnapshot snapshot() {
            return facts.cluster().snapshot();
        }

        /** Where the connection reaches: the PVE cluster, and whether it is the standby. */
        private String here() {
            return io.pveha.reconciler.recovery.RecoveryPlanner.site(
                    snapshot(), HaVmRecovery.spec(facts).orElse(null));
        }
    }

    // ---------------------------------------------------------------- shared rules

    static String sourceWaitReason(HaVm source, TemplateSource template) {
        String name = template.getHaVmRef().getName();
        if (source == null) {
            return "HaVm " + name + " (the clone source) does not exist";
        }
        if (source.getStatus() == null
                || source.getStatus().getVmid() == null
                || !Conditions.isTrue(source.getStatus().getConditions(), Names.PROVISIONED)) {
            return "waiting for HaVm " + name + " (the clone source) to be provisioned";
        }
        boolean full = Boolean.TRUE.equals(template.getFull());
        boolean isTemplate = Boolean.TRUE.equals(source.getStatus().getTemplate());
        if (!full && !isTemplate) {
            return "waiting for HaVm " + name + " to become a template (a linked clone needs one)";
        }
        if (!isTemplate && Boolean.TRUE.equals(source.getSpec().getTemplate())) {
            // A template-to-be is still being installed or converted: a copy now would copy a
            // half-made VM.
            return "waiting for HaVm " + name + " to become a template";
        }
        return null;
    }

    static boolean createLike(String action) {
        return "Create".equals(action) || "Clone".equals(action) || "Restore".equals(action);
    }

    static HaVmReason reasonOf(String action) {
        return switch (action) {
            case "Create" -> HaVmReason.Creating;
            case "Clone" -> HaVmReason.Cloning;
            case "Restore" -> HaVmReason.Restoring;
            default -> HaVmReason.WaitingForTask;
        };
    }

    static Duration backoff(int attempts) {
        long seconds = Math.min(600, 15L << Math.min(6, Math.max(0, attempts - 1)));
        return Duration.ofSeconds(seconds);
    }

    static long generation(HaVm vm) {
        return vm.getMetadata().getGeneration() == null ? 0 : vm.getMetadata().getGeneration();
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /**
     * Same node and a boot time within a minute (uptime is sampled, so the derived boot time
     * jitters).
     */
    static boolean sameBoot(String a, String b) {
        String[] x = a.split("@");
        String[] y = b.split("@");
        if (!x[0].equals(y[0])) {
            return false;
        }
        try {
            return Math.abs(Long.parseLong(x[1]) - Long.parseLong(y[1])) < 60;
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
            return true;
        }
    }
}
