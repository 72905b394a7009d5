package io.pveha.testing.kube;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * One request to the Kubernetes API as RBAC sees it: who (the bearer token, which stands for the
 * user here), the verb, and the resource (API group, resource, subresource, namespace) or the
 * non-resource path. Names are left out: none of the operator's permissions is limited to names.
 *
 * @param user the bearer token of the request, or {@code system:anonymous} without one
 * @param verb get, list, watch, create, update, patch, delete, deletecollection (resource
 *     requests), or the lower-case HTTP method (non-resource requests)
 * @param group the API group, "" for the core group; null for a non-resource request
 * @param resource e.g. {@code havms}; null for a non-resource request
 * @param subresource e.g. {@code status}, or ""
 * @param namespace the namespace, or "" for a cluster-scoped or all-namespaces request
 * @param path the non-resource path (e.g. {@code /version}), or null
 */
public record ApiRequest(
        String user,
        String verb,
        String group,
        String resource,
        String subresource,
        String namespace,
        String path) {

    public boolean isResourceRequest() {
        return resource != null;
    }

    /** {@code verb group/resource[/subresource] in namespace}, as one reads an RBAC rule. */
    @Override
    public String toString() {
        if (!isResourceRequest()) {
            return verb + " " + path;
        }
        return verb
                + " "
                + (group.isEmpty() ? "core" : group)
                + "/"
                + resource
                + (subresource.isEmpty() ? "" : "/" + subresource)
                + (namespace.isEmpty() ? " (cluster-wide)" : " in " + namespace);
    }

    /** The request the API server's RBAC authorizer would check for this HTTP request. */
    public static ApiRequest of(String method, String pathAndQuery, String authorization) {
        String user =
                authorization != null && authorization.startsWith("Bearer ")
                        ? authorization.substring(7).trim()
                        : "system:anonymous";
        String path = pathAndQuery;
        String query = "";
        int q = pathAndQuery.indexOf('?');
        if (q >= 0) {
            path = pathAndQuery.substring(0, q);
            query = pathAndQuery.substring(q + 1);
        }
        String[] parts = path.replaceAll("^/+|/+$", "").split("/");
        int i;
        String group;
        if (parts.length >= 3 && parts[0].equals("api")) {
            group = "";
            i = 2;
        } else if (parts.length >= 4 && parts[0].equals("apis")) {
            group = parts[1];
            i = 3;
        } else {
            return new ApiRequest(
                    user, method.toLowerCase(java.util.Locale.ROOT), null, null, null, null, path);
        }
        String namespace = "";
        if (parts.length > i + 1 && parts[i].equals("namespaces")) {
            namespace = parts[i + 1];
            i += 2;
            if (parts.length == i) {
                // The namespace object itself: /api/v1/namespaces/NAME
                return resource(user, method, query, group, "namespaces", "", "", true);
            }
        } else if (parts.length == i + 2 && parts[i].equals("namespaces")) {
            return resource(user, method, query, group, "namespaces", "", "", true);
        }
        String resource = parts[i];
        boolean named = parts.length > i + 1;
        String subresource = parts.length > i + 2 ? parts[i + 2] : "";
        return resource(user, method, query, group, resource, subresource, namespace, named);
    }

    private static ApiRequest resource(
            String user,
            String method,
            String query,
            String group,
            String resource,
            String subresource,
            String namespace,
            boolean named) {
        boolean watch = false;
        for (String param : query.split("&")) {
            String decoded = URLDecoder.decode(param, StandardCharsets.UTF_8);
            if (decoded.equals("watch=true") || decoded.equals("watch=1")) {
                watch = true;
            }
        }
        String verb =
                switch (method) {
                    case "GET", "HEAD" -> watch ? "watch" : named ? "get" : "list";
                    case "POST" -> "create";
                    case "PUT" -> "update";
                    case "PATCH" -> "patch";
                    case "DELETE" -> named ? "delete" : "deletecollection";
                    default -> method.toLowerCase(java.util.Locale.ROOT);
                };
        return new ApiRequest(user, verb, group, resource, subresource, namespace, null);
    }
}
