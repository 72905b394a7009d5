package io.pveha.demo.cli;

import io.pveha.demo.HaVmBenchmark;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code benchmark}: N HaVms from a template against the simulator, measured (not part of the test
 * suite).
 */
@Command(
        name = "benchmark",
        mixinStandardHelpOptions = true,
        versionProvider = DemoMain.Version.class,
        description =
                "Create N HaVms from a template against an in-process PVE simulator and report time, API calls and heap.")
final class BenchmarkCommand implements Callable<Integer> {
    @Option(
            names = "--vms",
            defaultValue = "100",
            description = "Number of HaVms (default: ${DEFAULT-VALUE}).")
    int vms;

    @Option(
            names = "--latency-ms",
            defaultValue = "0",
            description =
                    "Extra latency of every PVE API call, real ms (default: ${DEFAULT-VALUE}).")
    long latencyMs;

    @Option(
            names = "--task-scale",
            defaultValue = "1.0",
            description = "Factor on the simulator's task durations (default: ${DEFAULT-VALUE}).")
    double taskScale;

    @Option(
            names = "--time-scale",
            defaultValue = "10",
            description = "Simulated seconds per real second (default: ${DEFAULT-VALUE}).")
    double timeScale;

    @Option(
            names = "--rps",
            defaultValue = "100",
            description = "Client rate limit, PVE requests per second (default: ${DEFAULT-VALUE}).")
    int requestsPerSecond;

    @Option(
            names = "--poll-seconds",
            defaultValue = "5",
            description = "ProxmoxCluster poll interval (default: ${DEFAULT-VALUE}).")
    int pollSeconds;

    @Option(
            names = "--steady-polls",
            defaultValue = "4",
            description = "Poll intervals measured once all are Ready (default: ${DEFAULT-VALUE}).")
    int steadyPolls;

    @Option(
            names = "--timeout-minutes",
            defaultValue = "30",
            description = "Give up after (default: ${DEFAULT-VALUE}).")
    int timeoutMinutes;

    @Option(
            names = "--ha",
            defaultValue = "true",
            negatable = true,
            description = "HA-managed VMs (default: ${DEFAULT-VALUE}).")
    boolean ha;

    @Option(
            names = "--floor",
            defaultValue = "true",
            negatable = true,
            description =
                    "Also measure the floor: the same clones by a plain API client (default: ${DEFAULT-VALUE}).")
    boolean floor;

    @Override
    public Integer call() throws Exception {
        HaVmBenchmark.Result result =
                HaVmBenchmark.run(
                        new HaVmBenchmark.Settings(
                                vms,
                                Duration.ofMillis(latencyMs),
                                taskScale,
                                timeScale,
                                requestsPerSecond,
                                pollSeconds,
                                steadyPolls,
                                Duration.ofMinutes(timeoutMinutes),
                                ha,
                                floor),
                        System.out);
        result.print(System.out);
        return result.distinctVmids() == vms ? 0 : 1;
    }
}
