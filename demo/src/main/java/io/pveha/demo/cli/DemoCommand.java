package io.pveha.demo.cli;

import io.pveha.demo.Demo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The demo jar's command: the whole platform in one process, no cluster needed. {@code benchmark}
 * is its one sub-command.
 */
@Command(
        name = "pve-ha-demo",
        mixinStandardHelpOptions = true,
        versionProvider = DemoMain.Version.class,
        description =
                "Run a mock Kubernetes API server, a simulated 3-node Proxmox VE cluster and the operator in this process;"
                        + " apply the example platform, watch it converge, then watch PVE HA survive a node failure. Ctrl-C stops.",
        subcommands = {
            CommandLine.HelpCommand.class,
            BenchmarkCommand.class,
            ChaosCommand.class,
            KubeServerCommand.class,
            SimHostCommand.class
        })
final class DemoCommand implements Callable<Integer> {
    @Option(
            names = "--examples",
            defaultValue = "examples",
            description =
                    "Directory of manifests (default: ${DEFAULT-VALUE}; the bundled copy if absent).")
    Path examples;

    @Option(
            names = "--kube-port",
            defaultValue = "0",
            description = "Port of the Kubernetes API server (default: any free port).")
    int kubePort;

    @Option(
            names = "--kubeconfig-out",
            defaultValue = "pveha-demo.kubeconfig",
            description = "Where to write the kubeconfig for kubectl (default: ${DEFAULT-VALUE}).")
    Path kubeconfigOut;

    @Option(
            names = "--time-scale",
            defaultValue = "30",
            description = "Simulated seconds per real second (default: ${DEFAULT-VALUE}).")
    double timeScale;

    @Option(
            names = "--no-node-failure",
            description = "Do not power off a node once everything is Ready.")
    boolean noNodeFailure;

    @Option(
            names = "--status-port",
            defaultValue = "8080",
            description =
                    "Port of the status page (default: ${DEFAULT-VALUE}; any free port if it is taken).")
    int statusPort;

    @Option(
            names = "--status-address",
            defaultValue = "127.0.0.1",
            description =
                    "Address of the status page (default: ${DEFAULT-VALUE}; 0.0.0.0 to open it from a phone on the same network).")
    String statusAddress;

    @Option(
            names = "--no-load-balancer",
            description =
                    "Do not run the LoadBalancerPair in network namespaces even when running as root with keepalived and haproxy.")
    boolean noLoadBalancer;

    @Override
    public Integer call() throws Exception {
        Demo demo =
                new Demo(
                        new Demo.Settings(
                                examples,
                                kubePort,
                                kubeconfigOut,
                                timeScale,
                                !noNodeFailure,
                                Duration.ofSeconds(2),
                                System.out,
                                statusAddress,
                                statusPort,
                                !noLoadBalancer));
        Thread main = Thread.currentThread();
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    main.interrupt();
                                    demo.close();
                                },
                                "demo-shutdown"));
        try {
            demo.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
