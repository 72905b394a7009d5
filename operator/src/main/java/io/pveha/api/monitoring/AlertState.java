package io.pveha.api.monitoring;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One (alert, subject) state machine: pending → firing → resolved. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class AlertState {
    @JsonPropertyDescription("e.g. NodeOffline, or ServiceCheckFailed for a HaVm check.")
    private String alertname;

    @JsonPropertyDescription("What it is about, e.g. node/pve2 or havm/pos-api-1/http.")
    private String subject;

    private String severity;

    @JsonPropertyDescription("pending, firing or resolved.")
    private String state;

    @JsonPropertyDescription("Since when the state holds (RFC 3339).")
    private String since;

    @JsonPropertyDescription("When the firing message (or the last reminder) was sent.")
    private String lastNotified;

    @JsonPropertyDescription("The incident this alert is folded into (no message of its own).")
    private String incident;

    @JsonPropertyDescription("Flapping: reported once, no message per flip until it settles.")
    private Boolean flapping;

    @JsonPropertyDescription("Times of recent state changes (flapping detection).")
    private List<String> flips = new ArrayList<>();

    @JsonPropertyDescription("Muted by a maintenance window or PVE maintenance mode.")
    private Boolean muted;

    private String summary;

    private Map<String, String> labels = new LinkedHashMap<>();

    public String getAlertname() {
        return alertname;
    }

    public void setAlertname(String alertname) {
        this.alertname = alertname;
    }

    public String getSubject() {
        return subject;
    }

    public void setSubject(String subject) {
        this.subject = subject;
    }

    public String getSeverity() {
        return severity;
    }

    public void setSeverity(String severity) {
        this.severity = severity;
    }

    public String getState() {
        return state;
    }

    public void setState(String state) {
        this.state = state;
    }

    public String getSince() {
        return since;
    }

    public void setSince(String since) {
        this.since = since;
    }

    public String getLastNotified() {
        return lastNotified;
    }

    public void setLastNotified(String lastNotified) {
        this.lastNotified = lastNotified;
    }

    public String getIncident() {
        return incident;
    }

    public void setIncident(String incident) {
        this.incident = incident;
    }

    public Boolean getFlapping() {
        return flapping;
    }

    public void setFlapping(Boolean flapping) {
        this.flapping = flapping;
    }

    public List<String> getFlips() {
        return flips;
    }

    public void setFlips(List<String> flips) {
        this.flips = flips;
    }

    public Boolean getMuted() {
        return muted;
    }

    public void setMuted(Boolean muted) {
        this.muted = muted;
    }

    public String getSummary() {
        return summary;
    }

    public void setSummary(String summary) {
        this.summary = summary;
    }

    public Map<String, String> getLabels() {
        return labels;
    }

    public void setLabels(Map<String, String> labels) {
        this.labels = labels;
    }
}
