package io.pveha.validate;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One node of a CRD's structural schema (openAPIV3Schema), parsed once. Only the keywords our
 * generated CRDs can contain are understood; any other keyword makes loading fail, so a model
 * change that needs more is noticed in the build instead of being silently ignored.
 */
final class Schema {
    private static final Set<String> KEYWORDS =
            Set.of(
                    "type",
                    "properties",
                    "required",
                    "items",
                    "additionalProperties",
                    "enum",
                    "pattern",
                    "minimum",
                    "maximum",
                    "exclusiveMinimum",
                    "exclusiveMaximum",
                    "minLength",
                    "maxLength",
                    "minItems",
                    "maxItems",
                    "nullable",
                    "description",
                    "title",
                    "example",
                    "x-kubernetes-int-or-string",
                    "x-kubernetes-preserve-unknown-fields",
                    "x-kubernetes-validations");

    /** Where this node sits, e.g. {@code HaVm.spec.disks[*]}; names CEL types and load errors. */
    final String location;

    final String type;
    final Map<String, Schema> properties;
    final List<String> required;
    final Schema items;
    final Schema additionalProperties;
    final List<JsonNode> enumValues;
    final String patternText;
    final Pattern pattern;
    final Double minimum;
    final Double maximum;
    final boolean exclusiveMinimum;
    final boolean exclusiveMaximum;
    final Long minLength;
    final Long maxLength;
    final Long minItems;
    final Long maxItems;
    final boolean nullable;
    final boolean intOrString;
    final boolean preserveUnknownFields;
    final List<ValidationRule> rules;

    /** One x-kubernetes-validations entry, as written in the CRD. */
    record ValidationRule(
            String rule,
            String message,
            String messageExpression,
            String fieldPath,
            String reason) {}

    private Schema(JsonNode node, String location) {
        this.location = location;
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String keyword = names.next();
            if (!KEYWORDS.contains(keyword)) {
                throw new IllegalArgumentException(
                        "schema keyword '"
                                + keyword
                                + "' at "
                                + location
                                + " is not implemented by io.pveha.validate; extend Schema and StructuralValidator first");
            }
        }
        this.type = node.path("type").asText("");
        Map<String, Schema> props = new LinkedHashMap<>();
        node.path("properties")
                .fields()
                .forEachRemaining(
                        e ->
                                props.put(
                                        e.getKey(),
                                        new Schema(e.getValue(), location + "." + e.getKey())));
        this.properties = Collections.unmodifiableMap(props);
        List<String> req = new ArrayList<>();
        node.path("required").forEach(r -> req.add(r.asText()));
        this.required = List.copyOf(req);
        this.items = node.has("items") ? new Schema(node.get("items"), location + "[*]") : null;
        JsonNode additional = node.get("additionalProperties");
        if (additional != null && !additional.isObject()) {
            throw new IllegalArgumentException(
                    "additionalProperties at "
                            + location
                            + " must be a schema (structural schemas allow no boolean form here)");
        }
        this.additionalProperties =
                additional == null ? null : new Schema(additional, location + "[*]");
        List<JsonNode> values = new ArrayList<>();
        node.path("enum").forEach(values::add);
        this.enumValues = List.copyOf(values);
        this.patternText = node.has("pattern") ? node.get("pattern").asText() : null;
        try {
            this.pattern = patternText == null ? null : Pattern.compile(patternText);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException(
                    "pattern at " + location + " is not valid RE2: " + e.getMessage(), e);
        }
        this.minimum = node.has("minimum") ? node.get("minimum").asDouble() : null;
        this.maximum = node.has("maximum") ? node.get("maximum").asDouble() : null;
        this.exclusiveMinimum = node.path("exclusiveMinimum").asBoolean(false);
        this.exclusiveMaximum = node.path("exclusiveMaximum").asBoolean(false);
        this.minLength = node.has("minLength") ? node.get("minLength").asLong() : null;
        this.maxLength = node.has("maxLength") ? node.get("maxLength").asLong() : null;
        this.minItems = node.has("minItems") ? node.get("minItems").asLong() : null;
        this.maxItems = node.has("maxItems") ? node.get("maxItems").asLong() : null;
        this.nullable = node.path("nullable").asBoolean(false);
        this.intOrString = node.path("x-kubernetes-int-or-string").asBoolean(false);
        this.preserveUnknownFields =
                node.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
        List<ValidationRule> parsedRules = new ArrayList<>();
        node.path("x-kubernetes-validations")
                .forEach(
                        r ->
                                parsedRules.add(
                                        new ValidationRule(
                                                r.path("rule").asText(),
                                                r.path("message").asText(""),
                                                r.path("messageExpression").asText(""),
                                                r.path("fieldPath").asText(""),
                                                r.path("reason").asText(""))));
        this.rules = List.copyOf(parsedRules);
    }

    /** Parses an openAPIV3Schema; {@code location} names its root, e.g. the kind. */
    static Schema parse(JsonNode openApiV3Schema, String location) {
        return new Schema(openApiV3Schema, location);
    }

    /**
     * Parses a schema written as JSON text (the built-in schemas of ObjectMeta and the core kinds).
     */
    static Schema parseJson(String json, String location) {
        try (com.fasterxml.jackson.core.JsonParser parser =
                new com.fasterxml.jackson.core.JsonFactory().createParser(json)) {
            return new Schema(ManifestReader.tree(parser, location), location);
        } catch (java.io.IOException | ManifestReader.InputException e) {
            throw new IllegalArgumentException("built-in schema " + location + " is not JSON", e);
        }
    }

    /**
     * The JSON types this node accepts, as the apiserver lists them in messages ("integer,string").
     */
    String typeNames() {
        return intOrString ? "integer,string" : type;
    }

    boolean accepts(String dataType, boolean integralNumber) {
        if (intOrString) {
            return dataType.equals("integer")
                    || dataType.equals("string")
                    || (dataType.equals("number") && integralNumber);
        }
        if (type.isEmpty() || type.equals(dataType)) {
            return true;
        }
        // kube-openapi: an integral float is a valid integer, and every integer is a valid number.
        return (type.equals("integer") && dataType.equals("number") && integralNumber)
                || (type.equals("number") && dataType.equals("integer"));
    }

    /**
     * True for the metav1.LabelSelector schema the CRD generator writes (matchLabels +
     * matchExpressions).
     */
    boolean isLabelSelector() {
        return "object".equals(type)
                && properties.keySet().equals(Set.of("matchLabels", "matchExpressions"));
    }

    boolean hasRulesBelow() {
        if (!rules.isEmpty()) {
            return true;
        }
        for (Schema child : properties.values()) {
            if (child.hasRulesBelow()) {
                return true;
            }
        }
        return (items != null && items.hasRulesBelow())
                || (additionalProperties != null && additionalProperties.hasRulesBelow());
    }
}
