package io.pveha.simulator.api;

import io.pveha.simulator.model.PveException;
import io.pveha.simulator.model.VmConfigSchema;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The parameter schema of one API method, checked as {@code PVE::JSONSchema::validate} checks it:
 * unknown parameters, missing required ones, types (booleans must be exactly {@code 0} or {@code
 * 1}), bounds and enumerations all end in a 400 with a message per parameter.
 */
public final class ParamSpec {
    private static final Pattern INTEGER = Pattern.compile("^\\s*[+-]?\\d+\\s*$");
    private static final Pattern NUMBER =
            Pattern.compile("^\\s*[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?\\s*$");

    /** {@code pve-node} / {@code pve-storage-id} style identifiers. */
    private static final Pattern NODE =
            Pattern.compile("^(?=.{1,64}$)[a-zA-Z0-9]([a-zA-Z0-9\\-]*[a-zA-Z0-9])?$");

    /**
     * Marks a JSON body value that is not a scalar ({@code ARRAY} or {@code HASH} follows), so
     * validation can report it as PVE does ({@code type check ('string') failed - got ARRAY}).
     */
    public static final String NON_SCALAR = "\u0000";

    private final Map<String, Property> properties = new LinkedHashMap<>();
    private Function<String, Optional<Property>> extra = name -> Optional.empty();

    /** One parameter's schema. */
    public record Property(
            VmConfigSchema.Type type,
            boolean optional,
            Long minimum,
            Long maximum,
            List<String> enumeration,
            Pattern format,
            String formatName) {}

    public static ParamSpec create() {
        return new ParamSpec();
    }

    public ParamSpec node() {
        return add(
                "node",
                new Property(
                        VmConfigSchema.Type.STRING, false, null, null, null, NODE, "pve-node"));
    }

    public ParamSpec vmid() {
        return integer("vmid", false, 100L, 999_999_999L);
    }

    public ParamSpec optionalVmid(String name) {
        return integer(name, true, 100L, 999_999_999L);
    }

    public ParamSpec string(String name, boolean optional) {
        return add(
                name,
                new Property(VmConfigSchema.Type.STRING, optional, null, null, null, null, null));
    }

    public ParamSpec storageId(String name, boolean optional) {
        return add(
                name,
                new Property(
                        VmConfigSchema.Type.STRING,
                        optional,
                        null,
                        null,
                        null,
                        NODE,
                        "pve-storage-id"));
    }

    public ParamSpec nodeName(String name, boolean optional) {
        return add(
                name,
                new Property(
                        VmConfigSchema.Type.STRING, optional, null, null, null, NODE, "pve-node"));
    }

    /** A string with a JSON-schema {@code pattern} (not a named format). */
    public ParamSpec pattern(String name, boolean optional, String regex) {
        return add(
                name,
                new Property(
                        VmConfigSchema.Type.STRING,
                        optional,
                        null,
                        null,
                        null,
                        Pattern.compile(regex),
                        null));
    }

    public ParamSpec number(String name, boolean optional) {
        return add(
                name,
                new Property(VmConfigSchema.Type.NUMBER, optional, null, null, null, null, null));
    }

    public ParamSpec bool(String name) {
        return add(
                name,
                new Property(VmConfigSchema.Type.BOOLEAN, true, null, null, null, null, null));
    }

    public ParamSpec integer(String name, boolean optional, Long minimum, Long maximum) {
        return add(
                name,
                new Property(
                        VmConfigSchema.Type.INTEGER, optional, minimum, maximum, null, null, null));
    }

    public ParamSpec enumeration(String name, boolean optional, String... values) {
        return add(
                name,
                new Property(
                        VmConfigSchema.Type.STRING,
                        optional,
                        null,
                        null,
                        List.of(values),
                        null,
                        null));
    }

    /** Also accepts every QEMU config key, typed as {@link VmConfigSchema} types it. */
    public ParamSpec vmConfigKeys() {
        this.extra =
                name ->
                        VmConfigSchema.property(name)
                                .map(
                                        p ->
                                                new Property(
                                                        p.type(),
                                                        true,
                                                        p.minimum(),
                                                        p.maximum(),
                                                        p.enumeration(),
                                                        null,
                                                        null));
        return this;
    }

    public ParamSpec add(String name, Property property) {
        properties.put(name, property);
        return this;
    }

    /**
     * Validates {@code params} and returns them normalised (booleans as {@code 0}/{@code 1}).
     *
     * @throws PveException 400 with one message per offending parameter
     */
    public Map<String, String> validate(Map<String, String> params) {
        Map<String, String> errors = new TreeMap<>();
        Map<String, String> result = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : params.entrySet()) {
            String name = e.getKey();
            Property property = properties.get(name);
            if (property == null) {
                property = extra.apply(name).orElse(null);
            }
            if (property == null) {
                errors.put(
                        name,
                        "property is not defined in schema and the schema does not allow additional properties");
                continue;
            }
            String error = check(property, e.getValue());
            if (error != null) {
                errors.put(name, error);
            } else {
                result.put(
                        name,
                        property.type() == VmConfigSchema.Type.BOOLEAN
                                ? e.getValue().trim()
                                : e.getValue());
            }
        }
        properties.forEach(
                (name, property) -> {
                    if (!property.optional() && !params.containsKey(name)) {
                        errors.put(name, "property is missing and it is not optional");
                    }
                });
        if (!errors.isEmpty()) {
            throw PveException.param(errors);
        }
        return result;
    }

    private static String check(Property property, String value) {
        String type = property.type().name().toLowerCase(Locale.ROOT);
        if (value.startsWith(NON_SCALAR)) {
            return "type check ('"
                    + type
                    + "') failed - got "
                    + value.substring(NON_SCALAR.length());
        }
        switch (property.type()) {
            case BOOLEAN -> {
                if (!value.equals("0") && !value.equals("1")) {
                    return "type check ('boolean') failed - got '" + value + "'";
                }
            }
            case INTEGER -> {
                if (!INTEGER.matcher(value).matches()) {
                    return "type check ('integer') failed - got '" + value + "'";
                }
                return checkBounds(property, Double.parseDouble(value.trim()));
            }
            case NUMBER -> {
                if (!NUMBER.matcher(value).matches()) {
                    return "type check ('" + type + "') failed - got '" + value + "'";
                }
                return checkBounds(property, Double.parseDouble(value.trim()));
            }
            case STRING -> {
                if (property.format() != null
                        && property.formatName() == null
                        && !property.format().matcher(value).matches()) {
                    return "value does not match the regex pattern";
                }
                if (property.format() != null && !property.format().matcher(value).matches()) {
                    return "invalid format - value does not look like a valid "
                            + describe(property.formatName());
                }
                if (property.enumeration() != null && !property.enumeration().contains(value)) {
                    return "value '"
                            + value
                            + "' does not have a value in the enumeration '"
                            + String.join(", ", property.enumeration())
                            + "'";
                }
            }
        }
        return null;
    }

    private static String describe(String formatName) {
        return switch (formatName) {
            case "pve-node" -> "node name";
            case "pve-storage-id" -> "storage ID";
            default -> formatName;
        };
    }

    private static String checkBounds(Property property, double value) {
        if (property.maximum() != null && value > property.maximum()) {
            return "value must have a maximum value of " + property.maximum();
        }
        if (property.minimum() != null && value < property.minimum()) {
            return "value must have a minimum value of " + property.minimum();
        }
        return null;
    }
}
