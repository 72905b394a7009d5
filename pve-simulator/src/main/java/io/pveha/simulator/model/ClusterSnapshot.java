package io.pveha.simulator.model;

import java.util.List;
import java.util.Map;

/**
 * The saveable part of {@link ClusterState}: node states, guests, volumes and full-storage faults.
 */
public record ClusterSnapshot(
        List<NodeRecord> nodes,
        List<VmRecord> vms,
        List<VolumeRecord> volumes,
        List<FillerRecord> fillers) {

    /** {@code pveMajor} is null in state files written before PVE 9 was simulated (then 8). */
    public record NodeRecord(
            String name,
            String power,
            boolean networkUp,
            long bootedAt,
            long offlineSince,
            Integer pveMajor) {}

    public record VmRecord(
            int vmid,
            String node,
            Map<String, String> config,
            Map<String, String> pending,
            List<String> pendingDelete,
            boolean running,
            long startedAt,
            long pid,
            Boolean reportedRunning) {}

    /** A volume; {@code node} is null for shared storages. */
    public record VolumeRecord(String storage, String node, Volume volume) {}

    public record FillerRecord(String storage, String node, long bytes) {}
}
