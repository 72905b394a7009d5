package io.pveha.reconciler.recovery.drill;

import io.pveha.api.backup.BackupPolicy;
import io.pveha.api.cluster.DisasterRecovery;
import io.pveha.api.cluster.DisasterRecoveryStatus.Drill;
import io.pveha.api.cluster.DisasterRecoveryStatus.DrillVm;
import io.pveha.api.cluster.ProxmoxCluster;
import io.pveha.api.vm.HaVm;
import io.pveha.cluster.ClusterConnection;
import io.pveha.cluster.ClusterConnections;
import io.pveha.cluster.ClusterKey;
import io.pveha.cluster.ClusterSnapshot;
import io.pveha.cluster.PollOutcome;
import io.pveha.pve.PveApiException;
import io.pveha.pve.PveBackupApi;
import io.pveha.pve.PveErrorKind;
import io.pveha.pve.PvePath;
import io.pveha.reconciler.Redactor;
import io.pveha.reconciler.recovery.drill.PlatformDrillPlanner.Action;
import io.pveha.reconciler.recovery.drill.PlatformDrillPlanner.AddStorage;
import io.pveha.reconciler.recovery.drill.PlatformDrillPlanner.ConfigRef;
import io.pveha.reconciler.recovery.drill.PlatformDrillPlanner.Plan;
import io.pveha.reconciler.recovery.drill.PlatformDrillPlanner.RemoveStorage;
import io.pveha.reconciler.recovery.drill.PlatformDrillPlanner.Step;
import io.pveha.reconciler.recovery.drill.PlatformDrillPlanner.VmTask;
import io.pveha.reconciler.task.TaskLedger;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The drill's part of a ProxmoxCluster pass, in the reconcile shape: observe (the standby's poll
 * from its connection, each pending task through the {@link TaskLedger}, and only when the plan
 * asks, scratch VMs' configs), plan ({@link PlatformDrillPlanner}, pure), act (each task recorded
 * in the status being built and written before PVE is called). The caller puts the record into
 * status, sets the condition from the verdict, and reports the Events with the rest of the pass.
 *
 * <p>Everything goes to the standby's connection: {@code key.other("standby")} while the primary is
 * active, the active connection itself once the platform is switched (an abandoned drill's scratch
 * VMs are then cleaned up through it).
 */
public final class PlatformDrill {
    private static final Logger LOG = LoggerFactory.getLogger(PlatformDrill.class);

    private final ClusterConnections connections;
    private final TaskLedger ledger;

    public PlatformDrill(ClusterConnections connections, TaskLedger ledger) {
        this.connections = connections;
        this.ledger = ledger;
    }

    /** What the pass came to. */
    public record Outcome(Drill drill, Plan plan) {
        public Duration requeue() {
            return plan.requeue();
        }
    }

    /**
     * @param current the drill record as the status being built holds it (the previous one)
     * @param install puts a drill record into the status being built (the write-ahead journal
     *     writes that status)
     * @param journal writes the status being built; throws when it was not written
     */
    public Optional<Outcome> pass(
            ProxmoxCluster cluster,
            Drill current,
            List<HaVm> haVms,
            List<BackupPolicy> policies,
            Consumer<Drill> install,
            TaskLedger.Journal journal,
            Instant now) {
        DisasterRecovery dr = cluster.getSpec().getDisasterRecovery();
        if (dr == null) {
            return Optional.empty();
        }
        Optional<ClusterConnection> connection = standby(cluster, dr);
        PollOutcome outcome = connection.map(ClusterConnection::outcome).orElse(PollOutcome.NONE);
        ClusterSnapshot snapshot = outcome.healthy() ? outcome.snapshot() : null;
        String problem =
                connection.isEmpty()
                        ? "no connection to the standby yet"
                        : outcome.error() != null
                                ? Redactor.scrub(outcome.error().describe())
                                : snapshot == null ? "waiting for its first poll" : null;
        String uid = cluster.getMetadata().getUid();
        boolean stale =
                snapshot != null && connection.isPresent() && ledger.isStale(holder(uid), snapshot);
        Map<Integer, TaskLedger.TaskFact> tasks = new HashMap<>();
        if (current != null && snapshot != null && !stale) {
            for (int i = 0; i < current.getVms().size(); i++) {
                DrillVm vm = current.getVms().get(i);
                if (vm.getTask() != null) {
                    try {
                        tasks.put(
                                i,
                                ledger.observe(
                                        connection.get(), holder(uid, i), vm.getTask(), snapshot));
                    } catch (PveApiException e) {
                        // Not known this pass: the VM waits.
                        LOG.debug("drill task not read: {}", e.describe());
                    }
                }
            }
        }
        PlatformDrillFacts facts =
                new PlatformDrillFacts(
                        cluster,
                        snapshot,
                        problem,
                        stale,
                        haVms,
                        policies,
                        tasks,
                        Map.of(),
                        connection.map(c -> c.settings().maxTasksPerNode()).orElse(0));
        Plan plan = PlatformDrillPlanner.plan(current, facts, now);
        // Configs the plan asks for are read and the plan made again (a step may ask for more,
        // e.g. a VM that failed now needs cleaning up): a few rounds at most.
        Map<Integer, Optional<Map<String, String>>> configs = new HashMap<>();
        for (int round = 0;
                round < 3 && !plan.needs().isEmpty() && connection.isPresent();
                round++) {
            try {
                for (ConfigRef ref : plan.needs()) {
                    configs.put(ref.vmid(), config(connection.get(), ref));
                }
            } catch (PveApiException e) {
                LOG.info("drill: a scratch VM's config was not read: {}", e.describe());
                install.accept(current);
                return Optional.of(new Outcome(current, PlatformDrillPlanner.waiting(current)));
            }
            plan = PlatformDrillPlanner.plan(current, facts.withConfigs(Map.copyOf(configs)), now);
        }
        for (int index : plan.ended()) {
            if (connection.isPresent()) {
                ledger.complete(connection.get(), holder(uid, index));
            }
        }
        Drill drill = plan.drill();
        install.accept(drill);
        if (drill != null && connection.isPresent()) {
            act(connection.get(), cluster, drill, plan.actions(), journal);
        }
        return Optional.of(new Outcome(drill, plan));
    }

