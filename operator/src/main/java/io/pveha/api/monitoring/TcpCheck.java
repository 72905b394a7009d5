package io.pveha.api.monitoring;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.pveha.api.Patterns;

/** A TCP connect to the VM. CEL variables: connected (bool), latencyMs (int). */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class TcpCheck {
    @Size(max = 253)
    @Pattern(Patterns.HOST)
    @JsonPropertyDescription("Host to probe (default: the VM's first address).")
    private String host;

    @Required
    @Min(1)
    @Max(65535)
    private Integer port;

    @Min(1)
    @Max(60)
    @JsonPropertyDescription("Seconds before the connect counts as failed (default 5).")
    private Integer timeoutSeconds;

    public String getHost() {
        return host;
    }

    public void setHost(String host) {
        this.host = host;
    }

    public Integer getPort() {
        return port;
    }

    public void setPort(Integer port) {
        this.port = port;
    }

    public Integer getTimeoutSeconds() {
        return timeoutSeconds;
    }

    public void setTimeoutSeconds(Integer timeoutSeconds) {
        this.timeoutSeconds = timeoutSeconds;
    }
}
