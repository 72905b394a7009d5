package io.pveha.lb.render;

/**
 * Builds configuration text line by line with fixed indentation. It only joins strings: callers
 * pass keywords they wrote themselves and values that went through {@link Values}; as a last guard
 * it refuses any line break or NUL inside a line, so even a missed check cannot start a new
 * directive.
 */
final class ConfigWriter {
    private final StringBuilder text = new StringBuilder();
    private int depth;

    ConfigWriter line(String... words) {
        String joined = String.join(" ", words);
        if (joined.indexOf('\n') >= 0 || joined.indexOf('\r') >= 0 || joined.indexOf('\0') >= 0) {
            throw new UnsafeValueException("config line", "contains a line break or NUL");
        }
        text.append("    ".repeat(depth)).append(joined).append('\n');
        return this;
    }

    ConfigWriter blank() {
        text.append('\n');
        return this;
    }

    /**
     * Opens an indented section; {@code braces} for keepalived blocks, plain indentation for
     * haproxy sections.
     */
    ConfigWriter open(String... header) {
        line(header);
        depth++;
        return this;
    }

    ConfigWriter close(String closing) {
        depth--;
        if (closing != null) {
            line(closing);
        }
        return this;
    }

    @Override
    public String toString() {
        return text.toString();
    }
}
