package io.pveha.reconciler;

/** The reasons every kind uses, with the same meaning everywhere. */
public enum CommonReason implements Reason {
    /** The spec breaks the CRD's schema or CEL rules: fixed only by changing the spec. */
    InvalidSpec(Health.DEGRADED),
    ReconciliationPaused(Health.SUSPENDED),
    /** The ProxmoxCluster has not been polled yet. */
    ClusterNotReady(Health.PROGRESSING),
    /** The last poll of the ProxmoxCluster failed: facts shown are the last known ones. */
    ClusterUnreachable(Health.DEGRADED),
    /** PVE refused or failed a call (the message says which and why). */
    ApiError(Health.DEGRADED),
    /** A PVE task the operator started failed. */
    TaskFailed(Health.DEGRADED),
    /** The Kubernetes API refused or failed a read or write of the operator. */
    KubernetesError(Health.DEGRADED),
    /** A referenced Secret or one of its keys does not exist. */
    SecretNotFound(Health.DEGRADED);

    private final Health health;

    CommonReason(Health health) {
        this.health = health;
    }

    @Override
    public Health health() {
        return health;
    }
}