    /** Carries out the plan's actions in order; a call PVE refused is recorded on its VM. */
    private void act(
            ClusterConnection connection,
            ProxmoxCluster cluster,
            Drill drill,
            List<Action> actions,
            TaskLedger.Journal journal) {
        String uid = cluster.getMetadata().getUid();
        PveBackupApi backups = new PveBackupApi(connection.client());
        for (Action action : actions) {
            try {
                if (action instanceof AddStorage add) {
                    // Recorded first: a restarted operator removes what this call may have made.
                    if (!drill.getAddedStorages().contains(add.storage())) {
                        drill.getAddedStorages().add(add.storage());
                    }
                    journal.write();
                    try {
                        backups.createStorage(add.params());
                    } catch (PveApiException e) {
                        if (e.kind() != PveErrorKind.ALREADY_EXISTS
                                && !String.valueOf(e.getMessage()).contains("already defined")) {
                            throw e;
                        }
                    }
                    LOG.info("drill: storage {} defined on the standby", add.storage());
                } else if (action instanceof RemoveStorage remove) {
                    try {
                        connection
                                .client()
                                .delete(PvePath.of("storage", remove.storage()), Map.of());
                    } catch (PveApiException e) {
                        if (e.kind() != PveErrorKind.NOT_FOUND
                                && !String.valueOf(e.getMessage()).contains("does not exist")) {
                            throw e;
                        }
                    }
                    drill.getAddedStorages().remove(remove.storage());
                    LOG.info("drill: storage {} removed from the standby", remove.storage());
                } else if (action instanceof VmTask task) {
                    task(connection, uid, drill, task, journal);
                }
                ledger.acted(holder(uid), connection);
            } catch (PveApiException e) {
                if (action instanceof VmTask task) {
                    refused(drill.getVms().get(task.index()), task, e);
                    ledger.acted(holder(uid), connection);
                } else {
                    LOG.warn("drill: PVE refused or failed: {}", e.describe());
                    drill.setMessage(drill.getMessage() + "; PVE: " + Redactor.scrub(e.describe()));
                }
            }
        }
    }

    private void task(
            ClusterConnection connection,
            String uid,
            Drill drill,
            VmTask task,
            TaskLedger.Journal journal) {
        DrillVm vm = drill.getVms().get(task.index());
        int vmid = task.vmid();
        Map<String, Object> params = new LinkedHashMap<>(task.params());
        TaskLedger.Call call =
                switch (task.step()) {
                    case RESTORE -> () -> Optional.of(connection.vms().create(task.node(), params));
                    case ISOLATE -> () -> connection.vms().updateConfig(task.node(), vmid, params);
                    case START ->
                            () ->
                                    Optional.of(
                                            connection
                                                    .vms()
                                                    .power(task.node(), vmid, "start", Map.of()));
                    case STOP ->
                            () ->
                                    Optional.of(
                                            connection
                                                    .vms()
                                                    .power(task.node(), vmid, "stop", Map.of()));
                    case DESTROY ->
                            () -> Optional.of(connection.vms().destroy(task.node(), vmid, params));
                };
        if (task.step() == Step.RESTORE) {
            LOG.info(
                    "drill: restoring {} ({}) to scratch VM {} on the standby's node {}",
                    vm.getVolume(),
                    vm.getHaVm(),
                    vmid,
                    task.node());
        }
        TaskLedger.Started started =
                ledger.start(
                        connection,
                        holder(uid, task.index()),
                        task.intent(),
                        new TaskLedger.Slot(vm::getTask, vm::setTask),
                        journal,
                        call);
        if (started == TaskLedger.Started.DONE && task.step() == Step.ISOLATE) {
            // A synchronous config change: the next pass reads it back before the start.
            return;
        }
        if (started == TaskLedger.Started.NO_SLOT) {
            LOG.debug("drill: no task slot on {} for {}", task.node(), task.step());
        }
    }

