package io.pveha.api.monitoring;

/**
 * The monitoring items the operator evaluates from what it already observes (the cluster's bulk
 * poll and the status of the other kinds): no PVE call of their own. Defaults: every item on, with
 * the severity and delay documented on each constant.
 */
public enum BuiltinItem {
    /** No endpoint of the PVE API answers (critical, after 30 s). */
    PveApiUnreachable,
    /** The cluster has lost quorum: PVE refuses writes (critical, at once). */
    QuorumLost,
    /** A node is offline and not in PVE maintenance (critical, at once): one incident per node. */
    NodeOffline,
    /** A node is online but its HA LRM is not active/idle/maintenance, e.g. fence (warning). */
    HaNodeUnhealthy,
    /** An HA resource is in state error (critical, at once). */
    HaServiceError,
    /** A HaVm that should run does not, and PVE HA is not recovering it (critical, after 60 s). */
    HaVmNotRunning,
    /** Ceph health is not HEALTH_OK; the message names its checks (warning; critical on ERR). */
    CephHealth,
    /** A storage is fuller than thresholdPercent (default 85; warning, after 5 min). */
    StorageFull,
    /** A LoadBalancerPair's VIP is held by no host or by both (critical, at once). */
    LbVipNotHeld,
    /** A LoadBalancerPair backend is DOWN in haproxy (warning, after 30 s). */
    LbBackendDown,
    /** A BackupPolicy missed its schedule or its last run failed (warning, at once). */
    BackupFailed,
    /** The last restore drill of a BackupPolicy failed (warning, at once). */
    RestoreDrillFailed,
    /**
     * The platform is being rebuilt on the standby (spec.disasterRecovery.activeCluster: standby)
     * and not every VM is back yet, or the recovery ended with VMs that had no backup (critical, at
     * once); resolved when the recovery completes.
     */
    DisasterRecovery,
    /**
     * The operator could not deliver alerts to a receiver (warning, at once; sent via fallback).
     */
    AlertDeliveryFailing
}
