package io.pveha.api.cluster;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.pveha.api.DrillStep;
import io.pveha.api.PendingTask;
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

    @JsonPropertyDescription(
            "The last (or running) disaster-recovery drill: the platform restored on the standby with its NICs down, booted, timed and destroyed.")
    private Drill drill;

    public Drill getDrill() {
        return drill;
    }

    public void setDrill(Drill drill) {
        this.drill = drill;
    }

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

    /** The disaster-recovery drill's record. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class Drill {
        @JsonPropertyDescription("scheduled or on-demand.")
        private String trigger;

        @JsonPropertyDescription("When the last drill began (RFC 3339).")
        private String lastRun;

        @JsonPropertyDescription(
                "When the schedule runs the next drill (RFC 3339); empty when the drill is not enabled.")
        private String nextRun;

        @JsonPropertyDescription("The last pveha.io/drill-now value acted on.")
        private String handledDrillNow;

        @JsonPropertyDescription("running, passed or failed.")
        private String result;

        private String finishedAt;

        @JsonPropertyDescription("The standby PVE cluster the drill restored on.")
        private String targetClusterName;

        @JsonPropertyDescription("When the first restore was sent.")
        private String firstRestoreAt;

        @JsonPropertyDescription(
                "Seconds from the first restore sent to the last VM running: the measured time to rebuild the site (set when the drill passed).")
        private Long recoverySeconds;

        private String message;

        @JsonPropertyDescription(
                "The platform was switched to the standby during the drill: the rest was given up and the scratch VMs cleaned up.")
        private Boolean abandoned;

        @JsonPropertyDescription(
                "The end-of-drill sweep for leftovers (VMs with this cluster's drill marker that status did not know) was done.")
        private Boolean swept;

        @JsonPropertyDescription(
                "Backup storages the drill defined on the standby (it lacked them); removed when the drill ends.")
        private List<String> addedStorages = new ArrayList<>();

        @JsonPropertyDescription(
                "One entry per HaVm, plus leftovers of earlier drills found by the sweep.")
        private List<DrillVm> vms = new ArrayList<>();

        public String getTrigger() {
            return trigger;
        }

        public void setTrigger(String trigger) {
            this.trigger = trigger;
        }

        public String getLastRun() {
            return lastRun;
        }

        public void setLastRun(String lastRun) {
            this.lastRun = lastRun;
        }

        public String getNextRun() {
            return nextRun;
        }

        public void setNextRun(String nextRun) {
            this.nextRun = nextRun;
        }

        public String getHandledDrillNow() {
            return handledDrillNow;
        }

        public void setHandledDrillNow(String handledDrillNow) {
            this.handledDrillNow = handledDrillNow;
        }

        public String getResult() {
            return result;
        }

        public void setResult(String result) {
            this.result = result;
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

        public String getFirstRestoreAt() {
            return firstRestoreAt;
        }

        public void setFirstRestoreAt(String firstRestoreAt) {
            this.firstRestoreAt = firstRestoreAt;
        }

        public Long getRecoverySeconds() {
            return recoverySeconds;
        }

        public void setRecoverySeconds(Long recoverySeconds) {
            this.recoverySeconds = recoverySeconds;
        }

        public String getMessage() {
            return message;
        }

        public void setMessage(String message) {
            this.message = message;
        }

        public Boolean getAbandoned() {
            return abandoned;
        }

        public void setAbandoned(Boolean abandoned) {
            this.abandoned = abandoned;
        }

        public Boolean getSwept() {
            return swept;
        }

        public void setSwept(Boolean swept) {
            this.swept = swept;
        }

        public List<String> getAddedStorages() {
            return addedStorages;
        }

        public void setAddedStorages(List<String> addedStorages) {
            this.addedStorages = addedStorages;
        }

        public List<DrillVm> getVms() {
            return vms;
        }

        public void setVms(List<DrillVm> vms) {
            this.vms = vms;
        }
    }

    /** One VM of the drill. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class DrillVm implements DrillStep {
        @JsonPropertyDescription("The HaVm restored (empty for a leftover).")
        private String haVm;

        @JsonPropertyDescription(
                "A VM of an earlier drill found by the sweep (this cluster's marker, not in status): destroyed.")
        private Boolean leftover;

        @JsonPropertyDescription("The BackupPolicy that lists the backup.")
        private String policy;

        @JsonPropertyDescription("The backup restored.")
        private String volume;

        @JsonPropertyDescription("The restoreOrder stage (0 first).")
        private Integer stage;

        private String node;

        @JsonPropertyDescription(
                "The VMID on the standby (recorded with the restore's intent, before it is sent).")
        private Integer scratchVmid;

        @JsonPropertyDescription(
                "Waiting, Restoring, Configuring, Starting, Booting, Booted, CleaningUp or Done.")
        private String phase;

        @JsonPropertyDescription("Passed or Failed.")
        private String result;

        private String reason;

        @JsonPropertyDescription("The PVE task in flight (intent written before the call).")
        private PendingTask task;

        private String startedAt;

        @JsonPropertyDescription("When the standby's poll first showed it running.")
        private String runningAt;

        private String bootDeadline;

        private String finishedAt;

        public String getHaVm() {
            return haVm;
        }

        public void setHaVm(String haVm) {
            this.haVm = haVm;
        }

        public Boolean getLeftover() {
            return leftover;
        }

        public void setLeftover(Boolean leftover) {
            this.leftover = leftover;
        }

        public String getPolicy() {
            return policy;
        }

        public void setPolicy(String policy) {
            this.policy = policy;
        }

        public String getVolume() {
            return volume;
        }

        public void setVolume(String volume) {
            this.volume = volume;
        }

        public Integer getStage() {
            return stage;
        }

        public void setStage(Integer stage) {
            this.stage = stage;
        }

        public String getNode() {
            return node;
        }

        public void setNode(String node) {
            this.node = node;
        }

        public Integer getScratchVmid() {
            return scratchVmid;
        }

        public void setScratchVmid(Integer scratchVmid) {
            this.scratchVmid = scratchVmid;
        }

        public String getPhase() {
            return phase;
        }

        public void setPhase(String phase) {
            this.phase = phase;
        }

        public String getResult() {
            return result;
        }

        public void setResult(String result) {
            this.result = result;
        }

        public String getReason() {
            return reason;
        }

        public void setReason(String reason) {
            this.reason = reason;
        }

        public PendingTask getTask() {
            return task;
        }

        public void setTask(PendingTask task) {
            this.task = task;
        }

        public String getStartedAt() {
            return startedAt;
        }

        public void setStartedAt(String startedAt) {
            this.startedAt = startedAt;
        }

        public String getRunningAt() {
            return runningAt;
        }

        public void setRunningAt(String runningAt) {
            this.runningAt = runningAt;
        }

        public String getBootDeadline() {
            return bootDeadline;
        }

        public void setBootDeadline(String bootDeadline) {
            this.bootDeadline = bootDeadline;
        }

        public String getFinishedAt() {
            return finishedAt;
        }

        public void setFinishedAt(String finishedAt) {
            this.finishedAt = finishedAt;
        }
    }
}
