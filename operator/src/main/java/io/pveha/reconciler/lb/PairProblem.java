package io.pveha.reconciler.lb;

/**
 * Something outside the spec's own rules keeps the pair from being configured: a missing Secret, a
 * router id conflict, a value the renderer refuses. The reason becomes the condition reason.
 */
final class PairProblem extends Exception {
    static final String SECRET_NOT_FOUND = "SecretNotFound";
    static final String SECRET_INVALID = "SecretInvalid";
    static final String ROUTER_ID_CONFLICT = "RouterIdConflict";
    static final String RENDER_FAILED = "RenderFailed";

    private final String reason;

    PairProblem(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    String reason() {
        return reason;
    }
}
