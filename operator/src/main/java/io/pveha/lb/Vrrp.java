package io.pveha.lb;

import java.util.Optional;

/**
 * The VRRP instance both hosts run for the pair.
 *
 * @param password PASS authentication (VRRPv2 only), or null for none
 */
public record Vrrp(
        int virtualRouterId,
        String address,
        int prefixLength,
        int version,
        int advertIntervalMillis,
        boolean preempt,
        VrrpPassword password) {
    public Optional<VrrpPassword> authentication() {
        return Optional.ofNullable(password);
    }
}
