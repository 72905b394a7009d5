package io.pveha.reconciler.lb;

import io.pveha.api.lb.LoadBalancerPair;

/** Where the reconciler's Events go: the Kubernetes API in production, a list in tests. */
public interface EventSink {
    void emit(LoadBalancerPair pair, PairEvents.PairEvent event);
}
