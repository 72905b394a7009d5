package io.pveha.reconciler.lb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.pveha.api.lb.LoadBalancerPair;
import io.pveha.api.lb.LoadBalancerPairStatus;

/**
 * Writes a new status only when it differs from the current one: a patch of the status subresource
 * that touches only the status fields that changed (removing those that went away), guarded by a
 * test of the resourceVersion it was computed from. The result goes into JOSDK's cache so the next
 * pass starts from it; on a conflict JOSDK re-reads and the patch is recomputed.
 *
 * <p>Why JSON Patch and not a JSON merge patch: the fabric8 mock API server applies merge patches with
 * Jackson's updating reader, which appends to arrays instead of replacing them (RFC 7386), so every
 * write would add another copy of each condition; and the model leaves out empty fields, so a merge
 * patch of the new status could not clear a field anyway. JSON Patch means the same on the mock and a
 * real API server, and is still minimal: no metadata, no spec, only the changed status fields.
 */
final class StatusWriter {
    private StatusWriter() {
    }

    /**
     * The resource as it is after the write (the server's answer, or the input when nothing changed),
     * and whether a patch was sent.
     */
    record Written(LoadBalancerPair pair, boolean changed) {
    }

    static Written write(LoadBalancerPair pair, LoadBalancerPairStatus next, Context<LoadBalancerPair> context) {
        JsonNode wanted = StatusJson.tree(next);
        if (StatusJson.tree(pair.getStatus()).equals(wanted)) {
            return new Written(pair, false);
        }
        try {
            return new Written(PrimaryUpdateAndCacheUtils.updateAndCacheResource(pair, context,
                    current -> context.getControllerConfiguration().getConfigurationService().getResourceCloner().clone(current),
                    current -> patch(current, wanted, context)), true);
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                return new Written(pair, false); // deleted meanwhile: nothing to report on
            }
            throw e;
        }
    }

    private static LoadBalancerPair patch(LoadBalancerPair current, JsonNode wanted, Context<LoadBalancerPair> context) {
        ArrayNode patch = StatusJson.statusPatch(StatusJson.tree(current.getStatus()), wanted, current.getMetadata().getResourceVersion());
        if (patch == null) {
            return current;
        }
        return context.getClient().resources(LoadBalancerPair.class)
                .inNamespace(current.getMetadata().getNamespace())
                .withName(current.getMetadata().getName())
                .subresource("status")
                .patch(PatchContext.of(PatchType.JSON), StatusJson.json(patch));
    }
}
