package io.pveha.demo.cli;

import io.pveha.demo.chaos.ChaosRun;
import io.pveha.testing.kube.RealKubeApiServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code chaos}: the operator as its own processes against an API server process and simulator
 * processes, faulted and killed; the last line is {@code vms=<found>/<expected> duplicates=<n>
 * orphans=<n> wrongful_deletes=<n> converged_s=<s>}, the exit code 0 only when all is well.
 */
@Command(
        name = "chaos",
        mixinStandardHelpOptions = true,
        versionProvider = DemoMain.Version.class,
        description =
                "Run the operator (its own JVMs, two replicas) against an API server process and simulator processes; create,"
                        + " change and delete HaVms under PVE faults while killing the operator; judge from the simulators' state.")
final class ChaosCommand implements Callable<Integer> {
    @Option(
            names = "--seed",
            description = "Seed of every random decision (default: the current time, printed).")
    Long seed;

    @Option(
            names = "--vms",
            defaultValue = "1000",
            description = "HaVms created (default: ${DEFAULT-VALUE}).")
    int vms;

    @Option(
            names = "--clusters",
            defaultValue = "2",
            description = "ProxmoxClusters (default: ${DEFAULT-VALUE}).")
    int clusters;

    @Option(
            names = "--sim-processes",
            defaultValue = "2",
            description =
                    "Simulator processes the clusters are spread over (default: ${DEFAULT-VALUE}).")
    int simProcesses;

    @Option(
            names = "--phases",
            split = ",",
            defaultValue = "create,storm,change,kube_outage,pve_outage",
            description =
                    "Phases, from create, steady, storm, change, kube_outage, pve_outage (default: ${DEFAULT-VALUE}).")
    List<String> phases;

    @Option(
            names = "--kills",
            defaultValue = "10",
            description =
                    "SIGKILLs of the operator while creating; one interrupts a leader handover (default: ${DEFAULT-VALUE}).")
    int createKills;

    @Option(
            names = "--change-kills",
            defaultValue = "10",
            description = "SIGKILLs while deleting and changing (default: ${DEFAULT-VALUE}).")
    int changeKills;

    @Option(
            names = "--deletes",
            defaultValue = "500",
            description = "HaVms deleted, policy Delete (default: ${DEFAULT-VALUE}).")
    int deletes;

    @Option(
            names = "--changes",
            defaultValue = "200",
            description = "HaVms changed: memory and placement (default: ${DEFAULT-VALUE}).")
    int changes;

    @Option(
            names = "--batch",
            defaultValue = "50",
            description = "HaVms created during each outage (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(
            names = "--fail-rate",
            defaultValue = "0.10",
            description = "Share of PVE requests answered 500 (default: ${DEFAULT-VALUE}).")
    double failRate;

    @Option(
            names = "--fail-after",
            defaultValue = "0.5",
            description =
                    "Share of those failures answered after the request took effect (default: ${DEFAULT-VALUE}).")
    double failAfter;

    @Option(
            names = "--hang-rate",
            defaultValue = "0.01",
            description =
                    "Share of PVE requests held past the client timeout, then handled (default: ${DEFAULT-VALUE}).")
    double hangRate;

    @Option(
            names = "--request-timeout",
            defaultValue = "10",
            description =
                    "The operator's PVE request timeout, seconds (default: ${DEFAULT-VALUE}).")
    int requestTimeout;

    @Option(
            names = "--poll-seconds",
            defaultValue = "5",
            description = "ProxmoxCluster poll interval (default: ${DEFAULT-VALUE}).")
    int pollSeconds;

    @Option(
            names = "--rps",
            defaultValue = "50",
            description = "PVE requests per second per cluster (default: ${DEFAULT-VALUE}).")
    int rps;

    @Option(
            names = "--tasks-per-node",
            defaultValue = "16",
            description = "Operator tasks at once per node (default: ${DEFAULT-VALUE}).")
    int tasksPerNode;

    @Option(
            names = "--time-scale",
            defaultValue = "10",
            description = "Simulated seconds per second (default: ${DEFAULT-VALUE}).")
    double timeScale;

    @Option(
            names = "--replicas",
            defaultValue = "2",
            description = "Operator replicas (default: ${DEFAULT-VALUE}).")
    int replicas;

    @Option(
            names = "--lease-duration",
            defaultValue = "15",
            description =
                    "Lease duration, seconds (default: ${DEFAULT-VALUE}, as the run command's).")
    int lease;

    @Option(
            names = "--renew-deadline",
            defaultValue = "10",
            description = "Renew deadline, seconds (default: ${DEFAULT-VALUE}).")
    int renew;

    @Option(
            names = "--retry-period",
            defaultValue = "2",
            description = "Lease retry period, seconds (default: ${DEFAULT-VALUE}).")
    int retry;

    @Option(
            names = "--xmx",
            defaultValue = "256m",
            description = "Heap limit of the operator (default: ${DEFAULT-VALUE}).")
    String xmx;

    @Option(
            names = "--outage-seconds",
            defaultValue = "30",
            description = "How long the API server is cut off (default: ${DEFAULT-VALUE}).")
    int outageSeconds;

