package io.pveha.reconciler.lb;

import io.pveha.api.lb.LoadBalancerPair;
import io.pveha.reconciler.EventRecorder;

/** Records a pair's events through the operator's shared {@link EventRecorder} (aggregation, redaction, size cap). */
public final class KubernetesEventSink implements EventSink {
    private final EventRecorder recorder;

    public KubernetesEventSink(EventRecorder recorder) {
        this.recorder = recorder;
    }

    @Override
    public void emit(LoadBalancerPair pair, PairEvents.PairEvent event) {
        recorder.record(pair, event.type(), event.reason(), event.message());
    }
}
