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
    void anObjectWithoutAnnotationsIsStoredAsItIs() {
        HaVm vm = served();
        vm.getMetadata().setAnnotations(null);
        assertThat(CacheTrim.trim(vm).getMetadata().getAnnotations()).isNull();
        assertThat(vm.getMetadata().getName()).isEqualTo("web-1");
    }
}
