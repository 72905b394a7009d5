package io.pveha.reconciler;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;
import java.util.Optional;

/**
 * What every kind checks before it observes or touches anything: a paused resource is left alone,
 * and a spec that breaks the schema or CEL rules is reported instead of acted on (no retry: only a
 * new spec can fix it). The Warning Event is asked for only when the resource newly becomes
 * invalid, so a resource that stays invalid does not flood its Events. Pure: the caller reports.
 */
public final class ReconcileGate {
    /**
     * Why the pass stops: the Ready=False reason and message to show, and the Event to emit, if
     * any.
     */
    public record Stop(Reason reason, String message, Optional<Note> note) {}

    private ReconcileGate() {}

    public static Optional<Stop> check(
            HasMetadata resource, List<Condition> conditions, SpecValidation validation) {
        if (Paused.isPaused(resource)) {
            return Optional.of(
                    new Stop(CommonReason.ReconciliationPaused, Paused.MESSAGE, Optional.empty()));
        }
        List<String> problems = validation.problems(resource);
        if (problems.isEmpty()) {
            return Optional.empty();
        }
        String message = String.join("; ", problems);
        boolean alreadyReported =
                Conditions.find(conditions, Conditions.READY)
                        .map(c -> CommonReason.InvalidSpec.name().equals(c.getReason()))
                        .orElse(false);
        Optional<Note> note =
                alreadyReported
                        ? Optional.empty()
                        : Optional.of(Note.warning(CommonReason.InvalidSpec, message));
        return Optional.of(new Stop(CommonReason.InvalidSpec, message, note));
    }
}
