package io.pveha.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Tests that drive real programs: they skip on a developer machine that lacks the program, and fail
 * (never skip) when CI=true, where .ci/run installs everything.
 */
public final class RealTools {
    private RealTools() {}

    public static boolean inCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** Fails in CI, skips elsewhere, when {@code program} is not on the PATH. */
    public static void require(String program) {
        boolean present =
                List.of(System.getenv().getOrDefault("PATH", "").split(":")).stream()
                        .anyMatch(dir -> Files.isExecutable(Path.of(dir, program)));
        if (!present) {
            String message = program + " is not installed (.ci/run installs it)";
            if (inCi()) {
                throw new AssertionError(message);
            }
            Assumptions.abort(message);
        }
    }

    /**
     * Runs a command and returns its output (stdout and stderr); fails on a non-zero exit or a
     * timeout.
     */
    public static String run(List<String> command, int timeoutSeconds)
            throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("timed out: " + command);
        }
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            throw new AssertionError(
                    "exit " + process.exitValue() + " from " + command + ":\n" + out);
        }
        return out;
    }
}
