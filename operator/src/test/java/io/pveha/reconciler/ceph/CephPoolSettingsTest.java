package io.pveha.reconciler.ceph;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pveha.api.ObjectRef;
import io.pveha.api.ceph.CephPool;
import io.pveha.api.ceph.CephPoolSpec;
import io.pveha.pve.model.CephPoolEntry;
import org.junit.jupiter.api.Test;

class CephPoolSettingsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static CephPoolEntry observed(
            int size, int minSize, int pgNum, String mode, String app) {
        return new CephPoolEntry(
                "7",
                "apps",
                size,
                minSize,
                pgNum,
                mode,
                "replicated_rule",
                JSON.createObjectNode().set(app, JSON.createObjectNode()),
                0L,
                0.0,
                null,
                null);
    }

    @Test
    void onlyDeclaredFieldsAreCompared() {
        CephPoolSpec spec = new CephPoolSpec();
        assertThat(CephPoolSettings.changes(spec, observed(2, 1, 64, "warn", "cephfs"))).isEmpty();
    }

    @Test
    void aSizeChangeCarriesTheDeclaredMinSizeBecauseCephResetsIt() {
        CephPoolSpec spec = new CephPoolSpec();
        spec.setSize(2);
        spec.setMinSize(2);
        assertThat(CephPoolSettings.changes(spec, observed(3, 2, 128, "warn", "rbd")))
                .containsExactly(
                        java.util.Map.entry("size", 2), java.util.Map.entry("min_size", 2));
    }

    @Test
    void pgNumIsTheAutoscalersWhileItIsOn() {
        CephPoolSpec spec = new CephPoolSpec();
        spec.setPgNum(128);
        assertThat(CephPoolSettings.changes(spec, observed(3, 2, 32, "on", "rbd"))).isEmpty();
        assertThat(CephPoolSettings.changes(spec, observed(3, 2, 32, "warn", "rbd")))
                .containsEntry("pg_num", 128);
        spec.setPgAutoscaleMode(CephPoolSpec.AutoscaleMode.off);
        assertThat(CephPoolSettings.changes(spec, observed(3, 2, 32, "on", "rbd")))
                .containsEntry("pg_autoscale_mode", "off")
                .containsEntry("pg_num", 128);
    }

    @Test
    void applicationAndTargetSizeAreComparedAsCephStoresThem() {
        CephPoolSpec spec = new CephPoolSpec();
        spec.setApplication(CephPoolSpec.Application.rbd);
        spec.setTargetSize("1G");
        CephPoolEntry withTarget =
                new CephPoolEntry(
                        "7",
                        "apps",
                        3,
                        2,
                        32,
                        "warn",
                        "replicated_rule",
                        JSON.createObjectNode().set("rbd", JSON.createObjectNode()),
                        0L,
                        0.0,
                        1L << 30,
                        null);
        assertThat(CephPoolSettings.changes(spec, withTarget)).isEmpty();
        assertThat(CephPoolSettings.changes(spec, observed(3, 2, 32, "warn", "cephfs")))
                .containsEntry("application", "rbd")
                .containsEntry("target_size", "1G");
        assertThat(CephPoolSettings.parseSize("1.5K")).isEqualTo(1536L);
        assertThat(CephPoolSettings.parseSize("5X")).isNull();
    }

    @Test
    void createSendsTheNameDeclaredFieldsAndAddStorages() {
        CephPool pool = new CephPool();
        pool.getMetadata().setName("apps");
        CephPoolSpec spec = new CephPoolSpec();
        spec.setClusterRef(new ObjectRef("main"));
        spec.setPgNum(32);
        spec.setAddStorage(true);
        pool.setSpec(spec);
        assertThat(CephPoolSettings.createParams(pool))
                .containsOnlyKeys("name", "pg_num", "add_storages")
                .containsEntry("name", "apps")
                .containsEntry("add_storages", 1);
    }

    @Test
    void refusalsAreCephsVerdictsNotTransientFailures() {
        assertThat(CephPoolSettings.refusal("Could not set: min_size")).isTrue();
        assertThat(
                        CephPoolSettings.refusal(
                                "pool id 3 pg_num 4096 size 3 would mean 12291 total pgs, which exceeds max 750"))
                .isTrue();
        assertThat(CephPoolSettings.refusal("got timeout")).isFalse();
        assertThat(CephPoolSettings.refusal(null)).isFalse();
    }
}
