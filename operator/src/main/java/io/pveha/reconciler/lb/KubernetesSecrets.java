package io.pveha.reconciler.lb;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Secret values from the Kubernetes API ({@code data} is base64, {@code stringData} as written). */
final class KubernetesSecrets implements SecretSource {
    private final KubernetesClient client;

    KubernetesSecrets(KubernetesClient client) {
        this.client = client;
    }

    @Override
    public byte[] read(String namespace, String name, String key) throws PairProblem {
        Secret secret = client.secrets().inNamespace(namespace).withName(name).get();
        if (secret == null) {
            throw new PairProblem(PairProblem.SECRET_NOT_FOUND, "Secret " + namespace + "/" + name + " not found");
        }
        if (secret.getData() != null && secret.getData().containsKey(key)) {
            try {
                return Base64.getDecoder().decode(secret.getData().get(key).replaceAll("\\s", ""));
            } catch (IllegalArgumentException e) {
                throw new PairProblem(PairProblem.SECRET_INVALID, "Secret " + namespace + "/" + name + " key " + key + " is not base64");
            }
        }
        if (secret.getStringData() != null && secret.getStringData().containsKey(key)) {
            return secret.getStringData().get(key).getBytes(StandardCharsets.UTF_8);
        }
        throw new PairProblem(PairProblem.SECRET_NOT_FOUND, "Secret " + namespace + "/" + name + " has no key " + key);
    }
}
