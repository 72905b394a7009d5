package io.pveha.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.pveha.runtime.OperatorRuntime;
import io.pveha.runtime.PvehaOperator;
import java.net.InetAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code run}: the operator daemon, as deployed in a cluster (KUBECONFIG or in-cluster config). */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description =
                "Run the operator against the Kubernetes API of KUBECONFIG or the in-cluster service account.")
final class RunCommand implements Callable<Integer> {
    @Option(
            names = "--namespaces",
            split = ",",
            description = "Namespaces to watch (default: all).")
    List<String> namespaces = List.of();

    @Option(
            names = "--leader-election",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description =
                    "Elect a leader through a Lease so several replicas can run (default: ${DEFAULT-VALUE}).")
    boolean leaderElection;

    @Option(
            names = "--lease-namespace",
            description = "Namespace of the Lease (default: $POD_NAMESPACE, else 'default').")
    String leaseNamespace;

    @Option(
            names = "--identity",
            description =
                    "This replica's identity in the Lease (default: $POD_NAME, else the host name).")
    String identity;

    @Option(
            names = "--lease-duration",
            defaultValue = "15",
            description =
                    "Seconds a Lease is held without renewal before another replica may take it (default: ${DEFAULT-VALUE}).")
    int leaseDurationSeconds;

    @Option(
            names = "--renew-deadline",
            defaultValue = "10",
            description =
                    "Seconds the leader keeps trying to renew before it gives up leading and exits (default: ${DEFAULT-VALUE}).")
    int renewDeadlineSeconds;

    @Option(
            names = "--retry-period",
            defaultValue = "2",
            description = "Seconds between Lease attempts (default: ${DEFAULT-VALUE}).")
    int retryPeriodSeconds;

    @Option(
            names = "--health-port",
            defaultValue = "8080",
            description = "Port of /healthz, /readyz and /metrics (default: ${DEFAULT-VALUE}).")
    int healthPort;

    @Option(
            names = "--health-address",
            defaultValue = "0.0.0.0",
            description = "Address the health server binds (default: ${DEFAULT-VALUE}).")
    String healthAddress;

    @Option(
            names = "--status-port",
            defaultValue = "-1",
            description =
                    "Port of the read-only status page (/, /status.json); default: the health port.")
    int statusPort;

    @Option(
            names = "--status-token-file",
            description =
                    "File holding a bearer token the status page requires (also $PVEHA_STATUS_TOKEN); default: no token.")
    java.nio.file.Path statusTokenFile;

    @Option(names = "--no-status-page", description = "Do not serve the status page.")
    boolean noStatusPage;

    @Option(
            names = "--log-format",
            defaultValue = "text",
            description = "text or json (also LOG_FORMAT).")
    String logFormat;

    @Override
    public Integer call() throws Exception {
        Logger log = LoggerFactory.getLogger(RunCommand.class);
        KubernetesClient client = new KubernetesClientBuilder().build();
        PvehaOperator.Settings settings =
                PvehaOperator.Settings.defaults()
                        .withNamespaces(Set.copyOf(new HashSet<>(namespaces)));
        if (leaderElection) {
            String ns = firstNonBlank(leaseNamespace, System.getenv("POD_NAMESPACE"), "default");
            String id =
                    firstNonBlank(
                            identity,
                            System.getenv("POD_NAME"),
                            InetAddress.getLocalHost().getHostName());
            PvehaOperator.LeaderElection standard = PvehaOperator.LeaderElection.standard(ns, id);
            settings =
                    settings.withLeaderElection(
                            new PvehaOperator.LeaderElection(
                                    standard.leaseName(),
                                    ns,
                                    id,
                                    java.time.Duration.ofSeconds(leaseDurationSeconds),
                                    java.time.Duration.ofSeconds(renewDeadlineSeconds),
                                    java.time.Duration.ofSeconds(retryPeriodSeconds),
                                    standard.exitOnStopLeading()));
            log.info("leader election on Lease {}/pve-ha-operator-leader as {}", ns, id);
        }
        String statusToken =
                statusTokenFile != null
                        ? java.nio.file.Files.readString(statusTokenFile).strip()
                        : System.getenv("PVEHA_STATUS_TOKEN");
        OperatorRuntime runtime =
                new OperatorRuntime(
                        client,
                        settings,
                        healthAddress,
                        healthPort,
                        new OperatorRuntime.StatusPageOptions(
                                !noStatusPage, statusPort, statusToken));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    log.info("shutting down");
                                    try {
                                        runtime.close();
                                    } finally {
                                        client.close();
                                        stopped.countDown();
                                    }
                                },
                                "shutdown"));
        runtime.start();
        stopped.await();
        return 0;
    }

    private static String firstNonBlank(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return "";
    }
}
