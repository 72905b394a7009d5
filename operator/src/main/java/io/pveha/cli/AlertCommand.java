package io.pveha.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.pveha.alerting.DeliveryException;
import io.pveha.alerting.MessageFormats;
import io.pveha.alerting.ReceiverConfig;
import io.pveha.alerting.Sender;
import io.pveha.api.cluster.ProxmoxCluster;
import io.pveha.api.monitoring.Alerting;
import io.pveha.api.monitoring.Language;
import io.pveha.api.monitoring.Receiver;
import io.pveha.api.monitoring.Severity;
import io.pveha.monitoring.Outgoing;
import io.pveha.monitoring.Text;
import io.pveha.reconciler.Secrets;
import io.pveha.reconciler.monitoring.Monitoring;
import io.pveha.validate.ManifestDocument;
import io.pveha.validate.ManifestReader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code alert test --receiver NAME -f DIR}: one real test message through a receiver. */
@Command(
        name = "alert",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Alerting tools.",
        subcommands = {AlertCommand.Test.class})
final class AlertCommand implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(
            name = "test",
            mixinStandardHelpOptions = true,
            versionProvider = VersionProvider.class,
            description = {
                "Send one real test message through a receiver of a ProxmoxCluster's spec.alerting, with"
                        + " the URL, signing secret or SMTP settings from the Secrets in the same input.",
                "Exit codes: 0 the provider accepted it, 1 refused or unreachable (its answer is printed),"
                        + " 2 usage or input error."
            })
    static final class Test implements Callable<Integer> {
        @Option(
                names = "--receiver",
                required = true,
                paramLabel = "NAME",
                description = "The receiver's name.")
        String receiver;

        @Option(
                names = {"-f", "--filename"},
                required = true,
                paramLabel = "FILE",
                description =
                        "YAML files or directories with the ProxmoxCluster and its Secrets. Repeat for more.")
        List<String> filenames = new ArrayList<>();

        @Option(
                names = "--cluster",
                paramLabel = "NAME",
                description = "The ProxmoxCluster, when several declare the receiver.")
        String cluster;

        @Option(
                names = {"-n", "--namespace"},
                defaultValue = "default",
                paramLabel = "NAMESPACE",
                description = "Namespace of documents that name none. Default: ${DEFAULT-VALUE}.")
        String namespace;

        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            ObjectMapper json = new ObjectMapper();
            List<ProxmoxCluster> clusters = new ArrayList<>();
            Map<ResourceID, Secret> secrets = new HashMap<>();
            try {
                for (String name : filenames) {
                    for (Path file : ManifestReader.expand(Path.of(name))) {
                        for (ManifestDocument d : ManifestReader.read(file)) {
                            String kind = d.content().path("kind").asText();
                            String ns =
                                    d.content()
                                            .path("metadata")
                                            .path("namespace")
                                            .asText(namespace);
                            if (kind.equals(ProxmoxCluster.KIND)) {
                                ProxmoxCluster c =
                                        json.convertValue(d.content(), ProxmoxCluster.class);
                                c.getMetadata().setNamespace(ns);
                                clusters.add(c);
                            } else if (kind.equals("Secret")) {
                                Secret s = json.convertValue(d.content(), Secret.class);
                                secrets.put(new ResourceID(s.getMetadata().getName(), ns), s);
                            }
                        }
                    }
                }
            } catch (ManifestReader.InputException | IllegalArgumentException e) {
                err.println(
                        "alert test: "
                                + (e instanceof ManifestReader.InputException i
                                        ? i.describe()
                                        : e.getMessage()));
                return 2;
            }
            List<ProxmoxCluster> declaring =
                    clusters.stream()
                            .filter(
                                    c ->
                                            cluster == null
                                                    || cluster.equals(c.getMetadata().getName()))
                            .filter(c -> find(c, receiver).isPresent())
                            .toList();
            if (declaring.size() != 1) {
                err.println(
                        "alert test: "
                                + (declaring.isEmpty()
                                        ? "no ProxmoxCluster in the input declares a receiver "
                                                + receiver
                                        : declaring.size()
                                                + " ProxmoxClusters declare "
                                                + receiver
                                                + "; choose one with --cluster"));
                return 2;
            }
            ProxmoxCluster c = declaring.get(0);
            Alerting alerting = c.getSpec().getAlerting();
            Receiver r = find(c, receiver).orElseThrow();
            ReceiverConfig config;
            try {
                config =
                        Monitoring.resolve(
                                r,
                                c.getMetadata().getNamespace(),
                                id -> Optional.ofNullable(secrets.get(id)));
            } catch (Secrets.MissingSecretException e) {
                err.println("alert test: " + e.getMessage() + " (the Secret must be in the input)");
                return 2;
            }
            Language language =
                    alerting.getLanguage() == null ? Language.ZH_CN : alerting.getLanguage();
            ZoneId zone;
            try {
                zone =
                        ZoneId.of(
                                alerting.getTimeZone() == null
                                        ? Monitoring.DEFAULT_ZONE
                                        : alerting.getTimeZone());
            } catch (RuntimeException e) {
                zone = ZoneId.of(Monitoring.DEFAULT_ZONE);
            }
            String clusterName = c.getMetadata().getName();
            Outgoing test =
                    new Outgoing(
                            Outgoing.Kind.TEST,
                            Severity.info,
                            Text.of(
                                    "【测试】pve-ha-operator 告警测试消息",
                                    "[TEST] pve-ha-operator test message"),
                            List.of(
                                    Text.of(
                                            "集群 "
                                                    + clusterName
                                                    + " 的接收方 "
                                                    + receiver
                                                    + " ("
                                                    + r.kind()
                                                    + ") 可以收到告警",
                                            "receiver "
                                                    + receiver
                                                    + " ("
                                                    + r.kind()
                                                    + ") of cluster "
                                                    + clusterName
                                                    + " receives alerts")),
                            List.of(receiver),
                            List.of(
                                    new Outgoing.AlertRef(
                                            "PvehaTestMessage",
                                            "receiver/" + receiver,
                                            "firing",
                                            Map.of(
                                                    "alertname",
                                                    "PvehaTestMessage",
                                                    "severity",
                                                    "info",
                                                    "cluster",
                                                    clusterName),
                                            Text.of("测试消息", "test message"),
                                            Clock.systemUTC().instant(),
                                            null)),
                            Clock.systemUTC().instant());
            try {
                String answer =
                        new Sender(Clock.systemUTC())
                                .send(
                                        config,
                                        test,
                                        new MessageFormats.Style(language, zone, clusterName, ""));
                out.println(
                        "sent to "
                                + receiver
                                + " ("
                                + r.kind()
                                + "): "
                                + (answer.isEmpty() ? "accepted" : answer));
                out.flush();
                return 0;
            } catch (DeliveryException e) {
                err.println(
                        "alert test: "
                                + receiver
                                + " ("
                                + r.kind()
                                + ") refused the message: "
                                + e.getMessage());
                err.flush();
                return 1;
            }
        }

        static Optional<Receiver> find(ProxmoxCluster c, String name) {
            if (c.getSpec() == null || c.getSpec().getAlerting() == null) {
                return Optional.empty();
            }
            return c.getSpec().getAlerting().getReceivers().stream()
                    .filter(r -> name.equals(r.getName()))
                    .findFirst();
        }
    }
}
