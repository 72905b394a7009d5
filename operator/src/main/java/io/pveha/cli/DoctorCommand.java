package io.pveha.cli;

import io.pveha.cluster.ClusterConnection;
import io.pveha.cluster.ClusterKey;
import io.pveha.cluster.ClusterSnapshot;
import io.pveha.cluster.ConnectionSettings;
import io.pveha.cluster.PollOutcome;
import io.pveha.cluster.RequiredPrivileges;
import io.pveha.pve.PveApi;
import io.pveha.pve.PveApiException;
import io.pveha.pve.PveClient;
import io.pveha.pve.PveErrorKind;
import io.pveha.pve.PveTls;
import io.pveha.pve.PveToken;
import io.pveha.pve.model.ClusterResource;
import io.pveha.pve.model.HaStatusEntry;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code doctor}: connects to PVE exactly as the operator would (same client, same bulk poll, same
 * privilege check) and prints what it sees. Run it before the first {@code kubectl apply}.
 */
@Command(
        name = "doctor",
        mixinStandardHelpOptions = true,
        description =
                "Check that the operator can reach and use a Proxmox VE cluster; exit 1 on any problem.")
final class DoctorCommand implements Callable<Integer> {
    @Option(
            names = "--url",
            required = true,
            description = "PVE API endpoint, e.g. https://pve1:8006 (repeat for several nodes).")
    List<String> urls;

    @Option(
            names = "--token-file",
            required = true,
            description =
                    "File with the API token: 'user@realm!name=secret' on one line, or the id and the secret on two lines.")
    Path tokenFile;

    @ArgGroup(exclusive = true)
    Trust trust = new Trust();

    static final class Trust {
        @Option(
                names = "--fingerprint",
                paramLabel = "[URL=]FINGERPRINT",
                description =
                        "Pinned SHA-256 fingerprint (colon hex): URL=FP for one endpoint (repeat: each PVE node has its own certificate), FP alone for every endpoint without its own.")
        List<String> fingerprints;

        @Option(
                names = "--ca-file",
                description = "PEM CA bundle that signed the PVE certificates.")
        Path caFile;

        @Option(names = "--insecure", description = "Skip certificate verification (labs only).")
        boolean insecure;
    }

