package io.pveha.api.ceph;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.pveha.api.DeletionPolicy;
import io.pveha.api.ObjectRef;
import io.pveha.api.Patterns;

@ValidationRule(
        value = "(has(self.minSize) ? self.minSize : 2) <= (has(self.size) ? self.size : 3)",
        message = "minSize (default 2) must not exceed size (default 3)")
@ValidationRule(
        value =
                "!(has(self.addStorage) && self.addStorage) || !has(self.poolName) || self.poolName.matches('"
                        + Patterns.PVE_STORAGE_ID
                        + "')",
        message =
                "with addStorage, poolName is also the PVE storage id: it must start with a letter and end with a letter or digit")
@ValidationRule(
        value = "!(has(self.targetSize) && has(self.targetSizeRatio))",
        message = "set targetSize or targetSizeRatio, not both")
@ValidationRule(
        value =
                "!has(oldSelf.poolName) || (has(self.poolName) && self.poolName == oldSelf.poolName)",
        message = "spec.poolName is immutable once set")
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class CephPoolSpec {
    @Required
    @ValidationRule(value = "self == oldSelf", message = "spec.clusterRef is immutable")
    private ObjectRef clusterRef;

    @Size(max = 127)
    @Pattern("^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    @JsonPropertyDescription(
            "Ceph pool name (default: metadata.name). Letters, digits, '_', '.', '-' only, so the PVE storage can share it.")
    private String poolName;

    @Min(1)
    @Max(7)
    @JsonPropertyDescription("Replicas (default 3).")
    private Integer size;

    @Min(1)
    @Max(7)
    @JsonPropertyDescription("Replicas needed to serve I/O (default 2).")
    private Integer minSize;

    @Min(1)
    @Max(32768)
    @JsonPropertyDescription(
            "Placement groups (default 128; the autoscaler may change it unless pgAutoscaleMode is off).")
    private Integer pgNum;

    private AutoscaleMode pgAutoscaleMode;

    private Application application;

    @Size(max = 128)
    @Pattern("^[A-Za-z0-9_.-]+$")
    @JsonPropertyDescription("CRUSH rule name (default replicated_rule).")
    private String crushRule;

    @Min(0)
    @JsonPropertyDescription("Expected share of the cluster's capacity, for the autoscaler.")
    private Double targetSizeRatio;

    @Pattern("^[0-9]+(\\.[0-9]+)?[KMGT]?$")
    @JsonPropertyDescription("Expected size, e.g. 500G, for the autoscaler.")
    private String targetSize;

    @JsonPropertyDescription(
            "Also create the PVE RBD storage (same name as the pool) for VM disks.")
    private Boolean addStorage;

    @JsonPropertyDescription(
            "Retain (default). Delete destroys the pool, only when no VM disk lives in it and the confirm-delete annotation names the pool.")
    private DeletionPolicy deletionPolicy;

    public ObjectRef getClusterRef() {
        return clusterRef;
    }

    public void setClusterRef(ObjectRef clusterRef) {
        this.clusterRef = clusterRef;
    }

    public String getPoolName() {
        return poolName;
    }

    public void setPoolName(String poolName) {
        this.poolName = poolName;
    }

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

    public AutoscaleMode getPgAutoscaleMode() {
        return pgAutoscaleMode;
    }

    public void setPgAutoscaleMode(AutoscaleMode pgAutoscaleMode) {
        this.pgAutoscaleMode = pgAutoscaleMode;
    }

    public Application getApplication() {
        return application;
    }

    public void setApplication(Application application) {
        this.application = application;
    }

    public String getCrushRule() {
        return crushRule;
    }

    public void setCrushRule(String crushRule) {
        this.crushRule = crushRule;
    }

    public Double getTargetSizeRatio() {
        return targetSizeRatio;
    }

    public void setTargetSizeRatio(Double targetSizeRatio) {
        this.targetSizeRatio = targetSizeRatio;
    }

    public String getTargetSize() {
        return targetSize;
    }

    public void setTargetSize(String targetSize) {
        this.targetSize = targetSize;
    }

    public Boolean getAddStorage() {
        return addStorage;
    }

    public void setAddStorage(Boolean addStorage) {
        this.addStorage = addStorage;
    }

    public DeletionPolicy getDeletionPolicy() {
        return deletionPolicy;
    }

    public void setDeletionPolicy(DeletionPolicy deletionPolicy) {
        this.deletionPolicy = deletionPolicy;
    }

    /** PG autoscaler mode. */
    public enum AutoscaleMode {
        on,
        off,
        warn
    }

    /** Ceph application tag of the pool. */
    public enum Application {
        rbd,
        cephfs,
        rgw
    }
}
