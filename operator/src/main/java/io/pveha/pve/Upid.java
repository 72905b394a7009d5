package io.pveha.pve;

import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PVE task id: {@code UPID:node:pid:pstart:starttime:type:id:user:} (pve-common PVE::Tools
 * upid_decode). The node is where the task runs and where its status must be asked.
 */
public record Upid(
        String value,
        String node,
        long pid,
        long pstart,
        Instant startTime,
        String type,
        String id,
        String user) {
    private static final Pattern FORMAT =
            Pattern.compile(
                    "^UPID:([a-zA-Z0-9]([a-zA-Z0-9\\-]*[a-zA-Z0-9])?):([0-9A-Fa-f]{8}):([0-9A-Fa-f]{8,9}):([0-9A-Fa-f]{8}):"
                            + "([^:\\s/]+):([^:\\s/]*):([^:\\s/]+):$");

    public static boolean isUpid(String value) {
        return value != null && FORMAT.matcher(value).matches();
    }

    public static Upid parse(String value) {
        Matcher m = value == null ? null : FORMAT.matcher(value);
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException("not a PVE task id (UPID): " + value);
        }
        return new Upid(
                value,
                m.group(1),
                Long.parseLong(m.group(3), 16),
                Long.parseLong(m.group(4), 16),
                Instant.ofEpochSecond(Long.parseLong(m.group(5), 16)),
                m.group(6),
                m.group(7),
                m.group(8));
    }

    @Override
    public String toString() {
        return value;
    }
}
