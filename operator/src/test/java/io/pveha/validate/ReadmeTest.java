package io.pveha.validate;

import static org.assertj.core.api.Assertions.assertThat;

import io.pveha.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README shows resources and output; both must stay true. */
class ReadmeTest {
    static final Path README = Path.of("../README.md");

    static String section(String text, String heading, String nextHeading) {
        int start = text.indexOf(heading);
        int end = text.indexOf(nextHeading, start);
        assertThat(start).as(heading).isNotNegative();
        return text.substring(start, end < 0 ? text.length() : end);
    }

    /** The fenced code blocks of {@code language} ("" for blocks without one), in order. */
    static List<String> blocks(String markdown, String language) {
        List<String> blocks = new ArrayList<>();
        StringBuilder current = null;
        String currentLanguage = null;
        for (String line : markdown.split("\n", -1)) {
            if (current == null && line.startsWith("```")) {
                current = new StringBuilder();
                currentLanguage = line.substring(3).trim();
            } else if (current != null && line.equals("```")) {
                if (currentLanguage.equals(language)) {
                    blocks.add(current.toString());
                }
                current = null;
            } else if (current != null) {
                current.append(line).append('\n');
            }
        }
        return blocks;
    }

    @Test
    void theMinimalResourcesAreValid() throws Exception {
        String resources =
                section(Files.readString(README), "## Custom resources", "## Validate manifests");
        List<String> yaml = blocks(resources, "yaml");
        assertThat(yaml).hasSize(5);
        for (String block : yaml) {
            assertThat(SpecValidator.forBundledCrds().validate(SpecValidatorTest.yaml(block)))
                    .as(block)
                    .isEmpty();
        }
    }

    @Test
    void theExampleOutputIsWhatValidatePrints(@TempDir Path dir) throws Exception {
        Path copy = dir.resolve("examples");
        Files.createDirectories(copy);
        try (Stream<Path> files = Files.list(Path.of("../examples"))) {
            for (Path file : files.toList()) {
                Files.copy(file, copy.resolve(file.getFileName()));
            }
        }
        Path posApi = copy.resolve("04-pos-api.yaml");
        Files.writeString(
                posApi,
                Files.readString(posApi)
                        .replaceFirst("  vmid: 201\n", "  vmid: 50\n  template: true\n")
                        .replaceFirst("  memoryMiB: 4096\n", "  memory: 4096\n"));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code =
                Main.run(
                        new PrintWriter(out, true),
                        new PrintWriter(err, true),
                        "validate",
                        "-f",
                        copy.toString());

        String validate =
                section(Files.readString(README), "## Validate manifests", "**Exit codes.**");
        String shown = blocks(validate, "").get(1);
        assertThat(out.toString().replace(copy.toString(), "examples")).isEqualTo(shown);
        assertThat(validate)
                .contains(
                        "and `"
                                + err.toString().strip()
                                + "` on standard error, exit code "
                                + code
                                + ".");
    }
}
