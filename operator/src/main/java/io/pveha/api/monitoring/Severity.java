package io.pveha.api.monitoring;

import com.fasterxml.jackson.annotation.JsonValue;

/** How urgent an alert is: routes match on it, messages show it. */
public enum Severity {
    critical,
    warning,
    info;

    @JsonValue
    public String value() {
        return name();
    }
}
