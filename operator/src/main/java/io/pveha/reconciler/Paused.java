package io.pveha.reconciler;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.pveha.api.Pveha;
import java.util.Map;

/**
 * The pause annotation: {@code pveha.io/paused: "true"} stops the operator from acting on a
 * resource.
 */
public final class Paused {
    private Paused() {}

    public static boolean isPaused(HasMetadata resource) {
        Map<String, String> annotations = resource.getMetadata().getAnnotations();
        return annotations != null
                && "true"
                        .equalsIgnoreCase(
                                annotations.getOrDefault(Pveha.ANNOTATION_PAUSED, "").trim());
    }

    public static final String MESSAGE =
            "reconciliation is paused by the annotation "
                    + Pveha.ANNOTATION_PAUSED
                    + "; remove it to resume";
}
