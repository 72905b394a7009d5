package io.pveha.packaging;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pveha.simulator.PveSimulator;
import java.util.Map;

/** The Secrets a ProxmoxCluster names, for a simulator: its API token and its CA. */
final class PveSecrets {
    static final String TOKEN = "pve-token";
    static final String CA = "pve-ca";

    private PveSecrets() {}

    static void create(KubernetesClient admin, String namespace, PveSimulator sim) {
        admin.secrets()
                .inNamespace(namespace)
                .resource(
                        new SecretBuilder()
                                .withNewMetadata()
                                .withName(TOKEN)
                                .endMetadata()
                                .withStringData(
                                        Map.of(
                                                "tokenId",
                                                sim.apiTokenId(),
                                                "tokenSecret",
                                                sim.apiTokenSecret()))
                                .build())
                .create();
        admin.secrets()
                .inNamespace(namespace)
                .resource(
                        new SecretBuilder()
                                .withNewMetadata()
                                .withName(CA)
                                .endMetadata()
                                .withStringData(Map.of("ca.crt", sim.caCertificatePem()))
                                .build())
                .create();
    }
}
