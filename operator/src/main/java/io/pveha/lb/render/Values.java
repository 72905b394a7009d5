package io.pveha.lb.render;

import java.util.regex.Pattern;

/**
 * The renderers' own checks of every value they write, independent of the CRD schema (which a mock
 * API server, an old CRD or a hand-made object can bypass). Each check accepts a narrow character
 * set, so a value can never carry a newline, quote, comment sign, brace, variable or shell syntax
 * into a configuration, a script or a command line. Values are returned unchanged (or
 * canonicalised, for IPs), so callers write exactly what was checked.
 */
public final class Values {
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern DNS_SUBDOMAIN =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final Pattern IFNAME = Pattern.compile("[a-zA-Z][a-zA-Z0-9_.-]{0,14}");

    /** Absolute paths of plain characters; also safe inside socat addresses (no ':' or ','). */
    private static final Pattern PATH = Pattern.compile("/[A-Za-z0-9._/-]{0,254}");

    private static final Pattern HTTP_PATH =
            Pattern.compile("/[A-Za-z0-9._~/-]{0,254}(\\?[A-Za-z0-9._~=&-]{0,254})?");

    /**
     * VRRPv2 PASS authentication: at most 8 octets, from a set keepalived's parser treats as plain
     * text.
     */
    private static final Pattern VRRP_PASSWORD = Pattern.compile("[A-Za-z0-9._+=-]{1,8}");

    private Values() {}

    /** A lower-case DNS label: service, server and host names. */
    public static String name(String field, String value) {
        return matching(
                field, value, NAME, "must be a DNS label (a-z, 0-9, '-', at most 63 characters)");
    }

    /**
     * A Kubernetes object name (DNS subdomain); only ever written into comments and instance names.
     */
    public static String objectName(String field, String value) {
        if (value != null && value.length() > 253) {
            throw new UnsafeValueException(field, "must be at most 253 characters");
        }
        return matching(
                field, value, DNS_SUBDOMAIN, "must be a DNS subdomain (a-z, 0-9, '-', '.')");
    }

    public static String interfaceName(String field, String value) {
        return matching(
                field,
                value,
                IFNAME,
                "must be a network interface name (letter first, then a-z A-Z 0-9 _ . -, at most 15)");
    }

    /** An absolute path of plain characters without '..' segments. */
    public static String path(String field, String value) {
        String checked =
                matching(
                        field,
                        value,
                        PATH,
                        "must be an absolute path of A-Z a-z 0-9 . _ / - (at most 255 characters)");
        for (String segment : checked.split("/")) {
            if (segment.equals("..") || segment.equals(".")) {
                throw new UnsafeValueException(field, "must not contain '.' or '..' segments");
            }
        }
        if (checked.length() > 1 && checked.endsWith("/")) {
            throw new UnsafeValueException(field, "must not end with '/'");
        }
        return checked;
    }

    public static String httpPath(String field, String value) {
        return matching(
                field,
                value,
                HTTP_PATH,
                "must be an HTTP path of A-Z a-z 0-9 . _ ~ / - with an optional simple query");
    }

    /** A dotted-quad IPv4 address, parsed octet by octet (no leading zeros, no names, no IPv6). */
    public static String ipv4(String field, String value) {
        if (value == null) {
            throw new UnsafeValueException(field, "is required");
        }
        String[] octets = value.split("\\.", -1);
        if (octets.length != 4) {
            throw new UnsafeValueException(field, "must be an IPv4 address, got " + visible(value));
        }
        for (String octet : octets) {
            if (octet.isEmpty()
                    || octet.length() > 3
                    || !octet.chars().allMatch(c -> c >= '0' && c <= '9')
                    || (octet.length() > 1 && octet.charAt(0) == '0')
                    || Integer.parseInt(octet) > 255) {
                throw new UnsafeValueException(
                        field, "must be an IPv4 address, got " + visible(value));
            }
        }
        return value;
    }

    public static int port(String field, Integer value) {
        return range(field, value, 1, 65535);
    }

    public static int range(String field, Integer value, int min, int max) {
        if (value == null) {
            throw new UnsafeValueException(field, "is required");
        }
        if (value < min || value > max) {
            throw new UnsafeValueException(
                    field, "must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }

    /** The VRRP password. Never repeated in a message: it is a secret. */
    public static String vrrpPassword(String field, String value) {
        if (value == null || !VRRP_PASSWORD.matcher(value).matches()) {
            throw new UnsafeValueException(
                    field,
                    "must be 1 to 8 characters of A-Z a-z 0-9 . _ + = - (VRRPv2 PASS authentication)");
        }
        return value;
    }

    private static String matching(String field, String value, Pattern pattern, String rule) {
        if (value == null) {
            throw new UnsafeValueException(field, "is required");
        }
        if (!pattern.matcher(value).matches()) {
            throw new UnsafeValueException(field, rule + ", got " + visible(value));
        }
        return value;
    }

    /** The value for an error message: shortened, with control characters shown as escapes. */
    static String visible(String value) {
        StringBuilder out = new StringBuilder("\"");
        value.codePoints()
                .limit(64)
                .forEach(
                        c -> {
                            if (c < 0x20 || c == 0x7f) {
                                out.append(String.format("\\x%02x", c));
                            } else if (c == '"' || c == '\\') {
                                out.append('\\').appendCodePoint(c);
                            } else {
                                out.appendCodePoint(c);
                            }
                        });
        return out.append(value.codePointCount(0, value.length()) > 64 ? "...\"" : "\"").toString();
    }
}
