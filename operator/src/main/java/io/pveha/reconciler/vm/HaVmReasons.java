package io.pveha.reconciler.vm;

/** Condition types and reasons of a HaVm; the reasons spell out the provisioning state machine. */
final class HaVmReasons {
    static final String PROVISIONED = "Provisioned";
    static final String IN_SYNC = "InSync";
    static final String HA_MANAGED = "HaManaged";
    static final String DELETING = "Deleting";

    static final String CLUSTER_NOT_READY = "ClusterNotReady";
    static final String CLUSTER_UNREACHABLE = "ClusterUnreachable";
    static final String ALLOCATING_VMID = "AllocatingVmid";
    static final String CREATING = "Creating";
    static final String CLONING = "Cloning";
    static final String RESTORING = "Restoring";
    static final String WAITING_FOR_TASK = "WaitingForTask";
    static final String WAITING_FOR_TASK_SLOT = "WaitingForTaskSlot";
    static final String WAITING_FOR_SOURCE = "WaitingForSource";
    static final String WAITING_FOR_STORAGE = "WaitingForStorage";
    static final String CONFIGURING = "Configuring";
    static final String CONVERTING_TO_TEMPLATE = "ConvertingToTemplate";
    static final String WAITING_FOR_INSTALL = "WaitingForInstall";
    static final String STARTING = "Starting";
    static final String STOPPING = "Stopping";
    static final String MIGRATING = "Migrating";
    static final String HA_REGISTERING = "HaRegistering";
    static final String TASK_FAILED = "TaskFailed";
    static final String API_ERROR = "ApiError";
    static final String VMID_TAKEN = "VmidTaken";
    static final String LOCKED = "Locked";
    static final String RESTART_PENDING = "RestartPending";
    static final String CHANGE_REFUSED = "ChangeRefused";
    static final String NODE_OFFLINE = "NodeOffline";
    static final String HA_RECOVERING = "HaRecovering";
    static final String READY = "Ready";
    static final String REMOVING_HA = "RemovingHa";
    static final String DESTROYING = "Destroying";
    static final String DELETION_BLOCKED = "DeletionBlocked";

    private HaVmReasons() {
    }
}
