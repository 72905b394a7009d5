package io.pveha.reconciler.cluster;

import io.pveha.reconciler.Reason;

/**
 * Every reason a ProxmoxCluster's conditions and Events use besides {@link
 * io.pveha.reconciler.CommonReason} (InvalidSpec, ReconciliationPaused, SecretNotFound, ApiError,
 * KubernetesError). Ready takes the reason of the first of Connected, Quorate and
 * PrivilegesComplete that is not True; the other reasons belong to those conditions, to TlsVerified
 * and HaGroupsInSync, or to Events.
 */
public enum ProxmoxClusterReason implements Reason {
    /** Connected, quorate, and the token has every privilege the operator uses. */
    Ready(Health.HEALTHY),
    Connected(Health.HEALTHY),
    Quorate(Health.HEALTHY),
    PrivilegesComplete(Health.HEALTHY),
    /** TlsVerified: how the server certificate is verified. */
    PinnedFingerprint(Health.HEALTHY),
    CaBundle(Health.HEALTHY),
    SystemTrust(Health.HEALTHY),
    HaGroupsInSync(Health.HEALTHY),
    /** PlacementInSync on PVE 9: the HA rules the placement needs are in PVE. */
    HaRulesInSync(Health.HEALTHY),

    /** Waiting for the first poll of a new connection. */
    Connecting(Health.PROGRESSING),
    /** Quorate: unknown while there are no fresh facts. */
    NotConnected(Health.PROGRESSING),
    /**
     * PrivilegesComplete: not checked yet, or PVE does not answer the check (does not block Ready).
     */
    NotChecked(Health.PROGRESSING),
    /**
     * PlacementInSync: PVE 9 has not migrated the HA groups to rules yet (it waits for every node
     * on PVE 9 and online); the groups stay in effect and no rule can be made meanwhile.
     */
    WaitingForGroupMigration(Health.PROGRESSING),
    /** TlsVerified: the connection settings could not be resolved. */
    NotConfigured(Health.PROGRESSING),

    /** The credentials Secret lacks a key, or the key is empty. */
    SecretKeyMissing(Health.DEGRADED),
    /** The token id in the Secret is not user@realm!name. */
    InvalidCredentials(Health.DEGRADED),
    /** The CA Secret's key holds no PEM certificate. */
    InvalidCaBundle(Health.DEGRADED),
    AuthenticationFailed(Health.DEGRADED),
    PermissionDenied(Health.DEGRADED),
    TlsVerificationFailed(Health.DEGRADED),
    /** No endpoint answers (connection refused, timeout, outcome unknown). */
    Unreachable(Health.DEGRADED),
    NodeUnreachable(Health.DEGRADED),
    /** The cluster has lost quorum: PVE refuses writes. */
    NoQuorum(Health.DEGRADED),
    /** PVE answers in a way the operator does not understand (an older or partial API). */
    UnsupportedApi(Health.DEGRADED),
    /** The token lacks privileges the operator uses; the condition names them. */
    MissingPrivileges(Health.DEGRADED),
    /** TlsVerified=False: spec.tls.insecureSkipVerify (Ready is not affected). */
    InsecureSkipVerify(Health.DEGRADED),
    /**
     * A declared HA group exists in PVE and was not created by this ProxmoxCluster: it is left
     * alone.
     */
    HaGroupNotOwned(Health.DEGRADED),
    /** PVE refused or failed a read or change of the HA groups. */
    HaGroupSyncFailed(Health.DEGRADED),
    /** A rule the placement needs exists in PVE and is not this ProxmoxCluster's: left alone. */
    HaRuleNotOwned(Health.DEGRADED),
    /** PVE refused or failed a read or change of the HA rules (an infeasible rule, say). */
    HaRuleSyncFailed(Health.DEGRADED),
    /**
     * A HaVm names a placement policy the cluster does not declare, or a strict policy names a node
     * the cluster does not have.
     */
    PlacementPolicyInvalid(Health.DEGRADED),

    /** Recovered: the platform was rebuilt on the standby and every HaVm is Ready there. */
    RecoveryCompleted(Health.HEALTHY),
    /**
     * Recovered: the lost primary still answers and runs VMs of the platform; restores wait (power
     * it off, or cut it off for good, to go on).
     */
    WaitingForPrimaryDown(Health.DEGRADED),
    /** Recovered: CephPools and backup storages are being made on the standby first. */
    PreparingStorage(Health.PROGRESSING),
    /** Recovered: HaVms are being restored from their backups, stage by stage. */
    Restoring(Health.PROGRESSING),
    /** Recovered: done, but some HaVms had no backup left to restore. */
    RecoveryIncomplete(Health.DEGRADED),

    /** DrillPassed: the last disaster-recovery drill rebuilt every VM on the standby. */
    DrillPassed(Health.HEALTHY),
    /**
     * DrillPassed=False: the last drill failed (a backup that did not restore or boot, a storage
     * the standby lacks, the standby unreachable); Ready is not affected: the platform runs.
     */
    DrillFailed(Health.DEGRADED),

    NodeOffline(Health.EVENT),
    NodeOnline(Health.EVENT),
    /** The platform was switched to the standby: the recovery begins. */
    RecoveryStarted(Health.EVENT),
    RecoveryStageStarted(Health.EVENT),
    DisasterRecoveryDrillStarted(Health.EVENT),
    DisasterRecoveryDrillPassed(Health.EVENT),
    DisasterRecoveryDrillFailed(Health.EVENT);

    private final Health health;

    ProxmoxClusterReason(Health health) {
        this.health = health;
    }

    @Override
    public Health health() {
        return health;
    }
}
