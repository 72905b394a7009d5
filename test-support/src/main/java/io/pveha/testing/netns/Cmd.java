package io.pveha.testing.netns;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a local command for the lab (argv, never a shell string) and returns what it printed. */
public final class Cmd {
    public record Result(int exitCode, String output) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    private Cmd() {}

    public static Result run(List<String> argv) {
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, out + " (timed out)");
            }
            return new Result(p.exitValue(), out);
        } catch (IOException e) {
            return new Result(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }

    public static Result run(String... argv) {
        return run(List.of(argv));
    }

    /** Runs and fails loudly: lab setup must not continue on a half-built topology. */
    public static String check(String... argv) {
        Result r = run(argv);
        if (!r.ok()) {
            throw new IllegalStateException(
                    String.join(" ", argv)
                            + " failed ("
                            + r.exitCode()
                            + "): "
                            + r.output().strip());
        }
        return r.output();
    }
}
