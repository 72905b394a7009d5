package io.pveha.pve.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

/** One entry of {@code GET /storage}: a storage definition (cluster-wide). */
public record StorageConfig(
        String storage,
        String type,
        String content,
        Boolean shared,
        String nodes,
        Boolean disable,
        String path,
        String server,
        String export,
        String pool,
        String options,
        @JsonProperty("prune-backups") JsonNode pruneBackups,
        String digest) {}
