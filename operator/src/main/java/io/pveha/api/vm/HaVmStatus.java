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
