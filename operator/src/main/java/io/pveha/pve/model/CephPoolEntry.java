package io.pveha.pve.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * One entry of {@code GET /nodes/{node}/ceph/pool}. PVE 8 prints {@code pool} (the id) as a string,
 * newer releases as a number; both read as text here.
 */
public record CephPoolEntry(
        String pool,
        @JsonProperty("pool_name") String poolName,
        Integer size,
        @JsonProperty("min_size") Integer minSize,
        @JsonProperty("pg_num") Integer pgNum,
        @JsonProperty("pg_autoscale_mode") String pgAutoscaleMode,
        @JsonProperty("crush_rule_name") String crushRuleName,
        @JsonProperty("application_metadata") JsonNode applicationMetadata,
        @JsonProperty("bytes_used") Long bytesUsed,
        @JsonProperty("percent_used") Double percentUsed,
        @JsonProperty("target_size") Long targetSize,
        @JsonProperty("target_size_ratio") Double targetSizeRatio) {

    public Integer poolId() {
        try {
            return pool == null ? null : Integer.valueOf(pool.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The applications enabled on the pool, e.g. [rbd]. */
    public List<String> applications() {
        List<String> apps = new ArrayList<>();
        if (applicationMetadata != null) {
            applicationMetadata.fieldNames().forEachRemaining(apps::add);
        }
        return apps;
    }
}
