package io.pveha.reconciler.lb;

import io.pveha.lb.Hashes;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Chooses the VRRP virtual router id of a pair and finds conflicts. Two pairs conflict when they
 * share a layer-2 segment (a common host, or overlapping VIP networks) and use the same id:
 * keepalived would mix their adverts. An explicit id is used as given and reported if another pair
 * on the segment has the same explicit id. Without one, the id already recorded in status is kept
 * while it is free; otherwise a deterministic id is derived from namespace/name and the next free
 * one taken. If two pairs allocated the same id in a race, the one whose namespace/name sorts later
 * moves.
 */
public final class RouterIdAllocator {
    public static final int MIN = 1;
    public static final int MAX = 255;

    /**
     * A pair the operator knows about.
     *
     * @param explicitId spec.vip.virtualRouterId, or null
     * @param recordedId status.virtualRouterId, or null
     * @param vipNetwork the VIP with its prefix length, or null when it does not parse
     */
    public record KnownPair(
            String key,
            Integer explicitId,
            Integer recordedId,
            Set<String> hostAddresses,
            Network vipNetwork) {
        public KnownPair {
            hostAddresses = Set.copyOf(hostAddresses);
        }

        Integer effectiveId() {
            return explicitId != null ? explicitId : recordedId;
        }
    }

    /** An IPv4 address as an unsigned number, with a prefix length. */
    public record Network(long address, int prefixLength) {
        boolean overlaps(Network other) {
            int prefix = Math.min(prefixLength, other.prefixLength);
            long mask = prefix == 0 ? 0 : (0xFFFFFFFFL << (32 - prefix)) & 0xFFFFFFFFL;
            return (address & mask) == (other.address & mask);
        }
    }

    /** The id to use, or a conflict that stops the pair from being configured. */
    public record Allocation(Integer id, String conflict) {
        public boolean ok() {
            return conflict == null;
        }
    }

    private RouterIdAllocator() {}

    public static Allocation allocate(KnownPair self, Collection<KnownPair> others) {
        List<KnownPair> neighbours =
                others.stream()
                        .filter(o -> !o.key().equals(self.key()) && sameSegment(self, o))
                        .toList();
        if (self.explicitId() != null) {
            List<String> clashing =
                    neighbours.stream()
                            .filter(o -> self.explicitId().equals(o.explicitId()))
                            .map(KnownPair::key)
                            .sorted()
                            .toList();
            return clashing.isEmpty()
                    ? new Allocation(self.explicitId(), null)
                    : new Allocation(
                            self.explicitId(),
                            "virtual router id "
                                    + self.explicitId()
                                    + " is also used by "
                                    + String.join(", ", clashing)
                                    + " on the same network; give one of them another spec.vip.virtualRouterId");
        }
        Set<Integer> explicitTaken = new HashSet<>();
        Set<Integer> taken = new HashSet<>();
        for (KnownPair o : neighbours) {
            if (o.explicitId() != null) {
                explicitTaken.add(o.explicitId());
            }
            if (o.effectiveId() != null) {
                taken.add(o.effectiveId());
            }
        }
        Integer recorded = self.recordedId();
        if (recorded != null && !explicitTaken.contains(recorded)) {
            boolean someoneEarlierHasIt =
                    neighbours.stream()
                            .anyMatch(
                                    o ->
                                            o.explicitId() == null
                                                    && recorded.equals(o.recordedId())
                                                    && o.key().compareTo(self.key()) < 0);
            if (!someoneEarlierHasIt) {
                return new Allocation(recorded, null);
            }
        }
        int start = preferred(self.key());
        for (int i = 0; i < MAX; i++) {
            int candidate = (start - MIN + i) % MAX + MIN;
            if (!taken.contains(candidate)) {
                return new Allocation(candidate, null);
            }
        }
        return new Allocation(
                null, "no free virtual router id: all 255 are used by pairs on the same network");
    }

    /** The first id tried for a pair: stable across restarts and operator versions. */
    static int preferred(String key) {
        String hex = Hashes.sha256Hex(key.getBytes(StandardCharsets.UTF_8)).substring(0, 8);
        return (int) (Long.parseLong(hex, 16) % MAX) + MIN;
    }

    static boolean sameSegment(KnownPair a, KnownPair b) {
        for (String address : a.hostAddresses()) {
            if (b.hostAddresses().contains(address)) {
                return true;
            }
        }
        return a.vipNetwork() != null
                && b.vipNetwork() != null
                && a.vipNetwork().overlaps(b.vipNetwork());
    }

    /** The network of an address, or null when the address does not parse. */
    public static Network network(String ipv4, Integer prefixLength) {
        if (ipv4 == null) {
            return null;
        }
        String[] octets = ipv4.split("\\.");
        if (octets.length != 4) {
            return null;
        }
        long value = 0;
        try {
            for (String octet : octets) {
                int o = Integer.parseInt(octet);
                if (o < 0 || o > 255) {
                    return null;
                }
                value = (value << 8) | o;
            }
        } catch (NumberFormatException e) {
            return null;
        }
        return new Network(value, prefixLength == null ? 24 : prefixLength);
    }
}
