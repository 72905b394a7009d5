package io.pveha.api.monitoring;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/**
 * Asks the VM's QEMU guest agent through PVE (needs no network path to the VM). CEL variables:
 * responding (bool), latencyMs (int).
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class GuestAgentCheck {
    @Min(1)
    @Max(60)
    @JsonPropertyDescription("Seconds before the agent counts as not responding (default 5).")
    private Integer timeoutSeconds;

    public Integer getTimeoutSeconds() {
        return timeoutSeconds;
    }

    public void setTimeoutSeconds(Integer timeoutSeconds) {
        this.timeoutSeconds = timeoutSeconds;
    }
}
