package io.pveha.reconciler.backup;

import io.pveha.reconciler.Reason;

/**
 * Every reason a BackupPolicy's conditions and Events use besides {@link
 * io.pveha.reconciler.CommonReason}. The names are what users, alerts and docs/backups.md rely on.
 * Ready is about the backup job: a run or a drill in flight does not change it.
 */
public enum BackupPolicyReason implements Reason {
    // ---- Ready
    /** Storage, job and last run are fine. */
    Ready(Health.HEALTHY),
    /** The storage does not exist and spec.storage.nfs does not say how to define it. */
    StorageMissing(Health.DEGRADED),
    /** The storage exists but its backups cannot be listed (offline, unmounted). Also an Event. */
    StorageUnavailable(Health.DEGRADED),
    /** The selection matches no VM (yet): HaVms join as soon as they have a VMID and the labels. */
    NothingSelected(Health.PROGRESSING),
    /** The last run did not back up every selected VM. */
    LastRunFailed(Health.DEGRADED),
    /** The first passes: the storage is created, the job list read; the job follows. */
    Creating(Health.PROGRESSING),
    /** The policy is being deleted: the drill's scratch VM, then the job, go first. */
    Deleting(Health.PROGRESSING),

    // ---- the other conditions (StorageReady, JobInSync, LastRunSucceeded, DrillSucceeded); never
    // Ready's
    Exists(Health.HEALTHY),
    Created(Health.HEALTHY),
    InSync(Health.HEALTHY),
    NoRunYet(Health.PROGRESSING),
    /** Also an Event: a run finished and backed up every VM. */
    BackupSucceeded(Health.HEALTHY),
    /** Also an Event: a run finished with failures, or a scheduled run started no backup. */
    BackupFailed(Health.DEGRADED),
    /** Also an Event, per VM. */
    DrillPassed(Health.HEALTHY),
    /** Also an Event, per VM (or for a drill with nothing to restore). */
    DrillFailed(Health.DEGRADED),

    // ---- Events only
    StorageCreated(Health.EVENT),
    JobCreated(Health.EVENT),
    JobUpdated(Health.EVENT),
    JobDeleted(Health.EVENT),
    JobDeleteFailed(Health.EVENT),
    BackupStarted(Health.EVENT),
    DrillStarted(Health.EVENT);

    private final Health health;

    BackupPolicyReason(Health health) {
        this.health = health;
    }

    @Override
    public Health health() {
        return health;
    }
}
