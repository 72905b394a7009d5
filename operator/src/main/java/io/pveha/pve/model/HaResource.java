package io.pveha.pve.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/** {@code GET /cluster/ha/resources[/{sid}]}: only the keys present in resources.cfg are set. */
public record HaResource(
        String sid,
        String type,
        String state,
        String group,
        Boolean failback,
        @JsonProperty("max_restart") Integer maxRestart,
        @JsonProperty("max_relocate") Integer maxRelocate,
        String comment,
        String digest) {}
