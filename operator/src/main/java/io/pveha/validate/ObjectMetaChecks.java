package io.pveha.validate;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.function.Function;

/**
 * metadata as the apiserver checks it (ValidateObjectMetaAccessor): a schema for the ObjectMeta
 * fields (so unknown and wrongly typed fields are reported the same way as in spec), then the name,
 * namespace, label and annotation rules with Kubernetes' messages. A missing namespace is fine:
 * kubectl fills it in.
 */
final class ObjectMetaChecks {
    /** The ObjectMeta fields a manifest may carry, with their JSON types. */
    static final Schema SCHEMA =
            Schema.parseJson(
                    """
            {"type": "object", "properties": {
              "name": {"type": "string"}, "generateName": {"type": "string"}, "namespace": {"type": "string"},
              "labels": {"type": "object", "additionalProperties": {"type": "string"}},
              "annotations": {"type": "object", "additionalProperties": {"type": "string"}},
              "finalizers": {"type": "array", "items": {"type": "string"}},
              "uid": {"type": "string"}, "resourceVersion": {"type": "string"}, "generation": {"type": "integer"},
              "selfLink": {"type": "string"}, "creationTimestamp": {"type": "string", "nullable": true},
              "deletionTimestamp": {"type": "string", "nullable": true},
              "deletionGracePeriodSeconds": {"type": "integer"},
              "ownerReferences": {"type": "array", "items": {"type": "object", "required": ["apiVersion", "kind", "name", "uid"],
                "properties": {"apiVersion": {"type": "string"}, "kind": {"type": "string"}, "name": {"type": "string"},
                  "uid": {"type": "string"}, "controller": {"type": "boolean"}, "blockOwnerDeletion": {"type": "boolean"}}}},
              "managedFields": {"type": "array", "items": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}}
            }}""",
                    "metadata");

    private static final long TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

    private ObjectMetaChecks() {}

    /**
     * An object's metadata: present, shaped like ObjectMeta, and (when it is) valid by the
     * apiserver's rules. {@code nameRule} is the kind's name rule (DNS subdomain for most, label
     * for Namespace).
     */
    static void check(
            JsonNode object, Function<String, List<String>> nameRule, List<FieldError> out) {
        JsonNode metadata = object.get("metadata");
        if (metadata == null || metadata.isNull()) {
            out.add(FieldError.required("metadata.name", "name or generateName is required"));
            return;
        }
        int before = out.size();
        StructuralValidator.validate(metadata, SCHEMA, "metadata", out);
        if (out.size() == before) {
            validate(metadata, nameRule, out);
        }
    }

    /**
     * The apiserver's checks of name, namespace, labels and annotations for a metadata object that
     * passed {@link #SCHEMA}. {@code nameRule} is the kind's name rule (DNS subdomain for most,
     * label for Namespace).
     */
    static void validate(
            JsonNode metadata, Function<String, List<String>> nameRule, List<FieldError> out) {
        String name = metadata.path("name").asText("");
        if (name.isEmpty()) {
            out.add(FieldError.required("metadata.name", "name or generateName is required"));
        } else {
            nameRule.apply(name)
                    .forEach(m -> out.add(FieldError.invalid("metadata.name", name, m)));
        }
        String namespace = metadata.path("namespace").asText("");
        if (!namespace.isEmpty()) {
            KubeNames.dns1123Label(namespace)
                    .forEach(m -> out.add(FieldError.invalid("metadata.namespace", namespace, m)));
        }
        labels(metadata.path("labels"), "metadata.labels", out);
        JsonNode annotations = metadata.path("annotations");
        long size = 0;
        for (var it = annotations.fields(); it.hasNext(); ) {
            var e = it.next();
            KubeNames.annotationKey(e.getKey())
                    .forEach(
                            m ->
                                    out.add(
                                            FieldError.invalid(
                                                    "metadata.annotations", e.getKey(), m)));
            size += e.getKey().length() + e.getValue().asText().length();
        }
        if (size > TOTAL_ANNOTATION_SIZE_LIMIT) {
            out.add(FieldError.tooLong("metadata.annotations", TOTAL_ANNOTATION_SIZE_LIMIT));
        }
    }

    /**
     * ValidateLabels: every key a qualified name, every value a label value; the bad key or value
     * is shown.
     */
    static void labels(JsonNode labels, String path, List<FieldError> out) {
        for (var it = labels.fields(); it.hasNext(); ) {
            var e = it.next();
            KubeNames.qualifiedName(e.getKey())
                    .forEach(m -> out.add(FieldError.invalid(path, e.getKey(), m)));
            String value = e.getValue().asText();
            KubeNames.labelValue(value).forEach(m -> out.add(FieldError.invalid(path, value, m)));
        }
    }
}
