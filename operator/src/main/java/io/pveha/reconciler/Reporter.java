package io.pveha.reconciler;

import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes what a pass built, for every kind: the status (only when it changed, through {@link
 * StatusPatch}) and the Events. It also keeps the resource as last stored, so a write-ahead record
 * followed by the pass's final status write patches against the right resourceVersion.
 *
 * @param <P> the resource
 * @param <S> its status
 */
public final class Reporter<P extends CustomResource<?, S>, S> {
    private static final Logger LOG = LoggerFactory.getLogger(Reporter.class);

    private final Context<P> context;
    private final EventRecorder events;
    private P stored;

    public Reporter(P resource, Context<P> context, EventRecorder events) {
        this.stored = resource;
        this.context = context;
        this.events = events;
    }

    /**
     * A write-ahead record: the status must be stored before the pass goes on; throws when it was
     * not.
     */
    public void record(S status) {
        stored = StatusPatch.record(stored, status, context);
    }

    /**
     * The pass's last word: the status if it changed, then its Events (a deleted resource gets
     * neither).
     */
    public void report(S status, List<Note> notes) {
        S before = stored.getStatus();
        StatusPatch.Written<P> written = StatusPatch.write(stored, status, context);
        if (written.gone()) {
            return;
        }
        stored = written.resource();
        logReadyChange(before, status);
        for (Note note : notes) {
            LOG.info("event {} {}: {}", note.type(), note.reason().name(), note.message());
            events.record(stored, note);
        }
    }

    /** Events without a status write (a deletion that finished: the resource is about to go). */
    public void emit(List<Note> notes) {
        for (Note note : notes) {
            LOG.info("event {} {}: {}", note.type(), note.reason().name(), note.message());
            events.record(stored, note);
        }
    }

    public P stored() {
        return stored;
    }

    private void logReadyChange(S before, S after) {
        var was =
                before instanceof io.pveha.api.PvehaStatus b
                        ? Conditions.find(b.getConditions(), Conditions.READY)
                        : java.util.Optional.<io.fabric8.kubernetes.api.model.Condition>empty();
        var now =
                after instanceof io.pveha.api.PvehaStatus a
                        ? Conditions.find(a.getConditions(), Conditions.READY)
                        : java.util.Optional.<io.fabric8.kubernetes.api.model.Condition>empty();
        if (now.isPresent()
                && (was.isEmpty()
                        || !Objects.equals(was.get().getReason(), now.get().getReason()))) {
            LOG.info(
                    "Ready={} {}: {}",
                    now.get().getStatus(),
                    now.get().getReason(),
                    now.get().getMessage());
        }
    }

    /**
     * JOSDK's {@code updateErrorStatus} for every kind: a Kubernetes error (a refused read or
     * write, the API server unavailable) is said in Ready on the Kubernetes side too, then JOSDK
     * retries with its backoff. A conflict only means the resource moved on: it is retried without
     * a word.
     *
     * @param stopped builds the status to show from the current one: Ready=False with the given
     *     reason and message
     */
    public static <P extends CustomResource<?, S>, S> ErrorStatusUpdateControl<P> kubernetesError(
            P resource, Context<P> context, Exception e, StatusOnError<S> stopped) {
        if (e instanceof StatusPatch.Conflict) {
            return ErrorStatusUpdateControl.noStatusUpdate();
        }
        KubernetesClientException k = find(e);
        if (k == null) {
            return ErrorStatusUpdateControl.defaultErrorProcessing();
        }
        String message =
                "Kubernetes API: "
                        + (k.getCode() > 0 ? k.getCode() + " " : "")
                        + Redactor.scrub(k.getMessage());
        try {
            StatusPatch.write(
                    resource,
                    stopped.apply(resource.getStatus(), CommonReason.KubernetesError, message),
                    context);
        } catch (RuntimeException writeFailed) {
            LOG.debug(
                    "could not report the Kubernetes error in status: {}",
                    writeFailed.getMessage());
        }
        return ErrorStatusUpdateControl.noStatusUpdate();
    }

    /** Builds the status to show after an error. */
    @FunctionalInterface
    public interface StatusOnError<S> {
        S apply(S current, Reason reason, String message);
    }

    private static KubernetesClientException find(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof KubernetesClientException k) {
                return k;
            }
        }
        return null;
    }
}
