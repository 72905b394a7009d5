package io.pveha.api.monitoring;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.pveha.api.Patterns;
import java.util.ArrayList;
import java.util.List;

/**
 * Planned work: alerts about the listed nodes and VMs (all, when none is listed) are not sent while
 * the window is open. A node in PVE maintenance mode counts as planned without a window.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class MaintenanceWindow {
    @Required
    @Size(max = 63)
    @Pattern(Patterns.DNS_LABEL)
    private String name;

    @Required
    @Pattern(Patterns.PVE_CALENDAR_EVENT)
    @JsonPropertyDescription(
            "When the window opens, in PVE's calendar-event syntax, e.g. 'sun 02:00' (in alerting.timeZone).")
    private String schedule;

    @Required
    @Min(1)
    @Max(10080)
    @JsonPropertyDescription("How long the window stays open, in minutes.")
    private Integer durationMinutes;

    @Size(max = 64)
    @JsonPropertyDescription("PVE nodes the window covers (with everything running on them).")
    private List<@Size(max = 63) @Pattern(Patterns.PVE_NODE) String> nodes = new ArrayList<>();

    @Size(max = 256)
    @JsonPropertyDescription("HaVms (by name) the window covers.")
    private List<@Size(max = 253) @Pattern(Patterns.DNS_SUBDOMAIN) String> vms = new ArrayList<>();

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getSchedule() {
        return schedule;
    }

    public void setSchedule(String schedule) {
        this.schedule = schedule;
    }

    public Integer getDurationMinutes() {
        return durationMinutes;
    }

    public void setDurationMinutes(Integer durationMinutes) {
        this.durationMinutes = durationMinutes;
    }

    public List<String> getNodes() {
        return nodes;
    }

    public void setNodes(List<String> nodes) {
        this.nodes = nodes;
    }

    public List<String> getVms() {
        return vms;
    }

    public void setVms(List<String> vms) {
        this.vms = vms;
    }
}
