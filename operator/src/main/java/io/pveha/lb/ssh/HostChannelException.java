package io.pveha.lb.ssh;

/** The host could not be used; {@link #reason()} says why in a way status and events can show. */
public class HostChannelException extends Exception {
    /** What went wrong, from the operator's point of view. */
    public enum Reason {
        /** No TCP connection, connection lost, or no SSH answer in time. */
        UNREACHABLE,
        /** The host key is not the pinned one (or no usable pin): we refused the host. */
        HOST_KEY_REJECTED,
        /** The host refused our key. */
        AUTHENTICATION_FAILED,
        /** The private key from the Secret could not be read. */
        BAD_CLIENT_KEY,
        /** A command did not finish in time. */
        TIMEOUT
    }

    private final Reason reason;

    public HostChannelException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
