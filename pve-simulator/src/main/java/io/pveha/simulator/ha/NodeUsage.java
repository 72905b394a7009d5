package io.pveha.simulator.ha;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The {@code basic} cluster resource scheduler ({@code PVE::HA::Usage::Basic}): the load of an
 * online node is the number of HA services placed on it (or moving to or from it); a new service
 * goes to the least loaded node, ties broken by node name.
 */
final class NodeUsage {
    private final Map<String, Integer> services = new LinkedHashMap<>();
    private final HaEnv env;

    NodeUsage(HaEnv env, Iterable<String> onlineNodes) {
        this.env = env;
        onlineNodes.forEach(node -> services.put(node, 0));
    }

    boolean contains(String node) {
        return node != null && services.containsKey(node);
    }

    Set<String> nodes() {
        return services.keySet();
    }

    void addServiceUsage(String node, String sid) {
        if (contains(node)) {
            services.merge(node, 1, Integer::sum);
        } else {
            env.log(
                    "warning",
                    "unable to add service '"
                            + sid
                            + "' usage to node '"
                            + node
                            + "' - node not in usage hash");
        }
    }

    /** Lower is better. */
    int score(String node) {
        return services.getOrDefault(node, 0);
    }
}
