package io.pveha.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * JOSDK's metrics must not grow with the number of resources: at 5,000 HaVms its per-resource
 * timers alone would hold tens of MiB of a 256 MiB heap (see docs/scale-and-chaos.md).
 */
class JosdkMetricsTest {
    @Test
    void reconcilingMoreResourcesAddsNoMeters() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Metrics metrics = PvehaOperator.josdkMetrics(registry);
        reconcile(metrics, 0, 10);
        int afterTen = registry.getMeters().size();
        reconcile(metrics, 10, 500);
        assertThat(afterTen).isPositive();
        assertThat(registry.getMeters()).hasSize(afterTen);
        for (Meter m : registry.getMeters()) {
            assertThat(m.getId().getTags())
                    .as(m.getId().toString())
                    .noneMatch(t -> t.getValue().startsWith("vm-"));
        }
    }

    private static void reconcile(Metrics metrics, int from, int to) throws Exception {
        Map<String, Object> metadata = Map.of();
        for (int i = from; i < to; i++) {
            ResourceID id = new ResourceID("vm-" + i, "chaos");
            metrics.receivedEvent(new Event(id), metadata);
            metrics.timeControllerExecution(
                    new Metrics.ControllerExecution<String>() {
                        @Override
                        public String name() {
                            return "reconcile";
                        }

                        @Override
                        public String controllerName() {
                            return "havm";
                        }

                        @Override
                        public String successTypeName(String result) {
                            return "resource";
                        }

                        @Override
                        public ResourceID resourceID() {
                            return id;
                        }

                        @Override
                        public Map<String, Object> metadata() {
                            return metadata;
                        }

                        @Override
                        public String execute() {
                            return "done";
                        }
                    });
        }
    }
}
