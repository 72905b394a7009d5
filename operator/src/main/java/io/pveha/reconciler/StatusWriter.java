package io.pveha.reconciler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;

import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * Writes status as a JSON Patch of the status subresource: one operation per top-level status field that
 * changed (removing those that went away), guarded by a {@code test} of the resourceVersion the reconcile
 * read. A concurrent change fails with 409/422 and the reconcile runs again on fresh data, so no write is
 * ever based on a stale status. The same patch is used against a real API server and the fabric8 mock
 * (which has no server-side apply, and whose JSON merge patch appends to arrays instead of replacing them,
 * which would duplicate conditions; and a merge patch of a model that omits empty fields could never
 * clear one). After writing, it waits until the informer cache holds the new version, so the next
 * reconcile never plans from a status older than its own last write (the write-ahead log of VMIDs and
 * task ids depends on that).
 */
public final class StatusWriter {
    private static final long CACHE_WAIT_MILLIS = 3000;

    private StatusWriter() {
    }

    /** Writes {@code desired} as the status of {@code primary} unless it is equal; returns true if written. */
    public static <P extends HasMetadata> boolean write(P primary, Object current, Object desired, Context<P> context) {
        return writeAndGet(primary, current, desired, context) != primary;
    }

    /**
     * Like {@link #write} but returns the resource as stored after the write (with its new
     * resourceVersion, for a further write in the same reconcile), or {@code primary} itself when
     * nothing changed.
     */
    public static <P extends HasMetadata> P writeAndGet(P primary, Object current, Object desired, Context<P> context) {
        KubernetesClient client = context.getClient();
        KubernetesSerialization serialization = client.getKubernetesSerialization();
        JsonNode before = toTree(serialization, current);
        JsonNode after = toTree(serialization, desired);
        if (before.equals(after)) {
            return primary;
        }
        ArrayNode patch = statusPatch(before, after, primary.getMetadata().getResourceVersion());
        @SuppressWarnings("unchecked")
        Class<P> type = (Class<P>) primary.getClass();
        P updated = client.resources(type)
                .inNamespace(primary.getMetadata().getNamespace())
                .withName(primary.getMetadata().getName())
                .subresource("status")
                .patch(PatchContext.of(PatchType.JSON), serialization.asJson(patch));
        awaitCache(context, primary, updated);
        return updated == null ? primary : updated;
    }

    /**
     * True for the status codes a status write may meet harmlessly: the object is gone (404), or changed
     * meanwhile (409; 422 when the resourceVersion test of the patch failed), and a fresh reconcile follows.
     */
    public static boolean isHarmless(KubernetesClientException e) {
        return e.getCode() == 404 || e.getCode() == 409 || e.getCode() == 422;
    }

    static JsonNode toTree(KubernetesSerialization serialization, Object status) {
        if (status == null) {
            return JsonNodeFactory.instance.objectNode();
        }
        return serialization.convertValue(status, JsonNode.class);
    }

    /**
     * A JSON Patch (RFC 6902) that turns status {@code before} into {@code after}, one operation per
     * top-level status field that changed, guarded by a test of the resourceVersion it was computed
     * against. Null when nothing changed.
     */
    public static ArrayNode statusPatch(JsonNode before, JsonNode after, String resourceVersion) {
        if (before.equals(after)) {
            return null;
        }
        ArrayNode patch = JsonNodeFactory.instance.arrayNode();
        if (resourceVersion != null) {
            patch.addObject().put("op", "test").put("path", "/metadata/resourceVersion").put("value", resourceVersion);
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

    private static <P extends HasMetadata> void awaitCache(Context<P> context, P primary, P updated) {
        if (updated == null || updated.getMetadata().getResourceVersion() == null) {
            return;
        }
        String version = updated.getMetadata().getResourceVersion();
        ResourceID id = ResourceID.fromResource(primary);
        long deadline = System.currentTimeMillis() + CACHE_WAIT_MILLIS;
        while (System.currentTimeMillis() < deadline) {
            P cached = context.getPrimaryCache().get(id).orElse(null);
            if (cached == null || isAtLeast(cached.getMetadata().getResourceVersion(), version)) {
                return;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static boolean isAtLeast(String cached, String written) {
        if (Objects.equals(cached, written)) {
            return true;
        }
        try {
            return Long.parseLong(cached) >= Long.parseLong(written);
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
