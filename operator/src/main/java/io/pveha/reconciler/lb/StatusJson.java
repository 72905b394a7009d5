package io.pveha.reconciler.lb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.pveha.api.lb.LoadBalancerPairStatus;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Status as JSON: deep copies, and the patch that turns one status into another.
 */
final class StatusJson {
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private StatusJson() {
    }

    static LoadBalancerPairStatus copy(LoadBalancerPairStatus status) {
        return SERIALIZATION.convertValue(status, LoadBalancerPairStatus.class);
    }

    static JsonNode tree(Object value) {
        return value == null ? JsonNodeFactory.instance.objectNode() : SERIALIZATION.convertValue(value, JsonNode.class);
    }

    static String json(Object value) {
        return SERIALIZATION.asJson(value);
    }

    /**
     * A JSON Patch (RFC 6902) that turns status {@code before} into {@code after}, one operation per
     * top-level status field that changed, guarded by a test of the resourceVersion it was computed
     * against. Null when nothing changed.
     */
    static ArrayNode statusPatch(JsonNode before, JsonNode after, String resourceVersion) {
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
}
