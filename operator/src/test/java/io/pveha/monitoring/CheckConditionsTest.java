package io.pveha.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pveha.monitoring.checks.CheckConditions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CheckConditionsTest {
    @Test
    void conditionsSeeStatusLatencyAndTheJsonBody() throws Exception {
        List<CheckConditions.Condition> c =
                List.of(
                        CheckConditions.compile("http", "status == 200"),
                        CheckConditions.compile("http", "latencyMs < 300"),
                        CheckConditions.compile("http", "body.db == 'up' && body.queue < 10"));
        Object body =
                CheckConditions.celValue(
                        new ObjectMapper().readTree("{\"db\":\"up\",\"queue\":3}"));
        Map<String, Object> vars =
                Map.of(
                        "status",
                        200L,
                        "latencyMs",
                        12L,
                        "body",
                        body,
                        "text",
                        "",
                        "headers",
                        Map.of(),
                        "error",
                        "");
        assertThat(CheckConditions.failed(c, vars)).isNull();
        Map<String, Object> slow =
                Map.of(
                        "status",
                        200L,
                        "latencyMs",
                        900L,
                        "body",
                        body,
                        "text",
                        "",
                        "headers",
                        Map.of(),
                        "error",
                        "");
        assertThat(CheckConditions.failed(c, slow)).isEqualTo("latencyMs < 300 is false");
        Map<String, Object> noBody =
                Map.of(
                        "status",
                        200L,
                        "latencyMs",
                        1L,
                        "body",
                        CheckConditions.celValue(null),
                        "text",
                        "",
                        "headers",
                        Map.of(),
                        "error",
                        "");
        assertThat(CheckConditions.failed(c, noBody))
                .startsWith("body.db == 'up' && body.queue < 10:");
    }

    @Test
    void nonBooleanOrBrokenConditionsAreRefused() {
        assertThatThrownBy(() -> CheckConditions.compile("http", "status + 1"))
                .hasMessageContaining("boolean");
        assertThatThrownBy(() -> CheckConditions.compile("http", "status == "))
                .isInstanceOf(CheckConditions.InvalidCondition.class);
        assertThatThrownBy(() -> CheckConditions.compile("tcp", "status == 200"))
                .hasMessageContaining("status");
    }
}