    /**
     * PVE refused a step: the VM fails with PVE's words (cleanup follows), except a stop or destroy
     * the poll was too old for (decided again from the next poll) and a transient error (tried
     * again).
     */
    private static void refused(DrillVm vm, VmTask task, PveApiException e) {
        String message = String.valueOf(e.getMessage());
        boolean cleanup = task.step() == Step.STOP || task.step() == Step.DESTROY;
        if (e.kind() == PveErrorKind.OUTCOME_UNKNOWN) {
            return; // the intent stays: the ledger finds the task, or learns it never started
        }
        if (cleanup
                && (e.kind() == PveErrorKind.NOT_FOUND
                        || message.contains("not running")
                        || message.contains("is running"))) {
            LOG.info(
                    "drill: {} of scratch VM {} refused ({}); deciding again from the next poll",
                    task.step().action,
                    task.vmid(),
                    message);
            return;
        }
        if (e.retryable()) {
            LOG.info("drill: {} failed, tried again: {}", task.step().action, e.describe());
            return;
        }
        if (task.step() == Step.RESTORE && message.contains("already exists")) {
            // The scratch VMID was taken after the poll the plan read (PVE cannot reserve one):
            // the VM waits for its turn again and gets a VMID the next poll shows free.
            LOG.info("drill: scratch VMID {} taken meanwhile; another one next", task.vmid());
            vm.setScratchVmid(null);
            vm.setNode(null);
            vm.setStartedAt(null);
            vm.setTask(null);
            vm.setPhase(PlatformDrillPlanner.WAITING);
            return;
        }
        LOG.warn("drill: PVE refused {}: {}", task.step().action, e.describe());
        String why =
                "PVE refused the "
                        + task.step().action.toLowerCase(java.util.Locale.ROOT)
                        + " of scratch VM "
                        + task.vmid()
                        + (task.step() == Step.RESTORE ? " from " + vm.getVolume() : "")
                        + ": "
                        + Redactor.scrub(e.describe());
        if (cleanup) {
            vm.setReason(vm.getReason() == null ? why : vm.getReason() + "; " + why);
            vm.setResult(PlatformDrillPlanner.FAILED);
            vm.setPhase(PlatformDrillPlanner.DONE);
            vm.setTask(null);
        } else {
            vm.setResult(PlatformDrillPlanner.FAILED);
            vm.setReason(why);
            vm.setTask(null);
            vm.setBootDeadline(null);
            vm.setPhase(PlatformDrillPlanner.CLEANING_UP);
        }
    }

    private static Optional<Map<String, String>> config(ClusterConnection connection, ConfigRef ref)
            throws PveApiException {
        try {
            return Optional.of(
                    Map.copyOf(connection.vms().config(ref.node(), ref.vmid()).values()));
        } catch (PveApiException e) {
            if (e.kind() == PveErrorKind.NOT_FOUND
                    || String.valueOf(e.getMessage()).contains("does not exist")) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /**
     * The connection to the standby: its own while the primary is active; after the switch the
     * active one, once it talks to the standby's endpoints (right after the switch it may still
     * hold the lost primary's last poll).
     */
    private Optional<ClusterConnection> standby(ProxmoxCluster cluster, DisasterRecovery dr) {
        if (dr.getStandby() == null) {
            return Optional.empty();
        }
        ClusterKey key = ClusterKey.of(cluster);
        List<String> endpoints = dr.getStandby().getEndpoints();
        return connections
                .get(dr.onStandby() ? key : key.other("standby"))
                .filter(c -> c.settings().endpoints().equals(endpoints));
    }

    /** The task-ledger holder of the drill's calls (staleness). */
    static String holder(String uid) {
        return uid + "/platform-drill";
    }

    /** The holder of one drilled VM's task (its node's task slot). */
    static String holder(String uid, int index) {
        return uid + "/platform-drill/" + index;
    }
}
