package io.pveha.simulator.ceph;

import java.util.List;

/**
 * One pool as {@code osd dump}, {@code df} and {@code osd pool autoscale-status} describe it.
 *
 * @param percentUsed fraction 0..1 of what the pool could hold ({@code df} {@code percent_used})
 * @param targetSizeBytes {@code options.target_size_bytes}, null when unset
 * @param pgNumFinal what the autoscaler would set
 */
public record CephPoolState(
        int id,
        String name,
        int type,
        int size,
        int minSize,
        int pgNum,
        int pgpNum,
        Integer pgNumMin,
        String pgAutoscaleMode,
        int crushRule,
        String crushRuleName,
        List<String> applications,
        long bytesUsed,
        double percentUsed,
        Long targetSizeBytes,
        Double targetSizeRatio,
        int pgNumFinal,
        long subtreeCapacity) {}
