package io.pveha.reconciler.backup;

import io.pveha.api.Pveha;
import io.pveha.api.backup.BackupPolicy;
import io.pveha.api.backup.BackupPolicySpec;
import io.pveha.api.backup.BackupPolicyStatus;
import io.pveha.api.backup.BackupPolicyStatus.DrillStatus;
import io.pveha.api.backup.BackupPolicyStatus.DrillVm;
import io.pveha.cluster.ClusterConnection;
import io.pveha.cluster.ClusterSnapshot;
import io.pveha.pve.PveApiException;
import io.pveha.pve.PveErrorKind;
import io.pveha.pve.Upid;
import io.pveha.pve.model.ClusterResource;
import io.pveha.pve.model.TaskEntry;
import io.pveha.pve.model.VmConfig;
import io.pveha.reconciler.Redactor;
import io.pveha.validate.CalendarSchedule;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The restore drill of a BackupPolicy: each selected VM's latest good backup is restored to a scratch VMID with
 * new MACs, its NICs disconnected ({@code link_down=1}) and no {@code onboot}, started, seen running in the bulk
 * poll, stopped and destroyed. One VM at a time, so a drill adds the load of one restore to the cluster.
 *
 * <p>Crash safety: every step is recorded in {@code status.drill} before the PVE call that makes it (the scratch
 * VMID before the restore, the task id right after), so a restarted operator resumes the drill where it stopped
 * instead of restoring twice or leaving a scratch VM behind. A VM is destroyed only when its VMID is the scratch
 * VMID in status and it carries the drill's tag and this policy's description marker.
 */
final class BackupDrill {
    private static final Logger LOG = LoggerFactory.getLogger(BackupDrill.class);
    /** Tag of every scratch VM; it keeps scratch VMs out of selections and marks them in the GUI. */
    static final String TAG = "pveha-drill";
    static final String MARKER = "pveha.io/drill-of=";
    static final String DEFAULT_SCHEDULE = "sun 04:00";
    static final int DEFAULT_BOOT_TIMEOUT = 300;
    static final String PENDING = "Pending";
    static final String RESTORING = "Restoring";
    static final String CONFIGURING = "Configuring";
    static final String STARTING = "Starting";
    static final String BOOTING = "Booting";
    static final String CLEANING_UP = "CleaningUp";
    static final String DONE = "Done";
    static final String PASSED = "Passed";
    static final String FAILED = "Failed";
    /** Steps taken in one pass at most: steps that need no task follow each other without waiting. */
    private static final int STEPS_PER_PASS = 8;

    /** What the drill needs from the pass it runs in. */
    interface Host {
        /** Writes status now (before a PVE call that must not be repeated). */
        void persist();

        Instant now();
    }

    private final BackupPolicyShared shared;
    private final BackupPolicy policy;
    private final BackupPolicyStatus status;
    private final ClusterConnection connection;
    private final ClusterSnapshot snapshot;
    private final Host host;

    BackupDrill(BackupPolicyShared shared, BackupPolicy policy, BackupPolicyStatus status, ClusterConnection connection,
            ClusterSnapshot snapshot, Host host) {
        this.shared = shared;
        this.policy = policy;
        this.status = status;
        this.connection = connection;
        this.snapshot = snapshot;
        this.host = host;
    }

    /** True for a scratch VM of any drill (by its tag, from the poll). */
    static boolean isScratch(ClusterResource vm) {
        return vm.tagList().contains(TAG);
    }

