package io.pveha.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shipped Prometheus files under monitoring/, as the tests feed them to promtool and friends.
 */
final class PrometheusFiles {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final ObjectMapper JSON = new ObjectMapper();

    private PrometheusFiles() {}

    static Path dir() {
        String root = System.getenv("PVEHA_REPO_ROOT");
        return (root == null ? Path.of("..") : Path.of(root)).resolve("monitoring");
    }

    /** The PrometheusRule's spec (a rules file) written into {@code target}/rules.yaml. */
    static Path rulesFile(Path target) throws IOException {
        JsonNode rule = YAML.readTree(dir().resolve("prometheusrule.yaml").toFile());
        Path out = target.resolve("rules.yaml");
        YAML.writeValue(out.toFile(), rule.get("spec"));
        return out;
    }

    static List<String> ruleExpressions() throws IOException {
        JsonNode rule = YAML.readTree(dir().resolve("prometheusrule.yaml").toFile());
        List<String> out = new ArrayList<>();
        for (JsonNode g : rule.path("spec").path("groups")) {
            for (JsonNode r : g.path("rules")) {
                out.add(r.path("expr").asText());
            }
        }
        return out;
    }

    /**
     * Every panel query of the Grafana dashboard, with the $cluster variable as Grafana's "All".
     */
    static List<String> dashboardExpressions() throws IOException {
        JsonNode dash = JSON.readTree(dir().resolve("grafana-dashboard.json").toFile());
        List<String> out = new ArrayList<>();
        for (JsonNode p : dash.path("panels")) {
            for (JsonNode t : p.path("targets")) {
                out.add(t.path("expr").asText().replace("$cluster", ".*"));
            }
        }
        return out;
    }

    /** A rules file with each expression as a recording rule, for promtool check rules. */
    static Path asRecordingRules(List<String> exprs, Path target) throws IOException {
        ObjectNode root = YAML.createObjectNode();
        ArrayNode rules =
                root.putArray("groups").addObject().put("name", "dashboard").putArray("rules");
        for (int i = 0; i < exprs.size(); i++) {
            rules.addObject()
                    .put("record", "dashboard:panel_" + i + ":query")
                    .put("expr", exprs.get(i));
        }
        Path out = target.resolve("dashboard-rules.yaml");
        YAML.writeValue(out.toFile(), root);
        return out;
    }

    private static final Pattern NAME = Pattern.compile("\\b(pveha_[a-z0-9_]+|up)\\b");

    /** Metric names an expression refers to (the operator's pveha_* and Prometheus' up). */
    static Set<String> metricNames(List<String> exprs) {
        Set<String> out = new TreeSet<>();
        for (String e : exprs) {
            Matcher m = NAME.matcher(e.replaceAll("\"[^\"]*\"", "\"\""));
            while (m.find()) {
                out.add(m.group(1));
            }
        }
        return out;
    }

    static String read(String name) throws IOException {
        return Files.readString(dir().resolve(name));
    }
}
