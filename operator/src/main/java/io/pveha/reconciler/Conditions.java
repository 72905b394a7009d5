package io.pveha.reconciler;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The one place condition lists are edited. Kubernetes conventions: one entry per type, status
 * True/False/Unknown, a CamelCase reason, a human message, the generation it describes, and a
 * lastTransitionTime that moves only when the status flips (so an unchanged condition never causes
 * a status write).
 */
public final class Conditions {
    public static final String READY = "Ready";
    public static final String TRUE = "True";
    public static final String FALSE = "False";
    public static final String UNKNOWN = "Unknown";

    private Conditions() {}

    /**
     * Returns a new list with the condition of {@code type} set. lastTransitionTime is kept when
     * the status is unchanged, so re-asserting the same facts is a no-op for the status diff.
     */
    public static List<Condition> set(
            List<Condition> current,
            String type,
            String status,
            String reason,
            String message,
            Long observedGeneration,
            Instant now) {
        List<Condition> result = new ArrayList<>(current == null ? List.of() : current);
        Optional<Condition> existing =
                result.stream().filter(c -> type.equals(c.getType())).findFirst();
        String transition =
                existing.filter(c -> status.equals(c.getStatus()))
                        .map(Condition::getLastTransitionTime)
                        .orElse(now.truncatedTo(ChronoUnit.SECONDS).toString());
        Condition updated =
                new ConditionBuilder()
                        .withType(type)
                        .withStatus(status)
                        .withReason(reason)
                        .withMessage(message == null ? "" : message)
                        .withObservedGeneration(observedGeneration)
                        .withLastTransitionTime(transition)
                        .build();
        if (existing.isPresent()) {
            result.set(result.indexOf(existing.get()), updated);
        } else {
            result.add(updated);
        }
        return result;
    }

    public static Optional<Condition> find(List<Condition> conditions, String type) {
        return conditions == null
                ? Optional.empty()
                : conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
    }

    public static boolean isTrue(List<Condition> conditions, String type) {
        return find(conditions, type).map(c -> TRUE.equals(c.getStatus())).orElse(false);
    }

    /** True when both lists say the same thing, ignoring order. */
    public static boolean sameFacts(List<Condition> a, List<Condition> b) {
        List<Condition> left = a == null ? List.of() : a;
        List<Condition> right = b == null ? List.of() : b;
        return left.size() == right.size()
                && left.stream().allMatch(c -> right.stream().anyMatch(d -> Objects.equals(c, d)));
    }

    /** Whether the condition of {@code type} appeared, went, or changed its reason or message. */
    public static boolean changed(List<Condition> before, List<Condition> after, String type) {
        Optional<Condition> was = find(before, type);
        Optional<Condition> now = find(after, type);
        if (was.isEmpty() || now.isEmpty()) {
            return was.isPresent() != now.isPresent();
        }
        return !Objects.equals(was.get().getReason(), now.get().getReason())
                || !Objects.equals(was.get().getMessage(), now.get().getMessage());
    }

    /**
     * Sets the condition {@code type} of a status to True or False with a reason of the kind's
     * vocabulary; the message is scrubbed of secrets.
     */
    public static void set(
            io.pveha.api.PvehaStatus status,
            String type,
            boolean value,
            Reason reason,
            String message,
            long generation,
            Instant now) {
        status.setConditions(
                set(
                        status.getConditions(),
                        type,
                        value ? TRUE : FALSE,
                        reason.name(),
                        Redactor.scrub(message),
                        generation,
                        now));
    }

    /**
     * Sets Ready, as {@link #set(io.pveha.api.PvehaStatus, String, boolean, Reason, String, long,
     * Instant)}.
     */
    public static void ready(
            io.pveha.api.PvehaStatus status,
            Reason reason,
            boolean ready,
            String message,
            long generation,
            Instant now) {
        set(status, READY, ready, reason, message, generation, now);
    }
}
