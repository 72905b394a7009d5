package io.pveha.api.backup;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.pveha.api.DrillStep;
import io.pveha.api.PendingTask;
import io.pveha.api.PvehaStatus;
import java.util.ArrayList;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class BackupPolicyStatus extends PvehaStatus {
    @JsonPropertyDescription("The PVE backup job id (/cluster/backup/{id}).")
    private String jobId;

    @JsonPropertyDescription("Next scheduled run as PVE computes it (RFC 3339).")
    private String nextRun;

    @JsonPropertyDescription("VMIDs the selection resolves to now.")
    private List<Integer> selectedVmids = new ArrayList<>();

    private Integer vmCount;

    private Run lastRun;

    @JsonPropertyDescription(
            "An on-demand run in flight: each vzdump task is recorded in tasks before PVE is asked to start it.")
    private Run pendingRun;

    @JsonPropertyDescription(
            "A scheduled run PVE started (the job's next run moved on), followed until its vzdump tasks end.")
    private Run scheduledRun;

    @JsonPropertyDescription("Per VM: the latest good backup.")
    private List<VmBackup> vms = new ArrayList<>();

    @JsonPropertyDescription("Selected VMs with no good backup yet.")
    private List<Integer> notCovered = new ArrayList<>();

    @JsonPropertyDescription("Backup volumes the next prune would remove.")
    private List<String> retentionPreview = new ArrayList<>();

    @JsonPropertyDescription("The value of the backup-now annotation last acted upon.")
    private String handledBackupNow;

    private DrillStatus drill;

    @JsonPropertyDescription(
            "The PVE cluster (its name) the job, runs and drill above belong to; when the ProxmoxCluster reaches another (disaster recovery), the runs and drill in flight there are abandoned and the job is made anew.")
    private String pveCluster;

    public String getPveCluster() {
        return pveCluster;
    }

    public void setPveCluster(String pveCluster) {
        this.pveCluster = pveCluster;
    }

    public String getJobId() {
        return jobId;
    }

    public void setJobId(String jobId) {
        this.jobId = jobId;
    }

    public String getNextRun() {
        return nextRun;
    }

    public void setNextRun(String nextRun) {
        this.nextRun = nextRun;
    }

    public List<Integer> getSelectedVmids() {
        return selectedVmids;
    }

    public void setSelectedVmids(List<Integer> selectedVmids) {
        this.selectedVmids = selectedVmids;
    }

    public Integer getVmCount() {
        return vmCount;
    }

    public void setVmCount(Integer vmCount) {
        this.vmCount = vmCount;
    }

    public Run getLastRun() {
        return lastRun;
    }

    public void setLastRun(Run lastRun) {
        this.lastRun = lastRun;
    }

    public Run getPendingRun() {
        return pendingRun;
    }

    public void setPendingRun(Run pendingRun) {
        this.pendingRun = pendingRun;
    }

    public Run getScheduledRun() {
        return scheduledRun;
    }

    public void setScheduledRun(Run scheduledRun) {
        this.scheduledRun = scheduledRun;
    }

    public List<VmBackup> getVms() {
        return vms;
    }

    public void setVms(List<VmBackup> vms) {
        this.vms = vms;
    }

    public List<Integer> getNotCovered() {
        return notCovered;
    }

    public void setNotCovered(List<Integer> notCovered) {
        this.notCovered = notCovered;
    }

    public List<String> getRetentionPreview() {
        return retentionPreview;
    }

    public void setRetentionPreview(List<String> retentionPreview) {
        this.retentionPreview = retentionPreview;
    }

    public String getHandledBackupNow() {
        return handledBackupNow;
    }

    public void setHandledBackupNow(String handledBackupNow) {
        this.handledBackupNow = handledBackupNow;
    }

    public DrillStatus getDrill() {
        return drill;
    }

    public void setDrill(DrillStatus drill) {
        this.drill = drill;
    }

    /** One backup run (scheduled or on demand). */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class Run {
        @JsonPropertyDescription("The first vzdump task of the run (one per node).")
        private String upid;

        @JsonPropertyDescription("Every vzdump task of the run, one per node holding selected VMs.")
        private List<String> upids = new ArrayList<>();

        @JsonPropertyDescription(
                "The vzdump tasks of an on-demand run still in flight, one per node (write-ahead records).")
        private List<PendingTask> tasks = new ArrayList<>();

        @JsonPropertyDescription("scheduled or on-demand.")
        private String trigger;

        private String startedAt;
        private String finishedAt;

        @JsonPropertyDescription("running, ok, partial or failed.")
        private String result;

        private String message;
        private List<VmOutcome> vms = new ArrayList<>();

        public String getUpid() {
            return upid;
        }

        public void setUpid(String upid) {
            this.upid = upid;
        }

        public List<String> getUpids() {
            return upids;
        }

        public void setUpids(List<String> upids) {
            this.upids = upids;
        }

        public List<PendingTask> getTasks() {
            return tasks;
        }

        public void setTasks(List<PendingTask> tasks) {
            this.tasks = tasks;
        }

        public String getTrigger() {
            return trigger;
        }

        public void setTrigger(String trigger) {
            this.trigger = trigger;
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

        public String getResult() {
            return result;
        }

        public void setResult(String result) {
            this.result = result;
        }

        public String getMessage() {
            return message;
        }

        public void setMessage(String message) {
            this.message = message;
        }

        public List<VmOutcome> getVms() {
            return vms;
        }

        public void setVms(List<VmOutcome> vms) {
            this.vms = vms;
        }
    }

    /** Outcome of one VM in a run. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class VmOutcome {
        private Integer vmid;
        private String result;
        private String volume;
        private String message;

        public Integer getVmid() {
            return vmid;
        }

        public void setVmid(Integer vmid) {
            this.vmid = vmid;
        }

        public String getResult() {
            return result;
        }

        public void setResult(String result) {
            this.result = result;
        }

        public String getVolume() {
            return volume;
        }

        public void setVolume(String volume) {
            this.volume = volume;
        }

        public String getMessage() {
            return message;
        }

        public void setMessage(String message) {
            this.message = message;
        }
    }

    /** The latest good backup of a VM. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class VmBackup {
        private Integer vmid;
        private String haVm;
        private String volume;
        private String time;
        private Long sizeBytes;
        private Integer count;

        @JsonPropertyDescription(
                "How the backups were tied to the HaVm: notes (the archive's notes name it, pveha.io/havm=<namespace>/<vm name>, so it is known on any cluster mounting the storage) or vmid (older archives without the marker).")
        private String identifiedBy;

        @JsonPropertyDescription(
                "Older good backups of the VM, newest first (up to 3): a restore falls back to them when the latest cannot be restored.")
        private List<BackupVolume> previous = new ArrayList<>();

        @JsonPropertyDescription(
                "The PVE cluster whose vzdump wrote the latest backup (from its notes).")
        private String writtenBy;

        public String getIdentifiedBy() {
            return identifiedBy;
        }

        public void setIdentifiedBy(String identifiedBy) {
            this.identifiedBy = identifiedBy;
        }

        public List<BackupVolume> getPrevious() {
            return previous;
        }

        public void setPrevious(List<BackupVolume> previous) {
            this.previous = previous;
        }

        public String getWrittenBy() {
            return writtenBy;
        }

        public void setWrittenBy(String writtenBy) {
            this.writtenBy = writtenBy;
        }

        public Integer getVmid() {
            return vmid;
        }

        public void setVmid(Integer vmid) {
            this.vmid = vmid;
        }

        public String getHaVm() {
            return haVm;
        }

        public void setHaVm(String haVm) {
            this.haVm = haVm;
        }

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

        public Integer getCount() {
            return count;
        }

        public void setCount(Integer count) {
            this.count = count;
        }
    }

    /** One backup volume: an older restore point of a VM. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class BackupVolume {
        private String volume;
        private String time;
        private Long sizeBytes;

        public BackupVolume() {}

        public BackupVolume(String volume, String time, Long sizeBytes) {
            this.volume = volume;
            this.time = time;
            this.sizeBytes = sizeBytes;
        }

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

    /**
     * The restore drill: the last (or the running) drill, one VM at a time, and when the next one
     * is due.
     */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class DrillStatus {
        @JsonPropertyDescription("Next scheduled drill (RFC 3339, UTC) while spec.drill.enabled.")
        private String nextRun;

        @JsonPropertyDescription("The value of the drill-now annotation last acted upon.")
        private String handledDrillNow;

        @JsonPropertyDescription("scheduled or on-demand.")
        private String trigger;

        @JsonPropertyDescription("When the last (or running) drill started.")
        private String lastRun;

        private String finishedAt;

        @JsonPropertyDescription("running, passed or failed.")
        private String result;

        private String message;

        @JsonPropertyDescription(
                "One entry per VM drilled, in order; the scratch VMID is recorded before the restore is sent.")
        private List<DrillVm> vms = new ArrayList<>();

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

        public String getFinishedAt() {
            return finishedAt;
        }

        public void setFinishedAt(String finishedAt) {
            this.finishedAt = finishedAt;
        }

        public String getResult() {
            return result;
        }

        public void setResult(String result) {
            this.result = result;
        }

        public String getMessage() {
            return message;
        }

        public void setMessage(String message) {
            this.message = message;
        }

        public List<DrillVm> getVms() {
            return vms;
        }

        public void setVms(List<DrillVm> vms) {
            this.vms = vms;
        }
    }

    /** One VM of a drill: its backup, the scratch VM it was restored to, and how far it got. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class DrillVm implements DrillStep {
        private Integer vmid;
        private String haVm;

        @JsonPropertyDescription(
                "The backup restored (the latest good one when the drill started).")
        private String volume;

        @JsonPropertyDescription(
                "The VMID the backup is restored to; only a VM with this VMID and the drill's marks is ever destroyed.")
        private Integer scratchVmid;

        private String node;

        @JsonPropertyDescription(
                "Pending, Restoring, Configuring, Starting, Booting, CleaningUp or Done.")
        private String phase;

        @JsonPropertyDescription(
                "The task id (UPID) of the current phase's task, once PVE answered (the same as task.upid).")
        private String upid;

        @JsonPropertyDescription(
                "The PVE task of the current phase, recorded before PVE is asked to start it.")
        private PendingTask task;

        @JsonPropertyDescription(
                "Passed or Failed (set when the VM is done, or when it failed and is being cleaned up).")
        private String result;

        private String reason;
        private String startedAt;

        @JsonPropertyDescription("Deadline of the Booting phase (RFC 3339).")
        private String bootDeadline;

        private String finishedAt;

        public Integer getVmid() {
            return vmid;
        }

        public void setVmid(Integer vmid) {
            this.vmid = vmid;
        }

        public String getHaVm() {
            return haVm;
        }

        public void setHaVm(String haVm) {
            this.haVm = haVm;
        }

        public String getVolume() {
            return volume;
        }

        public void setVolume(String volume) {
            this.volume = volume;
        }

        public Integer getScratchVmid() {
            return scratchVmid;
        }

        public void setScratchVmid(Integer scratchVmid) {
            this.scratchVmid = scratchVmid;
        }

        public String getNode() {
            return node;
        }

        public void setNode(String node) {
            this.node = node;
        }

        public String getPhase() {
            return phase;
        }

        public void setPhase(String phase) {
            this.phase = phase;
        }

        public String getUpid() {
            return upid;
        }

        public void setUpid(String upid) {
            this.upid = upid;
        }

        public PendingTask getTask() {
            return task;
        }

        public void setTask(PendingTask task) {
            this.task = task;
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

        public String getStartedAt() {
            return startedAt;
        }

        public void setStartedAt(String startedAt) {
            this.startedAt = startedAt;
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
