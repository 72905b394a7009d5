package io.pveha.simulator.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The API's method table. Routes are registered by the core and by add-on modules; a request path
 * is matched segment by segment ({@code {name}} captures one segment, so UPIDs with colons fit).
 */
public final class Router {
    private final List<Route> routes = new CopyOnWriteArrayList<>();

    /** A matched route and the values of its path placeholders. */
    public record Match(Route route, Map<String, String> pathParams) {}

    public void register(Route route) {
        for (Route existing : routes) {
            if (existing.method().equals(route.method())
                    && existing.template().equals(route.template())) {
                throw new IllegalArgumentException("route registered twice: " + route.statsKey());
            }
        }
        routes.add(route);
    }

    public Optional<Match> match(String method, String path) {
        String[] segments = split(path);
        for (Route route : routes) {
            if (!route.method().equals(method)) {
                continue;
            }
            Map<String, String> params = matchTemplate(route.template(), segments);
            if (params != null) {
                return Optional.of(new Match(route, params));
            }
        }
        return Optional.empty();
    }

    private static Map<String, String> matchTemplate(String template, String[] segments) {
        String[] parts = split(template);
        if (parts.length != segments.length) {
            return null;
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            if (part.startsWith("{") && part.endsWith("}")) {
                if (segments[i].isEmpty()) {
                    return null;
                }
                params.put(part.substring(1, part.length() - 1), decodedSlashes(segments[i]));
            } else if (!part.equals(segments[i])) {
                return null;
            }
        }
        return params;
    }

    /**
     * The HTTP layer decodes a path except {@code %2F}, which clients use for a slash inside one
     * parameter (a backup volume id such as {@code nfs:backup/vzdump-...}); that one is decoded
     * here, after splitting.
     */
    private static String decodedSlashes(String segment) {
        return segment.replace("%2F", "/").replace("%2f", "/");
    }

    private static String[] split(String path) {
        String trimmed = path.startsWith("/") ? path.substring(1) : path;
        if (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        return trimmed.isEmpty() ? new String[0] : trimmed.split("/", -1);
    }
}
