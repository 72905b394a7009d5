package io.pveha.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The validate command as users and CI run it: through Main, with its output and exit codes. */
class ValidateCommandTest {
    record Run(int exitCode, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(code, out.toString(), err.toString());
    }

    static final String BROKEN_VM =
            """
            apiVersion: pveha.io/v1alpha1
            kind: HaVm
            metadata:
              name: pos-api-9
              labels: {backup: nightly}
              namespace: store-platform
            spec:
              clusterRef: {name: pve}
              vmid: 50
              source: {none: {}}
            """;

    @Test
    void theExamplesAreValid() {
        Run run = run("validate", "-f", "../examples");
        assertThat(run.out()).isEmpty();
        assertThat(run.err())
                .isEqualTo(
                        "19 documents in 9 files: 0 errors, 0 warnings" + System.lineSeparator());
        assertThat(run.exitCode()).isZero();
    }

    @Test
    void problemsArePrintedOneLineEachAndExitOne(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("vm.yaml");
        Files.writeString(file, BROKEN_VM);
        Run run = run("validate", "-f", "../examples", "--filename", file.toString());
        assertThat(run.out().lines())
                .containsExactly(
                        file
                                + ":9 (#1 HaVm/store-platform/pos-api-9): error: spec.vmid:"
                                + " Invalid value: 50: spec.vmid in body should be greater than or equal to 100");
        assertThat(run.exitCode()).isEqualTo(1);
    }

    @Test
    void jsonOutputCarriesTheSameFacts(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("vm.yaml");
        Files.writeString(file, BROKEN_VM);
        Run run = run("validate", "-f", "../examples", "-f", file.toString(), "-o", "json");
        assertThat(run.out())
                .contains(
                        "\"errors\" : 1",
                        "\"line\" : 9",
                        "\"document\" : 1",
                        "\"kind\" : \"HaVm\"",
                        "\"field\" : \"spec.vmid\"",
                        "\"message\" : \"Invalid value: 50: spec.vmid in body should be greater than or equal to 100\"");
        assertThat(run.exitCode()).isEqualTo(1);
    }

    @Test
    void missingSecretsAreWarningsUnlessRequired(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("cluster.yaml");
        Files.writeString(
                file,
                """
                apiVersion: pveha.io/v1alpha1
                kind: ProxmoxCluster
                metadata: {name: pve, namespace: shop}
                spec:
                  endpoints: ["https://pve1.example.com:8006"]
                  credentialsSecretRef: {name: pve-token}
                """);
        Run lenient = run("validate", "-f", file.toString());
        assertThat(lenient.out())
                .contains("warning: spec.credentialsSecretRef.name: Not found: \"pve-token\"");
        assertThat(lenient.exitCode()).isZero();
        Run strict = run("validate", "-f", file.toString(), "--require-secrets");
        assertThat(strict.out())
                .contains(
                        "error: spec.credentialsSecretRef.name: Not found: \"pve-token\": Secret shop/pve-token is not in the input");
        assertThat(strict.exitCode()).isEqualTo(1);
    }

    @Test
    void documentsWithoutNamespaceGetTheDefaultOne(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("vm.yaml");
        Files.writeString(file, BROKEN_VM.replace("  namespace: store-platform\n", ""));
        Run run =
                run("validate", "-f", "../examples", "-f", file.toString(), "-n", "store-platform");
        assertThat(run.out().lines())
                .hasSize(1)
                .allMatch(l -> l.contains("(#1 HaVm/store-platform/pos-api-9)"));
    }

    @Test
    void readsStandardInput() {
        InputStream saved = System.in;
        try {
            System.setIn(new ByteArrayInputStream(BROKEN_VM.getBytes(StandardCharsets.UTF_8)));
            Run run = run("validate", "-f", "-", "-f", "../examples");
            assertThat(run.out())
                    .startsWith("<stdin>:9 (#1 HaVm/store-platform/pos-api-9): error: spec.vmid:");
            assertThat(run.exitCode()).isEqualTo(1);
        } finally {
            System.setIn(saved);
        }
    }

    @Test
    void yamlSyntaxErrorsGiveLineAndColumnAndExitTwo(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, "apiVersion: v1\nkind: Secret\nmetadata:\n  name: [unclosed\n");
        Run run = run("validate", "-f", file.toString());
        assertThat(run.err()).startsWith("validate: " + file + ":5:1: YAML syntax error: ");
        assertThat(run.exitCode()).isEqualTo(2);
    }

    @Test
    void yamlAliasesAreRefused(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("alias.yaml");
        Files.writeString(file, "apiVersion: v1\nkind: Secret\nmetadata: &m {name: a}\nx: *m\n");
        Run run = run("validate", "-f", file.toString());
        assertThat(run.err())
                .startsWith("validate: " + file + ":4:4: YAML aliases (*m) are not supported");
        assertThat(run.exitCode()).isEqualTo(2);
    }

    @Test
    void aMissingFileExitsTwo() {
        Run run = run("validate", "-f", "no/such/file.yaml");
        assertThat(run.err()).startsWith("validate: no/such/file.yaml: no such file or directory");
        assertThat(run.exitCode()).isEqualTo(2);
    }

    @Test
    void aDirectoryWithoutYamlExitsTwo(@TempDir Path dir) {
        Run run = run("validate", "-f", dir.toString());
        assertThat(run.err()).startsWith("validate: " + dir + ": no YAML documents found");
        assertThat(run.exitCode()).isEqualTo(2);
    }

    @Test
    void usageErrorsExitTwo() {
        assertThat(run("validate").exitCode()).isEqualTo(2);
        assertThat(run("validate", "-f", "x", "-o", "xml").exitCode()).isEqualTo(2);
    }
}
