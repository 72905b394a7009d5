package io.pveha.api.monitoring;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.pveha.api.Patterns;
import java.util.ArrayList;
import java.util.List;

/**
 * Which receivers get an alert: the first child route whose match holds (all its labels equal,
 * alertname included), else the route's own receivers.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class Route {
    @Size(max = 16)
    @JsonPropertyDescription("Receivers of alerts no child route matches.")
    private List<@Size(max = 63) @Pattern(Patterns.DNS_LABEL) String> receivers = new ArrayList<>();

    @Size(max = 64)
    @JsonPropertyDescription("Child routes, tried in order.")
    private List<ChildRoute> routes = new ArrayList<>();

    @Min(1)
    @Max(10080)
    @JsonPropertyDescription(
            "Minutes between reminders while an alert keeps firing (default 240, as Alertmanager).")
    private Integer repeatIntervalMinutes;

    @JsonPropertyDescription("Send a message when an alert resolves (default true).")
    private Boolean sendResolved;

    /** A child route. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class ChildRoute {
        @JsonPropertyDescription(
                "Labels that must all be equal, e.g. {severity: critical} or {alertname: NodeOffline, node: pve1}.")
        private java.util.Map<
                        @Pattern(MonitoringPatterns.LABEL_NAME) String,
                        @Pattern(MonitoringPatterns.LABEL_VALUE) String>
                match = new java.util.LinkedHashMap<>();

        @Size(min = 1, max = 16)
        @JsonPropertyDescription("Receivers of the matching alerts.")
        private List<@Size(max = 63) @Pattern(Patterns.DNS_LABEL) String> receivers =
                new ArrayList<>();

        @JsonPropertyDescription(
                "Also try the following routes after this one matched (default false).")
        private Boolean continueMatching;

        public java.util.Map<String, String> getMatch() {
            return match;
        }

        public void setMatch(java.util.Map<String, String> match) {
            this.match = match;
        }

        public List<String> getReceivers() {
            return receivers;
        }

        public void setReceivers(List<String> receivers) {
            this.receivers = receivers;
        }

        public Boolean getContinueMatching() {
            return continueMatching;
        }

        public void setContinueMatching(Boolean continueMatching) {
            this.continueMatching = continueMatching;
        }
    }

    public List<String> getReceivers() {
        return receivers;
    }

    public void setReceivers(List<String> receivers) {
        this.receivers = receivers;
    }

    public List<ChildRoute> getRoutes() {
        return routes;
    }

    public void setRoutes(List<ChildRoute> routes) {
        this.routes = routes;
    }

    public Integer getRepeatIntervalMinutes() {
        return repeatIntervalMinutes;
    }

    public void setRepeatIntervalMinutes(Integer repeatIntervalMinutes) {
        this.repeatIntervalMinutes = repeatIntervalMinutes;
    }

    public Boolean getSendResolved() {
        return sendResolved;
    }

    public void setSendResolved(Boolean sendResolved) {
        this.sendResolved = sendResolved;
    }
}
