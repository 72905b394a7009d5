package io.pveha.api.cluster;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/**
 * What the operator knows of the platform's disaster recovery: where it runs, whether the standby
 * could take it, and the recovery in progress (or the last one).
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class DisasterRecoveryStatus {
    @JsonPropertyDescription("primary or standby: the cluster the platform's resources talk to.")
    private String activeCluster;

    @JsonPropertyDescription(
            "The PVE cluster the platform ran on before the switch (its name, from /cluster/status).")
    private String primaryClusterName;

    @JsonPropertyDescription(
            "The other cluster as the operator sees it: the standby (could it take the platform?) or, after the switch, the lost primary.")
    private SiteInfo other;

    private Recovery recovery;

    public String getActiveCluster() {
        return activeCluster;
    }

    public void setActiveCluster(String activeCluster) {
        this.activeCluster = activeCluster;
    }

    public String getPrimaryClusterName() {
        return primaryClusterName;
    }

    public void setPrimaryClusterName(String primaryClusterName) {
        this.primaryClusterName = primaryClusterName;
    }

    public SiteInfo getOther() {
        return other;
    }

    public void setOther(SiteInfo other) {
        this.other = other;
    }

    public Recovery getRecovery() {
        return recovery;
    }

    public void setRecovery(Recovery recovery) {
        this.recovery = recovery;
    }

    /** The cluster that is not active, from its own poll. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class SiteInfo {
        @JsonPropertyDescription("standby or primary.")
        private String role;

        private String clusterName;

        @JsonPropertyDescription("Its last poll succeeded.")
        private Boolean reachable;

        private String message;
        private String lastPollTime;

        @JsonPropertyDescription("Online/total nodes.")
        private String nodesSummary;

        @JsonPropertyDescription(
                "The platform's VMs it runs (by the HaVms' owner tags): after the switch, restores wait while the lost primary still runs any.")
        private Integer platformVmsRunning;

        @JsonPropertyDescription(
                "The BackupPolicies' storages as this cluster has them: a standby must mount them to restore.")
        private List<StorageReadiness> backupStorages = new ArrayList<>();

        public String getRole() {
            return role;
        }

        public void setRole(String role) {
            this.role = role;
        }

        public String getClusterName() {
            return clusterName;
        }

        public void setClusterName(String clusterName) {
            this.clusterName = clusterName;
        }

        public Boolean getReachable() {
            return reachable;
        }

        public void setReachable(Boolean reachable) {
            this.reachable = reachable;
        }

        public String getMessage() {
            return message;
        }

        public void setMessage(String message) {
            this.message = message;
        }

        public String getLastPollTime() {
            return lastPollTime;
        }

        public void setLastPollTime(String lastPollTime) {
            this.lastPollTime = lastPollTime;
        }

        public String getNodesSummary() {
            return nodesSummary;
        }

        public void setNodesSummary(String nodesSummary) {
            this.nodesSummary = nodesSummary;
        }

        public Integer getPlatformVmsRunning() {
            return platformVmsRunning;
        }

        public void setPlatformVmsRunning(Integer platformVmsRunning) {
            this.platformVmsRunning = platformVmsRunning;
        }

        public List<StorageReadiness> getBackupStorages() {
            return backupStorages;
        }

        public void setBackupStorages(List<StorageReadiness> backupStorages) {
            this.backupStorages = backupStorages;
        }
    }

    /** A BackupPolicy's storage on a cluster. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class StorageReadiness {
        private String name;

        @JsonPropertyDescription("The BackupPolicies that back up to it.")
        private List<String> policies = new ArrayList<>();

        @JsonPropertyDescription("Defined in the cluster's storage.cfg.")
        private Boolean defined;

        @JsonPropertyDescription("Mounted and active on at least one online node.")
        private Boolean active;

        @JsonPropertyDescription(
                "Declared as an NFS export (spec.storage.nfs), so the operator can attach it on a new cluster.")
        private Boolean attachable;

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public List<String> getPolicies() {
            return policies;
        }

        public void setPolicies(List<String> policies) {
            this.policies = policies;
        }

        public Boolean getDefined() {
            return defined;
        }

        public void setDefined(Boolean defined) {
            this.defined = defined;
        }

        public Boolean getActive() {
            return active;
        }

        public void setActive(Boolean active) {
            this.active = active;
        }

        public Boolean getAttachable() {
            return attachable;
        }

        public void setAttachable(Boolean attachable) {
            this.attachable = attachable;
        }
    }

    /** The rebuild of the platform after the switch. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class Recovery {
        @JsonPropertyDescription(
                "WaitingForPrimaryDown, PreparingStorage, Restoring, Completed or CompletedWithFailures.")
        private String phase;

        private String message;

        @JsonPropertyDescription("When the operator first saw the switch (RFC 3339).")
        private String startedAt;

        private String finishedAt;

        @JsonPropertyDescription("The PVE cluster the platform is rebuilt on.")
        private String targetClusterName;

        @JsonPropertyDescription("The restore stage running now (restoreOrder), e.g. 2/3 pos.")
        private String stage;

        private Integer vmsTotal;

        @JsonPropertyDescription("HaVms restored and Ready on the target.")
        private Integer vmsRestored;

        @JsonPropertyDescription("HaVms whose restore runs now.")
        private Integer vmsRestoring;

        @JsonPropertyDescription("HaVms with no backup left to try.")
        private Integer vmsFailed;

        @JsonPropertyDescription("Size of the backups being restored (archive sizes), in bytes.")
        private Long bytesTotal;

        private Long bytesRestored;

        @JsonPropertyDescription("Seconds since the switch (until the end once finished).")
        private Long elapsedSeconds;

        @JsonPropertyDescription(
                "Estimated seconds left, from the archive bytes still to restore at the pace so far.")
        private Long estimatedRemainingSeconds;

        public String getPhase() {
            return phase;
        }

        public void setPhase(String phase) {
            this.phase = phase;
        }

        public String getMessage() {
            return message;
        }

        public void setMessage(String message) {
            this.message = message;
        }

        public String getStartedAt() {
            return startedAt;
        }

        public void setStartedAt(String startedAt) {
            this.startedAt = startedAt;
        }

        public String getFinishedAt() {
            return finishedAt;
        }

        public void setFinishedAt(String finishedAt) {
            this.finishedAt = finishedAt;
        }

        public String getTargetClusterName() {
            return targetClusterName;
        }

        public void setTargetClusterName(String targetClusterName) {
            this.targetClusterName = targetClusterName;
        }

        public String getStage() {
            return stage;
        }

        public void setStage(String stage) {
            this.stage = stage;
        }

        public Integer getVmsTotal() {
            return vmsTotal;
        }

        public void setVmsTotal(Integer vmsTotal) {
            this.vmsTotal = vmsTotal;
        }

        public Integer getVmsRestored() {
            return vmsRestored;
        }

        public void setVmsRestored(Integer vmsRestored) {
            this.vmsRestored = vmsRestored;
        }

        public Integer getVmsRestoring() {
            return vmsRestoring;
        }

        public void setVmsRestoring(Integer vmsRestoring) {
            this.vmsRestoring = vmsRestoring;
        }

        public Integer getVmsFailed() {
            return vmsFailed;
        }

        public void setVmsFailed(Integer vmsFailed) {
            this.vmsFailed = vmsFailed;
        }

        public Long getBytesTotal() {
            return bytesTotal;
        }

        public void setBytesTotal(Long bytesTotal) {
            this.bytesTotal = bytesTotal;
        }

        public Long getBytesRestored() {
            return bytesRestored;
        }

        public void setBytesRestored(Long bytesRestored) {
            this.bytesRestored = bytesRestored;
        }

        public Long getElapsedSeconds() {
            return elapsedSeconds;
        }

        public void setElapsedSeconds(Long elapsedSeconds) {
            this.elapsedSeconds = elapsedSeconds;
        }

        public Long getEstimatedRemainingSeconds() {
            return estimatedRemainingSeconds;
        }

        public void setEstimatedRemainingSeconds(Long estimatedRemainingSeconds) {
            this.estimatedRemainingSeconds = estimatedRemainingSeconds;
        }
    }
}
