package io.pveha.reconciler;

/**
 * A Kubernetes Event a pass wants to emit: Normal for progress, Warning for problems. Reporters
 * build them from what changed between the previous and the new status and from what the pass did,
 * so a fact that stays the same is reported once, not every pass.
 */
public record Note(boolean warning, Reason reason, String message) {
    public static Note normal(Reason reason, String message) {
        return new Note(false, reason, message);
    }

    public static Note warning(Reason reason, String message) {
        return new Note(true, reason, message);
    }

    public String type() {
        return warning ? EventRecorder.WARNING : EventRecorder.NORMAL;
    }
}
