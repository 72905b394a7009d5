package io.pveha.reconciler;

import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * Reads one key of a Secret. Values are registered with the {@link Redactor} before anyone can
 * print them.
 */
public final class Secrets {
    private Secrets() {}

    /**
     * A Secret key that could not be read, with a message naming the Secret and key (never a
     * value).
     */
    public static final class MissingSecretException extends Exception {
        private final String reason;

        public MissingSecretException(String reason, String message) {
            super(message);
            this.reason = reason;
        }

        public String reason() {
            return reason;
        }
    }

    /**
     * One key of a Secret already at hand, e.g. from an informer cache ({@code secret} null when
     * there is no such Secret), the value registered with the {@link Redactor}.
     */
    public static String read(Secret secret, String namespace, String name, String key)
            throws MissingSecretException {
        if (secret == null) {
            throw new MissingSecretException(
                    "SecretNotFound", "Secret " + namespace + "/" + name + " not found");
        }
        Optional<String> value =
                Optional.ofNullable(secret.getData())
                        .map(d -> d.get(key))
                        .map(
                                b ->
                                        new String(
                                                Base64.getDecoder().decode(b.trim()),
                                                StandardCharsets.UTF_8));
        if (value.isEmpty()) {
            // The real API server folds stringData into data; the mock server used by tests and the
            // demo does not.
            value = Optional.ofNullable(secret.getStringData()).map(d -> d.get(key));
        }
        String text =
                value.map(String::strip)
                        .orElseThrow(
                                () ->
                                        new MissingSecretException(
                                                "SecretKeyMissing",
                                                "Secret "
                                                        + namespace
                                                        + "/"
                                                        + name
                                                        + " has no key "
                                                        + key));
        if (text.isEmpty()) {
            throw new MissingSecretException(
                    "SecretKeyMissing",
                    "Secret " + namespace + "/" + name + " key " + key + " is empty");
        }
        Redactor.register(text);
        return text;
    }
}
