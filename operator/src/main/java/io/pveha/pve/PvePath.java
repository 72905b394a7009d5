package io.pveha.pve;

import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Builds API paths from segments, encoding each one, and reduces paths to low-cardinality templates
 * for metrics.
 */
public final class PvePath {
    /** Segments after these collection names are identifiers. */
    private static final Set<String> COLLECTIONS =
            Set.of(
                    "nodes",
                    "qemu",
                    "lxc",
                    "storage",
                    "tasks",
                    "resources",
                    "groups",
                    "pool",
                    "pools",
                    "backup",
                    "content",
                    "users",
                    "token",
                    "rules");

    private static final String SAFE_CHARS =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:@!";

    private PvePath() {}

    /** {@code of("nodes", "pve1", "qemu", 100, "config")} → {@code /nodes/pve1/qemu/100/config}. */
    public static String of(Object... segments) {
        StringBuilder path = new StringBuilder();
        for (Object segment : segments) {
            String s = String.valueOf(segment);
            if (s.isEmpty() || s.equals(".") || s.equals("..")) {
                throw new IllegalArgumentException("empty or relative path segment");
            }
            path.append('/').append(encode(s));
        }
        return path.toString();
    }

    /**
     * Percent-encodes everything but unreserved characters and the ':', '@', '!' that UPIDs and
     * token ids carry raw.
     */
    private static String encode(String segment) {
        StringBuilder out = new StringBuilder();
        for (byte b : segment.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (c < 0x80 && SAFE_CHARS.indexOf(c) >= 0) {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return out.toString();
    }

    /**
     * {@code /nodes/pve1/qemu/100/status/current} → {@code /nodes/{id}/qemu/{id}/status/current}.
     */
    public static String template(String path) {
        String[] parts = path.split("/");
        StringBuilder out = new StringBuilder();
        boolean nextIsId = false;
        for (String part : parts) {
            if (part.isEmpty()) {
                continue;
            }
            out.append('/').append(nextIsId ? "{id}" : part);
            nextIsId = !nextIsId && COLLECTIONS.contains(part);
        }
        return out.isEmpty() ? "/" : out.toString();
    }
}
