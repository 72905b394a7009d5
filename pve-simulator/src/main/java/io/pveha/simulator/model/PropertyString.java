package io.pveha.simulator.model;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * PVE property strings ({@code key=value,key=value} with an optional default key written without
 * {@code key=}), printed the way {@code PVE::JSONSchema::print_property_string} prints them: the
 * default key first, then the other keys sorted.
 */
public final class PropertyString {
    /** NIC models: in {@code net0} the model is written as {@code <model>=<mac>}. */
    public static final Set<String> NIC_MODELS =
            Set.of(
                    "virtio",
                    "e1000",
                    "e1000e",
                    "rtl8139",
                    "vmxnet3",
                    "i82551",
                    "i82557b",
                    "i82559er",
                    "ne2k_isa",
                    "ne2k_pci",
                    "pcnet",
                    "e1000-82540em",
                    "e1000-82544gc",
                    "e1000-82545em");

    private PropertyString() {}

    /**
     * Parses {@code text}; a part without {@code =} is the value of {@code defaultKey}. A {@code
     * model=mac} pair of a NIC is returned as {@code model} and {@code macaddr}.
     */
    public static Map<String, String> parse(String text, String defaultKey) {
        Map<String, String> result = new LinkedHashMap<>();
        if (text == null || text.isEmpty()) {
            return result;
        }
        for (String part : text.split(",")) {
            if (part.isEmpty()) {
                continue;
            }
            int eq = part.indexOf('=');
            if (eq < 0) {
                if (defaultKey == null) {
                    throw new IllegalArgumentException(
                            "value without key, but schema does not define a default key");
                }
                result.put(defaultKey, part);
                continue;
            }
            String key = part.substring(0, eq);
            String value = part.substring(eq + 1);
            if (NIC_MODELS.contains(key) && "model".equals(defaultKey)) {
                result.put("model", key);
                result.put("macaddr", value);
            } else {
                result.put(key, value);
            }
        }
        return result;
    }

    /** Prints {@code values}: the default key (bare) first, then the rest sorted by key. */
    public static String print(Map<String, String> values, String defaultKey) {
        StringBuilder out = new StringBuilder();
        Map<String, String> rest = new TreeMap<>(values);
        if (defaultKey != null && rest.containsKey(defaultKey)) {
            String value = rest.remove(defaultKey);
            if (defaultKey.equals("model") && rest.containsKey("macaddr")) {
                out.append(value).append('=').append(rest.remove("macaddr"));
            } else {
                out.append(value);
            }
        }
        rest.forEach(
                (key, value) -> {
                    if (out.length() > 0) {
                        out.append(',');
                    }
                    out.append(key).append('=').append(value);
                });
        return out.toString();
    }

    /** {@code PVE::JSONSchema::format_size}: bytes as {@code 32G}, {@code 512M}, ... */
    public static String formatSize(long bytes) {
        long kb = bytes / 1024;
        if (kb * 1024 != bytes) {
            return Long.toString(bytes);
        }
        long mb = kb / 1024;
        if (mb * 1024 != kb) {
            return kb + "K";
        }
        long gb = mb / 1024;
        if (gb * 1024 != mb) {
            return mb + "M";
        }
        long tb = gb / 1024;
        if (tb * 1024 != gb) {
            return gb + "G";
        }
        return tb + "T";
    }

    /** Parses a disk size such as {@code 32G}, {@code 4M} or a plain byte count. */
    public static long parseSize(String text) {
        String t = text.trim();
        char unit = Character.toUpperCase(t.charAt(t.length() - 1));
        long multiplier =
                switch (unit) {
                    case 'K' -> 1L << 10;
                    case 'M' -> 1L << 20;
                    case 'G' -> 1L << 30;
                    case 'T' -> 1L << 40;
                    default -> 1L;
                };
        String number = multiplier == 1L ? t : t.substring(0, t.length() - 1);
        return (long) (Double.parseDouble(number) * multiplier);
    }
}