    @Option(
            names = "--timeout",
            defaultValue = "10",
            description = "Seconds per request (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    private final PrintStream out;

    DoctorCommand() {
        this(System.out);
    }

    DoctorCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() throws IOException {
        PveToken token;
        try {
            token = readToken(tokenFile);
        } catch (IllegalArgumentException | IOException e) {
            out.println("PROBLEM token file " + tokenFile + ": " + e.getMessage());
            return 2;
        }
        PveTls tls;
        try {
            tls =
                    trust.insecure
                            ? PveTls.insecure()
                            : trust.fingerprints != null
                                    ? pins(trust.fingerprints, urls)
                                    : trust.caFile != null
                                            ? PveTls.caBundle(Files.readString(trust.caFile))
                                            : PveTls.systemTrust();
        } catch (IllegalArgumentException e) {
            out.println("PROBLEM --fingerprint: " + e.getMessage());
            return 2;
        }
        List<String> problems = new ArrayList<>();
        out.println("TLS        " + tls);
        if (tls.insecureSkipVerify()) {
            problems.add(
                    "certificate verification is off (--insecure): use --fingerprint or --ca-file");
        }
        Map<String, Boolean> verified = new LinkedHashMap<>();
        for (String url : urls) {
            verified.put(url, checkEndpoint(url, token, tls, problems));
        }
        ConnectionSettings settings =
                ConnectionSettings.of(
                        urls,
                        token,
                        "doctor",
                        tls,
                        50,
                        Duration.ofSeconds(timeoutSeconds),
                        Duration.ofSeconds(15),
                        4);
        try (ClusterConnection connection =
                ClusterConnection.open(
                        new ClusterKey("doctor", "doctor"), settings, Clock.systemUTC())) {
            PollOutcome outcome = connection.pollOnce();
            if (outcome.error() != null) {
                problems.add("bulk poll failed: " + outcome.error().describe());
            } else {
                report(outcome, problems);
            }
        }
        printPins(tls, token, verified);
        if (problems.isEmpty()) {
            out.println("OK         the operator can manage this cluster");
            return 0;
        }
        problems.forEach(p -> out.println("PROBLEM    " + p));
        return 1;
    }

    /**
     * {@code --fingerprint} values: {@code URL=FP} pins one endpoint (one of {@code --url}), a bare
     * {@code FP} (at most one) every other endpoint.
     */
    static PveTls pins(List<String> values, List<String> urls) {
        Map<String, String> perEndpoint = new LinkedHashMap<>();
        String common = null;
        List<String> known = urls.stream().map(PveTls::endpointKey).toList();
        for (String value : values) {
            int eq = value.lastIndexOf('=');
            if (eq < 0) {
                if (common != null) {
                    throw new IllegalArgumentException(
                            "only one fingerprint without URL= (it applies to every endpoint without its own)");
                }
                common = PveTls.normalizeFingerprint(value);
                continue;
            }
            String url = PveTls.endpointKey(value.substring(0, eq));
            if (!known.contains(url)) {
                throw new IllegalArgumentException(url + " is not one of the --url endpoints");
            }
            if (perEndpoint.put(url, PveTls.normalizeFingerprint(value.substring(eq + 1)))
                    != null) {
                throw new IllegalArgumentException(url + " has two fingerprints");
            }
        }
        if (common == null) {
            List<String> unpinned =
                    known.stream().filter(u -> !perEndpoint.containsKey(u)).toList();
            if (!unpinned.isEmpty()) {
                throw new IllegalArgumentException(
                        "no fingerprint for "
                                + String.join(", ", unpinned)
                                + " (add --fingerprint URL=FP, or one without URL= for the rest)");
            }
        }
        return PveTls.pinnedPerEndpoint(perEndpoint, common);
    }

    /**
     * What each endpoint presents, as the {@code spec.tls.fingerprints} entries to paste: one line
     * per node, saying how far each fingerprint is verified (by the trust given here, or by {@code
     * /nodes} read over a verified connection, or not at all).
     */
    private void printPins(PveTls tls, PveToken token, Map<String, Boolean> verified) {
        Map<String, String> presented = new LinkedHashMap<>();
        for (String url : urls) {
            presentedFingerprint(url).ifPresent(fp -> presented.put(url, fp));
        }
        if (presented.isEmpty()) {
            return;
        }
        Map<String, String> byNodes = nodeFingerprints(tls, token, verified);
        out.println(
                "Pins       each node's certificate for spec.tls (or --fingerprint URL=FP)"
                        + (tls.caBundlePem() != null
                                ? "; the CA (caSecretRef) already covers every node"
                                : "")
                        + ":");
        out.println("             fingerprints:");
        presented.forEach(
                (url, fp) -> {
                    String node =
                            byNodes.entrySet().stream()
                                    .filter(e -> e.getValue().equals(fp))
                                    .map(Map.Entry::getKey)
                                    .findFirst()
                                    .orElse(null);
                    String how;
                    if (Boolean.TRUE.equals(verified.get(url)) && !tls.insecureSkipVerify()) {
                        how = "verified by the TLS settings given";
                    } else if (node != null) {
                        how = "matches /nodes ssl_fingerprint read over a verified connection";
                    } else {
                        how = "NOT verified: compare with `pvenode cert info` on that node";
                    }
                    out.printf(
                            Locale.ROOT,
                            "               - {endpoint: \"%s\", fingerprint: \"%s\"}   # %s%s%n",
                            PveTls.endpointKey(url),
                            fp,
                            node == null ? "" : node + ": ",
                            how);
                });
    }

    /**
     * {@code /nodes} ssl_fingerprints, read only through endpoints verified by the given trust
     * (never with {@code --insecure}); empty if there is none or the call fails.
     */
    private Map<String, String> nodeFingerprints(
            PveTls tls, PveToken token, Map<String, Boolean> verified) {
        List<String> trusted =
                verified.entrySet().stream()
                        .filter(Map.Entry::getValue)
                        .map(Map.Entry::getKey)
                        .toList();
        if (tls.insecureSkipVerify() || trusted.isEmpty()) {
            return Map.of();
        }
        PveClient.Config config =
                PveClient.Config.of(trusted, token, tls)
                        .withGetAttempts(1)
                        .withRequestTimeout(Duration.ofSeconds(timeoutSeconds))
                        .withConnectTimeout(Duration.ofSeconds(Math.min(5, timeoutSeconds)));
        try (PveClient client = new PveClient(config, null)) {
            return new PveApi(client).nodeFingerprints();
        } catch (PveApiException e) {
            return Map.of();
        }
    }

    private boolean checkEndpoint(String url, PveToken token, PveTls tls, List<String> problems) {
        PveClient.Config config =
                PveClient.Config.of(List.of(url), token, tls)
                        .withGetAttempts(1)
                        .withRequestTimeout(Duration.ofSeconds(timeoutSeconds))
                        .withConnectTimeout(Duration.ofSeconds(Math.min(5, timeoutSeconds)));
        try (PveClient client = new PveClient(config, null)) {
            String version = new PveApi(client).version().version();
            out.println("Endpoint   " + url + ": OK (PVE " + version + ")");
            return true;
        } catch (PveApiException e) {
            out.println("Endpoint   " + url + ": " + e.getMessage());
            problems.add("endpoint " + url + ": " + e.getMessage());
            if (e.kind() == PveErrorKind.TLS) {
                presentedFingerprint(url)
                        .ifPresent(
                                fp -> {
                                    out.println(
                                            "           the server presented a certificate with SHA-256 fingerprint "
                                                    + fp);
                                    out.println(
                                            "           if that is your PVE node (compare: pvenode cert info), pass --fingerprint "
                                                    + (urls.size() > 1
                                                            ? PveTls.endpointKey(url) + "="
                                                            : "")
                                                    + fp);
                                });
            }
            if (e.kind() == PveErrorKind.AUTHENTICATION) {
                out.println(
                        "           check the token id and secret, and that the token is not expired or disabled");
            }
            return false;
        }
    }

    private void report(PollOutcome outcome, List<String> problems) {
        ClusterSnapshot s = outcome.snapshot();
        out.println(
                "Version    PVE "
                        + s.version().version()
                        + " (release "
                        + s.version().release()
                        + ")");
        long online = s.nodes().stream().filter(n -> "online".equals(n.status())).count();
        out.println(
                "Cluster    "
                        + s.cluster().map(c -> c.name()).orElse("(single node)")
                        + ", "
                        + (s.quorate() ? "quorate" : "NOT quorate")
                        + ", "
                        + online
                        + "/"
                        + s.nodes().size()
                        + " nodes online, via "
                        + s.endpoint());
        if (!s.quorate()) {
            problems.add("the cluster has no quorum: PVE refuses writes");
        }
        for (ClusterResource node : s.nodes()) {
            out.printf(
                    Locale.ROOT,
                    "Node       %-12s %-8s cpu %3.0f%%  mem %s / %s  HA %s%n",
                    node.node(),
                    node.status(),
                    node.cpu() == null ? 0.0 : node.cpu() * 100,
                    gib(node.mem()),
                    gib(node.maxmem()),
                    node.hastate() != null
                            ? node.hastate()
                            : s.lrmStates().getOrDefault(node.node(), "-"));
            if (!"online".equals(node.status())) {
                problems.add("node " + node.node() + " is " + node.status());
            }
        }
        String master =
                s.haMaster().map(m -> m.node() + " — " + m.status()).orElse("no HA manager master");
        long services = s.ha().stream().filter(HaStatusEntry::isService).count();
        out.println("HA         " + master + ", " + services + " services");
        out.println(
                "Ceph       "
                        + s.ceph().status()
                        + (s.ceph().checks().isEmpty()
                                ? ""
                                : ": " + String.join(", ", s.ceph().messages())));
        if ("HEALTH_ERR".equals(s.ceph().status())) {
            problems.add("Ceph reports HEALTH_ERR: " + String.join(", ", s.ceph().checks()));
        }
        String storages =
                s.storages().stream()
                        .map(ClusterResource::storage)
                        .distinct()
                        .sorted()
                        .collect(Collectors.joining(", "));
        out.println("Storages   " + (storages.isEmpty() ? "(none)" : storages));
        long templates = s.vmsById().values().stream().filter(ClusterResource::isTemplate).count();
        out.println("VMs        " + s.vmsById().size() + " (" + templates + " templates)");
        if (outcome.missingPrivileges().isEmpty()) {
            out.println("Privileges complete");
        } else {
            out.println(
                    "Privileges missing: "
                            + outcome.missingPrivileges().stream()
                                    .map(RequiredPrivileges.Requirement::toString)
                                    .collect(Collectors.joining(", ")));
            problems.add(
                    "the token lacks privileges: "
                            + outcome.missingPrivileges().stream()
                                    .map(r -> r + " (" + r.neededFor() + ")")
                                    .collect(Collectors.joining(", ")));
        }
    }

    static PveToken readToken(Path file) throws IOException {
        List<String> lines =
                Files.readAllLines(file).stream()
                        .map(String::strip)
                        .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                        .toList();
        if (lines.size() == 1) {
            return PveToken.parse(lines.get(0));
        }
        if (lines.size() == 2) {
            return new PveToken(lines.get(0), lines.get(1));
        }
        throw new IllegalArgumentException(
                "expected 'user@realm!name=secret' on one line, or the id and the secret on two lines");
    }

    /**
     * Reads the certificate the server presents (no trust decision is made from it: it is only
     * shown).
     */
    static java.util.Optional<String> presentedFingerprint(String url) {
        try {
            URI uri = URI.create(url);
            SSLContext context = SSLContext.getInstance("TLS");
            X509Certificate[][] seen = new X509Certificate[1][];
            context.init(
                    null,
                    new TrustManager[] {
                        new X509TrustManager() {
                            @Override
                            public void checkClientTrusted(
                                    X509Certificate[] chain, String authType) {}

                            @Override
                            public void checkServerTrusted(
                                    X509Certificate[] chain, String authType) {
                                seen[0] = chain;
                            }

                            @Override
                            public X509Certificate[] getAcceptedIssuers() {
                                return new X509Certificate[0];
                            }
                        }
                    },
                    null);
            try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket()) {
                socket.connect(
                        new InetSocketAddress(
                                uri.getHost(), uri.getPort() == -1 ? 8006 : uri.getPort()),
                        5000);
                socket.startHandshake();
            }
            return seen[0] == null || seen[0].length == 0
                    ? java.util.Optional.empty()
                    : java.util.Optional.of(PveTls.fingerprintOf(seen[0][0]));
        } catch (Exception e) {
            return java.util.Optional.empty();
        }
    }

    private static String gib(Long bytes) {
        return bytes == null
                ? "-"
                : String.format(Locale.ROOT, "%.1f GiB", bytes / 1024.0 / 1024 / 1024);
    }
}
