package io.pveha.reconciler.lb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.pveha.api.lb.LoadBalancerPairStatus;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class StatusJsonTest {
    @Test
    void patchTouchesOnlyChangedFieldsRemovesVanishedOnesAndIsGuardedByTheResourceVersion() {
        LoadBalancerPairStatus before = new LoadBalancerPairStatus();
        before.setVipHolder("lb1");
        before.setVipHolderSince("2026-11-23T10:00:00Z");
        before.setBackendsSummary("2/2");
        before.setVirtualRouterId(7);
        LoadBalancerPairStatus after = StatusJson.copy(before);
        after.setVipHolder(null);
        after.setVipHolderSince(null);
        after.setBackendsSummary("1/2");

        ArrayNode patch = io.pveha.reconciler.StatusPatch.statusPatch(StatusJson.tree(before), StatusJson.tree(after), "42");

        assertThat(StatusJson.json(patch)).isEqualTo("[{\"op\":\"test\",\"path\":\"/metadata/resourceVersion\",\"value\":\"42\"},"
                + "{\"op\":\"remove\",\"path\":\"/status/vipHolder\"},"
                + "{\"op\":\"remove\",\"path\":\"/status/vipHolderSince\"},"
                + "{\"op\":\"add\",\"path\":\"/status/backendsSummary\",\"value\":\"1/2\"}]");
    }

    @Test
    void aFirstStatusIsAddedWhole() {
        LoadBalancerPairStatus after = new LoadBalancerPairStatus();
        after.setVirtualRouterId(7);
        JsonNode patch = io.pveha.reconciler.StatusPatch.statusPatch(StatusJson.tree(null), StatusJson.tree(after), "1");
        assertThat(StatusJson.json(patch)).endsWith("{\"op\":\"add\",\"path\":\"/status\",\"value\":{\"virtualRouterId\":7}}]");
    }

    @Test
    void equalStatusesNeedNoPatch() {
        LoadBalancerPairStatus s = new LoadBalancerPairStatus();
        s.setUnroutableBackends(List.of("web/vm"));
        assertThat(io.pveha.reconciler.StatusPatch.statusPatch(StatusJson.tree(s), StatusJson.tree(StatusJson.copy(s)), "1")).isNull();
    }
}
