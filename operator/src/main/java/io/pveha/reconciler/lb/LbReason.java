package io.pveha.reconciler.lb;

import io.pveha.reconciler.Reason;

/**
 * Every reason a LoadBalancerPair's conditions and Events use besides {@link
 * io.pveha.reconciler.CommonReason} (InvalidSpec, ReconciliationPaused, SecretNotFound,
 * KubernetesError). The names are what docs/load-balancer.md lists and users match on; a reason
 * used both in a condition and as an Event keeps its condition's health.
 */
public enum LbReason implements Reason {
    /** Both hosts run the rendered files, one holds the VIP, every service has a server UP. */
    Ready(Health.HEALTHY),
    /** ConfigApplied: both hosts run the rendered files. */
    Applied(Health.HEALTHY),
    /** VipHeld: the preferred master holds the VIP. */
    HeldByMaster(Health.HEALTHY),
    /** VipHeld with preempt off: whichever host holds the VIP is fine. */
    Held(Health.HEALTHY),
    /** BackendsHealthy: every server UP. */
    AllUp(Health.HEALTHY),

    /** The rendered configuration is not installed yet; the next apply installs it. */
    Pending(Health.PROGRESSING),
    /** The hosts or their haproxy were not (yet) observed. */
    NotObserved(Health.PROGRESSING),
    /** The backup holds the VIP; with preempt the master takes it back once it is healthy. */
    HeldByBackup(Health.PROGRESSING),
    VipOnBackup(Health.PROGRESSING),

    /**
     * A host's own config test refused the rendered configuration: not retried until it changes.
     */
    Rejected(Health.DEGRADED),
    /** The new configuration did not come up on the host and the previous one was put back. */
    RolledBack(Health.DEGRADED),
    /** The host lacks a prerequisite (e.g. net.ipv4.ip_nonlocal_bind). */
    HostNotPrepared(Health.DEGRADED),
    ApplyFailed(Health.DEGRADED),
    HostUnreachable(Health.DEGRADED),
    /** The host presented another key than the pinned one. */
    HostKeyRejected(Health.DEGRADED),
    /** A referenced Secret key is empty, not base64, or not a usable VRRP password. */
    SecretInvalid(Health.DEGRADED),
    /** Another pair on the same network uses the same VRRP virtual router id. */
    RouterIdConflict(Health.DEGRADED),
    /** A value the renderers refuse (the CRD's rules were bypassed). */
    RenderFailed(Health.DEGRADED),
    /** Both hosts hold the VIP: they do not hear each other's adverts. */
    SplitBrain(Health.DEGRADED),
    /** The VIP is left on a host whose keepalived is not running. */
    StaleVip(Health.DEGRADED),
    NotHeld(Health.DEGRADED),
    /** keepalived or haproxy is not running on a host: the pair cannot fail over. */
    DaemonDown(Health.DEGRADED),
    /** A service has no server UP. */
    NoHealthyBackends(Health.DEGRADED),
    /**
     * BackendsHealthy: some servers are not UP (Ready stays True while each service has one UP).
     */
    SomeDown(Health.DEGRADED),
    AllDown(Health.DEGRADED),
    NoBackends(Health.DEGRADED),

    VipAcquired(Health.EVENT),
    VipMoved(Health.EVENT),
    VipLost(Health.EVENT),
    HostReachable(Health.EVENT),
    VrrpStateChanged(Health.EVENT),
    DaemonsStarted(Health.EVENT),
    StartFailed(Health.EVENT),
    ConfigApplied(Health.EVENT),
    ConfigRejected(Health.EVENT),
    ConfigRolledBack(Health.EVENT),
    BackendAdded(Health.EVENT),
    BackendRemoved(Health.EVENT),
    BackendDown(Health.EVENT),
    BackendUp(Health.EVENT),
    RouterIdAssigned(Health.EVENT);

    private final Health health;

    LbReason(Health health) {
        this.health = health;
    }

    @Override
    public Health health() {
        return health;
    }
}
