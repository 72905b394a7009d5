package io.pveha.pve;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * PVE property strings, e.g. {@code virtio=BC:24:11:2A:3B:4C,bridge=vmbr0,tag=10} or {@code
 * vm-pool:vm-100-disk-0,size=32G,ssd=1}: comma-separated {@code key=value} pairs where the first
 * item may be a bare value for the format's default key.
 */
public record PropertyString(String defaultValue, Map<String, String> values) {

    public static PropertyString parse(String text) {
        Map<String, String> values = new LinkedHashMap<>();
        String defaultValue = null;
        if (text == null || text.isBlank()) {
            return new PropertyString(null, values);
        }
        String[] parts = text.split(",");
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i].trim();
            int eq = part.indexOf('=');
            // A first item without '=' is the default key's value (a volume, a CPU type, a NIC
            // model).
            if (i == 0 && (eq < 0 || isVolumeLike(part))) {
                defaultValue = part;
            } else if (eq > 0) {
                values.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
            }
        }
        return new PropertyString(defaultValue, values);
    }

    private static boolean isVolumeLike(String part) {
        int colon = part.indexOf(':');
        int eq = part.indexOf('=');
        return colon >= 0 && (eq < 0 || colon < eq);
    }

    public Optional<String> get(String key) {
        return Optional.ofNullable(values.get(key));
    }

    /**
     * A copy with {@code key} set (or removed when {@code value} is null), keeping the order of the
     * others.
     */
    public PropertyString with(String key, String value) {
        Map<String, String> next = new LinkedHashMap<>(values);
        if (value == null) {
            next.remove(key);
        } else {
            next.put(key, value);
        }
        return new PropertyString(defaultValue, next);
    }

    public String format() {
        StringJoiner out = new StringJoiner(",");
        if (defaultValue != null) {
            out.add(defaultValue);
        }
        values.forEach((k, v) -> out.add(k + "=" + v));
        return out.toString();
    }

    /** Bytes from a PVE size such as {@code 32G}, {@code 512M}, {@code 1T} or plain bytes. */
    public static long sizeBytes(String size) {
        if (size == null || size.isBlank()) {
            return 0;
        }
        String s = size.trim().toUpperCase(Locale.ROOT);
        char unit = s.charAt(s.length() - 1);
        double number =
                Character.isDigit(unit)
                        ? Double.parseDouble(s)
                        : Double.parseDouble(s.substring(0, s.length() - 1));
        long factor =
                switch (unit) {
                    case 'K' -> 1L << 10;
                    case 'M' -> 1L << 20;
                    case 'G' -> 1L << 30;
                    case 'T' -> 1L << 40;
                    default -> 1;
                };
        return Math.round(number * factor);
    }
}
