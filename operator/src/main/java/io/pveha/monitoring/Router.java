package io.pveha.monitoring;

import io.pveha.api.monitoring.Route;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Routes an alert's labels to receivers: child routes in order (all match labels equal; the first
 * match wins unless it says continueMatching), else the route's own receivers, else the fallback.
 */
public final class Router {
    private final Route route;
    private final String fallback;

    public Router(Route route, String fallback) {
        this.route = route;
        this.fallback = fallback;
    }

    public static Router none() {
        return new Router(null, null);
    }

    public List<String> receivers(Map<String, String> labels) {
        Set<String> out = new LinkedHashSet<>();
        if (route != null) {
            for (Route.ChildRoute child : route.getRoutes()) {
                if (matches(child.getMatch(), labels)) {
                    out.addAll(child.getReceivers());
                    if (!Boolean.TRUE.equals(child.getContinueMatching())) {
                        break;
                    }
                }
            }
            if (out.isEmpty()) {
                out.addAll(route.getReceivers());
            }
        }
        if (out.isEmpty() && fallback != null) {
            out.add(fallback);
        }
        return new ArrayList<>(out);
    }

    public String fallback() {
        return fallback;
    }

    static boolean matches(Map<String, String> match, Map<String, String> labels) {
        if (match == null) {
            return true;
        }
        for (Map.Entry<String, String> e : match.entrySet()) {
            if (!e.getValue().equals(labels.getOrDefault(e.getKey(), ""))) {
                return false;
            }
        }
        return true;
    }
}