    /**
     * Starts a drill when the drill-now annotation has a new value or the schedule is due, and advances a drill
     * in flight. Returns true while a drill runs.
     */
    boolean run(Set<Integer> selected, List<TaskEntry> tasks) {
        BackupPolicySpec.Drill spec = policy.getSpec().getDrill();
        DrillStatus drill = status.getDrill() == null ? new DrillStatus() : status.getDrill();
        status.setDrill(drill);
        Instant now = host.now();
        boolean enabled = spec != null && Boolean.TRUE.equals(spec.getEnabled());
        String schedule = spec == null || spec.getSchedule() == null ? DEFAULT_SCHEDULE : spec.getSchedule();
        drill.setNextRun(enabled ? nextRun(schedule, drill.getNextRun(), now).map(Instant::toString).orElse(null) : null);
        if (!"running".equals(drill.getResult())) {
            String token = annotation(Pveha.ANNOTATION_DRILL_NOW);
            String trigger = null;
            if (token != null && !token.equals(drill.getHandledDrillNow())) {
                trigger = "on-demand";
                drill.setHandledDrillNow(token);
            } else if (enabled && drill.getNextRun() != null && !now.isBefore(Instant.parse(drill.getNextRun()))) {
                trigger = "scheduled";
                drill.setNextRun(CalendarSchedule.next(schedule, now, ZoneOffset.UTC).map(Instant::toString).orElse(null));
            }
            if (trigger == null || !begin(drill, trigger, selected)) {
                if (drill.getResult() == null && drill.getNextRun() == null && drill.getHandledDrillNow() == null) {
                    status.setDrill(null);
                }
                return false;
            }
        }
        Map<String, TaskEntry> byUpid = byUpid(tasks);
        for (int step = 0; step < STEPS_PER_PASS; step++) {
            Optional<DrillVm> current = drill.getVms().stream().filter(v -> !DONE.equals(v.getPhase())).findFirst();
            if (current.isEmpty()) {
                finish(drill);
                return false;
            }
            if (!advance(current.get(), byUpid)) {
                return true;
            }
        }
        return true;
    }

    private static Map<String, TaskEntry> byUpid(List<TaskEntry> tasks) {
        return tasks.stream().collect(Collectors.toMap(TaskEntry::upid, t -> t, (a, b) -> a));
    }

    /** True while a drill has a VM not done (its scratch VM may exist). */
    static boolean inFlight(BackupPolicyStatus status) {
        return status != null && status.getDrill() != null
                && status.getDrill().getVms().stream().anyMatch(v -> !DONE.equals(v.getPhase()));
    }

    /**
     * The policy is being deleted: every VM not done yet fails and its scratch VM (if any) is stopped and
     * destroyed as usual. Returns true when nothing of the drill is left in PVE.
     */
    boolean abandon(List<TaskEntry> tasks) {
        DrillStatus drill = status.getDrill();
        Map<String, TaskEntry> byUpid = byUpid(tasks);
        for (DrillVm vm : drill.getVms()) {
            if (PENDING.equals(vm.getPhase())) {
                vm.setResult(FAILED);
                vm.setReason("the BackupPolicy was deleted before this VM's turn");
                done(vm);
            } else if (!DONE.equals(vm.getPhase()) && !CLEANING_UP.equals(vm.getPhase())) {
                if (vm.getUpid() == null && (RESTORING.equals(vm.getPhase()) || STARTING.equals(vm.getPhase()))) {
                    // Sent but not recorded (the status the deletion carries may be a write behind): find it.
                    ourTask(byUpid, RESTORING.equals(vm.getPhase()) ? "qmrestore" : "qmstart", vm)
                            .ifPresent(t -> vm.setUpid(t.upid()));
                }
                // A task in flight (restore, start) is waited for first: PVE holds the VM's lock until it ends.
                TaskEntry task = vm.getUpid() == null ? null : byUpid.get(vm.getUpid());
                if (vm.getUpid() != null && (task == null || task.status() == null)) {
                    continue;
                }
                fail(vm, "the BackupPolicy was deleted during the drill");
            }
        }
        boolean finished = !inFlight(status);
        if (!finished) {
            run(Set.of(), tasks);
            finished = !inFlight(status);
        }
        if (finished && "running".equals(drill.getResult())) {
            finish(drill);
        }
        return finished;
    }

    /**
     * The stored next run while it still matches the schedule (so it comes due even if passes are late), else
     * the next match from now (first pass, or the schedule changed).
     */
    static Optional<Instant> nextRun(String schedule, String stored, Instant now) {
        if (stored != null) {
            Instant at = Instant.parse(stored);
            if (CalendarSchedule.matches(schedule, at, ZoneOffset.UTC)) {
                return Optional.of(at);
            }
        }
        return CalendarSchedule.next(schedule, now, ZoneOffset.UTC);
    }

