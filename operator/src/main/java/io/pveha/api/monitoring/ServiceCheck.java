package io.pveha.api.monitoring;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.pveha.api.Patterns;
import java.util.ArrayList;
import java.util.List;

/**
 * One service check of a HaVm: a probe (http, tcp or guestAgent), conditions on its result, and
 * when it alerts.
 */
@ValidationRule(
        value =
                "(has(self.http) ? 1 : 0) + (has(self.tcp) ? 1 : 0) + (has(self.guestAgent) ? 1 : 0) == 1",
        message = "a check has exactly one of http, tcp, guestAgent")
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class ServiceCheck {
    public static final int DEFAULT_INTERVAL_SECONDS = 10;
    public static final int DEFAULT_FAILURE_THRESHOLD = 3;
    public static final int DEFAULT_SUCCESS_THRESHOLD = 1;

    @Required
    @Size(max = 63)
    @Pattern(Patterns.DNS_LABEL)
    private String name;

    private HttpCheck http;

    private TcpCheck tcp;

    private GuestAgentCheck guestAgent;

    @Size(max = 16)
    @JsonPropertyDescription(
            "CEL conditions over the result that must all hold, e.g. 'status == 200', 'latencyMs < 300', 'body.status == \"ok\"'. Default: http status 2xx/3xx, tcp connected, agent responding.")
    private List<@Pattern(MonitoringPatterns.CEL_EXPRESSION) String> expect = new ArrayList<>();

    @Min(1)
    @Max(3600)
    @JsonPropertyDescription("Seconds between probes (default 10).")
    private Integer intervalSeconds;

    @Min(1)
    @Max(100)
    @JsonPropertyDescription("Consecutive failures before the alert fires (default 3).")
    private Integer failureThreshold;

    @Min(1)
    @Max(100)
    @JsonPropertyDescription("Consecutive successes before a firing alert resolves (default 1).")
    private Integer successThreshold;

    @JsonPropertyDescription("critical, warning (default) or info.")
    private Severity severity;

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public HttpCheck getHttp() {
        return http;
    }

    public void setHttp(HttpCheck http) {
        this.http = http;
    }

    public TcpCheck getTcp() {
        return tcp;
    }

    public void setTcp(TcpCheck tcp) {
        this.tcp = tcp;
    }

    public GuestAgentCheck getGuestAgent() {
        return guestAgent;
    }

    public void setGuestAgent(GuestAgentCheck guestAgent) {
        this.guestAgent = guestAgent;
    }

    public List<String> getExpect() {
        return expect;
    }

    public void setExpect(List<String> expect) {
        this.expect = expect;
    }

    public Integer getIntervalSeconds() {
        return intervalSeconds;
    }

    public void setIntervalSeconds(Integer intervalSeconds) {
        this.intervalSeconds = intervalSeconds;
    }

    public Integer getFailureThreshold() {
        return failureThreshold;
    }

    public void setFailureThreshold(Integer failureThreshold) {
        this.failureThreshold = failureThreshold;
    }

    public Integer getSuccessThreshold() {
        return successThreshold;
    }

    public void setSuccessThreshold(Integer successThreshold) {
        this.successThreshold = successThreshold;
    }

    public Severity getSeverity() {
        return severity;
    }

    public void setSeverity(Severity severity) {
        this.severity = severity;
    }
}
