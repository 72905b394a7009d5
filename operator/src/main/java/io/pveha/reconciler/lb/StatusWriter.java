package io.pveha.reconciler.lb;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.pveha.api.lb.LoadBalancerPair;
import io.pveha.api.lb.LoadBalancerPairStatus;

/** The shared {@link io.pveha.reconciler.StatusWriter} for LoadBalancerPairs, reporting whether it wrote. */
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
        try {
            LoadBalancerPair stored = io.pveha.reconciler.StatusWriter.writeAndGet(pair, pair.getStatus(), next, context);
            return new Written(stored, stored != pair);
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                return new Written(pair, false); // deleted meanwhile: nothing to report on
            }
            throw e;
        }
    }
}
