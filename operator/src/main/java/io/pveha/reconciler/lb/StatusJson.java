package io.pveha.reconciler.lb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.pveha.api.lb.LoadBalancerPairStatus;


/** Status as JSON: deep copies and trees for comparison. */
final class StatusJson {
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private StatusJson() {
    }

    static LoadBalancerPairStatus copy(LoadBalancerPairStatus status) {
        return SERIALIZATION.convertValue(status, LoadBalancerPairStatus.class);
    }

    static JsonNode tree(Object value) {
        return value == null ? JsonNodeFactory.instance.objectNode() : SERIALIZATION.convertValue(value, JsonNode.class);
    }

    static String json(Object value) {
        return SERIALIZATION.asJson(value);
    }

}
