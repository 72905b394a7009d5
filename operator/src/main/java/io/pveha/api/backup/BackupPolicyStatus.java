package io.pveha.api.backup;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
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

    @JsonPropertyDescription("An on-demand run in flight.")
    private Run pendingRun;

    @JsonPropertyDescription("Per VM: the latest good backup.")
    private List<VmBackup> vms = new ArrayList<>();

    @JsonPropertyDescription("Selected VMs with no good backup yet.")
    private List<Integer> notCovered = new ArrayList<>();

    @JsonPropertyDescription("Backup volumes the next prune would remove.")
    private List<String> retentionPreview = new ArrayList<>();

    @JsonPropertyDescription("The value of the backup-now annotation last acted upon.")
    private String handledBackupNow;

    private DrillStatus drill;

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

    /** Result of the last restore drill. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class DrillStatus {
        private String lastRun;
        @JsonPropertyDescription("passed, failed or running.")
        private String result;
        private List<VmOutcome> vms = new ArrayList<>();

        public String getLastRun() {
            return lastRun;
        }

        public void setLastRun(String lastRun) {
            this.lastRun = lastRun;
        }

        public String getResult() {
            return result;
        }

        public void setResult(String result) {
            this.result = result;
        }

        public List<VmOutcome> getVms() {
            return vms;
        }

        public void setVms(List<VmOutcome> vms) {
            this.vms = vms;
        }
    }
}
