package io.pveha.simulator;

import java.util.List;

/**
 * A snapshot of a task for assertions.
 *
 * @param exitStatus {@code OK}, {@code WARNINGS: n} or the error text; null while running
 */
public record TaskView(
        String upid,
        String node,
        String type,
        String id,
        String user,
        boolean running,
        String exitStatus,
        List<String> log) {}
