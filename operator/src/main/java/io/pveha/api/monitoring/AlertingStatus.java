package io.pveha.api.monitoring;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/**
 * ProxmoxCluster.status.alerting: the alert engine's memory. Kept in status so that a restarted
 * operator or a new leader neither pages again nor forgets an open alert.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class AlertingStatus {
    @JsonPropertyDescription(
            "Open alerts (pending or firing) and recently resolved ones (flapping memory).")
    private List<AlertState> alerts = new ArrayList<>();

    @JsonPropertyDescription("Open incidents: a node failure and what it carried.")
    private List<IncidentState> incidents = new ArrayList<>();

    @JsonPropertyDescription("Delivery state per receiver.")
    private List<ReceiverState> receivers = new ArrayList<>();

    @JsonPropertyDescription("Problems of the monitoring configuration (a check that cannot run).")
    private List<String> configProblems = new ArrayList<>();

    public List<AlertState> getAlerts() {
        return alerts;
    }

    public void setAlerts(List<AlertState> alerts) {
        this.alerts = alerts;
    }

    public List<IncidentState> getIncidents() {
        return incidents;
    }

    public void setIncidents(List<IncidentState> incidents) {
        this.incidents = incidents;
    }

    public List<ReceiverState> getReceivers() {
        return receivers;
    }

    public void setReceivers(List<ReceiverState> receivers) {
        this.receivers = receivers;
    }

    public List<String> getConfigProblems() {
        return configProblems;
    }

    public void setConfigProblems(List<String> configProblems) {
        this.configProblems = configProblems;
    }
}
