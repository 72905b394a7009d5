package io.pveha.simulator.ha;

import java.util.Locale;

/**
 * Datacenter option {@code ha: shutdown_policy}: what the LRM does with its services when its node
 * shuts down or reboots ({@code LRM.pm shutdown_request}).
 */
public enum ShutdownPolicy {
    /**
     * Freeze services on reboot, stop them (and let them be recovered) on shutdown. The default.
     */
    CONDITIONAL,
    /** Always freeze: services stay on the node and start again when it is back. */
    FREEZE,
    /** Always stop: the node is fenced and its services are recovered elsewhere. */
    FAILOVER,
    /** Enter maintenance: services are migrated away first and come back afterwards. */
    MIGRATE;

    /** The value as written in {@code datacenter.cfg}. */
    public String pveName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ShutdownPolicy fromPve(String value) {
        for (ShutdownPolicy policy : values()) {
            if (policy.pveName().equals(value)) {
                return policy;
            }
        }
        throw new IllegalArgumentException(
                "unknown shutdown policy '" + value + "' (conditional, freeze, failover, migrate)");
    }
}
