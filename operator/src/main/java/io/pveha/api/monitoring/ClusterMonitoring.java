package io.pveha.api.monitoring;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;

/** ProxmoxCluster.spec.monitoring: the built-in items, on by default, and their settings. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class ClusterMonitoring {
    @JsonPropertyDescription("false turns every built-in item of this cluster off (default true).")
    private Boolean enabled;

    @Size(max = 32)
    @ValidationRule(
            value = "self.all(i, self.exists_one(j, j.name == i.name))",
            message = "each monitoring item may be listed once")
    @JsonPropertyDescription("Per-item settings: on/off, severity, delay, threshold.")
    private List<MonitoringItem> items = new ArrayList<>();

    public Boolean getEnabled() {
        return enabled;
    }

    public void setEnabled(Boolean enabled) {
        this.enabled = enabled;
    }

    public List<MonitoringItem> getItems() {
        return items;
    }

    public void setItems(List<MonitoringItem> items) {
        this.items = items;
    }
}
