package io.pveha.reconciler;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;

import java.util.List;
import java.util.Optional;

/**
 * What a controller checks before it touches PVE: a paused resource is left alone, and a spec that breaks
 * the schema or CEL rules is reported instead of acted on. The Warning Event is emitted only when the
 * resource newly becomes invalid, so a resource that stays invalid does not flood its Events.
 */
public final class ReconcileGate {
    /** Why the pass stops: the Ready=False reason and message to show. */
    public record Stop(String reason, String message) {
    }

    private ReconcileGate() {
    }

    public static Optional<Stop> check(HasMetadata resource, List<Condition> conditions, SpecValidation validation,
                                       EventRecorder events) {
        if (Paused.isPaused(resource)) {
            return Optional.of(new Stop(Conditions.REASON_PAUSED, Paused.MESSAGE));
        }
        List<String> problems = validation.problems(resource);
        if (problems.isEmpty()) {
            return Optional.empty();
        }
        String message = String.join("; ", problems);
        boolean alreadyReported = Conditions.find(conditions, Conditions.READY)
                .map(c -> Conditions.REASON_INVALID_SPEC.equals(c.getReason())).orElse(false);
        if (!alreadyReported) {
            events.warning(resource, Conditions.REASON_INVALID_SPEC, message);
        }
        return Optional.of(new Stop(Conditions.REASON_INVALID_SPEC, message));
    }
}
