package io.pveha.validate;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Schema validation with kube-apiserver's semantics and wording: kube-openapi's validators (type,
 * string, number, slice, enum, object/required) as apiextensions-apiserver maps their results to
 * field errors, and the unknown-field detection of the apiserver's pruning step, as kubectl's
 * strict field validation reports it. Order within a node follows kube-openapi: type, string or
 * number bounds, list items then list size, enum, object properties then required properties. A
 * null value of a field that is not nullable counts as absent, because the apiserver drops such
 * nulls before validating.
 */
final class StructuralValidator {
    private StructuralValidator() {}

    /**
     * Validates {@code data} (never null) against {@code schema} at {@code path}, appending to
     * {@code out}.
     */
    static void validate(JsonNode data, Schema schema, String path, List<FieldError> out) {
        String dataType = dataType(data);
        boolean integral = data.isNumber() && CelValues.isIntegral(data);
        if (data.isNull()) {
            if (!schema.nullable && !schema.typeNames().isEmpty()) {
                out.add(typeError(path, schema, dataType));
            }
            return;
        }
        if (!schema.accepts(dataType, integral)) {
            if (data.isNumber() && "integer".equals(schema.typeNames())) {
                // kube-apiserver reports a fraction for an integer twice: once more from
                // kube-openapi's format check, with no field (ValidateAgreesWithApiServerIT).
                out.add(
                        new FieldError(
                                FieldError.Type.INVALID,
                                "",
                                "",
                                "Checked value must be of type integer (default format) in "
                                        + path));
            }
            out.add(typeError(path, schema, dataType));
        }
        if (data.isTextual()) {
            validateString(data.asText(), schema, path, out);
        } else if (data.isNumber()) {
            validateNumber(data, schema, path, out);
        } else if (data.isArray()) {
            validateArray(data, schema, path, out);
        }
        validateEnum(data, schema, path, out);
        if (data.isObject()) {
            validateObject(data, schema, path, out);
        }
    }

    private static FieldError typeError(String path, Schema schema, String dataType) {
        return FieldError.typeInvalid(
                path,
                dataType,
                path
                        + " in body must be of type "
                        + schema.typeNames()
                        + ": "
                        + GoFormat.quote(dataType));
    }

    /**
     * kube-openapi stops at the first failing string constraint: maxLength, then minLength, then
     * pattern.
     */
    private static void validateString(
            String value, Schema schema, String path, List<FieldError> out) {
        long length = value.codePointCount(0, value.length());
        if (schema.maxLength != null && length > schema.maxLength) {
            out.add(FieldError.tooLong(path, schema.maxLength));
        } else if (schema.minLength != null && length < schema.minLength) {
            out.add(
                    FieldError.invalid(
                            path,
                            value,
                            path
                                    + " in body should be at least "
                                    + schema.minLength
                                    + " chars long"));
        } else if (schema.pattern != null && !schema.pattern.matcher(value).find()) {
            out.add(
                    FieldError.invalid(
                            path,
                            value,
                            path + " in body should match '" + schema.patternText + "'"));
        }
    }

    /**
     * Bounds are compared as int64 when the value is an integer (MinimumInt: the bound prints as an
     * integer) and as float64 otherwise (the bound prints like Go's %v).
     */
    private static void validateNumber(
            JsonNode data, Schema schema, String path, List<FieldError> out) {
        boolean asInteger = data.isIntegralNumber() && data.canConvertToLong();
        Object value = asInteger ? (Object) data.asLong() : (Object) data.asDouble();
        double number = data.asDouble();
        if (schema.minimum != null) {
            double min = schema.minimum;
            boolean fails =
                    asInteger
                            ? (schema.exclusiveMinimum
                                    ? data.asLong() <= (long) min
                                    : data.asLong() < (long) min)
                            : (schema.exclusiveMinimum ? number <= min : number < min);
            if (fails) {
                out.add(
                        FieldError.invalid(
                                path,
                                value,
                                path
                                        + " in body should be greater than "
                                        + (schema.exclusiveMinimum ? "" : "or equal to ")
                                        + bound(min, asInteger)));
            }
        }
        if (schema.maximum != null) {
            double max = schema.maximum;
            boolean fails =
                    asInteger
                            ? (schema.exclusiveMaximum
                                    ? data.asLong() >= (long) max
                                    : data.asLong() > (long) max)
                            : (schema.exclusiveMaximum ? number >= max : number > max);
            if (fails) {
                out.add(
                        FieldError.invalid(
                                path,
                                value,
                                path
                                        + " in body should be less than "
                                        + (schema.exclusiveMaximum ? "" : "or equal to ")
                                        + bound(max, asInteger)));
            }
        }
    }

    private static String bound(double bound, boolean asInteger) {
        return asInteger ? Long.toString((long) bound) : GoFormat.float64(bound);
    }

