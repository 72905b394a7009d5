package io.pveha.testing.kube;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The committed CRDs (the repository's crds/), installed on a real kube-apiserver. */
public final class RealServerCrds {
    private RealServerCrds() {}

    /** The repository's root (the build says where; else found above the working directory). */
    public static Path repo() {
        return RealKubeApiServer.repoRoot();
    }

    /**
     * Creates every CRD and waits until the server has established them; a refusal (a schema or a
     * CEL rule over its cost budget) throws with the server's reasons.
     */
    public static List<String> installAndAwait(KubernetesClient client)
            throws IOException, InterruptedException {
        List<String> names = new ArrayList<>();
        try (Stream<Path> files = Files.list(repo().resolve("crds"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yml")).sorted().toList()) {
                CustomResourceDefinition crd =
                        Serialization.unmarshal(
                                Files.readString(file), CustomResourceDefinition.class);
                client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
                names.add(crd.getMetadata().getName());
            }
        }
        long deadline = System.nanoTime() + 30_000_000_000L;
        for (String name : names) {
            while (!established(client, name)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(name + " not established after 30 s");
                }
                Thread.sleep(100);
            }
        }
        return names;
    }

    private static boolean established(KubernetesClient client, String name) {
        CustomResourceDefinition crd =
                client.apiextensions().v1().customResourceDefinitions().withName(name).get();
        // Right after the create the status can exist without conditions yet.
        return crd != null
                && crd.getStatus() != null
                && crd.getStatus().getConditions() != null
                && crd.getStatus().getConditions().stream()
                        .anyMatch(
                                c ->
                                        "Established".equals(c.getType())
                                                && "True".equals(c.getStatus()));
    }
}
