package io.pveha.api.vm;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.pveha.api.Patterns;
import java.util.ArrayList;
import java.util.List;

/**
 * Other HaVms of the same ProxmoxCluster and namespace, by name, by label selector, or both (the
 * union). The HaVm itself never counts, so one selector can spread a whole set of VMs.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class HaVmSet {
    @Size(max = 32)
    @JsonPropertyDescription("Names of HaVms in the same namespace and ProxmoxCluster.")
    private List<@Size(max = 253) @Pattern(Patterns.DNS_SUBDOMAIN) String> haVmNames =
            new ArrayList<>();

    @JsonPropertyDescription(
            "HaVms of the same namespace and ProxmoxCluster whose labels match; this HaVm itself is left out.")
    private LabelSelector haVmSelector;

    public List<String> getHaVmNames() {
        return haVmNames;
    }

    public void setHaVmNames(List<String> haVmNames) {
        this.haVmNames = haVmNames;
    }

    public LabelSelector getHaVmSelector() {
        return haVmSelector;
    }

    public void setHaVmSelector(LabelSelector haVmSelector) {
        this.haVmSelector = haVmSelector;
    }

    @JsonIgnore
    public boolean isEmpty() {
        return (haVmNames == null || haVmNames.isEmpty()) && haVmSelector == null;
    }
}
