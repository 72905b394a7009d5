package io.pveha.packaging;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.pveha.testing.kube.ApiRequest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * What the RBAC objects of a rendering grant one ServiceAccount, evaluated as kube-apiserver's RBAC
 * authorizer does (rules are additive; a ClusterRoleBinding grants everywhere, a RoleBinding only
 * in its namespace), plus what Kubernetes' default roles give every authenticated user (discovery,
 * self-reviews).
 */
final class Rbac {
    /**
     * One verb on one resource, granted by a role (kind/name) in a scope: a namespace, or {@link
     * #EVERYWHERE}.
     */
    record Grant(String role, String scope, String group, String resource, String verb) {
        @Override
        public String toString() {
            return verb
                    + " "
                    + (group.isEmpty() ? "core" : group)
                    + "/"
                    + resource
                    + " ("
                    + role
                    + ")";
        }

        String permission() {
            return toString();
        }
    }

    static final String EVERYWHERE = "*";

    /**
     * system:discovery and system:public-info-viewer: get on these paths (a trailing * is a
     * prefix).
     */
    private static final List<String> PUBLIC_PATHS =
            List.of(
                    "/api",
                    "/api/*",
                    "/apis",
                    "/apis/*",
                    "/healthz",
                    "/livez",
                    "/readyz",
                    "/version",
                    "/version/",
                    "/openapi",
                    "/openapi/*");

    /** system:basic-user: a user may always ask what it may do. */
    private static final Set<String> SELF_REVIEWS =
            Set.of("selfsubjectaccessreviews", "selfsubjectrulesreviews");

    final List<Grant> grants;

    private Rbac(List<Grant> grants) {
        this.grants = grants;
    }

    static Rbac of(List<HasMetadata> rendered, String saNamespace, String saName) {
        List<Grant> grants = new ArrayList<>();
        for (ClusterRoleBinding binding : Chart.all(rendered, ClusterRoleBinding.class)) {
            if (bindsTo(binding.getSubjects(), saNamespace, saName)) {
                rules(rendered, binding.getRoleRef(), null)
                        .forEach(
                                rule ->
                                        expand(
                                                role(binding.getRoleRef()),
                                                EVERYWHERE,
                                                rule,
                                                grants));
            }
        }
        for (RoleBinding binding : Chart.all(rendered, RoleBinding.class)) {
            if (bindsTo(binding.getSubjects(), saNamespace, saName)) {
                String ns = binding.getMetadata().getNamespace();
                rules(rendered, binding.getRoleRef(), ns)
                        .forEach(rule -> expand(role(binding.getRoleRef()), ns, rule, grants));
            }
        }
        return new Rbac(List.copyOf(grants));
    }

    private static boolean bindsTo(List<Subject> subjects, String saNamespace, String saName) {
        return subjects.stream()
                .anyMatch(
                        s ->
                                s.getKind().equals("ServiceAccount")
                                        && s.getName().equals(saName)
                                        && saNamespace.equals(s.getNamespace()));
    }

    private static List<PolicyRule> rules(
            List<HasMetadata> rendered, RoleRef ref, String namespace) {
        if (ref.getKind().equals("ClusterRole")) {
            return Chart.all(rendered, ClusterRole.class).stream()
                    .filter(r -> r.getMetadata().getName().equals(ref.getName()))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no ClusterRole " + ref.getName()))
                    .getRules();
        }
        return Chart.all(rendered, Role.class).stream()
                .filter(
                        r ->
                                r.getMetadata().getName().equals(ref.getName())
                                        && r.getMetadata().getNamespace().equals(namespace))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no Role " + namespace + "/" + ref.getName()))
                .getRules();
    }

    private static String role(RoleRef ref) {
        return ref.getKind() + " " + ref.getName();
    }

    private static void expand(String role, String scope, PolicyRule rule, List<Grant> out) {
        if (rule.getNonResourceURLs() != null && !rule.getNonResourceURLs().isEmpty()) {
            throw new AssertionError("the chart grants non-resource URLs: " + rule);
        }
        if (rule.getResourceNames() != null && !rule.getResourceNames().isEmpty()) {
            throw new AssertionError("resourceNames are not modelled here: " + rule);
        }
        for (String group : rule.getApiGroups()) {
            for (String resource : rule.getResources()) {
                for (String verb : rule.getVerbs()) {
                    out.add(new Grant(role, scope, group, resource, verb));
                }
            }
        }
    }

    /** Whether kube-apiserver would let the ServiceAccount make this request. */
    boolean allows(ApiRequest request) {
        if (!request.isResourceRequest()) {
            return request.verb().equals("get")
                    && PUBLIC_PATHS.stream()
                            .anyMatch(
                                    p ->
                                            p.endsWith("*")
                                                    ? request.path()
                                                            .startsWith(
                                                                    p.substring(0, p.length() - 1))
                                                    : request.path().equals(p));
        }
        if (request.group().equals("authorization.k8s.io")
                && SELF_REVIEWS.contains(request.resource())
                && request.verb().equals("create")) {
            return true;
        }
        return grants.stream().anyMatch(g -> matches(g, request));
    }

    private static boolean matches(Grant g, ApiRequest r) {
        String resource =
                r.subresource().isEmpty() ? r.resource() : r.resource() + "/" + r.subresource();
        return g.group().equals(r.group())
                && g.resource().equals(resource)
                && g.verb().equals(r.verb())
                && (g.scope().equals(EVERYWHERE) || g.scope().equals(r.namespace()));
    }

    /**
     * Permissions of a role that no request used, in any of the scopes the role is bound in (a role
     * bound in several watched namespaces is used when its permission is used in one of them: the
     * operator does the same everywhere).
     */
    List<String> unused(Collection<ApiRequest> requests) {
        java.util.Set<String> used = new java.util.HashSet<>();
        for (Grant g : grants) {
            if (requests.stream().anyMatch(r -> r.isResourceRequest() && matches(g, r))) {
                used.add(g.permission());
            }
        }
        return grants.stream()
                .map(Grant::permission)
                .distinct()
                .filter(p -> !used.contains(p))
                .toList();
    }
}