    @Option(
            names = "--steady-seconds",
            defaultValue = "300",
            description = "How long the steady phase watches (default: ${DEFAULT-VALUE}).")
    int steadySeconds;

    @Option(
            names = "--phase-timeout-minutes",
            defaultValue = "40",
            description = "Give a phase up after (default: ${DEFAULT-VALUE}).")
    int phaseTimeout;

    @Option(
            names = "--work-dir",
            description = "Logs of every process (default: chaos-work/seed-<seed>).")
    Path workDir;

    @Option(
            names = "--kube",
            defaultValue = "auto",
            description =
                    "The Kubernetes API server: real (kube-apiserver and etcd built by"
                            + " test-support/kube-apiserver/build.sh), mock (fabric8's mock server as a"
                            + " process), or auto: real when built (default: ${DEFAULT-VALUE}).")
    String kube;

    @Option(
            names = "--operator-jvm-args",
            split = " ",
            description =
                    "More JVM options for the operator processes, e.g. the chart's"
                            + " \"-XX:+UseSerialGC -XX:MaxRAMPercentage=50\" (with --xmx none).")
    List<String> operatorJvmArgs = new java.util.ArrayList<>();

    @Option(names = "--demo-jar", description = "This jar (default: the one running).")
    Path demoJar;

    @Option(
            names = "--operator-jar",
            description =
                    "The operator jar (default: operator/target/pve-ha-operator.jar next to this jar's module).")
    Path operatorJar;

    @Override
    public Integer call() throws Exception {
        long s = seed == null ? System.currentTimeMillis() : seed;
        EnumSet<ChaosRun.Phase> set = EnumSet.noneOf(ChaosRun.Phase.class);
        phases.forEach(
                p ->
                        set.add(
                                ChaosRun.Phase.valueOf(
                                        p.trim().toUpperCase(Locale.ROOT).replace('-', '_'))));
        Path demo = demoJar != null ? demoJar : runningJar();
        Path operator = operatorJar != null ? operatorJar : defaultOperatorJar(demo);
        ChaosRun.Settings settings =
                new ChaosRun.Settings(
                        s,
                        vms,
                        clusters,
                        simProcesses,
                        set,
                        createKills,
                        changeKills,
                        deletes,
                        changes,
                        batch,
                        failRate,
                        failAfter,
                        hangRate,
                        requestTimeout,
                        pollSeconds,
                        rps,
                        tasksPerNode,
                        timeScale,
                        replicas,
                        lease,
                        renew,
                        retry,
                        xmx,
                        Duration.ofSeconds(outageSeconds),
                        Duration.ofSeconds(steadySeconds),
                        Duration.ofMinutes(phaseTimeout),
                        (workDir != null ? workDir : Path.of("chaos-work", "seed-" + s))
                                .toAbsolutePath(),
                        demo.toAbsolutePath(),
                        operator.toAbsolutePath(),
                        kube(),
                        operatorJvmArgs);
        ChaosRun.Result result;
        try (ChaosRun run = new ChaosRun(settings, System.out)) {
            // Ctrl-C or SIGTERM of the harness ends its processes too (each by its own PID).
            Thread stopChildren = new Thread(run::close, "chaos-stop");
            Runtime.getRuntime().addShutdownHook(stopChildren);
            result = run.run();
            Runtime.getRuntime().removeShutdownHook(stopChildren);
        }
        System.out.println("replay: --seed " + s);
        System.out.println(result.line());
        return result.ok() ? 0 : 1;
    }

    private ChaosRun.Kube kube() {
        return switch (kube.toLowerCase(Locale.ROOT)) {
            case "real" -> {
                if (!RealKubeApiServer.available()) {
                    // RealKubeApiServer would skip the way a test does, and JUnit is not in this
                    // jar
                    throw new IllegalArgumentException(
                            "--kube real: kube-apiserver is not built on this machine"
                                    + " (run test-support/kube-apiserver/build.sh)");
                }
                yield ChaosRun.Kube.REAL;
            }
            case "mock" -> ChaosRun.Kube.MOCK;
            case "auto" -> {
                if (RealKubeApiServer.available()) {
                    yield ChaosRun.Kube.REAL;
                }
                System.out.println(
                        "kube-apiserver is not built on this machine"
                                + " (test-support/kube-apiserver/build.sh): using the mock");
                yield ChaosRun.Kube.MOCK;
            }
            default ->
                    throw new IllegalArgumentException("--kube " + kube + ": real, mock or auto");
        };
    }

    private static Path runningJar() throws Exception {
        Path self =
                Path.of(
                        ChaosCommand.class
                                .getProtectionDomain()
                                .getCodeSource()
                                .getLocation()
                                .toURI());
        if (Files.isRegularFile(self)) {
            return self;
        }
        return Path.of("demo", "target", "pve-ha-demo.jar");
    }

    private static Path defaultOperatorJar(Path demoJar) {
        Path sibling =
                demoJar.toAbsolutePath()
                        .getParent()
                        .resolve("../../operator/target/pve-ha-operator.jar")
                        .normalize();
        return Files.isRegularFile(sibling)
                ? sibling
                : Path.of("operator", "target", "pve-ha-operator.jar");
    }
}
