package io.pveha.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.pveha.api.Pveha;
import io.pveha.api.vm.HaVm;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReconcileGateTest {
    private static HaVm vm(String name) {
        HaVm vm = new HaVm();
        vm.getMetadata().setName(name);
        vm.getMetadata().setNamespace("store");
        return vm;
    }

    @Test
    void aValidResourcePasses() {
        assertThat(ReconcileGate.check(vm("ok"), List.of(), SpecValidation.none())).isEmpty();
    }

    @Test
    void aPausedResourceStopsWithoutValidatingOrWarning() {
        HaVm vm = vm("paused");
        vm.getMetadata().setAnnotations(Map.of(Pveha.ANNOTATION_PAUSED, "true"));
        SpecValidation failing = r -> List.of("spec.vmid: Invalid value");
        Optional<ReconcileGate.Stop> stop = ReconcileGate.check(vm, List.of(), failing);
        assertThat(stop)
                .map(ReconcileGate.Stop::reason)
                .contains(CommonReason.ReconciliationPaused);
        assertThat(stop.get().note()).isEmpty();
    }

    @Test
    void anInvalidSpecStopsAndWarnsOnlyWhenItBecomesInvalid() {
        HaVm vm = vm("invalid");
        SpecValidation failing =
                r -> List.of("spec.vmid: Invalid value: 50", "spec.memoryMiB: Required value");

        Optional<ReconcileGate.Stop> stop = ReconcileGate.check(vm, List.of(), failing);
        assertThat(stop).map(ReconcileGate.Stop::reason).contains(CommonReason.InvalidSpec);
        assertThat(stop.get().message())
                .isEqualTo("spec.vmid: Invalid value: 50; spec.memoryMiB: Required value");
        assertThat(stop.get().note())
                .contains(Note.warning(CommonReason.InvalidSpec, stop.get().message()));

        List<Condition> reported =
                Conditions.set(
                        List.of(),
                        Conditions.READY,
                        Conditions.FALSE,
                        CommonReason.InvalidSpec.name(),
                        stop.get().message(),
                        1L,
                        Instant.now());
        Optional<ReconcileGate.Stop> again = ReconcileGate.check(vm, reported, failing);
        assertThat(again).isPresent();
        assertThat(again.get().note()).as("no second Event while it stays invalid").isEmpty();
    }
}
