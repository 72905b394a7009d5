package io.pveha.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.pveha.testing.RealTools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped Prometheus side checked by Prometheus' own tools (Debian's prometheus and
 * prometheus-alertmanager packages): the PrometheusRule's rules parse and pass their unit tests,
 * the example Alertmanager configuration is valid, and every Grafana panel query parses.
 */
class PrometheusRulesIT {
    @TempDir Path dir;

    @Test
    void rulesParseAndPassTheirUnitTests() throws Exception {
        RealTools.require("promtool");
        Path rules = PrometheusFiles.rulesFile(dir);
        String checked = RealTools.run(List.of("promtool", "check", "rules", rules.toString()), 60);
        assertThat(checked).contains("SUCCESS: 18 rules found");
        Files.writeString(dir.resolve("rules.test.yaml"), PrometheusFiles.read("rules.test.yaml"));
        String tested =
                RealTools.run(
                        List.of(
                                "promtool",
                                "test",
                                "rules",
                                dir.resolve("rules.test.yaml").toString()),
                        60);
        assertThat(tested).contains("SUCCESS");
    }

    @Test
    void theExampleAlertmanagerConfigurationIsValid() throws Exception {
        RealTools.require("amtool");
        String out =
                RealTools.run(
                        List.of(
                                "amtool",
                                "check-config",
                                PrometheusFiles.dir().resolve("alertmanager.yml").toString()),
                        60);
        assertThat(out).contains("SUCCESS");
    }

    @Test
    void everyDashboardQueryParses() throws Exception {
        RealTools.require("promtool");
        List<String> exprs = PrometheusFiles.dashboardExpressions();
        assertThat(exprs).hasSizeGreaterThan(15);
        Path rules = PrometheusFiles.asRecordingRules(exprs, dir);
        String out = RealTools.run(List.of("promtool", "check", "rules", rules.toString()), 60);
        assertThat(out).contains("SUCCESS: " + exprs.size() + " rules found");
    }
}
