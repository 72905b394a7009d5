package io.pveha.reconciler.vm;

import io.pveha.reconciler.Reason;

/**
 * Every reason a HaVm's conditions and Events use besides {@link io.pveha.reconciler.CommonReason};
 * the provisioning reasons spell out the state machine (as CAPMOX does).
 */
public enum HaVmReason implements Reason {
    /** The VM runs (or is stopped, or is a template) as declared. */
    Ready(Health.HEALTHY),
    InSync(Health.HEALTHY),
    HaManaged(Health.HEALTHY),
    Provisioned(Health.HEALTHY),
    NotRequested(Health.HEALTHY),
    /** Placement: the HA group or rules in effect, the VM where they allow it. */
    PlacementInEffect(Health.HEALTHY),

    Creating(Health.PROGRESSING),
    Cloning(Health.PROGRESSING),
    Restoring(Health.PROGRESSING),
    WaitingForTask(Health.PROGRESSING),
    WaitingForTaskSlot(Health.PROGRESSING),
    /** The clone source or the backup to restore is not there (yet). */
    WaitingForSource(Health.PROGRESSING),
    /** A storage the create names does not exist yet (e.g. a CephPool still being made). */
    WaitingForStorage(Health.PROGRESSING),
    /**
     * Disaster recovery: the VM is rebuilt on the standby from its backup once the standby's
     * storages are there, its restore stage has come and a restore slot on a node is free.
     */
    WaitingForRecovery(Health.PROGRESSING),
    /** Disaster recovery: the VM's newest good backup is being restored on the standby. */
    RestoringFromBackup(Health.PROGRESSING),
    Configuring(Health.PROGRESSING),
    ConvertingToTemplate(Health.PROGRESSING),
    /** The installer runs on the console: a person installs the OS, then shuts the VM down. */
    WaitingForInstall(Health.PROGRESSING),
    Starting(Health.PROGRESSING),
    Stopping(Health.PROGRESSING),
    Migrating(Health.PROGRESSING),
    HaRegistering(Health.PROGRESSING),
    /** The HA manager is fencing, recovering or moving the VM. */
    HaRecovering(Health.PROGRESSING),
    /** The VM's node is offline. */
    NodeOffline(Health.DEGRADED),
    /** PVE holds a lock on the VM (a backup, a clone, a migration): the operator waits. */
    Locked(Health.PROGRESSING),
    RemovingHa(Health.PROGRESSING),
    Destroying(Health.PROGRESSING),
    Deleting(Health.PROGRESSING),

    /** Another VM holds the VMID: it is never touched unless adopted. */
    VmidTaken(Health.DEGRADED),
    /**
     * The ProxmoxCluster reaches another PVE cluster than the one the VM lives on, and was not
     * switched to its standby: nothing is done (no restore from an accidental endpoint change).
     */
    ClusterChanged(Health.DEGRADED),
    /** Disaster recovery: no backup of the VM is left to restore (none, or every one failed). */
    NoBackupToRestore(Health.DEGRADED),
    /** Declared changes that take effect only at the next restart (restartPolicy Manual). */
    RestartPending(Health.DEGRADED),
    /** Declared changes the operator will not make (shrinking or moving a disk, ...). */
    ChangeRefused(Health.DEGRADED),
    HaError(Health.DEGRADED),
    /**
     * Placement: the VM runs where its placement forbids (with a VM it must be kept apart from,
     * after a failure left no other node), or waits in recovery for an allowed node.
     */
    PlacementViolated(Health.DEGRADED),
    /** Placement: keepApartFrom/keepTogetherWith on PVE 8, which has no resource affinity. */
    PlacementNotSupported(Health.DEGRADED),
    /** Placement: the placement policy named is not declared by the ProxmoxCluster. */
    PlacementInvalid(Health.DEGRADED),
    /** PVE protection or an unowned VM keeps the deletion from going ahead. */
    DeletionBlocked(Health.DEGRADED),

    VmMoved(Health.EVENT),
    /** Disaster recovery: a backup's restore failed; the next older one is tried. */
    BackupUnusable(Health.EVENT),
    /** Disaster recovery: the VM is restored and Ready on the new cluster. */
    Recovered(Health.EVENT),
    VmMissing(Health.EVENT),
    Adopted(Health.EVENT),
    RestoreOverExisting(Health.EVENT),
    HaRegistered(Health.EVENT),
    HaUpdated(Health.EVENT),
    HaRemoved(Health.EVENT),
    Restarting(Health.EVENT),
    Retained(Health.EVENT),
    Destroyed(Health.EVENT),
    NotOwned(Health.EVENT),
    DeletionFailed(Health.EVENT),
    CreateSucceeded(Health.EVENT),
    CloneSucceeded(Health.EVENT),
    RestoreSucceeded(Health.EVENT),
    ConfigureSucceeded(Health.EVENT),
    ResizeSucceeded(Health.EVENT),
    EjectSucceeded(Health.EVENT),
    StartSucceeded(Health.EVENT),
    ShutdownSucceeded(Health.EVENT),
    StopSucceeded(Health.EVENT),
    RestartSucceeded(Health.EVENT),
    TemplateSucceeded(Health.EVENT),
    MigrateSucceeded(Health.EVENT);

    private final Health health;

    HaVmReason(Health health) {
        this.health = health;
    }

    @Override
    public Health health() {
        return health;
    }

    /**
     * The Event reason for a task of {@code action} that finished well, e.g. {@code
     * CloneSucceeded}.
     */
    static HaVmReason succeeded(String action) {
        try {
            return valueOf(action + "Succeeded");
        } catch (IllegalArgumentException e) {
            return WaitingForTask;
        }
    }
}
