package io.pveha.reconciler;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes Events for what users should see in {@code kubectl describe}: Normal for progress,
 * Warning for problems. A repeat of the same event on the same object bumps its count instead of
 * adding another. Messages are scrubbed of secrets and capped at the API's length limit. Failing to
 * record an event never fails a reconcile.
 *
 * <p>No lock is held during the API call: reconcile threads never queue behind each other's Events.
 * Two threads repeating the same event at the same instant may each bump the count from the same
 * base (the count is then one short), which is the price of not serialising every reconcile on one
 * lock.
 */
public final class EventRecorder {
    public static final String NORMAL = "Normal";
    public static final String WARNING = "Warning";
    private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
    private static final int MAX_MESSAGE = 1024;
    private static final int REMEMBERED = 2048;
    private static final String COMPONENT = "pve-ha-operator";

    private final KubernetesClient client;
    private final Clock clock;

    /**
     * The last stored Event per (object, type, reason, message); guarded by itself, never during a
     * call.
     */
    private final Map<String, Event> recent =
            new LinkedHashMap<>(64, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Event> eldest) {
                    return size() > REMEMBERED;
                }
            };

    public EventRecorder(KubernetesClient client, Clock clock) {
        this.client = client;
        this.clock = clock;
    }

    public void record(HasMetadata about, Note note) {
        record(about, note.type(), note.reason().name(), note.message());
    }

    public void record(HasMetadata about, String type, String reason, String message) {
        String text = Redactor.scrub(message == null ? "" : message);
        if (text.length() > MAX_MESSAGE) {
            text = text.substring(0, MAX_MESSAGE - 3) + "...";
        }
        String now = Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
        String key = about.getMetadata().getUid() + "|" + type + "|" + reason + "|" + text;
        String namespace = about.getMetadata().getNamespace();
        Event previous;
        synchronized (recent) {
            previous = recent.get(key);
        }
        try {
            Event stored;
            if (previous != null) {
                Event bumped =
                        new EventBuilder(previous)
                                .withCount(previous.getCount() + 1)
                                .withLastTimestamp(now)
                                .build();
                stored = client.v1().events().inNamespace(namespace).resource(bumped).update();
            } else {
                stored =
                        client.v1()
                                .events()
                                .inNamespace(namespace)
                                .resource(newEvent(about, type, reason, text, now))
                                .create();
            }
            synchronized (recent) {
                recent.put(key, stored);
            }
        } catch (KubernetesClientException e) {
            synchronized (recent) {
                recent.remove(key);
            }
            LOG.debug(
                    "could not record event {} on {}/{}: {}",
                    reason,
                    namespace,
                    about.getMetadata().getName(),
                    e.getMessage());
        }
    }

    private static Event newEvent(
            HasMetadata about, String type, String reason, String text, String now) {
        String namespace = about.getMetadata().getNamespace();
        return new EventBuilder()
                .withNewMetadata()
                .withName(
                        about.getMetadata().getName()
                                + "."
                                + UUID.randomUUID().toString().replace("-", "").substring(0, 16))
                .withNamespace(namespace)
                .endMetadata()
                .withInvolvedObject(
                        new ObjectReferenceBuilder()
                                .withApiVersion(about.getApiVersion())
                                .withKind(about.getKind())
                                .withName(about.getMetadata().getName())
                                .withNamespace(namespace)
                                .withUid(about.getMetadata().getUid())
                                .withResourceVersion(about.getMetadata().getResourceVersion())
                                .build())
                .withType(type)
                .withReason(reason)
                .withMessage(text)
                .withCount(1)
                .withFirstTimestamp(now)
                .withLastTimestamp(now)
                .withNewSource()
                .withComponent(COMPONENT)
                .endSource()
                .withReportingComponent(COMPONENT)
                .build();
    }
}
