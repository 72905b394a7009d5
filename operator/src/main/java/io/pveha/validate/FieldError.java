package io.pveha.validate;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.stream.Collectors;

/**
 * One field-level finding, worded like Kubernetes' field.Error so a line reads the way kubectl
 * users know: {@code spec.vmid: Invalid value: 50: spec.vmid in body should be greater than or
 * equal to 100}.
 *
 * @param type what kind of finding; decides the leading words ("Required value", "Invalid value",
 *     ...)
 * @param field the field path, e.g. {@code spec.disks[0].slot}; empty for the whole document
 * @param badValue the offending value: String, Long, Double, Boolean, {@link #OMIT} or anything
 *     JSON-serialisable
 * @param detail the explanation after the value; may be empty
 */
public record FieldError(Type type, String field, Object badValue, String detail) {
    /** Marker for "do not print the value" (Kubernetes' field.OmitValueType). */
    public static final Object OMIT =
            new Object() {
                @Override
                public String toString() {
                    return "<value omitted>";
                }
            };

    /**
     * Kubernetes' field.ErrorType, plus the strict-decoding findings (unknown and duplicate
     * fields).
     */
    public enum Type {
        REQUIRED("Required value", true, false),
        INVALID("Invalid value", false, true),
        TYPE_INVALID("Invalid value", true, true),
        NOT_SUPPORTED("Unsupported value", true, true),
        TOO_LONG("Too long", true, false),
        TOO_MANY("Too many", true, true),
        FORBIDDEN("Forbidden", false, false),
        DUPLICATE("Duplicate value", false, true),
        NOT_FOUND("Not found", false, true),
        INTERNAL("Internal error", false, false),
        /**
         * kubectl's strict field validation: {@code unknown field "spec.foo"}, {@code duplicate
         * field "spec.foo"}.
         */
        STRICT_DECODING("", false, false);

        private final String words;
        private final boolean blocksCel;
        private final boolean showsValue;

        Type(String words, boolean blocksCel, boolean showsValue) {
            this.words = words;
            this.blocksCel = blocksCel;
            this.showsValue = showsValue;
        }

        /**
         * The apiserver evaluates no CEL rule of an object that has one of these errors
         * (strategy.go hasBlockingErr): the rules could otherwise see values of the wrong type or
         * size.
         */
        public boolean blocksCel() {
            return blocksCel;
        }
    }

    public static FieldError required(String field, String detail) {
        return new FieldError(Type.REQUIRED, field, "", detail);
    }

    public static FieldError invalid(String field, Object value, String detail) {
        return new FieldError(Type.INVALID, field, value, detail);
    }

    public static FieldError typeInvalid(String field, Object value, String detail) {
        return new FieldError(Type.TYPE_INVALID, field, value, detail);
    }

    /** field.NotSupported: the detail lists the supported values, each quoted. */
    public static FieldError notSupported(String field, Object value, List<String> supported) {
        String detail =
                supported.isEmpty()
                        ? ""
                        : "supported values: "
                                + supported.stream()
                                        .map(GoFormat::quote)
                                        .collect(Collectors.joining(", "));
        return new FieldError(Type.NOT_SUPPORTED, field, value, detail);
    }

    /**
     * field.TooLong: "may not be more than N bytes" (the apiserver counts characters, the wording
     * says bytes).
     */
    public static FieldError tooLong(String field, long maxLength) {
        return new FieldError(
                Type.TOO_LONG,
                field,
                OMIT,
                "may not be more than " + maxLength + (maxLength == 1 ? " byte" : " bytes"));
    }

    /** field.TooMany: "must have at most N items". */
    public static FieldError tooMany(String field, long actual, long max) {
        return new FieldError(
                Type.TOO_MANY,
                field,
                actual,
                "must have at most " + max + (max == 1 ? " item" : " items"));
    }

    public static FieldError forbidden(String field, String detail) {
        return new FieldError(Type.FORBIDDEN, field, "", detail);
    }

    public static FieldError duplicate(String field, Object value, String detail) {
        return new FieldError(Type.DUPLICATE, field, value, detail);
    }

    public static FieldError notFound(String field, Object value, String detail) {
        return new FieldError(Type.NOT_FOUND, field, value, detail);
    }

    /** kubectl --validate=strict wording for a field the schema does not declare. */
    public static FieldError unknownField(String field) {
        return new FieldError(
                Type.STRICT_DECODING, field, OMIT, "unknown field " + GoFormat.quote(field));
    }

    /** kubectl --validate=strict wording for a key given twice in one mapping. */
    public static FieldError duplicateField(String field) {
        return new FieldError(
                Type.STRICT_DECODING, field, OMIT, "duplicate field " + GoFormat.quote(field));
    }

    /** Everything after "field: ", as field.Error.ErrorBody() renders it. */
    public String body() {
        StringBuilder s = new StringBuilder(type.words);
        if (type.showsValue && badValue != OMIT) {
            s.append(": ").append(renderValue(badValue));
        }
        if (detail != null && !detail.isEmpty()) {
            s.append(s.length() == 0 ? "" : ": ").append(detail);
        }
        return s.toString();
    }

    /** {@code field: body}, or only the body for a document-level finding. */
    @Override
    public String toString() {
        return field == null || field.isEmpty() ? body() : field + ": " + body();
    }

    private static String renderValue(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof String s) {
            return GoFormat.quote(s);
        }
        if (value instanceof Double d) {
            return GoFormat.float64(d);
        }
        if (value instanceof Float f) {
            return GoFormat.float64(f);
        }
        if (value instanceof Number || value instanceof Boolean) {
            return value.toString();
        }
        try {
            // Only lists and objects get here, which none of our messages show; no mapper is made
            // before.
            return new ObjectMapper().writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return String.valueOf(value);
        }
    }
}