    /** Lists the VMs to drill: every selected VM with a latest good backup in status. False when there is none. */
    private boolean begin(DrillStatus drill, String trigger, Set<Integer> selected) {
        Instant now = host.now();
        drill.setTrigger(trigger);
        drill.setLastRun(now.toString());
        drill.setFinishedAt(null);
        drill.setMessage(null);
        List<DrillVm> vms = new ArrayList<>();
        for (BackupPolicyStatus.VmBackup backup : status.getVms()) {
            if (selected.contains(backup.getVmid()) && backup.getVolume() != null) {
                DrillVm vm = new DrillVm();
                vm.setVmid(backup.getVmid());
                vm.setHaVm(backup.getHaVm());
                vm.setVolume(backup.getVolume());
                vm.setPhase(PENDING);
                vms.add(vm);
            }
        }
        drill.setVms(vms);
        if (vms.isEmpty()) {
            drill.setResult("failed");
            drill.setFinishedAt(now.toString());
            drill.setMessage("no selected VM has a backup to restore");
            shared.events.warning(policy, "DrillFailed", trigger + " restore drill: no selected VM has a backup to restore");
            return false;
        }
        drill.setResult("running");
        shared.events.normal(policy, "DrillStarted", trigger + " restore drill of " + vms.size() + " VM(s): "
                + vms.stream().map(v -> v.getVolume()).collect(Collectors.joining(", ")));
        host.persist();
        return true;
    }

    private void finish(DrillStatus drill) {
        List<DrillVm> failed = drill.getVms().stream().filter(v -> !PASSED.equals(v.getResult())).toList();
        drill.setResult(failed.isEmpty() ? "passed" : "failed");
        drill.setFinishedAt(host.now().toString());
        int passed = drill.getVms().size() - failed.size();
        drill.setMessage(passed + " of " + drill.getVms().size() + " VM(s) passed" + (failed.isEmpty() ? ""
                : ": " + failed.stream().map(v -> "VM " + v.getVmid() + ": " + v.getReason()).collect(Collectors.joining("; "))));
    }

    // ---------------------------------------------------------------- one VM

    /** Takes one step for {@code vm}; true when the next step can follow at once, false to wait for PVE. */
    private boolean advance(DrillVm vm, Map<String, TaskEntry> tasks) {
        return switch (vm.getPhase()) {
            case PENDING -> allocateAndRestore(vm);
            case RESTORING -> restoring(vm, tasks);
            case CONFIGURING -> configuring(vm, tasks);
            case STARTING -> starting(vm, tasks);
            case BOOTING -> booting(vm);
            case CLEANING_UP -> cleaningUp(vm, tasks);
            default -> {
                fail(vm, "unknown drill phase " + vm.getPhase());
                yield true;
            }
        };
    }

    private boolean allocateAndRestore(DrillVm vm) {
        Set<Integer> claimed = shared.haVms(policy.getMetadata().getNamespace()).stream()
                .filter(h -> h.getSpec() != null && policy.getSpec().getClusterRef().equals(h.getSpec().getClusterRef()))
                .flatMap(h -> Stream.of(h.getSpec().getVmid(), h.getStatus() == null ? null : h.getStatus().getVmid()))
                .filter(Objects::nonNull).collect(Collectors.toSet());
        int scratch = shared.allocator.allocate(connection, snapshot, claimed, policy.getMetadata().getUid());
        String node = snapshot.vm(vm.getVmid()).filter(r -> isOnline(r.node())).map(ClusterResource::node)
                .orElseGet(() -> snapshot.nodes().stream().filter(n -> "online".equals(n.status()))
                        .map(ClusterResource::node).findFirst().orElse(null));
        if (node == null) {
            fail(vm, "no node is online to restore on");
            vm.setPhase(DONE);
            vm.setFinishedAt(host.now().toString());
            return true;
        }
        vm.setScratchVmid(scratch);
        vm.setNode(node);
        vm.setStartedAt(host.now().toString());
        vm.setPhase(RESTORING);
        // The scratch VMID is in status before the restore is sent: a restart finds (and cleans up) what it made.
        host.persist();
        return sendRestore(vm);
    }

    private boolean sendRestore(DrillVm vm) {
        LOG.info("drill: restoring {} to scratch VM {} on {}", vm.getVolume(), vm.getScratchVmid(), vm.getNode());
        return send(vm, () -> connection.vms().create(vm.getNode(), restoreParams(vm, policy)),
                "restoring " + vm.getVolume());
    }

