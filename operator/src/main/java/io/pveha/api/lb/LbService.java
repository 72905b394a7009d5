package io.pveha.api.lb;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.pveha.api.Patterns;

/** A balanced service: one frontend port and its backends. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class LbService {
    @Required
    @Size(max = 63)
    @Pattern(Patterns.DNS_LABEL)
    private String name;

    @Required
    @Min(1)
    @Max(65535)
    @JsonPropertyDescription("Port bound on the VIP.")
    private Integer port;

    @JsonPropertyDescription("tcp or http (default http).")
    private Mode mode;

    @JsonPropertyDescription("roundrobin (default), leastconn or source.")
    private Balance balance;

    @Required private Backends backends;

    private HealthCheck healthCheck;

    @Min(0)
    @Max(10)
    @JsonPropertyDescription(
            "Connection retries before haproxy gives up on a request (default 2); a retry goes to another server (option redispatch).")
    private Integer retries;

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public Integer getPort() {
        return port;
    }

    public void setPort(Integer port) {
        this.port = port;
    }

    public Mode getMode() {
        return mode;
    }

    public void setMode(Mode mode) {
        this.mode = mode;
    }

    public Balance getBalance() {
        return balance;
    }

    public void setBalance(Balance balance) {
        this.balance = balance;
    }

    public Backends getBackends() {
        return backends;
    }

    public void setBackends(Backends backends) {
        this.backends = backends;
    }

    public HealthCheck getHealthCheck() {
        return healthCheck;
    }

    public void setHealthCheck(HealthCheck healthCheck) {
        this.healthCheck = healthCheck;
    }

    public Integer getRetries() {
        return retries;
    }

    public void setRetries(Integer retries) {
        this.retries = retries;
    }
}
