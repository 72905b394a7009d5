package io.pveha.api.vm;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.pveha.api.PendingTask;
import io.pveha.api.PvehaStatus;
import java.util.ArrayList;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class HaVmStatus extends PvehaStatus {
    @JsonPropertyDescription(
            "The VMID in use; written before the VM is created, so a restart never creates a second one.")
    private Integer vmid;

    @JsonPropertyDescription(
            "The node the VM's configuration lives on now (follows HA and migrations).")
    private String node;

    @JsonPropertyDescription("running, stopped, paused or unknown, as PVE reports it.")
    private String powerState;

    @JsonPropertyDescription(
            "The HA manager's state for vm:<vmid> (started, stopped, fence, recovery, migrate, error, ...), or none.")
    private String haState;

    private Boolean template;

    @JsonPropertyDescription("Guest IP addresses reported by the QEMU guest agent.")
    private List<String> ipAddresses = new ArrayList<>();

    @JsonPropertyDescription(
            "The PVE task in flight, if any; its intent is written before the call that starts it.")
    private PendingTask pendingTask;

    @JsonPropertyDescription("Declared changes PVE will only apply after a restart.")
    private List<String> pendingChanges = new ArrayList<>();

    private BackupRef lastBackup;

    @JsonPropertyDescription(
            "The HA placement in effect in PVE: the HA group (PVE 8) or the HA rules (PVE 9) the VM is in.")
    private String placement;

    @JsonPropertyDescription(
            "The spec.placement.node the operator last acted on; HA moving the VM elsewhere afterwards is not drift.")
    private String appliedPlacement;

    @JsonPropertyDescription("Versions of the cloud-init Secrets last written to the VM.")
    private String appliedSecretsVersion;

    @JsonPropertyDescription("Consecutive failed tasks; retries back off with it.")
    private Integer failedAttempts;

    @JsonPropertyDescription(
            "The VM has booted its install media; shutting it down afterwards marks the installation done.")
    private Boolean installerBooted;

    @JsonPropertyDescription(
            "The PVE cluster (its name in /cluster/status) the VM lives on. When the ProxmoxCluster reaches another cluster, the VM is rebuilt there from its backups only if the ProxmoxCluster was switched to its standby (spec.disasterRecovery.activeCluster); otherwise nothing is done.")
    private String pveCluster;

    @JsonPropertyDescription(
            "The VM's restore from backup onto another cluster (disaster recovery): the step, the backup it came from, when.")
    private Recovery recovery;

    public String getPveCluster() {
        return pveCluster;
    }

    public void setPveCluster(String pveCluster) {
        this.pveCluster = pveCluster;
    }

    public Recovery getRecovery() {
        return recovery;
    }

    public void setRecovery(Recovery recovery) {
        this.recovery = recovery;
    }

    /** A HaVm's part of a disaster recovery. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class Recovery {
        @JsonPropertyDescription(
                "Waiting (for the standby's storage, its restore stage or a restore slot), Restoring, Starting (restored; configuring, HA, boot), Done (Ready on the new cluster) or Failed (no backup left to try).")
        private String step;

        private String message;

        @JsonPropertyDescription("The restore stage (spec.disasterRecovery.restoreOrder) it is in.")
        private String stage;

        @JsonPropertyDescription("The PVE cluster it is rebuilt on.")
        private String targetCluster;

        @JsonPropertyDescription("The PVE cluster it ran on before.")
        private String fromCluster;

        @JsonPropertyDescription("Its VMID there.")
        private Integer fromVmid;

        @JsonPropertyDescription("The backup restored (or being restored).")
        private String backup;

        @JsonPropertyDescription("When that backup was taken.")
        private String backupTime;

        private Long sizeBytes;

        @JsonPropertyDescription("The BackupPolicy that reported the backup.")
        private String policy;

        @JsonPropertyDescription(
                "Backups whose restore failed (a damaged archive): the next older one is tried.")
        private List<String> failedBackups = new ArrayList<>();

        private String startedAt;
        private String restoredAt;
        private String finishedAt;

        public String getStep() {
            return step;
        }

        public void setStep(String step) {
            this.step = step;
        }

        public String getMessage() {
            return message;
        }

        public void setMessage(String message) {
            this.message = message;
        }

        public String getStage() {
            return stage;
        }

        public void setStage(String stage) {
            this.stage = stage;
        }

        public String getTargetCluster() {
            return targetCluster;
        }

        public void setTargetCluster(String targetCluster) {
            this.targetCluster = targetCluster;
        }

        public String getFromCluster() {
            return fromCluster;
        }

        public void setFromCluster(String fromCluster) {
            this.fromCluster = fromCluster;
        }

        public Integer getFromVmid() {
            return fromVmid;
        }

        public void setFromVmid(Integer fromVmid) {
            this.fromVmid = fromVmid;
        }

        public String getBackup() {
            return backup;
        }

        public void setBackup(String backup) {
            this.backup = backup;
        }

        public String getBackupTime() {
            return backupTime;
        }

        public void setBackupTime(String backupTime) {
            this.backupTime = backupTime;
        }

        public Long getSizeBytes() {
            return sizeBytes;
        }

        public void setSizeBytes(Long sizeBytes) {
            this.sizeBytes = sizeBytes;
        }

        public String getPolicy() {
            return policy;
        }

        public void setPolicy(String policy) {
            this.policy = policy;
        }

        public List<String> getFailedBackups() {
            return failedBackups;
        }

        public void setFailedBackups(List<String> failedBackups) {
            this.failedBackups = failedBackups;
        }

        public String getStartedAt() {
            return startedAt;
        }

        public void setStartedAt(String startedAt) {
            this.startedAt = startedAt;
        }

        public String getRestoredAt() {
            return restoredAt;
        }

        public void setRestoredAt(String restoredAt) {
            this.restoredAt = restoredAt;
        }

        public String getFinishedAt() {
            return finishedAt;
        }

        public void setFinishedAt(String finishedAt) {
            this.finishedAt = finishedAt;
        }
    }

    public Integer getVmid() {
        return vmid;
    }

    public void setVmid(Integer vmid) {
        this.vmid = vmid;
    }

    public String getNode() {
        return node;
    }

    public void setNode(String node) {
        this.node = node;
    }

    public String getPowerState() {
        return powerState;
    }

    public void setPowerState(String powerState) {
        this.powerState = powerState;
    }

    public String getHaState() {
        return haState;
    }

    public void setHaState(String haState) {
        this.haState = haState;
    }

    public Boolean getTemplate() {
        return template;
    }

    public void setTemplate(Boolean template) {
        this.template = template;
    }

    public List<String> getIpAddresses() {
        return ipAddresses;
    }

    public void setIpAddresses(List<String> ipAddresses) {
        this.ipAddresses = ipAddresses;
    }

    public PendingTask getPendingTask() {
        return pendingTask;
    }

    public void setPendingTask(PendingTask pendingTask) {
        this.pendingTask = pendingTask;
    }

    public List<String> getPendingChanges() {
        return pendingChanges;
    }

    public void setPendingChanges(List<String> pendingChanges) {
        this.pendingChanges = pendingChanges;
    }

    public String getPlacement() {
        return placement;
    }

    public void setPlacement(String placement) {
        this.placement = placement;
    }

    public String getAppliedPlacement() {
        return appliedPlacement;
    }

    public void setAppliedPlacement(String appliedPlacement) {
        this.appliedPlacement = appliedPlacement;
    }

    public String getAppliedSecretsVersion() {
        return appliedSecretsVersion;
    }

    public void setAppliedSecretsVersion(String appliedSecretsVersion) {
        this.appliedSecretsVersion = appliedSecretsVersion;
    }

    public Integer getFailedAttempts() {
        return failedAttempts;
    }

    public void setFailedAttempts(Integer failedAttempts) {
        this.failedAttempts = failedAttempts;
    }

    public Boolean getInstallerBooted() {
        return installerBooted;
    }

    public void setInstallerBooted(Boolean installerBooted) {
        this.installerBooted = installerBooted;
    }

    public BackupRef getLastBackup() {
        return lastBackup;
    }

    public void setLastBackup(BackupRef lastBackup) {
        this.lastBackup = lastBackup;
    }

    /** A backup volume of this VM. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class BackupRef {
        private String volume;
        private String time;
        private Long sizeBytes;

        public String getVolume() {
            return volume;
        }

        public void setVolume(String volume) {
            this.volume = volume;
        }

        public String getTime() {
            return time;
        }

        public void setTime(String time) {
            this.time = time;
        }

        public Long getSizeBytes() {
            return sizeBytes;
        }

        public void setSizeBytes(Long sizeBytes) {
            this.sizeBytes = sizeBytes;
        }
    }
}
