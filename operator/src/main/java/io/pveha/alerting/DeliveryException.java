package io.pveha.alerting;

import io.pveha.reconciler.Redactor;

/**
 * A message the provider refused or that did not arrive. The message is the provider's answer
 * (errcode and errmsg), scrubbed of secrets; it never contains the webhook URL.
 */
public final class DeliveryException extends Exception {
    private final boolean transientFailure;

    public DeliveryException(String message, boolean transientFailure) {
        super(Redactor.scrub(message));
        this.transientFailure = transientFailure;
    }

    /** Worth retrying: a network error, 5xx, 429 or the provider's rate-limit code. */
    public boolean isTransient() {
        return transientFailure;
    }
}
