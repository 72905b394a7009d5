package io.pveha.cluster;

import io.pveha.pve.PveClient;
import io.pveha.pve.PveTls;
import io.pveha.pve.PveToken;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

/**
 * How to reach one cluster, resolved from the ProxmoxCluster spec and its Secrets. {@link
 * #identity()} changes whenever anything that needs a new client changes (endpoints, token, TLS,
 * limits), without keeping a copy of the secret anywhere but in the token.
 */
public record ConnectionSettings(
        List<String> endpoints,
        PveToken token,
        PveTls tls,
        int requestsPerSecond,
        Duration requestTimeout,
        Duration pollInterval,
        int maxTasksPerNode,
        String identity) {

    public static ConnectionSettings of(
            List<String> endpoints,
            PveToken token,
            String tokenSecretForIdentity,
            PveTls tls,
            int requestsPerSecond,
            Duration requestTimeout,
            Duration pollInterval,
            int maxTasksPerNode) {
        String identity =
                sha256(
                        String.join(",", endpoints)
                                + "|"
                                + token.tokenId()
                                + "|"
                                + tokenSecretForIdentity
                                + "|"
                                + tls
                                + "|"
                                + (tls.caBundlePem() == null ? "" : tls.caBundlePem())
                                + "|"
                                + requestsPerSecond
                                + "|"
                                + requestTimeout);
        return new ConnectionSettings(
                List.copyOf(endpoints),
                token,
                tls,
                requestsPerSecond,
                requestTimeout,
                pollInterval,
                maxTasksPerNode,
                identity);
    }

    public PveClient.Config clientConfig() {
        return PveClient.Config.of(endpoints, token, tls)
                .withRequestsPerSecond(requestsPerSecond)
                .withRequestTimeout(requestTimeout)
                .withConnectTimeout(
                        Duration.ofSeconds(Math.min(5, Math.max(1, requestTimeout.toSeconds()))));
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(
                            MessageDigest.getInstance("SHA-256")
                                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "ConnectionSettings" + endpoints + " token=" + token + " tls=" + tls;
    }
}
