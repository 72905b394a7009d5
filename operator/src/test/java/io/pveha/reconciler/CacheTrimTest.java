package io.pveha.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.pveha.api.vm.HaVm;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CacheTrimTest {
    private static HaVm served() {
        HaVm vm = new HaVm();
        vm.setMetadata(
                new ObjectMetaBuilder()
                        .withName("web-1")
                        .withNamespace("shop")
                        .withResourceVersion("42")
                        .withUid("u-1")
                        .withGeneration(3L)
                        .withLabels(Map.of("tier", "web"))
                        .withAnnotations(
                                Map.of(
                                        CacheTrim.LAST_APPLIED,
                                        "{\"spec\":{}}",
                                        "pveha.io/note",
                                        "kept"))
                        .withManagedFields(
                                new ManagedFieldsEntryBuilder()
                                        .withManager("pve-ha-operator")
                                        .withOperation("Update")
                                        .withSubresource("status")
                                        .build())
                        .build());
        return vm;
    }

    @Test
    void theStoredObjectLosesOnlyTheServersBookkeeping() {
        ItemStore<HaVm> store = CacheTrim.store();
        HaVm vm = served();
        store.put(store.getKey(vm), vm);

        HaVm cached = store.get("shop/web-1");
        assertThat(cached.getMetadata().getManagedFields()).isNullOrEmpty();
        assertThat(cached.getMetadata().getAnnotations())
                .containsOnlyKeys("pveha.io/note")
                .containsEntry("pveha.io/note", "kept");
        assertThat(cached.getMetadata().getLabels()).containsEntry("tier", "web");
        assertThat(cached.getMetadata().getResourceVersion()).isEqualTo("42");
        assertThat(cached.getMetadata().getUid()).isEqualTo("u-1");
        assertThat(cached.getMetadata().getGeneration()).isEqualTo(3L);
    }

    @Test
    void twoCopiesOfOneObjectShareTheirStrings() {
        HaVm a = served();
        HaVm b = served();
        io.pveha.api.vm.HaVmStatus status = new io.pveha.api.vm.HaVmStatus();
        status.setConditions(
                new java.util.ArrayList<>(
                        java.util.List.of(
                                new io.fabric8.kubernetes.api.model.ConditionBuilder()
                                        .withType(new String("Ready"))
                                        .withMessage(new String("VM 4711 running on pve2"))
                                        .build())));
        a.setStatus(status);
        io.pveha.api.vm.HaVmStatus other = new io.pveha.api.vm.HaVmStatus();
        other.setConditions(
                new java.util.ArrayList<>(
                        java.util.List.of(
                                new io.fabric8.kubernetes.api.model.ConditionBuilder()
                                        .withType(new String("Ready"))
                                        .withMessage(new String("VM 4711 running on pve2"))
                                        .build())));
        b.setStatus(other);
        b.getMetadata().setLabels(new java.util.HashMap<>(Map.of("tier", new String("web"))));
        a.getMetadata().setLabels(new java.util.HashMap<>(Map.of("tier", new String("web"))));

        CacheTrim.trim(a);
        CacheTrim.trim(b);

        assertThat(a.getStatus().getConditions().get(0).getMessage())
                .isSameAs(b.getStatus().getConditions().get(0).getMessage())
                .isEqualTo("VM 4711 running on pve2");
        assertThat(a.getStatus().getConditions().get(0).getType())
                .isSameAs(b.getStatus().getConditions().get(0).getType());
        assertThat(a.getMetadata().getLabels().get("tier"))
                .isSameAs(b.getMetadata().getLabels().get("tier"));
        assertThat(a.getMetadata().getUid()).isSameAs(b.getMetadata().getUid());
    }

    @Test
    void anObjectWithoutAnnotationsIsStoredAsItIs() {
        HaVm vm = served();
        vm.getMetadata().setAnnotations(null);
        assertThat(CacheTrim.trim(vm).getMetadata().getAnnotations()).isNull();
        assertThat(vm.getMetadata().getName()).isEqualTo("web-1");
    }
}
