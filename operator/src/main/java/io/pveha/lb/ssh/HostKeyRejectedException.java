package io.pveha.lb.ssh;

/**
 * The host presented a key other than the pinned one, or there is no usable pin. Either way we
 * never authenticated or sent a command: a changed key may be a man in the middle.
 */
public class HostKeyRejectedException extends HostChannelException {
    /** Why the key was refused. */
    public enum Kind {
        /** The presented key differs from the pin. */
        CHANGED,
        /** No usable pin: the host is unknown to us. */
        UNKNOWN
    }

    private final Kind kind;
    private final String presentedFingerprint;
    private final String expectedFingerprint;

    public HostKeyRejectedException(
            Kind kind, String endpoint, String presentedFingerprint, String expectedFingerprint) {
        super(
                Reason.HOST_KEY_REJECTED,
                message(kind, endpoint, presentedFingerprint, expectedFingerprint),
                null);
        this.kind = kind;
        this.presentedFingerprint = presentedFingerprint;
        this.expectedFingerprint = expectedFingerprint;
    }

    private static String message(Kind kind, String endpoint, String presented, String expected) {
        return switch (kind) {
            case CHANGED ->
                    "host key of "
                            + endpoint
                            + " is "
                            + presented
                            + ", not the pinned "
                            + expected
                            + "; refusing to connect (update spec.hosts[].hostKey only if the host was really re-keyed)";
            case UNKNOWN ->
                    "no usable pinned host key for "
                            + endpoint
                            + " (host presented "
                            + presented
                            + "); refusing to connect";
        };
    }

    public Kind kind() {
        return kind;
    }

    public String presentedFingerprint() {
        return presentedFingerprint;
    }

    public String expectedFingerprint() {
        return expectedFingerprint;
    }
}
