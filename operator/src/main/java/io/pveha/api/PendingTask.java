package io.pveha.api;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/**
 * A PVE task the operator started (or is about to start) for a resource: the write-ahead record
 * every kind keeps in its status. It is written with {@code upid} empty before the call that starts
 * the task (the intent), and the task id is added right after the call, so a restarted operator
 * either follows the task or, finding only the intent, looks for the task among PVE's recent tasks
 * before planning again.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class PendingTask {
    @JsonPropertyDescription(
            "What the task does for this resource, e.g. Clone, Configure, Start, Destroy, CreatePool.")
    private String action;

    @JsonPropertyDescription("The node the task runs on.")
    private String node;

    @JsonPropertyDescription(
            "PVE's worker type, e.g. qmclone, qmstart, cephcreatepool (to find an interrupted task).")
    private String taskType;

    @JsonPropertyDescription(
            "PVE's task id: the VMID or pool name the task names (for qmclone the source VMID).")
    private String taskId;

    @JsonPropertyDescription("When the intent was recorded (RFC 3339).")
    private String startedAt;

    @JsonPropertyDescription(
            "The task id (UPID) once PVE answered; empty while only the intent is recorded.")
    private String upid;

    public PendingTask() {}

    public PendingTask(
            String action, String node, String taskType, String taskId, String startedAt) {
        this.action = action;
        this.node = node;
        this.taskType = taskType;
        this.taskId = taskId;
        this.startedAt = startedAt;
    }

    /**
     * Reads the plain UPID string that CephPool status held before this type existed (v0.1), so a
     * resource written by an older operator is followed, not dropped.
     */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static PendingTask fromLegacyString(String value) {
        PendingTask task = new PendingTask();
        if (value != null && value.startsWith("UPID:")) {
            task.setUpid(value);
            String[] parts = value.split(":");
            task.setNode(parts.length > 1 ? parts[1] : null);
            task.setTaskType(parts.length > 5 ? parts[5] : null);
            task.setAction(task.getTaskType());
        } else {
            task.setAction(value);
        }
        return task;
    }

    public boolean started() {
        return upid != null && !upid.isEmpty();
    }

    public String getAction() {
        return action;
    }

    public void setAction(String action) {
        this.action = action;
    }

    public String getNode() {
        return node;
    }

    public void setNode(String node) {
        this.node = node;
    }

    public String getTaskType() {
        return taskType;
    }

    public void setTaskType(String taskType) {
        this.taskType = taskType;
    }

    public String getTaskId() {
        return taskId;
    }

    public void setTaskId(String taskId) {
        this.taskId = taskId;
    }

    public String getStartedAt() {
        return startedAt;
    }

    public void setStartedAt(String startedAt) {
        this.startedAt = startedAt;
    }

    public String getUpid() {
        return upid;
    }

    public void setUpid(String upid) {
        this.upid = upid;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PendingTask t
                && Objects.equals(action, t.action)
                && Objects.equals(node, t.node)
                && Objects.equals(taskType, t.taskType)
                && Objects.equals(taskId, t.taskId)
                && Objects.equals(startedAt, t.startedAt)
                && Objects.equals(upid, t.upid);
    }

    @Override
    public int hashCode() {
        return Objects.hash(action, node, taskType, taskId, startedAt, upid);
    }

    @Override
    public String toString() {
        return action + (upid == null ? " (intent)" : " " + upid);
    }
}
