package io.pveha.simulator.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs a real third-party client (Debian packages, installed by {@code .ci/run}) against the
 * simulator. Without the tool a test is skipped; with {@code CI=true} it fails instead.
 */
final class ExternalTool {
    private ExternalTool() {}

    /** Skips the test (locally) or fails it (under {@code CI=true}) when {@code probe} fails. */
    static void require(String packages, String... probe) {
        boolean available;
        try {
            Process p =
                    new ProcessBuilder(probe)
                            .redirectErrorStream(true)
                            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                            .start();
            available = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            available = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            available = false;
        }
        if (!available && "true".equals(System.getenv("CI"))) {
            throw new AssertionError(packages + " must be installed in CI (.ci/run)");
        }
        Assumptions.assumeTrue(available, packages + " not installed");
    }

    /** What a finished command printed (stdout and stderr together) and its exit code. */
    record Result(int exitCode, String output) {
        Result expectSuccess() {
            assertThat(exitCode).as("exit code; output:%n%s", output).isZero();
            return this;
        }
    }

    /**
     * Runs {@code command} in {@code dir} with {@code env} added; the CA bundle variables some
     * machines set are removed (they override "do not verify" in Python's requests).
     */
    static Result run(Path dir, Map<String, String> env, Duration timeout, List<String> command)
            throws IOException, InterruptedException {
        File log = dir.resolve("out-" + System.nanoTime() + ".log").toFile();
        ProcessBuilder pb =
                new ProcessBuilder(command)
                        .directory(dir.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(log);
        pb.environment().remove("REQUESTS_CA_BUNDLE");
        pb.environment().remove("CURL_CA_BUNDLE");
        pb.environment().putAll(env);
        Process process = pb.start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(
                    String.join(" ", command)
                            + " did not finish in "
                            + timeout
                            + ":\n"
                            + java.nio.file.Files.readString(log.toPath(), StandardCharsets.UTF_8));
        }
        return new Result(
                process.exitValue(),
                java.nio.file.Files.readString(log.toPath(), StandardCharsets.UTF_8));
    }
}
