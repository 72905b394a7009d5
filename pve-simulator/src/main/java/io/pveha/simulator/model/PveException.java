package io.pveha.simulator.model;

import java.util.Map;
import java.util.TreeMap;

/**
 * An error as PVE's API server reports it: an HTTP status, a message (the reason phrase is its
 * first line) and, for parameter errors, a map of parameter name to message.
 *
 * <p>Most business errors in PVE are a plain {@code die} in a handler, which the server turns into
 * a 500 with the error text; {@link #internal(String)} models that. Messages keep PVE's trailing
 * newline where PVE's has one, because the 8.3+ body field {@code message} carries it.
 */
public final class PveException extends RuntimeException {
    public static final int PROXY_CONNECT_ERROR = 595;

    private final int status;
    private final Map<String, String> errors;

    public PveException(int status, String message, Map<String, String> errors) {
        super(message);
        this.status = status;
        this.errors = errors == null ? Map.of() : Map.copyOf(new TreeMap<>(errors));
    }

    /** A plain {@code die "text\n"} inside a handler: HTTP 500. */
    public static PveException internal(String text) {
        return new PveException(500, withNewline(text), null);
    }

    /** {@code raise_param_exc}: HTTP 400 with an {@code errors} map. */
    public static PveException param(Map<String, String> errors) {
        return new PveException(400, "Parameter verification failed.\n", errors);
    }

    public static PveException param(String name, String message) {
        return param(Map.of(name, message));
    }

    /** {@code raise_perm_exc}: HTTP 403 {@code Permission check failed (detail)}. */
    public static PveException permission(String detail) {
        String text =
                "Permission check failed"
                        + (detail == null || detail.isEmpty() ? "" : " (" + detail + ")");
        return new PveException(403, text + "\n", null);
    }

    public static PveException unauthorized(String text) {
        return new PveException(401, withNewline(text), null);
    }

    /** A request proxied to a node that cannot be reached (AnyEvent::HTTP code 595, empty body). */
    public static PveException nodeUnreachable() {
        return new PveException(PROXY_CONNECT_ERROR, "No route to host", null);
    }

    public int status() {
        return status;
    }

    public Map<String, String> errors() {
        return errors;
    }

    /** The HTTP reason phrase: the first line of the message, as PVE's server cuts it. */
    public String reasonPhrase() {
        String message = getMessage();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    private static String withNewline(String text) {
        return text.endsWith("\n") ? text : text + "\n";
    }
}
