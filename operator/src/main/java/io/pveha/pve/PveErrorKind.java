package io.pveha.pve;

/** What went wrong talking to PVE, and whether trying again later can help. */
public enum PveErrorKind {
    /** 400: a parameter PVE refused. Permanent until the request changes. */
    VALIDATION(false),
    /** 401: unknown, expired or wrong token. Permanent until the credentials change. */
    AUTHENTICATION(false),
    /** 403: the token lacks a privilege (named in the message). Permanent until ACLs change. */
    PERMISSION(false),
    /** 500 naming an object that does not exist (VM, storage, config file). */
    NOT_FOUND(false),
    /** 500 for an object that exists already (VMID, storage id, HA resource, job). */
    ALREADY_EXISTS(false),
    /** 500 refusing an operation in the current state (protection, running VM, template ...). */
    REFUSED(false),
    /**
     * 500 {@code VM is locked (...)} or a config-file lock timeout: another operation is running.
     */
    LOCKED(true),
    /** 500 {@code cluster not ready - no quorum?}. */
    NO_QUORUM(true),
    /**
     * Any other 5xx. PVE reports most business errors this way, so these are retried with backoff.
     */
    SERVER(true),
    /** 501: unknown path or method (wrong PVE version?). */
    NOT_IMPLEMENTED(false),
    /**
     * 595-599: the endpoint could not reach the node the request names (node offline or cut off).
     */
    NODE_UNREACHABLE(true),
    /** No endpoint answered: connection refused, timeout, DNS. */
    CONNECTION(true),
    /** The server's certificate failed verification (CA or pinned fingerprint). */
    TLS(false),
    /**
     * A write whose outcome is unknown: the connection broke after the request was sent. Never
     * blindly repeated.
     */
    OUTCOME_UNKNOWN(true),
    /** PVE answered something this client cannot read. */
    PROTOCOL(false);

    private final boolean retryable;

    PveErrorKind(boolean retryable) {
        this.retryable = retryable;
    }

    public boolean retryable() {
        return retryable;
    }
}
