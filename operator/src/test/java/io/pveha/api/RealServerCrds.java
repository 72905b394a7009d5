package io.pveha.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The committed CRDs (crds/), installed on a real kube-apiserver. */
public final class RealServerCrds {
    public static final Path REPO = Path.of("..").toAbsolutePath().normalize();

    private RealServerCrds() {}

    /**
     * Creates every CRD and waits until the server has established them; a refusal (a schema or a
     * CEL rule over its cost budget) throws with the server's reasons.
     */
    public static List<String> installAndAwait(KubernetesClient client) throws IOException {
        List<String> names = new ArrayList<>();
        try (Stream<Path> files = Files.list(REPO.resolve("crds"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yml")).sorted().toList()) {
                CustomResourceDefinition crd =
                        Serialization.unmarshal(
                                Files.readString(file), CustomResourceDefinition.class);
                client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
                names.add(crd.getMetadata().getName());
            }
        }
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () -> {
                            for (String name : names) {
                                assertThat(
                                                client.apiextensions()
                                                        .v1()
                                                        .customResourceDefinitions()
                                                        .withName(name)
                                                        .get()
                                                        .getStatus()
                                                        .getConditions())
                                        .as(name)
                                        .anySatisfy(
                                                c -> {
                                                    assertThat(c.getType())
                                                            .isEqualTo("Established");
                                                    assertThat(c.getStatus()).isEqualTo("True");
                                                });
                            }
                        });
        return names;
    }
}
