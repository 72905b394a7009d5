package io.pveha.api;

/**
 * Where one VM of a restore drill stands: the part of a drilled VM's status that both drills share
 * (a BackupPolicy's, one VM at a time, and a ProxmoxCluster's whole-platform drill), so that the
 * step rules in {@code io.pveha.reconciler.ScratchVms} are written once.
 */
public interface DrillStep {
    Integer getScratchVmid();

    String getPhase();

    void setPhase(String phase);

    String getResult();

    void setResult(String result);

    String getReason();

    void setReason(String reason);

    void setTask(PendingTask task);

    void setBootDeadline(String bootDeadline);

    void setFinishedAt(String finishedAt);
}
