package io.pveha.demo.chaos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A child process of the harness (a JVM), its output in a log file of its own. Ended only by its
 * own PID: {@link #kill()} is SIGKILL, {@link #stop()} SIGTERM with a grace period.
 */
final class Child {
    final String name;
    final Process process;
    final Path log;
    final long startedNanos = System.nanoTime();

    private Child(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** {@code java <jvmArgs> <args>} with its output in {@code log}. */
    static Child java(
            String name, List<String> jvmArgs, List<String> args, Map<String, String> env, Path log)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        command.addAll(args);
        Files.createDirectories(log.getParent());
        ProcessBuilder builder =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(env);
        return new Child(name, builder.start(), log);
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    /** SIGKILL, as the kernel's OOM killer or a node eviction without grace does it. */
    void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGTERM, then SIGKILL after {@code grace}. */
    void stop(Duration grace) {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                kill();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill();
        }
    }

    /** Waits for {@code file} to appear (written atomically by the child once it is ready). */
    void awaitFile(Path file, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!Files.exists(file)) {
            if (!process.isAlive()) {
                throw new IOException(
                        name
                                + " exited with "
                                + process.exitValue()
                                + " before it was ready; see "
                                + log);
            }
            if (System.nanoTime() > deadline) {
                throw new IOException(name + " not ready after " + timeout + "; see " + log);
            }
            Thread.sleep(100);
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + pid() + ")";
    }
}
