package io.pveha.reconciler.lb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RouterIdAllocatorTest {
    static RouterIdAllocator.KnownPair pair(
            String key, Integer explicit, Integer recorded, String vip, String... hosts) {
        return new RouterIdAllocator.KnownPair(
                key, explicit, recorded, Set.of(hosts), RouterIdAllocator.network(vip, 24));
    }

    @Test
    void anExplicitIdIsUsedAsGiven() {
        assertThat(
                        RouterIdAllocator.allocate(
                                pair("shop/a", 51, null, "10.0.0.10", "10.0.0.11"), List.of()))
                .isEqualTo(new RouterIdAllocator.Allocation(51, null));
    }

    @Test
    void twoExplicitIdsOnOneNetworkConflict() {
        var a = pair("shop/a", 51, null, "10.0.0.10", "10.0.0.11", "10.0.0.12");
        var b = pair("shop/b", 51, null, "10.0.0.20", "10.0.0.21", "10.0.0.22");

        var allocation = RouterIdAllocator.allocate(b, List.of(a, b));
        assertThat(allocation.ok()).isFalse();
        assertThat(allocation.conflict()).contains("51", "shop/a");
    }

    @Test
    void theSameIdOnAnotherNetworkIsNoConflict() {
        var a = pair("shop/a", 51, null, "10.0.0.10", "10.0.0.11");
        var b = pair("shop/b", 51, null, "10.1.0.10", "10.1.0.11");
        assertThat(RouterIdAllocator.allocate(b, List.of(a, b)).ok()).isTrue();
    }

    @Test
    void pairsSharingAHostShareASegmentWhateverTheirVips() {
        var a = pair("shop/a", 51, null, "10.0.0.10", "10.9.9.1");
        var b = pair("shop/b", 51, null, "172.16.0.10", "10.9.9.1");
        assertThat(RouterIdAllocator.allocate(b, List.of(a, b)).ok()).isFalse();
    }

    @Test
    void anAllocatedIdIsDeterministicAndInRange() {
        var self = pair("shop/a", null, null, "10.0.0.10", "10.0.0.11");
        var first = RouterIdAllocator.allocate(self, List.of());
        assertThat(first.id())
                .isBetween(1, 255)
                .isEqualTo(RouterIdAllocator.allocate(self, List.of()).id());
        assertThat(first.id()).isEqualTo(RouterIdAllocator.preferred("shop/a"));
    }

    @Test
    void anAllocationAvoidsIdsUsedOnTheSegmentAndKeepsItsRecordedId() {
        int preferred = RouterIdAllocator.preferred("shop/b");
        var other = pair("shop/a", preferred, null, "10.0.0.10", "10.0.0.11");
        var self = pair("shop/b", null, null, "10.0.0.20", "10.0.0.21");

        int allocated = RouterIdAllocator.allocate(self, List.of(other)).id();
        assertThat(allocated).isNotEqualTo(preferred);

        var recorded = pair("shop/b", null, 200, "10.0.0.20", "10.0.0.21");
        assertThat(RouterIdAllocator.allocate(recorded, List.of(other)).id()).isEqualTo(200);
    }

    @Test
    void whenTwoPairsRecordedTheSameIdTheLaterNameMoves() {
        var a = pair("shop/a", null, 99, "10.0.0.10", "10.0.0.11");
        var b = pair("shop/b", null, 99, "10.0.0.20", "10.0.0.21");

        assertThat(RouterIdAllocator.allocate(a, List.of(a, b)).id()).isEqualTo(99);
        assertThat(RouterIdAllocator.allocate(b, List.of(a, b)).id()).isNotEqualTo(99);
    }

    @Test
    void anExplicitIdWinsOverARecordedOne() {
        var explicit = pair("shop/z", 99, null, "10.0.0.10", "10.0.0.11");
        var allocated = pair("shop/a", null, 99, "10.0.0.20", "10.0.0.21");
        assertThat(RouterIdAllocator.allocate(allocated, List.of(explicit)).id()).isNotEqualTo(99);
    }

    @Test
    void aFullSegmentIsAConflict() {
        List<RouterIdAllocator.KnownPair> others =
                IntStream.rangeClosed(1, 255)
                        .mapToObj(
                                i -> pair("shop/p" + i, i, null, "10.0.0." + (i % 250), "10.0.0.1"))
                        .toList();
        var self = pair("shop/new", null, null, "10.0.0.254", "10.0.0.1");
        assertThat(RouterIdAllocator.allocate(self, others).conflict())
                .contains("no free virtual router id");
    }
}
