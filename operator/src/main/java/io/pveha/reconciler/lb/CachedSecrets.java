package io.pveha.reconciler.lb;

import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.pveha.reconciler.CommonReason;
import io.pveha.reconciler.Redactor;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.function.Function;

/**
 * Secret values from the operator's informer cache of Secrets: no API call per pass, and a changed
 * Secret triggers the pairs that use it. Every value is registered with the {@link Redactor} as it
 * is read, so an SSH key or VRRP password echoed by a host or a library never reaches status,
 * Events or logs. {@code data} is base64; {@code stringData} is read as written (the mock API
 * server does not fold it into data).
 */
final class CachedSecrets implements SecretSource {
    private final Function<ResourceID, Optional<Secret>> cache;

    CachedSecrets(Function<ResourceID, Optional<Secret>> cache) {
        this.cache = cache;
    }

    @Override
    public byte[] read(String namespace, String name, String key) throws PairProblem {
        Secret secret =
                cache.apply(new ResourceID(name, namespace))
                        .orElseThrow(
                                () ->
                                        new PairProblem(
                                                CommonReason.SecretNotFound,
                                                "Secret " + namespace + "/" + name + " not found"));
        byte[] value;
        if (secret.getData() != null && secret.getData().containsKey(key)) {
            try {
                value = Base64.getDecoder().decode(secret.getData().get(key).replaceAll("\\s", ""));
            } catch (IllegalArgumentException e) {
                throw new PairProblem(
                        LbReason.SecretInvalid,
                        "Secret " + namespace + "/" + name + " key " + key + " is not base64");
            }
        } else if (secret.getStringData() != null && secret.getStringData().containsKey(key)) {
            value = secret.getStringData().get(key).getBytes(StandardCharsets.UTF_8);
        } else {
            throw new PairProblem(
                    CommonReason.SecretNotFound,
                    "Secret " + namespace + "/" + name + " has no key " + key);
        }
        String text = new String(value, StandardCharsets.UTF_8);
        Redactor.register(text);
        // What is used may be the value without its trailing newline (the VRRP password).
        Redactor.register(text.strip());
        return value;
    }
}
