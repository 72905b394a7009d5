package io.pveha.pve;

import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An error from (or on the way to) the PVE API, typed so callers can decide between retrying later
 * and reporting a permanent problem. Messages carry PVE's own text and never credentials.
 */
public class PveApiException extends RuntimeException {
    private static final Pattern PERMISSION =
            Pattern.compile("Permission check failed \\(([^,]+), ([^)]+)\\)");

    private final PveErrorKind kind;
    private final int httpStatus;
    private final String method;
    private final String path;
    private final Map<String, String> parameterErrors;

    public PveApiException(
            PveErrorKind kind,
            int httpStatus,
            String method,
            String path,
            String message,
            Map<String, String> parameterErrors,
            Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.httpStatus = httpStatus;
        this.method = method;
        this.path = path;
        this.parameterErrors = parameterErrors == null ? Map.of() : Map.copyOf(parameterErrors);
    }

    public PveErrorKind kind() {
        return kind;
    }

    public boolean retryable() {
        return kind.retryable();
    }

    /** HTTP status, or 0 when no response was received. */
    public int httpStatus() {
        return httpStatus;
    }

    public String method() {
        return method;
    }

    public String path() {
        return path;
    }

    /** For 400: PVE's per-parameter messages. */
    public Map<String, String> parameterErrors() {
        return parameterErrors;
    }

    /** For 403: the privilege PVE named, e.g. {@code VM.PowerMgmt on /vms/100}. */
    public Optional<String> missingPrivilege() {
        Matcher m = PERMISSION.matcher(getMessage() == null ? "" : getMessage());
        return m.find()
                ? Optional.of(m.group(2).trim() + " on " + m.group(1).trim())
                : Optional.empty();
    }

    /** A one-line description for conditions and events: what was called and what PVE said. */
    public String describe() {
        return method + " " + path + ": " + getMessage();
    }

    /**
     * PVE 9 refuses the HA group API and the {@code group} of resources once the groups were
     * migrated to rules ({@code ... ha groups have been migrated to rules}): the cluster was
     * upgraded.
     */
    public static boolean groupsMigrated(PveApiException e) {
        return e.getMessage() != null && e.getMessage().contains("have been migrated to rules");
    }

    /** PVE 9 refuses rule changes while HA groups are still to be migrated. */
    public static boolean groupsNotYetMigrated(PveApiException e) {
        return e.getMessage() != null && e.getMessage().contains("have not been migrated yet");
    }
}
