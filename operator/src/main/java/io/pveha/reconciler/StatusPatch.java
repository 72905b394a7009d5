package io.pveha.reconciler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The one way status is written, for every kind: a JSON Patch of the status subresource with one
 * operation per top-level status field that changed (removing those that went away), guarded by a
 * {@code test} of the resourceVersion the reconcile read, and nothing at all when the status did
 * not change.
 *
 * <p>A concurrent change of the resource fails the test (409/422): the pass's decisions rest on a
 * stale read, so {@link Conflict} aborts it and JOSDK runs it again on the fresh object; no write
 * is ever based on a stale status. The stored result is handed to JOSDK's own cache of the primary
 * resource ({@code handleRecentResourceUpdate}, as {@code PrimaryUpdateAndCacheUtils} does), so the
 * next reconcile sees this write even before the informer's watch delivers it: the write-ahead
 * records of VMIDs and task ids depend on that.
 *
 * <p>Why a JSON Patch: it is the one form that carries its own precondition on the exact read the
 * decisions came from (a real kube-apiserver answers a stale write with 422, "test operation
 * failed": StatusPatchOnARealApiServerIT), touches only the fields that changed, and replaces lists
 * whole. A merge patch would need the resourceVersion copied into metadata for the same guard and
 * misbehaves on the fabric8 mock (it appends to arrays); server-side apply has no read-based
 * precondition of its own (a forced apply wins over a concurrent change), and the mock has none.
 */
public final class StatusPatch {
    private StatusPatch() {}

    /**
     * The resource as stored after the write (the input when nothing was sent), whether a patch was
     * sent, and whether the resource is gone.
     */
    public record Written<P>(P resource, boolean changed, boolean gone) {}

    /** The resource changed while the pass ran: its decisions are redone on the fresh object. */
    public static final class Conflict extends RuntimeException {
        public Conflict(String what, Throwable cause) {
            super(what + " changed while it was reconciled", cause);
        }
    }

    /** Writes {@code desired} as the status of {@code stored} unless it is the same. */
    public static <P extends HasMetadata> Written<P> write(
            P stored, Object desired, Context<P> context) {
        KubernetesClient client = context.getClient();
        KubernetesSerialization serialization = client.getKubernetesSerialization();
        JsonNode before = toTree(serialization, statusOf(stored, serialization));
        JsonNode after = toTree(serialization, desired);
        ArrayNode patch = statusPatch(before, after, stored.getMetadata().getResourceVersion());
        if (patch == null) {
            return new Written<>(stored, false, false);
        }
        @SuppressWarnings("unchecked")
        Class<P> type = (Class<P>) stored.getClass();
        P updated;
        try {
            updated =
                    client.resources(type)
                            .inNamespace(stored.getMetadata().getNamespace())
                            .withName(stored.getMetadata().getName())
                            .subresource("status")
                            .patch(PatchContext.of(PatchType.JSON), serialization.asJson(patch));
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                return new Written<>(stored, false, true);
            }
            if (e.getCode() == 409 || e.getCode() == 422) {
                throw new Conflict(
                        stored.getKind()
                                + " "
                                + stored.getMetadata().getNamespace()
                                + "/"
                                + stored.getMetadata().getName(),
                        e);
            }
            throw e;
        }
        if (updated == null) {
            return new Written<>(stored, true, false);
        }
        cache(context, stored, updated);
        return new Written<>(updated, true, false);
    }

    /**
     * Like {@link #write}, for a write-ahead record: a resource that is gone counts as a failed
     * write.
     */
    public static <P extends HasMetadata> P record(P stored, Object desired, Context<P> context) {
        Written<P> written = write(stored, desired, context);
        if (written.gone()) {
            throw new Conflict(
                    stored.getKind() + " " + stored.getMetadata().getName() + " (deleted)", null);
        }
        return written.resource();
    }

    private static <P extends HasMetadata> void cache(Context<P> context, P stored, P updated) {
        if (context.eventSourceRetriever() == null
                || stored.getMetadata().getResourceVersion() == null) {
            return; // a unit test's hand-made context
        }
        context.eventSourceRetriever()
                .getControllerEventSource()
                .handleRecentResourceUpdate(ResourceID.fromResource(stored), updated, stored);
    }

    private static Object statusOf(HasMetadata resource, KubernetesSerialization serialization) {
        if (resource instanceof io.fabric8.kubernetes.client.CustomResource<?, ?> custom) {
            return custom.getStatus();
        }
        return serialization.convertValue(resource, JsonNode.class).get("status");
    }

    static JsonNode toTree(KubernetesSerialization serialization, Object status) {
        if (status == null) {
            return JsonNodeFactory.instance.objectNode();
        }
        return serialization.convertValue(status, JsonNode.class);
    }

    /**
     * A JSON Patch (RFC 6902) that turns status {@code before} into {@code after}, one operation
     * per top-level status field that changed, guarded by a test of the resourceVersion it was
     * computed against. Null when nothing changed.
     */
    public static ArrayNode statusPatch(JsonNode before, JsonNode after, String resourceVersion) {
        if (before.equals(after)) {
            return null;
        }
        ArrayNode patch = JsonNodeFactory.instance.arrayNode();
        if (resourceVersion != null) {
            patch.addObject()
                    .put("op", "test")
                    .put("path", "/metadata/resourceVersion")
                    .put("value", resourceVersion);
        }
        if (before.isEmpty()) {
            patch.addObject().put("op", "add").put("path", "/status").set("value", after);
            return patch;
        }
        Set<String> keys = new LinkedHashSet<>();
        before.fieldNames().forEachRemaining(keys::add);
        after.fieldNames().forEachRemaining(keys::add);
        for (String key : keys) {
            JsonNode b = before.get(key);
            JsonNode a = after.get(key);
            String path = "/status/" + key.replace("~", "~0").replace("/", "~1");
            if (a == null) {
                patch.addObject().put("op", "remove").put("path", path);
            } else if (!a.equals(b)) {
                patch.addObject().put("op", "add").put("path", path).set("value", a);
            }
        }
        return patch;
    }
}
