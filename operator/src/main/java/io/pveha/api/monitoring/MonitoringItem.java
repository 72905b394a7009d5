package io.pveha.api.monitoring;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;

/** Settings of one built-in monitoring item; anything left out keeps the item's default. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class MonitoringItem {
    @Required
    @JsonPropertyDescription("The built-in item, e.g. NodeOffline, StorageFull, CephHealth.")
    private BuiltinItem name;

    @JsonPropertyDescription("false turns the item off (default true).")
    private Boolean enabled;

    @JsonPropertyDescription("Severity of its alerts: critical, warning or info.")
    private Severity severity;

    @Min(0)
    @Max(86400)
    @JsonPropertyDescription(
            "Seconds the condition must hold before the alert fires (pending until then).")
    private Integer forSeconds;

    @Min(1)
    @Max(100)
    @JsonPropertyDescription("StorageFull: used percentage that fires (default 85).")
    private Integer thresholdPercent;

    public BuiltinItem getName() {
        return name;
    }

    public void setName(BuiltinItem name) {
        this.name = name;
    }

    public Boolean getEnabled() {
        return enabled;
    }

    public void setEnabled(Boolean enabled) {
        this.enabled = enabled;
    }

    public Severity getSeverity() {
        return severity;
    }

    public void setSeverity(Severity severity) {
        this.severity = severity;
    }

    public Integer getForSeconds() {
        return forSeconds;
    }

    public void setForSeconds(Integer forSeconds) {
        this.forSeconds = forSeconds;
    }

    public Integer getThresholdPercent() {
        return thresholdPercent;
    }

    public void setThresholdPercent(Integer thresholdPercent) {
        this.thresholdPercent = thresholdPercent;
    }
}
