package io.pveha.reconciler;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.pveha.api.Pveha;
import io.pveha.api.vm.HaVm;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

@EnableKubernetesMockClient(crud = true)
class ReconcileGateTest {
    static KubernetesClient client;

    private static HaVm vm(String name) {
        HaVm vm = new HaVm();
        vm.getMetadata().setName(name);
        vm.getMetadata().setNamespace("store");
        return vm;
    }

    private List<Event> warnings(String name) {
        return client.v1().events().inNamespace("store").list().getItems().stream()
                .filter(e -> name.equals(e.getInvolvedObject().getName()) && EventRecorder.WARNING.equals(e.getType())).toList();
    }

    @Test
    void aValidResourcePasses() {
        assertThat(ReconcileGate.check(vm("ok"), List.of(), SpecValidation.none(), new EventRecorder(client, Clock.systemUTC()))).isEmpty();
    }

    @Test
    void aPausedResourceStopsWithoutValidating() {
        HaVm vm = vm("paused");
        vm.getMetadata().setAnnotations(Map.of(Pveha.ANNOTATION_PAUSED, "true"));
        SpecValidation failing = r -> List.of("spec.vmid: Invalid value");
        Optional<ReconcileGate.Stop> stop = ReconcileGate.check(vm, List.of(), failing, new EventRecorder(client, Clock.systemUTC()));
        assertThat(stop).map(ReconcileGate.Stop::reason).contains(Conditions.REASON_PAUSED);
        assertThat(warnings("paused")).isEmpty();
    }

    @Test
    void anInvalidSpecStopsAndWarnsOnlyWhenItBecomesInvalid() {
        HaVm vm = vm("invalid");
        SpecValidation failing = r -> List.of("spec.vmid: Invalid value: 50", "spec.memoryMiB: Required value");
        EventRecorder events = new EventRecorder(client, Clock.systemUTC());

        Optional<ReconcileGate.Stop> stop = ReconcileGate.check(vm, List.of(), failing, events);
        assertThat(stop).contains(new ReconcileGate.Stop(Conditions.REASON_INVALID_SPEC,
                "spec.vmid: Invalid value: 50; spec.memoryMiB: Required value"));
        assertThat(warnings("invalid")).hasSize(1);

        List<Condition> reported = Conditions.set(List.of(), Conditions.READY, Conditions.FALSE, Conditions.REASON_INVALID_SPEC,
                stop.get().message(), 1L, Instant.now());
        assertThat(ReconcileGate.check(vm, reported, failing, events)).isPresent();
        assertThat(warnings("invalid")).as("no second Event while it stays invalid").hasSize(1);
    }
}
