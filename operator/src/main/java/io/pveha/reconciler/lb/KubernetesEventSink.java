package io.pveha.reconciler.lb;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.pveha.api.lb.LoadBalancerPair;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * Writes core/v1 Events about a pair. Messages come from status texts, which never carry secrets, and
 * are capped at the API's limit. A failed write is logged and dropped: Events are best effort.
 */
public final class KubernetesEventSink implements EventSink {
    private static final Logger LOG = LoggerFactory.getLogger(KubernetesEventSink.class);
    private static final String COMPONENT = "pve-ha-operator";
    private static final int MAX_MESSAGE = 1024;

    private final KubernetesClient client;
    private final Clock clock;

    public KubernetesEventSink(KubernetesClient client, Clock clock) {
        this.client = client;
        this.clock = clock;
    }

    @Override
    public void emit(LoadBalancerPair pair, PairEvents.PairEvent event) {
        String namespace = pair.getMetadata().getNamespace();
        String now = Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
        String message = event.message().length() > MAX_MESSAGE ? event.message().substring(0, MAX_MESSAGE - 3) + "..." : event.message();
        try {
            client.v1().events().inNamespace(namespace).resource(new EventBuilder()
                    .withNewMetadata()
                    .withName(pair.getMetadata().getName() + "." + UUID.randomUUID().toString().replace("-", "").substring(0, 16))
                    .withNamespace(namespace)
                    .endMetadata()
                    .withInvolvedObject(new ObjectReferenceBuilder()
                            .withApiVersion(pair.getApiVersion())
                            .withKind(pair.getKind())
                            .withName(pair.getMetadata().getName())
                            .withNamespace(namespace)
                            .withUid(pair.getMetadata().getUid())
                            .build())
                    .withType(event.type())
                    .withReason(event.reason())
                    .withMessage(message)
                    .withCount(1)
                    .withFirstTimestamp(now)
                    .withLastTimestamp(now)
                    .withNewSource().withComponent(COMPONENT).endSource()
                    .withReportingComponent(COMPONENT)
                    .build()).create();
        } catch (KubernetesClientException e) {
            LOG.debug("could not record event {}: {}", event.reason(), e.getMessage());
        }
    }
}
