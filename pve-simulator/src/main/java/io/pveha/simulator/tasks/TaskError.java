package io.pveha.simulator.tasks;

/**
 * Makes a running task end with {@code TASK ERROR: <message>}, like a {@code die} in a PVE worker.
 */
public final class TaskError extends RuntimeException {
    public TaskError(String message) {
        super(message);
    }
}
