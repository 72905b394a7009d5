package io.pveha.validate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.common.values.NullValue;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns JSON into the values CEL sees, guided by the schema as the apiserver's UnstructuredToVal
 * is: integers are Long, numbers Double (also when written without a fraction), undeclared fields
 * and nulls are left out (the apiserver prunes them before rules run), so has() is false for
 * anything absent.
 */
final class CelValues {
    private CelValues() {}

    static Object of(JsonNode data, Schema schema) {
        if (data == null || data.isNull() || data.isMissingNode()) {
            return NullValue.NULL_VALUE;
        }
        if (schema == null || schema.preserveUnknownFields && schema.properties.isEmpty()) {
            return generic(data);
        }
        if (data.isObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            data.fields()
                    .forEachRemaining(
                            e -> {
                                Schema field = schema.properties.get(e.getKey());
                                if (field == null && schema.additionalProperties != null) {
                                    field = schema.additionalProperties;
                                }
                                if (field == null && !schema.preserveUnknownFields) {
                                    return;
                                }
                                if (!e.getValue().isNull()) {
                                    map.put(e.getKey(), of(e.getValue(), field));
                                }
                            });
            return Collections.unmodifiableMap(map);
        }
        if (data.isArray()) {
            List<Object> list = new ArrayList<>(data.size());
            data.forEach(item -> list.add(of(item, schema.items)));
            return Collections.unmodifiableList(list);
        }
        if (data.isNumber() && "number".equals(schema.type)) {
            return data.asDouble();
        }
        if (data.isNumber()
                && ("integer".equals(schema.type) || schema.intOrString)
                && isIntegral(data)) {
            return data.asLong();
        }
        return generic(data);
    }

    private static Object generic(JsonNode data) {
        if (data.isObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            data.fields().forEachRemaining(e -> map.put(e.getKey(), generic(e.getValue())));
            return Collections.unmodifiableMap(map);
        }
        if (data.isArray()) {
            List<Object> list = new ArrayList<>(data.size());
            data.forEach(item -> list.add(generic(item)));
            return Collections.unmodifiableList(list);
        }
        Object scalar = scalar(data);
        return scalar == null ? NullValue.NULL_VALUE : scalar;
    }

    /** A JSON scalar as Java value: String, Long, Double, Boolean or null. */
    static Object scalar(JsonNode data) {
        if (data == null || data.isNull() || data.isMissingNode()) {
            return null;
        }
        if (data.isTextual()) {
            return data.asText();
        }
        if (data.isBoolean()) {
            return data.asBoolean();
        }
        if (data.isIntegralNumber() && data.canConvertToLong()) {
            return data.asLong();
        }
        if (data.isNumber()) {
            return data.asDouble();
        }
        return data.toString();
    }

    static boolean isIntegral(JsonNode data) {
        if (data.isIntegralNumber()) {
            return true;
        }
        double d = data.asDouble();
        return data.isNumber()
                && !Double.isInfinite(d)
                && d == Math.rint(d)
                && Math.abs(d) < 0x1p53;
    }
}
