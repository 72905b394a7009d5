package io.pveha.simulator.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Request parameters as pve-http-server's {@code extract_params} gathers them: the query string
 * merged with the body, which is form-encoded (with or without a Content-Type) or, with {@code
 * Content-Type: application/json}, a JSON object. Body values win over query values.
 */
public final class RequestParams {
    private RequestParams() {}

    /**
     * Reads the parameters of a blocking exchange.
     *
     * @param jsonValue turns a JSON member's value into the parameter's text (null members are
     *     skipped)
     * @throws IllegalArgumentException if a JSON body is not a JSON object
     */
    public static Map<String, String> read(
            HttpServerExchange exchange, Function<JsonNode, String> jsonValue) throws IOException {
        Map<String, String> params = new LinkedHashMap<>();
        for (Map.Entry<String, Deque<String>> e : exchange.getQueryParameters().entrySet()) {
            if (!e.getValue().isEmpty()) {
                params.put(e.getKey(), e.getValue().getFirst());
            }
        }
        byte[] body = exchange.getInputStream().readAllBytes();
        if (body.length == 0) {
            return params;
        }
        String contentType = exchange.getRequestHeaders().getFirst(Headers.CONTENT_TYPE);
        if (contentType != null
                && contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            JsonNode json;
            try {
                json = Json.MAPPER.readTree(body);
            } catch (IOException e) {
                throw new IllegalArgumentException("malformed JSON string", e);
            }
            if (json == null || !json.isObject()) {
                throw new IllegalArgumentException("malformed JSON string");
            }
            for (Map.Entry<String, JsonNode> member : json.properties()) {
                if (!member.getValue().isNull()) {
                    params.put(member.getKey(), jsonValue.apply(member.getValue()));
                }
            }
        } else {
            for (String pair : new String(body, StandardCharsets.UTF_8).split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String name =
                        URLDecoder.decode(
                                eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                params.put(
                        name,
                        eq < 0
                                ? ""
                                : URLDecoder.decode(
                                        pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return params;
    }
}
