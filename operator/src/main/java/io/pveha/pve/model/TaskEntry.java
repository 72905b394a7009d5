package io.pveha.pve.model;

/**
 * One entry of {@code GET /nodes/{node}/tasks} or {@code /cluster/tasks}; {@code status} is absent
 * while running.
 */
public record TaskEntry(
        String upid,
        String node,
        String type,
        String id,
        String user,
        Long starttime,
        Long endtime,
        String status) {}
