package io.pveha.packaging;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The operator's jar run as its Deployment says: the container's args and environment as the chart
 * rendered them (the downward-API variables filled in as the kubelet would), the JVM options with
 * the container's memory limit applied (-XX:MaxRAM, what the JVM reads from the cgroup in a
 * container), and the health port moved to a free one so that several replicas can run side by
 * side.
 */
final class OperatorProcess implements AutoCloseable {
    final String identity;
    final int healthPort;
    final Path log;
    private final Process process;

    private OperatorProcess(String identity, int healthPort, Path log, Process process) {
        this.identity = identity;
        this.healthPort = healthPort;
        this.log = log;
        this.process = process;
    }

    static OperatorProcess start(
            Path jar,
            Container container,
            String namespace,
            String identity,
            Path kubeconfig,
            Path logDir)
            throws IOException {
        int port = freePort();
        List<String> command =
                new ArrayList<>(
                        List.of(
                                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                                "-jar",
                                jar.toString()));
        for (String arg : container.getArgs()) {
            command.add(arg.startsWith("--health-port=") ? "--health-port=" + port : arg);
        }
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> env = builder.environment();
        env.keySet()
                .removeIf(
                        k ->
                                k.startsWith("KUBERNETES_")
                                        || k.equals("LOG_FORMAT")
                                        || k.startsWith("JAVA_"));
        for (EnvVar e : container.getEnv()) {
            if (e.getValueFrom() != null && e.getValueFrom().getFieldRef() != null) {
                String field = e.getValueFrom().getFieldRef().getFieldPath();
                env.put(
                        e.getName(),
                        switch (field) {
                            case "metadata.namespace" -> namespace;
                            case "metadata.name" -> identity;
                            default ->
                                    throw new AssertionError(
                                            "downward API field not filled in here: " + field);
                        });
            } else if (e.getValue() != null) {
                env.put(e.getName(), e.getValue());
            }
        }
        Quantity limit =
                container.getResources().getLimits() == null
                        ? null
                        : container.getResources().getLimits().get("memory");
        if (limit != null) {
            env.merge(
                    "JAVA_TOOL_OPTIONS",
                    "-XX:MaxRAM=" + Quantity.getAmountInBytes(limit).toBigInteger(),
                    (a, b) -> a + " " + b);
        }
        env.put("KUBECONFIG", kubeconfig.toString());
        Files.createDirectories(logDir);
        Path log = logDir.resolve("operator-" + identity + ".log");
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        return new OperatorProcess(identity, port, log, builder.start());
    }

    static int freePort() throws IOException {
        try (var socket =
                new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** HTTP status of a health endpoint, or -1 while nothing answers. */
    int health(String path) {
        try {
            return HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(2))
                    .build()
                    .send(
                            HttpRequest.newBuilder(
                                            URI.create("http://127.0.0.1:" + healthPort + path))
                                    .timeout(Duration.ofSeconds(2))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Peak resident memory (VmHWM) and CPU seconds (user + system) so far, from /proc. */
    Footprint footprint() throws IOException {
        long hwmKiB = 0;
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
            if (line.startsWith("VmHWM:")) {
                hwmKiB = Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        String stat = Files.readString(Path.of("/proc", Long.toString(pid()), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        double ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        return new Footprint(hwmKiB / 1024.0, ticks / 100.0);
    }

    record Footprint(double peakRssMiB, double cpuSeconds) {
        @Override
        public String toString() {
            return String.format(
                    java.util.Locale.ROOT, "peak RSS %.0f MiB, CPU %.1f s", peakRssMiB, cpuSeconds);
        }
    }

    /**
     * SIGTERM (as the kubelet stops a container) and wait for the graceful shutdown; the exit code.
     */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            try {
                new ProcessBuilder(
                                Path.of(System.getProperty("java.home"), "bin", "jstack")
                                        .toString(),
                                Long.toString(pid()))
                        .redirectErrorStream(true)
                        .redirectOutput(log.resolveSibling("jstack-" + identity + ".txt").toFile())
                        .start()
                        .waitFor(20, TimeUnit.SECONDS);
            } catch (IOException e) {
                // no thread dump then
            }
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError(
                    identity + " did not stop within 30 s of SIGTERM; log: " + log);
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
