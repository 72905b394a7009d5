package io.pveha.reconciler.cluster;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.pveha.api.cluster.ProxmoxCluster;
import io.pveha.api.cluster.ProxmoxClusterSpec;
import io.pveha.cluster.ConnectionSettings;
import io.pveha.pve.PveTls;
import io.pveha.pve.PveToken;
import io.pveha.reconciler.Secrets;

import java.time.Duration;

/** Resolves a ProxmoxCluster spec and its Secrets into connection settings, or a problem that names what is wrong. */
final class ClusterSettingsResolver {
    static final int DEFAULT_REQUESTS_PER_SECOND = 20;
    static final int DEFAULT_TASKS_PER_NODE = 4;
    static final int DEFAULT_TIMEOUT_SECONDS = 20;
    static final String DEFAULT_CA_KEY = "ca.crt";

    /** Why settings could not be resolved; reason is a condition reason. */
    static final class SettingsProblem extends Exception {
        final String reason;

        SettingsProblem(String reason, String message) {
            super(message);
            this.reason = reason;
        }
    }

    private final KubernetesClient client;

    ClusterSettingsResolver(KubernetesClient client) {
        this.client = client;
    }

    ConnectionSettings resolve(ProxmoxCluster cluster) throws SettingsProblem {
        ProxmoxClusterSpec spec = cluster.getSpec();
        String namespace = cluster.getMetadata().getNamespace();
        if (spec == null || spec.getEndpoints() == null || spec.getEndpoints().isEmpty()) {
            throw new SettingsProblem("InvalidSpec", "spec.endpoints: at least one endpoint is required");
        }
        ProxmoxClusterSpec.CredentialsRef ref = spec.getCredentialsSecretRef();
        if (ref == null || ref.getName() == null) {
            throw new SettingsProblem("InvalidSpec", "spec.credentialsSecretRef.name is required");
        }
        String idKey = blankTo(ref.getTokenIdKey(), ProxmoxClusterSpec.CredentialsRef.DEFAULT_TOKEN_ID_KEY);
        String secretKey = blankTo(ref.getTokenSecretKey(), ProxmoxClusterSpec.CredentialsRef.DEFAULT_TOKEN_SECRET_KEY);
        PveToken token;
        String tokenSecret;
        try {
            String tokenId = Secrets.read(client, namespace, ref.getName(), idKey);
            tokenSecret = Secrets.read(client, namespace, ref.getName(), secretKey);
            token = new PveToken(tokenId, tokenSecret);
        } catch (Secrets.MissingSecretException e) {
            throw new SettingsProblem(e.reason(), e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new SettingsProblem("InvalidCredentials", "Secret " + namespace + "/" + ref.getName() + ": " + e.getMessage());
        }
        PveTls tls = tls(spec.getTls(), namespace);
        ProxmoxClusterSpec.ClientSettings limits = spec.getClient();
        int rps = limits != null && limits.getRequestsPerSecond() != null ? limits.getRequestsPerSecond() : DEFAULT_REQUESTS_PER_SECOND;
        int tasks = limits != null && limits.getMaxConcurrentTasksPerNode() != null
                ? limits.getMaxConcurrentTasksPerNode() : DEFAULT_TASKS_PER_NODE;
        int timeout = limits != null && limits.getRequestTimeoutSeconds() != null
                ? limits.getRequestTimeoutSeconds() : DEFAULT_TIMEOUT_SECONDS;
        int poll = spec.getPollIntervalSeconds() != null ? spec.getPollIntervalSeconds()
                : ProxmoxClusterSpec.DEFAULT_POLL_INTERVAL_SECONDS;
        return ConnectionSettings.of(spec.getEndpoints(), token, tokenSecret, tls, rps, Duration.ofSeconds(timeout),
                Duration.ofSeconds(poll), tasks);
    }

    private PveTls tls(ProxmoxClusterSpec.Tls tls, String namespace) throws SettingsProblem {
        if (tls == null) {
            return PveTls.systemTrust();
        }
        if (Boolean.TRUE.equals(tls.getInsecureSkipVerify())) {
            return PveTls.insecure();
        }
        String ca = null;
        if (tls.getCaSecretRef() != null) {
            try {
                ca = Secrets.read(client, namespace, tls.getCaSecretRef().getName(), tls.getCaSecretRef().keyOr(DEFAULT_CA_KEY));
            } catch (Secrets.MissingSecretException e) {
                throw new SettingsProblem(e.reason(), e.getMessage());
            }
            if (!ca.contains("-----BEGIN CERTIFICATE-----")) {
                throw new SettingsProblem("InvalidCaBundle", "Secret " + namespace + "/" + tls.getCaSecretRef().getName()
                        + " key " + tls.getCaSecretRef().keyOr(DEFAULT_CA_KEY) + " holds no PEM certificate");
            }
        }
        String fingerprint = tls.getFingerprint();
        if (fingerprint != null) {
            try {
                fingerprint = PveTls.normalizeFingerprint(fingerprint);
            } catch (IllegalArgumentException e) {
                throw new SettingsProblem("InvalidSpec", "spec.tls.fingerprint: " + e.getMessage());
            }
        }
        return new PveTls(ca, fingerprint, false);
    }

    private static String blankTo(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }
}