    private static void validateArray(
            JsonNode data, Schema schema, String path, List<FieldError> out) {
        if (schema.items != null) {
            for (int i = 0; i < data.size(); i++) {
                validate(data.get(i), schema.items, FieldPaths.index(path, i), out);
            }
        }
        if (schema.minItems != null && data.size() < schema.minItems) {
            out.add(
                    FieldError.invalid(
                            path,
                            (long) data.size(),
                            path + " in body should have at least " + schema.minItems + " items"));
        }
        if (schema.maxItems != null && data.size() > schema.maxItems) {
            out.add(FieldError.tooMany(path, data.size(), schema.maxItems));
        }
    }

    private static void validateEnum(
            JsonNode data, Schema schema, String path, List<FieldError> out) {
        if (schema.enumValues.isEmpty()) {
            return;
        }
        for (JsonNode allowed : schema.enumValues) {
            if (sameValue(allowed, data)) {
                return;
            }
        }
        List<String> supported = new ArrayList<>();
        schema.enumValues.forEach(v -> supported.add(v.isTextual() ? v.asText() : v.toString()));
        out.add(FieldError.notSupported(path, CelValues.scalar(data), supported));
    }

    private static boolean sameValue(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            return a.asDouble() == b.asDouble();
        }
        return a.equals(b);
    }

    private static void validateObject(
            JsonNode data, Schema schema, String path, List<FieldError> out) {
        for (Map.Entry<String, Schema> property : schema.properties.entrySet()) {
            JsonNode value = data.get(property.getKey());
            if (value != null && !(value.isNull() && !property.getValue().nullable)) {
                validate(
                        value, property.getValue(), FieldPaths.child(path, property.getKey()), out);
            }
        }
        if (schema.additionalProperties != null) {
            data.fields()
                    .forEachRemaining(
                            e -> {
                                if (!schema.properties.containsKey(e.getKey())
                                        && !(e.getValue().isNull()
                                                && !schema.additionalProperties.nullable)) {
                                    validate(
                                            e.getValue(),
                                            schema.additionalProperties,
                                            FieldPaths.child(path, e.getKey()),
                                            out);
                                }
                            });
        }
        for (String name : schema.required) {
            JsonNode value = data.get(name);
            Schema property = schema.properties.get(name);
            if (value == null || (value.isNull() && (property == null || !property.nullable))) {
                out.add(FieldError.required(FieldPaths.child(path, name), ""));
            }
        }
    }

    /**
     * Paths of fields the schema does not declare, sorted, as the apiserver's pruning step records
     * them. At the root, apiVersion, kind and metadata are the apiserver's own and never unknown.
     */
    static void unknownFields(JsonNode data, Schema schema, String path, List<String> out) {
        if (schema != null && schema.preserveUnknownFields) {
            return;
        }
        if (data.isObject()) {
            data.fields()
                    .forEachRemaining(
                            e -> {
                                String childPath = FieldPaths.child(path, e.getKey());
                                Schema property =
                                        schema == null ? null : schema.properties.get(e.getKey());
                                if (property != null) {
                                    unknownFields(e.getValue(), property, childPath, out);
                                } else if (schema != null && schema.additionalProperties != null) {
                                    unknownFields(
                                            e.getValue(),
                                            schema.additionalProperties,
                                            childPath,
                                            out);
                                } else {
                                    out.add(childPath);
                                }
                            });
        } else if (data.isArray() && schema != null) {
            for (int i = 0; i < data.size(); i++) {
                unknownFields(data.get(i), schema.items, FieldPaths.index(path, i), out);
            }
        }
    }

    /**
     * Unknown fields of a whole object, sorted as the apiserver sorts them: metadata against
     * ObjectMeta, every other top-level field against {@code root}'s properties, except {@code
     * ignored} ones.
     */
    static void unknownFieldsOfObject(
            JsonNode object, Schema root, java.util.Set<String> ignored, List<FieldError> out) {
        List<String> unknown = new ArrayList<>();
        object.fields()
                .forEachRemaining(
                        e -> {
                            if (ignored.contains(e.getKey())) {
                                return;
                            }
                            Schema property =
                                    e.getKey().equals("metadata")
                                            ? ObjectMetaChecks.SCHEMA
                                            : root.properties.get(e.getKey());
                            if (property == null) {
                                unknown.add(e.getKey());
                            } else {
                                unknownFields(e.getValue(), property, e.getKey(), unknown);
                            }
                        });
        unknown.stream().sorted().forEach(path -> out.add(FieldError.unknownField(path)));
    }

    /**
     * The JSON type name the apiserver reports for a value ("integer" for whole numbers written
     * without '.').
     */
    static String dataType(JsonNode data) {
        if (data.isObject()) {
            return "object";
        }
        if (data.isArray()) {
            return "array";
        }
        if (data.isTextual()) {
            return "string";
        }
        if (data.isBoolean()) {
            return "boolean";
        }
        if (data.isIntegralNumber()) {
            return data.canConvertToLong() ? "integer" : "number";
        }
        if (data.isNumber()) {
            return "number";
        }
        return "null";
    }
}
