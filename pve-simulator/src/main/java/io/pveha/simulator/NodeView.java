package io.pveha.simulator;

/**
 * A snapshot of a node for assertions.
 *
 * @param power {@code on}, {@code off} or {@code booting}
 * @param online powered on, booted and network up
 * @param memoryUsed host memory in use (host plus running guests), bytes
 */
public record NodeView(
        String name,
        String power,
        boolean networkUp,
        boolean online,
        int cpus,
        long memoryTotal,
        long memoryUsed) {}
