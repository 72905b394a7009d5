package io.pveha.validate;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Light checks of the core kinds a platform's manifests carry next to ours: Secret, ConfigMap and
 * Namespace (apiVersion v1). Fields are checked for names and types, keys for Kubernetes' key
 * rules, base64 data for decodability. Values are never printed: a Secret's data is nobody's
 * business in a CI log.
 */
final class CoreKinds {
    static final String SECRET = "Secret";
    static final String CONFIG_MAP = "ConfigMap";
    static final String NAMESPACE = "Namespace";

    private static final Map<String, Schema> SCHEMAS =
            Map.of(
                    SECRET,
                            schema(
                                    SECRET,
                                    """
                    {"type": "object", "properties": {"apiVersion": {"type": "string"}, "kind": {"type": "string"},
                      "data": {"type": "object", "additionalProperties": {"type": "string"}},
                      "stringData": {"type": "object", "additionalProperties": {"type": "string"}},
                      "type": {"type": "string"}, "immutable": {"type": "boolean"}}}"""),
                    CONFIG_MAP,
                            schema(
                                    CONFIG_MAP,
                                    """
                    {"type": "object", "properties": {"apiVersion": {"type": "string"}, "kind": {"type": "string"},
                      "data": {"type": "object", "additionalProperties": {"type": "string"}},
                      "binaryData": {"type": "object", "additionalProperties": {"type": "string"}},
                      "immutable": {"type": "boolean"}}}"""),
                    NAMESPACE,
                            schema(
                                    NAMESPACE,
                                    """
                    {"type": "object", "properties": {"apiVersion": {"type": "string"}, "kind": {"type": "string"},
                      "spec": {"type": "object", "properties": {"finalizers": {"type": "array", "items": {"type": "string"}}}},
                      "status": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}}}"""));

    private CoreKinds() {}

    static boolean handles(String apiVersion, String kind) {
        return "v1".equals(apiVersion) && SCHEMAS.containsKey(kind);
    }

    static List<FieldError> check(JsonNode object, String kind) {
        Schema schema = SCHEMAS.get(kind);
        List<FieldError> out = new ArrayList<>();
        StructuralValidator.unknownFieldsOfObject(object, schema, java.util.Set.of(), out);
        ObjectMetaChecks.check(
                object,
                NAMESPACE.equals(kind) ? KubeNames::dns1123Label : KubeNames::dns1123Subdomain,
                out);
        int beforeSchema = out.size();
        for (Map.Entry<String, Schema> property : schema.properties.entrySet()) {
            JsonNode value = object.get(property.getKey());
            if (value != null && !value.isNull()) {
                StructuralValidator.validate(value, property.getValue(), property.getKey(), out);
            }
        }
        if (out.size() == beforeSchema) {
            switch (kind) {
                case SECRET -> {
                    keys(object.path("data"), "data", out);
                    keys(object.path("stringData"), "data", out);
                    base64(object.path("data"), "data", out);
                }
                case CONFIG_MAP -> {
                    keys(object.path("data"), "data", out);
                    keys(object.path("binaryData"), "binaryData", out);
                    base64(object.path("binaryData"), "binaryData", out);
                }
                default -> {}
            }
        }
        return out;
    }

    /** Keys of data and stringData (which the apiserver merges into data, hence the same path). */
    private static void keys(JsonNode map, String path, List<FieldError> out) {
        map.fieldNames()
                .forEachRemaining(
                        key ->
                                KubeNames.configMapKey(key)
                                        .forEach(
                                                m ->
                                                        out.add(
                                                                FieldError.invalid(
                                                                        FieldPaths.key(path, key),
                                                                        key,
                                                                        m))));
    }

    /** Go's encoding/json decodes []byte with base64.StdEncoding, which skips line breaks. */
    private static void base64(JsonNode map, String path, List<FieldError> out) {
        map.fields()
                .forEachRemaining(
                        e -> {
                            String text = e.getValue().asText().replace("\r", "").replace("\n", "");
                            try {
                                Base64.getDecoder().decode(text);
                            } catch (IllegalArgumentException bad) {
                                out.add(
                                        FieldError.invalid(
                                                FieldPaths.key(path, e.getKey()),
                                                FieldError.OMIT,
                                                "not valid base64 (use stringData for plain text)"));
                            }
                        });
    }

    /** The keys a Secret holds, from data and stringData; empty for anything else. */
    static List<String> secretKeys(JsonNode secret) {
        List<String> keys = new ArrayList<>();
        secret.path("data").fieldNames().forEachRemaining(keys::add);
        secret.path("stringData").fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    private static Schema schema(String kind, String json) {
        return Schema.parseJson(json, kind);
    }
}
