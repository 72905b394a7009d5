package io.pveha.api.monitoring;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Whether messages reach a receiver. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class ReceiverState {
    private String name;
    private Boolean healthy;
    private String failingSince;
    private String lastError;
    private String lastDelivered;

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public Boolean getHealthy() {
        return healthy;
    }

    public void setHealthy(Boolean healthy) {
        this.healthy = healthy;
    }

    public String getFailingSince() {
        return failingSince;
    }

    public void setFailingSince(String failingSince) {
        this.failingSince = failingSince;
    }

    public String getLastError() {
        return lastError;
    }

    public void setLastError(String lastError) {
        this.lastError = lastError;
    }

    public String getLastDelivered() {
        return lastDelivered;
    }

    public void setLastDelivered(String lastDelivered) {
        this.lastDelivered = lastDelivered;
    }
}
