package io.pveha.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.pveha.api.lb.LoadBalancerPairStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The status patch every kind writes (these cases came with the LoadBalancerPair, whose status is
 * the largest).
 */
class StatusPatchTest {
    static final KubernetesSerialization JSON = new KubernetesSerialization();

    static JsonNode tree(Object status) {
        return StatusPatch.toTree(JSON, status);
    }

    @Test
    void patchTouchesOnlyChangedFieldsRemovesVanishedOnesAndIsGuardedByTheResourceVersion() {
        LoadBalancerPairStatus before = new LoadBalancerPairStatus();
        before.setVipHolder("lb1");
        before.setVipHolderSince("2026-11-23T10:00:00Z");
        before.setBackendsSummary("2/2");
        before.setVirtualRouterId(7);
        LoadBalancerPairStatus after = Copies.deepCopy(before, LoadBalancerPairStatus.class);
        after.setVipHolder(null);
        after.setVipHolderSince(null);
        after.setBackendsSummary("1/2");

        ArrayNode patch = StatusPatch.statusPatch(tree(before), tree(after), "42");

        assertThat(JSON.asJson(patch))
                .isEqualTo(
                        "[{\"op\":\"test\",\"path\":\"/metadata/resourceVersion\",\"value\":\"42\"},"
                                + "{\"op\":\"remove\",\"path\":\"/status/vipHolder\"},"
                                + "{\"op\":\"remove\",\"path\":\"/status/vipHolderSince\"},"
                                + "{\"op\":\"add\",\"path\":\"/status/backendsSummary\",\"value\":\"1/2\"}]");
    }

    @Test
    void aFirstStatusIsAddedWhole() {
        LoadBalancerPairStatus after = new LoadBalancerPairStatus();
        after.setVirtualRouterId(7);
        JsonNode patch = StatusPatch.statusPatch(tree(null), tree(after), "1");
        assertThat(JSON.asJson(patch))
                .endsWith(
                        "{\"op\":\"add\",\"path\":\"/status\",\"value\":{\"virtualRouterId\":7}}]");
    }

    @Test
    void equalStatusesNeedNoPatch() {
        LoadBalancerPairStatus s = new LoadBalancerPairStatus();
        s.setUnroutableBackends(List.of("web/vm"));
        assertThat(
                        StatusPatch.statusPatch(
                                tree(s),
                                tree(Copies.deepCopy(s, LoadBalancerPairStatus.class)),
                                "1"))
                .isNull();
    }
}
