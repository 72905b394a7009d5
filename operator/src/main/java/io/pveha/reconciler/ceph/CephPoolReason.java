package io.pveha.reconciler.ceph;

import io.pveha.reconciler.Reason;

/**
 * Every reason a CephPool's conditions and Events use besides {@link
 * io.pveha.reconciler.CommonReason}.
 */
public enum CephPoolReason implements Reason {
    /** The pool exists, is ours and has the declared settings. */
    Synced(Health.HEALTHY),
    Creating(Health.PROGRESSING),
    Updating(Health.PROGRESSING),
    Deleting(Health.PROGRESSING),
    /** The first poll after the CephPool appeared did not list the cluster's pools yet. */
    PoolsUnknown(Health.PROGRESSING),
    /** The node the task would run on already runs as many operator tasks as allowed. */
    WaitingForTaskSlot(Health.PROGRESSING),
    /** Ceph refused a declared value; nothing is sent again until the spec changes. */
    Refused(Health.DEGRADED),
    /** A pool of that name exists and was not created by this CephPool. */
    PoolNotOwned(Health.DEGRADED),
    /** addStorage is set but the PVE storage named like the pool does not exist. */
    StorageMissing(Health.DEGRADED),
    /** Ceph reports inactive PGs or a full OSD/pool: I/O to the pool stops. */
    Degraded(Health.DEGRADED),
    /** Deletion waits for the confirmation annotation or for VM disks to leave the pool. */
    DeletionBlocked(Health.DEGRADED),

    PoolCreated(Health.EVENT),
    PoolUpdated(Health.EVENT),
    Deleted(Health.EVENT),
    Retained(Health.EVENT),
    StorageKept(Health.EVENT);

    private final Health health;

    CephPoolReason(Health health) {
        this.health = health;
    }

    @Override
    public Health health() {
        return health;
    }
}
