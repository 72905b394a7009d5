package io.pveha.lb;

import java.util.Objects;

/**
 * One balancer host as the renderers and appliers see it: values already resolved from the spec and
 * defaults.
 */
public record LbHost(
        String name, String address, int priority, String interfaceName, HostLayout layout) {
    public LbHost {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(interfaceName, "interfaceName");
        Objects.requireNonNull(layout, "layout");
    }
}
