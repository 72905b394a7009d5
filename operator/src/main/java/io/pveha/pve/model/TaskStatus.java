package io.pveha.pve.model;

/**
 * {@code GET /nodes/{node}/tasks/{upid}/status}. A finished task is {@code stopped} with an exit
 * status.
 */
public record TaskStatus(
        String upid,
        String node,
        String status,
        String exitstatus,
        String type,
        String id,
        String user,
        Long starttime) {
    public boolean running() {
        return "running".equals(status);
    }

    /** Finished with {@code OK} or {@code WARNINGS: n}. */
    public boolean succeeded() {
        return "stopped".equals(status)
                && exitstatus != null
                && (exitstatus.equals("OK") || exitstatus.startsWith("WARNINGS"));
    }

    public boolean failed() {
        return "stopped".equals(status) && !succeeded();
    }
}
