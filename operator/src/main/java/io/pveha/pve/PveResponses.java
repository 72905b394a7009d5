package io.pveha.pve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * Reads PVE's envelope and turns error responses into typed exceptions. PVE puts the error text in
 * the HTTP reason phrase; http-server 5.2+ (PVE 8.3+) also puts it in the body's {@code message}.
 */
final class PveResponses {
    /**
     * 500 texts that describe a state, not a passing fault: retrying the same request cannot
     * succeed.
     */
    private static final List<String> REFUSALS =
            List.of(
                    "protection mode enabled",
                    "is running - destroy failed",
                    "not allowed for linked clones",
                    "feature is not supported",
                    "you can't",
                    "can't migrate running vm without",
                    "can't clone",
                    "not running",
                    "is a template",
                    "used in ha resources",
                    "only root can",
                    "target is local node",
                    "still in use",
                    "not ha managed",
                    "in error state",
                    "must be disabled");

    private PveResponses() {}

    static JsonNode read(String method, String path, Response response) throws IOException {
        ResponseBody body = response.body();
        String text = body.string();
        JsonNode envelope = null;
        if (!text.isBlank()) {
            try {
                envelope = PveJson.MAPPER.readTree(text);
            } catch (IOException e) {
                if (response.isSuccessful()) {
                    throw new PveApiException(
                            PveErrorKind.PROTOCOL,
                            response.code(),
                            method,
                            path,
                            "PVE answered with a body that is not JSON",
                            null,
                            e);
                }
            }
        }
        if (response.isSuccessful()) {
            JsonNode data = envelope == null ? null : envelope.get("data");
            return data == null ? NullNode.getInstance() : data;
        }
        throw error(method, path, response.code(), response.message(), envelope);
    }

    static PveApiException error(
            String method, String path, int status, String reason, JsonNode envelope) {
        String bodyMessage = envelope == null ? null : PveJson.text(envelope, "message");
        String message = firstNonBlank(reason, bodyMessage, "HTTP " + status).strip();
        Map<String, String> parameterErrors = new LinkedHashMap<>();
        JsonNode errors = envelope == null ? null : envelope.get("errors");
        if (errors != null && errors.isObject()) {
            errors.fields()
                    .forEachRemaining(
                            e -> parameterErrors.put(e.getKey(), e.getValue().asText().strip()));
        }
        if (!parameterErrors.isEmpty()) {
            StringBuilder detail = new StringBuilder(message);
            parameterErrors.forEach(
                    (k, v) -> detail.append(' ').append(k).append(": ").append(v).append(';'));
            message = detail.substring(0, detail.length() - 1);
        }
        return new PveApiException(
                classify(status, message), status, method, path, message, parameterErrors, null);
    }

    static PveErrorKind classify(int status, String message) {
        String m = message.toLowerCase(Locale.ROOT);
        if (status == 400) {
            return PveErrorKind.VALIDATION;
        }
        if (status == 401) {
            return PveErrorKind.AUTHENTICATION;
        }
        if (status == 403) {
            return PveErrorKind.PERMISSION;
        }
        if (status == 501) {
            return PveErrorKind.NOT_IMPLEMENTED;
        }
        if (status >= 595 && status <= 599) {
            return PveErrorKind.NODE_UNREACHABLE;
        }
        if (status >= 500) {
            if (m.contains("is locked")
                    || m.contains("can't lock file")
                    || m.contains("got timeout")) {
                return PveErrorKind.LOCKED;
            }
            if (m.contains("no quorum")) {
                return PveErrorKind.NO_QUORUM;
            }
            if (m.contains("does not exist") || m.contains("no such ")) {
                return PveErrorKind.NOT_FOUND;
            }
            if (m.contains("already exists") || m.contains("already defined")) {
                return PveErrorKind.ALREADY_EXISTS;
            }
            if (REFUSALS.stream().anyMatch(m::contains)) {
                return PveErrorKind.REFUSED;
            }
            return PveErrorKind.SERVER;
        }
        return PveErrorKind.PROTOCOL;
    }

    private static String firstNonBlank(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return "";
    }
}
