package io.pveha.reconciler.vm;

import io.pveha.reconciler.Note;
import io.pveha.reconciler.Reason;
import io.pveha.reconciler.task.TaskLedger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a HaVm pass does and shows, as its planner decided it: the Ready condition, other
 * conditions, the status fields the decision sets, at most one action, when to look again, the task
 * that ended, and the Events of the decision itself (task results and changes of state are derived
 * by {@link HaVmEvents}).
 *
 * @param finished a deletion is done: the finalizer may go
 */
record HaVmPlan(
        Reason reason,
        String message,
        List<ConditionChange> conditions,
        Edits edits,
        Optional<HaVmAction> action,
        Optional<Duration> requeue,
        Optional<TaskLedger.TaskFact> ended,
        List<Note> notes,
        boolean finished) {

    boolean ready() {
        return reason == HaVmReason.Ready;
    }

    /** A condition other than Ready, set to True or False with a reason and message. */
    record ConditionChange(String type, boolean status, Reason reason, String message) {}

    /**
     * Status fields the plan sets; null leaves a field as it is.
     *
     * @param vmid the VMID to record (a declared one, before anything is created with it)
     * @param failedAttempts consecutive failures, for backoff; 0 clears
     * @param pveCluster the PVE cluster the VM now lives on (its name in /cluster/status)
     * @param recovery the VM's part of a disaster recovery (replaces status.recovery)
     * @param clearVmid the VMID in status belongs to a lost cluster and is taken on the new one:
     *     forget it, the restore allocates another
     * @param dropPendingTask the pending task belongs to a lost cluster: forget it
     */
    record Edits(
            Integer vmid,
            String appliedPlacement,
            String appliedSecretsVersion,
            Boolean installerBooted,
            Integer failedAttempts,
            List<String> pendingChanges,
            List<String> ipAddresses,
            String placement,
            String pveCluster,
            io.pveha.api.vm.HaVmStatus.Recovery recovery,
            boolean clearVmid,
            boolean dropPendingTask) {}

    /** Collects a plan while the planner walks its steps. */
    static final class Builder {
        private Reason reason = HaVmReason.WaitingForTask;
        private String message = "";
        private final List<ConditionChange> conditions = new ArrayList<>();
        private Integer vmid;
        private String appliedPlacement;
        private String appliedSecretsVersion;
        private Boolean installerBooted;
        private Integer failedAttempts;
        private List<String> pendingChanges;
        private List<String> ipAddresses;
        private String placement;
        private String pveCluster;
        private io.pveha.api.vm.HaVmStatus.Recovery recovery;
        private boolean clearVmid;
        private boolean dropPendingTask;
        private HaVmAction action;
        private Duration requeue;
        private TaskLedger.TaskFact ended;
        private final List<Note> notes = new ArrayList<>();
        private boolean finished;

        Builder ready(Reason why, String text) {
            this.reason = why;
            this.message = text;
            return this;
        }

        Builder condition(String type, boolean status, Reason why, String text) {
            conditions.removeIf(c -> c.type().equals(type));
            conditions.add(new ConditionChange(type, status, why, text));
            return this;
        }

        /** The change this plan makes to a condition so far, if any. */
        Optional<ConditionChange> condition(String type) {
            return conditions.stream().filter(c -> c.type().equals(type)).findFirst();
        }

        Builder vmid(Integer value) {
            this.vmid = value;
            return this;
        }

        Builder appliedPlacement(String value) {
            this.appliedPlacement = value;
            return this;
        }

        Builder appliedSecretsVersion(String value) {
            this.appliedSecretsVersion = value;
            return this;
        }

        Builder installerBooted() {
            this.installerBooted = true;
            return this;
        }

        Builder failedAttempts(int value) {
            this.failedAttempts = value;
            return this;
        }

        Builder pendingChanges(List<String> value) {
            this.pendingChanges = List.copyOf(value);
            return this;
        }

        Builder ipAddresses(List<String> value) {
            this.ipAddresses = List.copyOf(value);
            return this;
        }

        /** The HA placement in effect ({@code status.placement}); "" clears it. */
        Builder placement(String value) {
            this.placement = value;
            return this;
        }

        Builder pveCluster(String value) {
            this.pveCluster = value;
            return this;
        }

        String pveCluster() {
            return pveCluster;
        }

        Builder recovery(io.pveha.api.vm.HaVmStatus.Recovery value) {
            this.recovery = value;
            return this;
        }

        io.pveha.api.vm.HaVmStatus.Recovery recovery() {
            return recovery;
        }

        Builder clearVmid() {
            this.clearVmid = true;
            return this;
        }

        Builder dropPendingTask() {
            this.dropPendingTask = true;
            return this;
        }

        Builder action(HaVmAction value) {
            this.action = value;
            return this;
        }

        Builder requeue(Duration value) {
            this.requeue = value;
            return this;
        }

        Builder ended(TaskLedger.TaskFact task) {
            this.ended = task;
            return this;
        }

        Optional<TaskLedger.TaskFact> ended() {
            return Optional.ofNullable(ended);
        }

        Builder note(Note note) {
            notes.add(note);
            return this;
        }

        Builder finished() {
            this.finished = true;
            return this;
        }

        HaVmPlan build() {
            return new HaVmPlan(
                    reason,
                    message,
                    List.copyOf(conditions),
                    new Edits(
                            vmid,
                            appliedPlacement,
                            appliedSecretsVersion,
                            installerBooted,
                            failedAttempts,
                            pendingChanges,
                            ipAddresses,
                            placement,
                            pveCluster,
                            recovery,
                            clearVmid,
                            dropPendingTask),
                    Optional.ofNullable(action),
                    Optional.ofNullable(requeue),
                    Optional.ofNullable(ended),
                    List.copyOf(notes),
                    finished);
        }
    }
}