    /**
     * Starts a task and records it in status at once (the next pass waits for it); a refusal PVE will repeat
     * fails the VM, anything retryable goes to the pass (ApiError, tried again).
     */
    private boolean send(DrillVm vm, java.util.function.Supplier<Upid> call, String what) {
        try {
            vm.setUpid(call.get().value());
            host.persist();
            connection.requestPoll();
            return false;
        } catch (PveApiException e) {
            if (e.retryable()) {
                throw e;
            }
            fail(vm, what + " was refused: " + Redactor.scrub(e.getMessage()));
            return true;
        }
    }

    /**
     * {@code POST /nodes/{node}/qemu} restoring the archive: new MACs and SMBIOS UUID ({@code unique}), the
     * drill's marks instead of the backed-up tags and notes (PVE 7.2+ applies request options over the restored
     * config). Not started: the NICs are disconnected first.
     */
    static Map<String, Object> restoreParams(DrillVm vm, BackupPolicy policy) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("vmid", vm.getScratchVmid());
        p.put("archive", vm.getVolume());
        p.put("unique", 1);
        BackupPolicySpec.Drill drill = policy.getSpec().getDrill();
        if (drill != null && drill.getStorage() != null) {
            p.put("storage", drill.getStorage());
        }
        p.put("name", "pveha-drill-" + vm.getVmid());
        p.put("tags", TAG);
        p.put("description", description(policy, vm.getVmid()));
        return p;
    }

    static String description(BackupPolicy policy, int vmid) {
        return "Restore drill of VM " + vmid + " by pve-ha-operator, BackupPolicy " + policy.getMetadata().getNamespace()
                + "/" + policy.getMetadata().getName() + "; destroyed when the drill ends\n" + MARKER
                + policy.getMetadata().getUid();
    }

    private boolean restoring(DrillVm vm, Map<String, TaskEntry> tasks) {
        if (vm.getUpid() == null) {
            // The operator stopped between recording the scratch VMID and recording the task: adopt our
            // qmrestore of that VMID if there is one, otherwise send the restore again (PVE refuses an existing VMID).
            Optional<TaskEntry> ours = ourTask(tasks, "qmrestore", vm);
            if (ours.isPresent()) {
                vm.setUpid(ours.get().upid());
                return true;
            }
            if (snapshot.vm(vm.getScratchVmid()).isPresent()) {
                fail(vm, "VMID " + vm.getScratchVmid() + " was taken before the restore was sent");
                return true;
            }
            return sendRestore(vm);
        }
        TaskEntry task = tasks.get(vm.getUpid());
        if (task == null || task.status() == null) {
            return false;
        }
        vm.setUpid(null);
        if (!"OK".equals(task.status())) {
            fail(vm, "restoring " + vm.getVolume() + " failed: " + Redactor.scrub(task.status()));
            return true;
        }
        vm.setPhase(CONFIGURING);
        return true;
    }

    /** Disconnects every NIC and removes onboot before the first start; re-checked from the config each time. */
    private boolean configuring(DrillVm vm, Map<String, TaskEntry> tasks) {
        if (vm.getUpid() != null) {
            TaskEntry task = tasks.get(vm.getUpid());
            if (task == null || task.status() == null) {
                return false;
            }
            vm.setUpid(null);
            if (!"OK".equals(task.status())) {
                fail(vm, "disconnecting the scratch VM's NICs failed: " + Redactor.scrub(task.status()));
                return true;
            }
        }
        VmConfig config = scratchConfig(vm).orElse(null);
        if (config == null) {
            fail(vm, "scratch VM " + vm.getScratchVmid() + " vanished after the restore");
            return true;
        }
        if (!ours(config)) {
            fail(vm, "scratch VM " + vm.getScratchVmid() + " does not carry the drill's marks");
            return true;
        }
        Map<String, Object> change = isolation(config.values());
        if (!change.isEmpty()) {
            connection.vms().updateConfig(vm.getNode(), vm.getScratchVmid(), change).ifPresent(u -> vm.setUpid(u.value()));
            // Synchronous or not, the next step reads the config again before starting.
            return vm.getUpid() == null;
        }
        vm.setPhase(STARTING);
        host.persist();
        return sendStart(vm);
    }

    /** The config change that isolates a restored VM: {@code link_down=1} on each NIC, no {@code onboot}. */
    static Map<String, Object> isolation(Map<String, String> config) {
        Map<String, Object> change = new LinkedHashMap<>();
        config.forEach((key, value) -> {
            if (key.matches("net\\d+") && !List.of(value.split(",")).contains("link_down=1")) {
                String without = Stream.of(value.split(",")).filter(o -> !o.startsWith("link_down="))
                        .collect(Collectors.joining(","));
                change.put(key, without + ",link_down=1");
            }
        });
        if (config.containsKey("onboot")) {
            change.put("delete", "onboot");
        }
        return change;
    }

    private boolean sendStart(DrillVm vm) {
        return send(vm, () -> connection.vms().power(vm.getNode(), vm.getScratchVmid(), "start", Map.of()),
                "starting scratch VM " + vm.getScratchVmid());
    }

    private boolean starting(DrillVm vm, Map<String, TaskEntry> tasks) {
        if (vm.getUpid() == null) {
            Optional<TaskEntry> ours = ourTask(tasks, "qmstart", vm);
            if (ours.isEmpty()) {
                return sendStart(vm);
            }
            vm.setUpid(ours.get().upid());
        }
        TaskEntry task = tasks.get(vm.getUpid());
        if (task == null || task.status() == null) {
            return false;
        }
        vm.setUpid(null);
        if (!"OK".equals(task.status())) {
            fail(vm, "starting scratch VM " + vm.getScratchVmid() + " failed: " + Redactor.scrub(task.status()));
            return true;
        }
        int timeout = Optional.ofNullable(policy.getSpec().getDrill()).map(BackupPolicySpec.Drill::getBootTimeoutSeconds)
                .orElse(DEFAULT_BOOT_TIMEOUT);
        vm.setBootDeadline(host.now().plusSeconds(timeout).toString());
        vm.setPhase(BOOTING);
        connection.requestPoll();
        return false;
    }

    /** Running in the bulk poll (no extra call) before the deadline: passed. */
    private boolean booting(DrillVm vm) {
        if (snapshot.vm(vm.getScratchVmid()).map(r -> "running".equals(r.status())).orElse(false)) {
            vm.setResult(PASSED);
            vm.setReason("restored " + vm.getVolume() + " to VM " + vm.getScratchVmid() + " on " + vm.getNode()
                    + "; it reached running with its NICs disconnected");
            vm.setPhase(CLEANING_UP);
            return true;
        }
        if (host.now().isAfter(Instant.parse(vm.getBootDeadline()))) {
            fail(vm, "scratch VM " + vm.getScratchVmid() + " restored from " + vm.getVolume()
                    + " did not reach running by " + vm.getBootDeadline());
            return true;
        }
        connection.requestPoll();
        return false;
    }

    /**
     * Stops and destroys the scratch VM, and only ours: the VMID recorded in status with the drill's tag and
     * this policy's marker. A VM that is gone (a failed restore removes its VM) needs nothing.
     */
    private boolean cleaningUp(DrillVm vm, Map<String, TaskEntry> tasks) {
        boolean stopped = false;
        if (vm.getUpid() != null) {
            TaskEntry task = tasks.get(vm.getUpid());
            if (task == null || task.status() == null) {
                return false;
            }
            String type = Upid.parse(vm.getUpid()).type();
            vm.setUpid(null);
            if (!"OK".equals(task.status())) {
                leave(vm, (type.equals("qmdestroy") ? "destroying" : "stopping") + " scratch VM " + vm.getScratchVmid()
                        + " failed: " + Redactor.scrub(task.status()) + "; remove it by hand");
                return true;
            }
            if (type.equals("qmdestroy")) {
                done(vm);
                return true;
            }
            // Stopped: destroy next, whatever a poll from before the stop still says.
            stopped = true;
        }
        VmConfig config = scratchConfig(vm).orElse(null);
        if (config == null) {
            done(vm);
            return true;
        }
        if (config.values().containsKey("lock")) {
            // A restore still writing the VM (lock 'create', its marks not applied yet) or another operation:
            // PVE would refuse to stop or destroy it now, and it cannot be judged ours yet.
            connection.requestPoll();
            return false;
        }
        // The config just read decides ownership; the poll may be from before the restore applied the marks.
        if (!ours(config)) {
            leave(vm, "VM " + vm.getScratchVmid() + " does not carry the drill's marks; it was left alone");
            return true;
        }
        boolean running = !stopped && snapshot.vm(vm.getScratchVmid()).map(r -> "running".equals(r.status())).orElse(false);
        try {
            vm.setUpid((running ? stop(vm) : destroy(vm)).value());
        } catch (PveApiException e) {
            // The poll is a few seconds old: PVE's refusal says which state the VM is really in.
            String message = String.valueOf(e.getMessage());
            if (e.kind() == PveErrorKind.NOT_FOUND) {
                done(vm);
                return true;
            } else if (e.kind() == PveErrorKind.REFUSED && message.contains("not running")) {
                vm.setUpid(destroy(vm).value());
            } else if (e.kind() == PveErrorKind.REFUSED && message.contains("is running")) {
                vm.setUpid(stop(vm).value());
            } else {
                throw e;
            }
        }
        host.persist();
        connection.requestPoll();
        return false;
    }

    /** The scratch VM's config as PVE has it now; empty when the VM does not exist (any more). */
    private Optional<VmConfig> scratchConfig(DrillVm vm) {
        try {
            return Optional.of(connection.vms().config(vm.getNode(), vm.getScratchVmid()));
        } catch (PveApiException e) {
            if (e.kind() != PveErrorKind.NOT_FOUND) {
                throw e;
            }
            return Optional.empty();
        }
    }

    private Upid stop(DrillVm vm) {
        return connection.vms().power(vm.getNode(), vm.getScratchVmid(), "stop", Map.of());
    }

    private Upid destroy(DrillVm vm) {
        return connection.vms().destroy(vm.getNode(), vm.getScratchVmid(), Map.of("purge", 1, "destroy-unreferenced-disks", 1));
    }

    private boolean ours(VmConfig config) {
        String description = config.values().get("description");
        return description != null && description.contains(MARKER + policy.getMetadata().getUid())
                && Optional.ofNullable(config.values().get("tags")).map(t -> List.of(t.split("[;, ]+")).contains(TAG))
                .orElse(false);
    }

    /** Our task of {@code type} for the scratch VMID started since the VM's drill started (adoption after a restart). */
    private Optional<TaskEntry> ourTask(Map<String, TaskEntry> tasks, String type, DrillVm vm) {
        String token = connection.settings().token().tokenId();
        long since = Instant.parse(vm.getStartedAt()).getEpochSecond() - 5;
        return tasks.values().stream().filter(t -> type.equals(t.type()))
                .filter(t -> String.valueOf(vm.getScratchVmid()).equals(t.id()))
                .filter(t -> token.equals(Upid.parse(t.upid()).user()))
                .filter(t -> t.starttime() != null && t.starttime() >= since).findFirst();
    }

    private boolean isOnline(String node) {
        return snapshot.nodes().stream().anyMatch(n -> node.equals(n.node()) && "online".equals(n.status()));
    }

    /** The VM failed the drill; its scratch VM (if any) is cleaned up next. */
    private void fail(DrillVm vm, String reason) {
        vm.setResult(FAILED);
        vm.setReason(reason);
        vm.setUpid(null);
        vm.setPhase(CLEANING_UP);
    }

    /** Cleanup cannot continue: the VM is done, failed, with the reason why its scratch VM is left. */
    private void leave(DrillVm vm, String why) {
        vm.setReason(vm.getReason() == null || !FAILED.equals(vm.getResult()) ? why : vm.getReason() + "; " + why);
        vm.setResult(FAILED);
        done(vm);
    }

    private void done(DrillVm vm) {
        vm.setPhase(DONE);
        vm.setUpid(null);
        vm.setBootDeadline(null);
        vm.setFinishedAt(host.now().toString());
        if (vm.getScratchVmid() != null) {
            shared.allocator.release(connection.key(), vm.getScratchVmid());
        }
        String who = "VM " + vm.getVmid() + (vm.getHaVm() == null ? "" : " (HaVm " + vm.getHaVm() + ")");
        if (PASSED.equals(vm.getResult())) {
            shared.events.normal(policy, "DrillPassed", who + ": " + vm.getReason());
        } else {
            shared.events.warning(policy, "DrillFailed", who + ": " + vm.getReason());
        }
        LOG.info("drill of VM {}: {} ({})", vm.getVmid(), vm.getResult(), vm.getReason());
        host.persist();
    }

    private String annotation(String name) {
        Map<String, String> annotations = policy.getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(name);
    }
}
