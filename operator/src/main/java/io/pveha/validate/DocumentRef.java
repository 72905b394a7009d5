package io.pveha.validate;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Where a document came from and what it is.
 *
 * @param source the file as the user named it, {@code <stdin>}, or null for an object handed over
 *     in memory
 * @param index 1-based position among the non-empty documents of the source; 0 when not from a file
 * @param line 1-based line where the document starts; 0 when unknown
 * @param apiVersion as written, or empty
 * @param kind as written, or empty
 * @param namespace as written, or empty (kubectl would use the current namespace)
 * @param name as written, or empty
 */
public record DocumentRef(
        String source,
        int index,
        int line,
        String apiVersion,
        String kind,
        String namespace,
        String name) {

    /** Coordinates of an in-memory object (an operator's resource), read from its own fields. */
    public static DocumentRef of(JsonNode object) {
        return of(null, 0, 0, object);
    }

    public static DocumentRef of(String source, int index, int line, JsonNode object) {
        JsonNode metadata = object == null ? null : object.path("metadata");
        return new DocumentRef(
                source,
                index,
                line,
                text(object, "apiVersion"),
                text(object, "kind"),
                text(metadata, "namespace"),
                text(metadata, "name"));
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        return value != null && value.isTextual() ? value.asText() : "";
    }

    /**
     * {@code Kind/namespace/name}; missing parts show as '?', a cluster-scoped object has no
     * namespace part.
     */
    public String describe() {
        String k = kind.isEmpty() ? "?" : kind;
        String n = name.isEmpty() ? "?" : name;
        return namespace.isEmpty() ? k + "/" + n : k + "/" + namespace + "/" + n;
    }

    /** A copy with the namespace kubectl would apply to a namespaced document that names none. */
    public DocumentRef withNamespace(String effectiveNamespace) {
        return new DocumentRef(source, index, line, apiVersion, kind, effectiveNamespace, name);
    }
}
