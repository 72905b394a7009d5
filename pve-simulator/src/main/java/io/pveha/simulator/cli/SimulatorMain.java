package io.pveha.simulator.cli;

import io.pveha.simulator.PveSimulator;
import io.pveha.simulator.api.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code java -jar pve-simulator.jar}: runs a simulated PVE cluster until the process is stopped.
 */
@Command(
        name = "pve-simulator",
        mixinStandardHelpOptions = true,
        version = "pve-simulator (PVE 8.4.1 API)",
        description =
                "Runs a simulated Proxmox VE cluster with PVE's HTTPS API on one port per node.")
public final class SimulatorMain implements Callable<Integer> {

    @Option(
            names = "--nodes",
            description = "Number of nodes, named pve1..pveN (default: ${DEFAULT-VALUE}).")
    int nodes = 3;

    @Option(
            names = "--port",
            description =
                    "HTTPS port of the first node; node i listens on port+i-1 "
                            + "(default: ${DEFAULT-VALUE}; 0 picks free ports).")
    int port = 8006;

    @Option(
            names = "--http-port",
            description =
                    "Also serve plain HTTP on this port, answering as the first " + "online node.")
    Integer httpPort;

    @Option(names = "--bind", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String bind = "127.0.0.1";

    @Option(
            names = "--time-scale",
            description = "Simulated seconds per real second (default: ${DEFAULT-VALUE}).")
    double timeScale = 1.0;

    @Option(
            names = "--pve-version",
            description =
                    "Proxmox VE major release the nodes run: 9 (HA rules) or 8 (HA groups)"
                            + " (default: ${DEFAULT-VALUE}).")
    int pveVersion = 9;

    @Option(
            names = "--state",
            description =
                    "State file: loaded at start if it exists, saved every 30 s and " + "on exit.")
    Path stateFile;

    @Option(
            names = "--ceph-conf",
            description =
                    "Serve the Ceph API from a real Ceph cluster through "
                            + "'ceph -c FILE' and 'rbd -c FILE' (default: an in-memory Ceph).")
    Path cephConf;

    @Option(
            names = "--token",
            description =
                    "API token as USER@REALM!ID=SECRET (default: root@pam!sim with a "
                            + "random secret).")
    String token;

    @Option(
            names = "--root-password",
            description = "Password of root@pam for ticket login (default: random).")
    String rootPassword;

    @Option(names = "--cluster-name", description = "Cluster name (default: ${DEFAULT-VALUE}).")
    String clusterName = "pve-sim";

    @Option(
            names = "--credentials-file",
            description =
                    "Write url, token and fingerprint (and per-node "
                            + "details) as JSON to this file.")
    Path credentialsFile;

    public static void main(String[] args) {
        // Undertow and XNIO log their versions at INFO; keep the console for what users need.
        System.setProperty("org.jboss.logging.provider", "slf4j");
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "info");
        System.setProperty("org.slf4j.simpleLogger.log.org.xnio", "warn");
        System.setProperty("org.slf4j.simpleLogger.log.io.undertow", "warn");
        System.exit(new CommandLine(new SimulatorMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        PveSimulator.Builder builder =
                PveSimulator.builder()
                        .nodes(nodes)
                        .clusterName(clusterName)
                        .httpsPort(port)
                        .bindAddress(bind)
                        .timeScale(timeScale);
        try {
            builder.pveVersion(pveVersion);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(new CommandLine(this), e.getMessage());
        }
        if (httpPort != null) {
            builder.httpPort(httpPort);
        }
        if (cephConf != null) {
            builder.cephConf(cephConf);
        }
        if (stateFile != null) {
            builder.stateFile(stateFile);
        }
        if (rootPassword != null) {
            builder.rootPassword(rootPassword);
        }
        if (token != null) {
            int eq = token.lastIndexOf('=');
            if (eq <= 0 || !token.contains("!")) {
                throw new CommandLine.ParameterException(
                        new CommandLine(this), "--token must look like USER@REALM!ID=SECRET");
            }
            builder.token(token.substring(0, eq), token.substring(eq + 1));
        }
        PveSimulator sim = builder.build().start();
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    sim.close();
                                    System.out.println(
                                            "pve-simulator stopped"
                                                    + (stateFile != null
                                                            ? "; state saved to " + stateFile
                                                            : ""));
                                    System.out.flush();
                                    // SIGTERM is how this program is meant to end: report success
                                    // rather than 143.
                                    Runtime.getRuntime().halt(0);
                                },
                                "pve-sim-shutdown"));
        printSummary(sim, System.out);
        if (credentialsFile != null) {
            writeCredentials(sim, credentialsFile);
        }
        new CountDownLatch(1).await();
        return 0;
    }

    private void printSummary(PveSimulator sim, PrintStream out) {
        out.printf(
                "pve-simulator: cluster '%s', %d nodes, PVE %s API, time scale %s%n",
                sim.cluster().clusterName(),
                sim.nodeNames().size(),
                sim.cluster().pveVersionText(),
                sim.clock().scale());
        out.println("URL:           " + sim.url());
        out.println("API token:     " + sim.apiTokenId() + "=" + sim.apiTokenSecret());
        out.println("Fingerprint:   " + sim.fingerprintSha256());
        out.println("Root password: " + sim.rootPassword());
        for (String node : sim.nodeNames()) {
            out.printf("Node %-8s  %s  %s%n", node, sim.nodeUrl(node), sim.fingerprintSha256(node));
        }
        sim.plainHttpUrl().ifPresent(url -> out.println("Plain HTTP:    " + url));
        out.println("Control API:   " + sim.url() + "/simulator");
        out.flush();
    }

    private static void writeCredentials(PveSimulator sim, Path file) throws IOException {
        Map<String, Object> credentials = new LinkedHashMap<>();
        credentials.put("url", sim.url());
        credentials.put("token", sim.apiTokenId() + "=" + sim.apiTokenSecret());
        credentials.put("tokenid", sim.apiTokenId());
        credentials.put("secret", sim.apiTokenSecret());
        credentials.put("fingerprint", sim.fingerprintSha256());
        credentials.put("root_password", sim.rootPassword());
        Map<String, Object> nodes = new LinkedHashMap<>();
        for (String node : sim.nodeNames()) {
            nodes.put(
                    node,
                    Map.of("url", sim.nodeUrl(node), "fingerprint", sim.fingerprintSha256(node)));
        }
        credentials.put("nodes", nodes);
        sim.plainHttpUrl().ifPresent(url -> credentials.put("http_url", url));
        credentials.put("ca_pem", sim.caCertificatePem());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, Json.bytes(credentials));
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
