package io.pveha.reconciler;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;

/**
 * Schema and CEL validation of a resource as the API server would do it. The fabric8 mock API
 * server (tests, demo) validates nothing, and a real API server may run an older CRD; so every
 * reconcile re-validates and reports {@code InvalidSpec} instead of acting on a spec that breaks
 * the rules.
 */
@FunctionalInterface
public interface SpecValidation {
    /** One message per problem, each naming the field; empty when the resource is valid. */
    List<String> problems(HasMetadata resource);

    static SpecValidation none() {
        return r -> List.of();
    }
}
