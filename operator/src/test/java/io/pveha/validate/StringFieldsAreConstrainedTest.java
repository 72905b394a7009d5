package io.pveha.validate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every string a user writes in a spec ends up in a PVE parameter, a keepalived or haproxy
 * configuration or a command line, so every one must be limited by a pattern or an enum in the CRD.
 * The only exceptions are the parts of metav1.LabelSelector, which the validator checks with
 * Kubernetes' label rules instead.
 */
class StringFieldsAreConstrainedTest {
    @Test
    void everySpecStringHasAPatternOrAnEnum() throws Exception {
        List<String> unconstrained = new ArrayList<>();
        try (Stream<Path> crds = Files.list(Path.of("../crds"))) {
            for (Path crd : crds.sorted().toList()) {
                JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(crd.toFile());
                String kind = root.path("spec").path("names").path("kind").asText();
                for (JsonNode version : root.path("spec").path("versions")) {
                    JsonNode spec =
                            version.path("schema")
                                    .path("openAPIV3Schema")
                                    .path("properties")
                                    .path("spec");
                    walk(spec, kind + ".spec", false, unconstrained);
                }
            }
        }
        assertThat(unconstrained).isEmpty();
    }

    private static void walk(JsonNode schema, String path, boolean inSelector, List<String> out) {
        if ("string".equals(schema.path("type").asText())
                && !inSelector
                && !schema.has("pattern")
                && !schema.has("enum")) {
            out.add(path);
        }
        boolean selector =
                inSelector
                        || (schema.path("properties").has("matchLabels")
                                && schema.path("properties").has("matchExpressions"));
        schema.path("properties")
                .fields()
                .forEachRemaining(e -> walk(e.getValue(), path + "." + e.getKey(), selector, out));
        if (schema.has("items")) {
            walk(schema.get("items"), path + "[*]", selector, out);
        }
        if (schema.has("additionalProperties")) {
            walk(schema.get("additionalProperties"), path + "[*]", selector, out);
        }
    }
}
