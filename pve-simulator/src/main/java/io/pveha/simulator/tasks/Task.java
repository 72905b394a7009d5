package io.pveha.simulator.tasks;

import java.util.ArrayList;
import java.util.List;

/**
 * One PVE task: its UPID, its log and, once it ended, its exit status ({@code OK}, {@code WARNINGS:
 * n} or the error text) and end time. Mutated only by the {@link TaskEngine} while it holds the
 * state write lock; read under the read lock.
 */
public final class Task {
    private final Upid upid;
    private final List<String> log = new ArrayList<>();
    private String exitStatus;
    private long endTime;

    Task(Upid upid) {
        this.upid = upid;
    }

    /** Restores a finished task from saved state. */
    public static Task restored(Upid upid, List<String> log, String exitStatus, long endTime) {
        Task task = new Task(upid);
        task.log.addAll(log);
        task.exitStatus = exitStatus;
        task.endTime = endTime;
        return task;
    }

    public Upid upid() {
        return upid;
    }

    public String upidText() {
        return upid.encode();
    }

    public boolean running() {
        return exitStatus == null;
    }

    /** {@code OK}, {@code WARNINGS: n} or the error text; null while running. */
    public String exitStatus() {
        return exitStatus;
    }

    /** Epoch seconds of the end; 0 while running. */
    public long endTime() {
        return endTime;
    }

    public List<String> log() {
        return List.copyOf(log);
    }

    void appendLog(String line) {
        log.add(line);
    }

    void finish(String status, long endEpochSeconds, String lastLine) {
        this.exitStatus = status;
        this.endTime = endEpochSeconds;
        log.add(lastLine);
    }
}
