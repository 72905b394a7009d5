package io.pveha.simulator.tasks;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PVE task id, {@code UPID:<node>:<pid>:<pstart>:<starttime>:<type>:<id>:<user>:}, encoded
 * exactly as {@code PVE::Tools::upid_encode} does (upper-case hex, pstart may exceed eight digits).
 */
public record Upid(
        String node, long pid, long pstart, long starttime, String type, String id, String user) {

    /** The parse rule of {@code PVE::Tools::upid_decode}. */
    public static final Pattern PATTERN =
            Pattern.compile(
                    "^UPID:([a-zA-Z0-9]([a-zA-Z0-9\\-]*[a-zA-Z0-9])?):([0-9A-Fa-f]{8}):([0-9A-Fa-f]{8,9}):"
                            + "([0-9A-Fa-f]{8}):([^:\\s/]+):([^:\\s/]*):([^:\\s/]+):$");

    public String encode() {
        return String.format(
                Locale.ROOT,
                "UPID:%s:%08X:%08X:%08X:%s:%s:%s:",
                node,
                pid,
                pstart,
                starttime,
                type,
                id,
                user);
    }

    public static Optional<Upid> parse(String text) {
        Matcher m = PATTERN.matcher(text);
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(
                new Upid(
                        m.group(1),
                        Long.parseLong(m.group(3), 16),
                        Long.parseLong(m.group(4), 16),
                        Long.parseLong(m.group(5), 16),
                        m.group(6),
                        m.group(7),
                        m.group(8)));
    }

    @Override
    public String toString() {
        return encode();
    }
}
