package io.pveha.reconciler.vm;

import io.pveha.api.PendingTask;
import java.util.List;
import java.util.Map;

/**
 * The one thing a HaVm pass does in PVE. {@link Task}s start a PVE task and go through the task
 * ledger (intent first); the others are synchronous calls. Parameters that depend on the VMID are
 * built by the executor, which also allocates the VMID of a new VM ({@code vmid} null) and writes
 * it with the intent.
 */
sealed interface HaVmAction {

    /**
     * What a task is called in status and Events, PVE's worker type, and whether PVE names the task
     * after the source VM.
     */
    enum TaskKind {
        CREATE("Create", "qmcreate"),
        CLONE("Clone", "qmclone"),
        RESTORE("Restore", "qmrestore"),
        CONFIGURE("Configure", "qmconfig"),
        EJECT("Eject", "qmconfig"),
        RESIZE("Resize", "resize"),
        START("Start", "qmstart"),
        SHUTDOWN("Shutdown", "qmshutdown"),
        STOP("Stop", "qmstop"),
        RESTART("Restart", "qmreboot"),
        TEMPLATE("Template", "qmtemplate"),
        MIGRATE("Migrate", "qmigrate"),
        DESTROY("Destroy", "qmdestroy");

        final String action;
        final String taskType;

        TaskKind(String action, String taskType) {
            this.action = action;
            this.taskType = taskType;
        }
    }

    /** An action that starts a PVE task on {@code node()}. */
    sealed interface Task extends HaVmAction {
        String node();

        TaskKind kind();

        /** The action's name in {@code status.pendingTask}, e.g. {@code Clone}. */
        default String name() {
            return kind().action;
        }

        /** PVE's task id for this VM: the VMID, except for a clone (the source VMID). */
        default String taskId(int vmid) {
            return Integer.toString(vmid);
        }

        default PendingTask intent(int vmid) {
            return new PendingTask(name(), node(), kind().taskType, taskId(vmid), null);
        }
    }

    /** A new empty VM, or one with install media. */
    record Create(Integer vmid, String node) implements Task {
        public TaskKind kind() {
            return TaskKind.CREATE;
        }
    }

    /**
     * A linked or full clone of {@code sourceVmid}, made on the source's node, optionally onto
     * {@code target}.
     */
    record Clone(Integer vmid, String node, int sourceVmid, String target) implements Task {
        public TaskKind kind() {
            return TaskKind.CLONE;
        }

        @Override
        public String taskId(int vmid) {
            return Integer.toString(sourceVmid);
        }
    }

    /**
     * A backup restored to the VMID; {@code overwrite} replaces an existing VM ({@code force=1}).
     */
    record Restore(Integer vmid, String node, String archive, boolean overwrite) implements Task {
        public TaskKind kind() {
            return TaskKind.RESTORE;
        }
    }

    /**
     * A configuration change that allocates storage (a new disk, a cloud-init drive): PVE runs it
     * as a task.
     */
    record ConfigureAsync(String node, Map<String, Object> params, String summary) implements Task {
        public TaskKind kind() {
            return TaskKind.CONFIGURE;
        }
    }

    /**
     * The installer ISO ejected before the VM becomes a template (a CD-ROM on local storage blocks
     * clones to other nodes).
     */
    record Eject(String node, Map<String, Object> params, String iso) implements Task {
        public TaskKind kind() {
            return TaskKind.EJECT;
        }
    }

    record Resize(String node, String disk, String size) implements Task {
        public TaskKind kind() {
            return TaskKind.RESIZE;
        }
    }

    /**
     * A power action: PVE's {@code start}, {@code shutdown} (forced stop after a timeout), {@code
     * stop} or {@code reboot}.
     */
    record Power(String node, TaskKind kind, String action, Map<String, Object> params)
            implements Task {
        static Power start(String node) {
            return new Power(node, TaskKind.START, "start", Map.of());
        }

        static Power shutdown(String node) {
            return new Power(
                    node, TaskKind.SHUTDOWN, "shutdown", Map.of("forceStop", 1, "timeout", 120));
        }

        static Power stop(String node) {
            return new Power(node, TaskKind.STOP, "stop", Map.of());
        }

        static Power restart(String node) {
            return new Power(node, TaskKind.RESTART, "reboot", Map.of());
        }
    }

    record ConvertToTemplate(String node) implements Task {
        public TaskKind kind() {
            return TaskKind.TEMPLATE;
        }
    }

    record Migrate(String node, String target, boolean online) implements Task {
        public TaskKind kind() {
            return TaskKind.MIGRATE;
        }
    }

    /** Destroys the VM with its disks ({@code purge}). */
    record Destroy(String node) implements Task {
        public TaskKind kind() {
            return TaskKind.DESTROY;
        }
    }

    /**
     * A configuration change PVE applies synchronously ({@code PUT .../config}), guarded by the
     * digest when known.
     */
    record SetConfig(String node, Map<String, Object> params, List<String> changes)
            implements HaVmAction {}

    /** {@code POST /cluster/ha/resources}; a resource that already exists counts as registered. */
    record RegisterHa(Map<String, Object> params) implements HaVmAction {}

    record UpdateHa(Map<String, Object> params) implements HaVmAction {}

    /**
     * Removes the VM's HA resource. With {@code onlyIfOurs} (HA switched off in the spec) only one
     * whose comment says this HaVm made it; before destroying the VM, any (PVE refuses to destroy
     * an HA-managed VM).
     */
    record RemoveHa(boolean onlyIfOurs) implements HaVmAction {}

    /** Creates or updates the HA group that carries spec.ha.preferredNodes. */
    record EnsureHaGroup(String group, String nodes, boolean exists) implements HaVmAction {}

    /**
     * Asks the HA manager to migrate the VM (for an HA-managed VM, PVE refuses a direct migration).
     */
    record RequestHaMigrate(String target) implements HaVmAction {}
}
