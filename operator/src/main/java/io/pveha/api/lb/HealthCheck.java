package io.pveha.api.lb;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.pveha.api.Patterns;

/** How haproxy checks a backend server. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class HealthCheck {
    @JsonPropertyDescription("tcp (connect) or http (default http for http services).")
    private Mode type;

    @Size(max = 255)
    @Pattern(Patterns.HTTP_PATH)
    @JsonPropertyDescription("Path of the HTTP check (default /).")
    private String path;

    @Min(100)
    @Max(599)
    @JsonPropertyDescription("Expected HTTP status (default: any 2xx or 3xx).")
    private Integer expectStatus;

    @Min(100)
    @Max(3600000)
    @JsonPropertyDescription("Milliseconds between checks (default 1000).")
    private Integer intervalMillis;

    @Min(1)
    @Max(100)
    @JsonPropertyDescription("Failed checks before a server is DOWN (default 2).")
    private Integer fall;

    @Min(1)
    @Max(100)
    @JsonPropertyDescription("Passed checks before a server is UP (default 2).")
    private Integer rise;

    public Mode getType() {
        return type;
    }

    public void setType(Mode type) {
        this.type = type;
    }

    public String getPath() {
        return path;
    }

    public void setPath(String path) {
        this.path = path;
    }

    public Integer getExpectStatus() {
        return expectStatus;
    }

    public void setExpectStatus(Integer expectStatus) {
        this.expectStatus = expectStatus;
    }

    public Integer getIntervalMillis() {
        return intervalMillis;
    }

    public void setIntervalMillis(Integer intervalMillis) {
        this.intervalMillis = intervalMillis;
    }

    public Integer getFall() {
        return fall;
    }

    public void setFall(Integer fall) {
        this.fall = fall;
    }

    public Integer getRise() {
        return rise;
    }

    public void setRise(Integer rise) {
        this.rise = rise;
    }
}
