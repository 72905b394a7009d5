package io.pveha.reconciler.lb;

import io.pveha.reconciler.CommonReason;
import io.pveha.reconciler.Reason;
import java.util.List;

/**
 * Something outside the spec's own rules keeps the pair from being configured: a missing Secret, a
 * router id conflict, a value the renderer refuses. The reason becomes the condition reason.
 */
final class PairProblem extends Exception {
    /**
     * Every reason a problem can have: each is reported as a Warning Event when it appears or
     * changes.
     */
    static final List<Reason> BLOCKING =
            List.of(
                    CommonReason.SecretNotFound,
                    LbReason.SecretInvalid,
                    LbReason.RouterIdConflict,
                    LbReason.RenderFailed);

    private final Reason reason;

    PairProblem(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    Reason reason() {
        return reason;
    }
}
