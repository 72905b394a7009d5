package io.pveha.pve.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One entry of {@code GET /cluster/ha/status/current}: {@code quorum}, {@code master}, one {@code
 * lrm} per node, and one {@code service} per HA resource.
 */
public record HaStatusEntry(
        String id,
        String type,
        String node,
        String status,
        String sid,
        @JsonProperty("crm_state") String crmState,
        String state,
        @JsonProperty("request_state") String requestState,
        Boolean quorate,
        Long timestamp,
        @JsonProperty("max_restart") Integer maxRestart,
        @JsonProperty("max_relocate") Integer maxRelocate,
        String group,
        Boolean failback) {
    public boolean isService() {
        return "service".equals(type);
    }

    public boolean isMaster() {
        return "master".equals(type);
    }

    public boolean isLrm() {
        return "lrm".equals(type);
    }

    /** For a service {@code vm:100}, the VMID; otherwise null. */
    public Integer vmid() {
        if (sid == null || !sid.startsWith("vm:")) {
            return null;
        }
        try {
            return Integer.valueOf(sid.substring(3));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
