package io.pveha.simulator.api;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts API requests by method ({@code "GET /cluster/resources"}, {@code "POST
 * /nodes/{node}/qemu/{vmid}/status/start"}); unmatched paths count as {@code "<METHOD> <unknown>"}.
 * Every request that reaches the API port counts, whatever its answer.
 */
public final class RequestStats {
    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
    private final LongAdder total = new LongAdder();

    void record(String key) {
        counts.computeIfAbsent(key, k -> new LongAdder()).increment();
        total.increment();
    }

    public long total() {
        return total.sum();
    }

    public long count(String key) {
        LongAdder adder = counts.get(key);
        return adder == null ? 0 : adder.sum();
    }

    /** A sorted snapshot of all counts. */
    public Map<String, Long> snapshot() {
        Map<String, Long> result = new TreeMap<>();
        counts.forEach((key, adder) -> result.put(key, adder.sum()));
        return result;
    }

    public void reset() {
        counts.clear();
        total.reset();
    }
}
