package io.pveha.validate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The build-time cache of type-checked rules: complete for the bundled CRDs, harmless when it does
 * not fit.
 */
class CelAstCacheTest {
    @Test
    void theBuildPrecompiledEveryBundledRule() {
        assertThat(SpecValidator.forBundledCrds().checkedExpressions())
                .as(
                        "rules the bundled validator had to compile itself; rebuild with Maven if this fails")
                .isEmpty();
    }

    @Test
    void aValidatorFromCachedRulesJudgesLikeOneThatCompiledThem() throws Exception {
        SpecValidator compiled = SpecValidator.fromDirectory(Path.of("../crds"));
        assertThat(compiled.checkedExpressions()).hasSize(compiled.ruleCount());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CelAstCache.write(compiled.checkedExpressions(), bytes);
        Map<String, byte[]> cache = CelAstCache.read(new ByteArrayInputStream(bytes.toByteArray()));
        SpecValidator cached = SpecValidator.fromCrds(crds(), cache);
        assertThat(cached.checkedExpressions()).isEmpty();

        var template =
                SpecValidatorTest.yaml(
                        SpecValidatorTest.HAVM
                                + "  template: true\n  ha: {enabled: true}\n  vmid: 200\n");
        var old = SpecValidatorTest.yaml(SpecValidatorTest.HAVM + "  vmid: 201\n");
        assertThat(cached.validate(template, old))
                .isEqualTo(compiled.validate(template, old))
                .hasSize(2);
    }

    @Test
    void entriesThatDoNotMatchAreIgnoredAndTheRulesCompiled() throws Exception {
        Map<String, byte[]> stale = Map.of("HaVm.spec\nsomething else", new byte[] {1, 2, 3});
        SpecValidator validator = SpecValidator.fromCrds(crds(), stale);
        assertThat(validator.checkedExpressions()).hasSize(validator.ruleCount());
    }

    @Test
    void aForeignStreamReadsAsAnEmptyCache() {
        assertThat(
                        CelAstCache.read(
                                new ByteArrayInputStream(
                                        "not a cache".getBytes(StandardCharsets.UTF_8))))
                .isEmpty();
        assertThat(CelAstCache.read(null)).isEmpty();
    }

    private static java.util.List<com.fasterxml.jackson.databind.JsonNode> crds() throws Exception {
        java.util.List<com.fasterxml.jackson.databind.JsonNode> crds = new java.util.ArrayList<>();
        for (Path file : ManifestReader.expand(Path.of("../crds"))) {
            crds.add(SpecValidatorTest.YAML.readTree(file.toFile()));
        }
        return crds;
    }
}
