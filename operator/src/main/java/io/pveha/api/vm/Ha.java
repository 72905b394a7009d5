package io.pveha.api.vm;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.pveha.api.Patterns;
import java.util.ArrayList;
import java.util.List;

/**
 * PVE HA membership and placement: a placement policy of the ProxmoxCluster (or preferred nodes of
 * its own), and other HaVms to keep apart from or together with. Rendered as HA groups on PVE 8 and
 * as HA rules on PVE 9.
 */
@ValidationRule(
        value = "!(has(self.group) && has(self.preferredNodes) && self.preferredNodes.size() > 0)",
        message = "set ha.group or ha.preferredNodes, not both")
@ValidationRule(
        value = "!(has(self.placementPolicy) && has(self.group))",
        message = "set ha.placementPolicy or the deprecated ha.group, not both")
@ValidationRule(
        value =
                "!(has(self.placementPolicy) && has(self.preferredNodes) && self.preferredNodes.size() > 0)",
        message = "set ha.placementPolicy or ha.preferredNodes, not both")
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class Ha {
    @JsonPropertyDescription("Register the VM as PVE HA resource vm:<vmid>.")
    private Boolean enabled;

    @Size(max = 64)
    @Pattern(Patterns.PVE_HA_GROUP)
    @JsonPropertyDescription(
            "A placement policy of the ProxmoxCluster (spec.placementPolicies): where the VM may and prefers to run.")
    private String placementPolicy;

    @JsonPropertyDescription(
            "Other HaVms this VM must never run on the same node with (PVE 9 resource affinity, negative).")
    private HaVmSet keepApartFrom;

    @JsonPropertyDescription(
            "Other HaVms this VM must always run on the same node with (PVE 9 resource affinity, positive).")
    private HaVmSet keepTogetherWith;

    @Size(max = 64)
    @Pattern(Patterns.PVE_HA_GROUP)
    @JsonPropertyDescription(
            "Deprecated, use placementPolicy: an HA group of the ProxmoxCluster (spec.haGroups) or existing in PVE 8.")
    private String group;

    @Size(max = 16)
    @ValidationRule(
            value = "self.all(n, self.exists_one(m, m == n))",
            message = "preferred nodes must be distinct")
    @JsonPropertyDescription(
            "Nodes to prefer, highest priority first; the operator keeps a group for this VM.")
    private List<@Size(max = 63) @Pattern(Patterns.PVE_NODE) String> preferredNodes =
            new ArrayList<>();

    @Min(0)
    @Max(10)
    @JsonPropertyDescription("Restarts on the same node before relocating (PVE default 1).")
    private Integer maxRestart;

    @Min(0)
    @Max(10)
    @JsonPropertyDescription("Relocations to other nodes before giving up (PVE default 1).")
    private Integer maxRelocate;

    public Boolean getEnabled() {
        return enabled;
    }

    public void setEnabled(Boolean enabled) {
        this.enabled = enabled;
    }

    public String getPlacementPolicy() {
        return placementPolicy;
    }

    public void setPlacementPolicy(String placementPolicy) {
        this.placementPolicy = placementPolicy;
    }

    public HaVmSet getKeepApartFrom() {
        return keepApartFrom;
    }

    public void setKeepApartFrom(HaVmSet keepApartFrom) {
        this.keepApartFrom = keepApartFrom;
    }

    public HaVmSet getKeepTogetherWith() {
        return keepTogetherWith;
    }

    public void setKeepTogetherWith(HaVmSet keepTogetherWith) {
        this.keepTogetherWith = keepTogetherWith;
    }

    /** The placement policy or group by name: placementPolicy, else the deprecated group. */
    public String policyName() {
        return placementPolicy != null ? placementPolicy : group;
    }

    public String getGroup() {
        return group;
    }

    public void setGroup(String group) {
        this.group = group;
    }

    public List<String> getPreferredNodes() {
        return preferredNodes;
    }

    public void setPreferredNodes(List<String> preferredNodes) {
        this.preferredNodes = preferredNodes;
    }

    public Integer getMaxRestart() {
        return maxRestart;
    }

    public void setMaxRestart(Integer maxRestart) {
        this.maxRestart = maxRestart;
    }

    public Integer getMaxRelocate() {
        return maxRelocate;
    }

    public void setMaxRelocate(Integer maxRelocate) {
        this.maxRelocate = maxRelocate;
    }
}
