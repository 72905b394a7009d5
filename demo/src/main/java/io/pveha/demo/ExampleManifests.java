package io.pveha.demo;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pveha.api.cluster.ProxmoxCluster;
import io.pveha.simulator.PveSimulator;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The example platform (examples/ in the working directory, else the copy bundled in the jar),
 * adjusted to the in-process simulator: the token, CA and endpoints of the ProxmoxCluster become
 * the simulator's.
 */
final class ExampleManifests {
    private ExampleManifests() {}

    /** Every document of every example file, in file order. */
    static List<HasMetadata> load(KubernetesClient client, Path directory) {
        List<HasMetadata> documents = new ArrayList<>();
        if (directory != null && Files.isDirectory(directory)) {
            for (Path file : yamlFiles(directory)) {
                try (InputStream in = Files.newInputStream(file)) {
                    documents.addAll(client.load(in).items());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return documents;
        }
        URL bundled =
                ExampleManifests.class.getClassLoader().getResource("examples/00-namespace.yaml");
        if (bundled == null) {
            throw new IllegalStateException(
                    "no examples/ directory here and none bundled in the jar");
        }
        try {
            URI uri = bundled.toURI();
            if ("jar".equals(uri.getScheme())) {
                try (FileSystem jar = FileSystems.newFileSystem(uri, Map.of())) {
                    return load(client, jar.getPath("/examples"));
                }
            }
            return load(client, Path.of(uri).getParent());
        } catch (URISyntaxException | IOException e) {
            throw new IllegalStateException("cannot read the bundled examples", e);
        }
    }

    private static List<Path> yamlFiles(Path directory) {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(f -> f.getFileName().toString().matches(".*\\.ya?ml"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Points the example's PVE credentials, CA and endpoints at the simulator. */
    static HasMetadata adapt(HasMetadata loaded, PveSimulator sim, KubernetesClient client) {
        return adapt(loaded, sim, client, null);
    }

    /** Also points webhook URLs of alert receivers at the demo's inbox (never at the internet). */
    static HasMetadata adapt(
            HasMetadata loaded, PveSimulator sim, KubernetesClient client, AlertInbox inbox) {
        HasMetadata document =
                ProxmoxCluster.KIND.equals(loaded.getKind()) && !(loaded instanceof ProxmoxCluster)
                        ? client.getKubernetesSerialization()
                                .convertValue(loaded, ProxmoxCluster.class)
                        : loaded;
        if (document instanceof Secret secret && secret.getStringData() != null) {
            Map<String, String> data = new java.util.LinkedHashMap<>(secret.getStringData());
            if (data.containsKey("tokenId") && data.containsKey("tokenSecret")) {
                data.put("tokenId", sim.apiTokenId());
                data.put("tokenSecret", sim.apiTokenSecret());
            }
            if (data.containsKey("ca.crt")) {
                data.put("ca.crt", sim.caCertificatePem());
            }
            if (inbox != null) {
                data.replaceAll(
                        (k, v) -> v != null && v.matches("https?://.*") ? inbox.urlFor(v) : v);
            }
            secret.setStringData(data);
        }
        if (document instanceof ProxmoxCluster cluster) {
            cluster.getSpec().setEndpoints(sim.nodeNames().stream().map(sim::nodeUrl).toList());
            cluster.getSpec().setPollIntervalSeconds(2);
            // One simulated cluster: the example's standby (dr*.example.com) is not there.
            cluster.getSpec().setDisasterRecovery(null);
        }
        return document;
    }
}
