package io.pveha.reconciler.monitoring;

import io.pveha.reconciler.Reason;

/**
 * Reasons of the ProxmoxCluster's monitoring conditions ({@code Alerting}, {@code AlertDelivery})
 * and of the alert Events on the affected objects.
 */
public enum MonitoringReason implements Reason {
    /** Alerting: nothing is firing. */
    NoAlertsFiring(Health.HEALTHY),
    /** Alerting: at least one alert is firing; the message names them. */
    AlertsFiring(Health.DEGRADED),
    /** AlertDelivery: every receiver took its last message (or has not had one). */
    Delivering(Health.HEALTHY),
    /** AlertDelivery: no receiver is declared; alerts show in status and Events only. */
    NoReceivers(Health.HEALTHY),
    /**
     * AlertDelivery: a receiver refused or did not answer; the message has the provider's answer.
     */
    ReceiverFailing(Health.DEGRADED),
    /** AlertDelivery: a receiver's Secret or a check's condition is missing or wrong. */
    MonitoringMisconfigured(Health.DEGRADED),

    AlertFiring(Health.EVENT),
    AlertResolved(Health.EVENT),
    IncidentOpened(Health.EVENT),
    IncidentUpdate(Health.EVENT),
    AlertFlapping(Health.EVENT);

    private final Health health;

    MonitoringReason(Health health) {
        this.health = health;
    }

    @Override
    public Health health() {
        return health;
    }
}
