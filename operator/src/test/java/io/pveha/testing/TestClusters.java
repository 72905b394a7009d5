package io.pveha.testing;

import io.pveha.api.cluster.ProxmoxCluster;
import io.pveha.api.cluster.ProxmoxClusterSpec;
import java.util.List;

/**
 * A ProxmoxCluster resource for a cluster reached with a pinned certificate fingerprint and the
 * token in the Secret {@code pve-token}: what the tests point at a simulator or a fixture PVE.
 */
public final class TestClusters {
    public static final String TOKEN_SECRET = "pve-token";

    private TestClusters() {}

    /**
     * Verified with the cluster CA in the Secret {@code caSecret} (key ca.crt): one trust for every
     * node's endpoint.
     */
    public static ProxmoxCluster withCa(
            String namespace,
            String name,
            List<String> endpoints,
            String caSecret,
            int pollSeconds) {
        ProxmoxCluster cluster = pinned(namespace, name, endpoints, null, pollSeconds);
        ProxmoxClusterSpec.Tls tls = new ProxmoxClusterSpec.Tls();
        tls.setCaSecretRef(new io.pveha.api.SecretKeyRef(caSecret, null));
        cluster.getSpec().setTls(tls);
        return cluster;
    }

    public static ProxmoxCluster pinned(
            String namespace,
            String name,
            List<String> endpoints,
            String fingerprint,
            int pollSeconds) {
        ProxmoxCluster cluster = new ProxmoxCluster();
        cluster.getMetadata().setName(name);
        cluster.getMetadata().setNamespace(namespace);
        ProxmoxClusterSpec spec = new ProxmoxClusterSpec();
        spec.setEndpoints(endpoints);
        ProxmoxClusterSpec.CredentialsRef credentials = new ProxmoxClusterSpec.CredentialsRef();
        credentials.setName(TOKEN_SECRET);
        spec.setCredentialsSecretRef(credentials);
        ProxmoxClusterSpec.Tls tls = new ProxmoxClusterSpec.Tls();
        tls.setFingerprint(fingerprint);
        spec.setTls(tls);
        spec.setPollIntervalSeconds(pollSeconds);
        cluster.setSpec(spec);
        return cluster;
    }
}
