package io.pveha.reconciler;

import io.fabric8.kubernetes.api.model.HasMetadata;
import org.slf4j.MDC;

/**
 * Puts {@code kind/namespace/name#generation} into the logging context for the duration of a
 * reconcile, so every log line says what it is about (the logback pattern prints %X{reconcile}).
 */
public final class ReconcileMarker implements AutoCloseable {
    public static final String KEY = "reconcile";
    private final String previous;

    private ReconcileMarker(String marker) {
        this.previous = MDC.get(KEY);
        MDC.put(KEY, marker);
    }

    public static ReconcileMarker of(HasMetadata resource) {
        return new ReconcileMarker(text(resource));
    }

    public static String text(HasMetadata resource) {
        return resource.getKind()
                + "/"
                + resource.getMetadata().getNamespace()
                + "/"
                + resource.getMetadata().getName()
                + "#"
                + resource.getMetadata().getGeneration();
    }

    @Override
    public void close() {
        if (previous == null) {
            MDC.remove(KEY);
        } else {
            MDC.put(KEY, previous);
        }
    }
}
