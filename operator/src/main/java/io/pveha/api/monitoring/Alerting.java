package io.pveha.api.monitoring;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.pveha.api.Patterns;
import java.util.ArrayList;
import java.util.List;

/** ProxmoxCluster.spec.alerting: receivers, the route to them, language and maintenance windows. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class Alerting {
    @Size(max = 32)
    @ValidationRule(
            value = "self.all(r, self.exists_one(s, s.name == r.name))",
            message = "receiver names must be unique")
    private List<Receiver> receivers = new ArrayList<>();

    @JsonPropertyDescription("Which receivers get which alerts.")
    private Route route;

    @Size(max = 63)
    @Pattern(Patterns.DNS_LABEL)
    @JsonPropertyDescription(
            "Receiver that gets alerts about failing receivers (and everything while the routed receivers all fail).")
    private String fallbackReceiver;

    @JsonPropertyDescription("Message language: zh-CN (default) or en.")
    private Language language;

    @Pattern(MonitoringPatterns.TIME_ZONE)
    @JsonPropertyDescription(
            "IANA time zone of message times and maintenance schedules (default Asia/Shanghai).")
    private String timeZone;

    @Size(max = 32)
    @ValidationRule(
            value = "self.all(w, self.exists_one(v, v.name == w.name))",
            message = "maintenance window names must be unique")
    private List<MaintenanceWindow> maintenance = new ArrayList<>();

    public List<Receiver> getReceivers() {
        return receivers;
    }

    public void setReceivers(List<Receiver> receivers) {
        this.receivers = receivers;
    }

    public Route getRoute() {
        return route;
    }

    public void setRoute(Route route) {
        this.route = route;
    }

    public String getFallbackReceiver() {
        return fallbackReceiver;
    }

    public void setFallbackReceiver(String fallbackReceiver) {
        this.fallbackReceiver = fallbackReceiver;
    }

    public Language getLanguage() {
        return language;
    }

    public void setLanguage(Language language) {
        this.language = language;
    }

    public String getTimeZone() {
        return timeZone;
    }

    public void setTimeZone(String timeZone) {
        this.timeZone = timeZone;
    }

    public List<MaintenanceWindow> getMaintenance() {
        return maintenance;
    }

    public void setMaintenance(List<MaintenanceWindow> maintenance) {
        this.maintenance = maintenance;
    }
}
