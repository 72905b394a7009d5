package io.pveha.api.ceph;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.pveha.api.PendingTask;
import io.pveha.api.PvehaStatus;
import java.util.ArrayList;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class CephPoolStatus extends PvehaStatus {
    private String poolName;

    private Integer poolId;

    @JsonPropertyDescription("Settings as Ceph reports them.")
    private Observed observed;

    private Usage usage;

    private List<PgState> pgStates = new ArrayList<>();

    @JsonPropertyDescription("Ceph health checks that concern this pool, e.g. POOL_NEARFULL.")
    private List<String> healthChecks = new ArrayList<>();

    @JsonPropertyDescription("The PVE RBD storage backed by this pool, if any.")
    private String storage;

    @JsonPropertyDescription("VM disks in the pool, as PVE volume ids (they block deletion).")
    private List<String> images = new ArrayList<>();

    @JsonPropertyDescription(
            "The PVE task in flight, if any (its intent is written before the call that starts it).")
    private PendingTask pendingTask;

    public String getPoolName() {
        return poolName;
    }

    public void setPoolName(String poolName) {
        this.poolName = poolName;
    }

    public Integer getPoolId() {
        return poolId;
    }

    public void setPoolId(Integer poolId) {
        this.poolId = poolId;
    }

    public Observed getObserved() {
        return observed;
    }

    public void setObserved(Observed observed) {
        this.observed = observed;
    }

    public Usage getUsage() {
        return usage;
    }

    public void setUsage(Usage usage) {
        this.usage = usage;
    }

    public List<PgState> getPgStates() {
        return pgStates;
    }

    public void setPgStates(List<PgState> pgStates) {
        this.pgStates = pgStates;
    }

    public List<String> getHealthChecks() {
        return healthChecks;
    }

    public void setHealthChecks(List<String> healthChecks) {
        this.healthChecks = healthChecks;
    }

    public String getStorage() {
        return storage;
    }

    public void setStorage(String storage) {
        this.storage = storage;
    }

    public List<String> getImages() {
        return images;
    }

    public void setImages(List<String> images) {
        this.images = images;
    }

    public PendingTask getPendingTask() {
        return pendingTask;
    }

    public void setPendingTask(PendingTask pendingTask) {
        this.pendingTask = pendingTask;
    }

    /** Pool settings as observed. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class Observed {
        private Integer size;
        private Integer minSize;
        private Integer pgNum;
        private String pgAutoscaleMode;
        private String application;
        private String crushRule;
        private String targetSizeRatio;
        private String targetSize;

        public Integer getSize() {
            return size;
        }

        public void setSize(Integer size) {
            this.size = size;
        }

        public Integer getMinSize() {
            return minSize;
        }

        public void setMinSize(Integer minSize) {
            this.minSize = minSize;
        }

        public Integer getPgNum() {
            return pgNum;
        }

        public void setPgNum(Integer pgNum) {
            this.pgNum = pgNum;
        }

        public String getPgAutoscaleMode() {
            return pgAutoscaleMode;
        }

        public void setPgAutoscaleMode(String pgAutoscaleMode) {
            this.pgAutoscaleMode = pgAutoscaleMode;
        }

        public String getApplication() {
            return application;
        }

        public void setApplication(String application) {
            this.application = application;
        }

        public String getCrushRule() {
            return crushRule;
        }

        public void setCrushRule(String crushRule) {
            this.crushRule = crushRule;
        }

        public String getTargetSizeRatio() {
            return targetSizeRatio;
        }

        public void setTargetSizeRatio(String targetSizeRatio) {
            this.targetSizeRatio = targetSizeRatio;
        }

        public String getTargetSize() {
            return targetSize;
        }

        public void setTargetSize(String targetSize) {
            this.targetSize = targetSize;
        }
    }

    /** Space used by the pool. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class Usage {
        private Long bytesUsed;

        @JsonPropertyDescription("Percent of the pool's capacity in use, e.g. 12.5%.")
        private String percentUsed;

        public Long getBytesUsed() {
            return bytesUsed;
        }

        public void setBytesUsed(Long bytesUsed) {
            this.bytesUsed = bytesUsed;
        }

        public String getPercentUsed() {
            return percentUsed;
        }

        public void setPercentUsed(String percentUsed) {
            this.percentUsed = percentUsed;
        }
    }

    /** Placement groups in one state. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class PgState {
        private String state;
        private Integer count;

        public String getState() {
            return state;
        }

        public void setState(String state) {
            this.state = state;
        }

        public Integer getCount() {
            return count;
        }

        public void setCount(Integer count) {
            this.count = count;
        }
    }
}
