package io.pveha.pve;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.OkHttpClient;
import okhttp3.tls.Certificates;
import okhttp3.tls.HandshakeCertificates;

/**
 * How the PVE server certificate is verified. PVE nodes present a certificate signed by the
 * cluster's own CA (pve-root-ca.pem), each node its own ({@code pve-ssl.pem}); so the usual choices
 * are the cluster CA bundle (one setting for every node, the recommended one) or each node
 * certificate's pinned SHA-256 fingerprint (what /nodes reports as ssl_fingerprint). A single
 * {@code pinnedFingerprint} applies to every endpoint without a pin of its own in {@code
 * endpointFingerprints} (one endpoint, or endpoints sharing one certificate behind a name or a
 * balancer). Skipping verification exists only as an explicit opt-in.
 *
 * @param caBundlePem PEM CA bundle, or null
 * @param pinnedFingerprint the pin for endpoints without their own, or null
 * @param endpointFingerprints endpoint URL (without trailing slash) to its pin, normalised
 * @param insecureSkipVerify accept any certificate
 */
public record PveTls(
        String caBundlePem,
        String pinnedFingerprint,
        Map<String, String> endpointFingerprints,
        boolean insecureSkipVerify) {
    private static final Pattern PEM_CERT =
            Pattern.compile(
                    "-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\\s]+-----END CERTIFICATE-----");

    public PveTls {
        Map<String, String> pins = new TreeMap<>();
        if (endpointFingerprints != null) {
            endpointFingerprints.forEach(
                    (endpoint, fp) -> pins.put(endpointKey(endpoint), normalizeFingerprint(fp)));
        }
        endpointFingerprints = Collections.unmodifiableMap(pins);
        pinnedFingerprint =
                pinnedFingerprint == null ? null : normalizeFingerprint(pinnedFingerprint);
    }

    public PveTls(String caBundlePem, String pinnedFingerprint, boolean insecureSkipVerify) {
        this(caBundlePem, pinnedFingerprint, Map.of(), insecureSkipVerify);
    }

    public static PveTls systemTrust() {
        return new PveTls(null, null, false);
    }

    public static PveTls caBundle(String pem) {
        return new PveTls(pem, null, false);
    }

    public static PveTls pinned(String fingerprint) {
        return new PveTls(null, fingerprint, false);
    }

    /**
     * One pin per endpoint ({@code endpoint → fingerprint}); {@code fallback} (may be null) for
     * endpoints not listed.
     */
    public static PveTls pinnedPerEndpoint(Map<String, String> pins, String fallback) {
        return new PveTls(null, fallback, pins, false);
    }

    public static PveTls insecure() {
        return new PveTls(null, null, true);
    }

    /** An endpoint URL as pins are keyed: without a trailing slash. */
    public static String endpointKey(String endpoint) {
        return endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
    }

    /** The pin that applies to {@code endpoint}: its own, else the common one, else null. */
    public String fingerprintFor(String endpoint) {
        return endpointFingerprints.getOrDefault(endpointKey(endpoint), pinnedFingerprint);
    }

    /** Whether endpoints are verified differently (so each needs its own TLS set-up). */
    public boolean perEndpoint() {
        return !endpointFingerprints.isEmpty();
    }

    /** The policy for one endpoint: the CA (if any) and that endpoint's pin (if any). */
    public PveTls forEndpoint(String endpoint) {
        return new PveTls(caBundlePem, fingerprintFor(endpoint), Map.of(), insecureSkipVerify);
    }

    /** Colon-separated upper-case hex, the form PVE prints; accepts any case and separators. */
    public static String normalizeFingerprint(String fingerprint) {
        String hex = fingerprint.replaceAll("[^0-9A-Fa-f]", "").toUpperCase(Locale.ROOT);
        if (hex.length() != 64) {
            throw new IllegalArgumentException(
                    "a SHA-256 fingerprint has 32 bytes (64 hex digits), got " + hex.length() / 2);
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < hex.length(); i += 2) {
            if (i > 0) {
                out.append(':');
            }
            out.append(hex, i, i + 2);
        }
        return out.toString();
    }

    public static String fingerprintOf(X509Certificate certificate) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            return normalizeFingerprint(HexFormat.of().formatHex(digest));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Configures the client's trust and host-name checks according to this policy; with pins per
     * endpoint, apply {@link #forEndpoint} of each endpoint to that endpoint's client instead.
     */
    void apply(OkHttpClient.Builder builder) {
        if (perEndpoint()) {
            throw new IllegalStateException(
                    "pins per endpoint: configure each endpoint's client with forEndpoint(url)");
        }
        X509TrustManager trust = trustManager();
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {trust}, null);
            builder.sslSocketFactory(context.getSocketFactory(), trust);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS", e);
        }
        if (insecureSkipVerify || (pinnedFingerprint != null && caBundlePem == null)) {
            // The pin (or the explicit opt-out) identifies the server; node certificates rarely
            // carry the
            // name or address the operator dials, so a host-name check would only break pinning.
            HostnameVerifier any = (host, session) -> true;
            builder.hostnameVerifier(any);
        }
    }

    private X509TrustManager trustManager() {
        if (insecureSkipVerify) {
            return new AcceptAll();
        }
        X509TrustManager base =
                caBundlePem != null
                        ? caTrust(caBundlePem)
                        : (pinnedFingerprint != null ? null : systemTrustManager());
        if (pinnedFingerprint != null) {
            return new Pinned(normalizeFingerprint(pinnedFingerprint), base);
        }
        return base;
    }

    private static X509TrustManager caTrust(String pem) {
        List<String> blocks =
                PEM_CERT.matcher(pem).results().map(java.util.regex.MatchResult::group).toList();
        if (blocks.isEmpty()) {
            throw new IllegalArgumentException("the CA bundle holds no PEM certificate");
        }
        HandshakeCertificates.Builder certificates = new HandshakeCertificates.Builder();
        blocks.forEach(
                b -> certificates.addTrustedCertificate(Certificates.decodeCertificatePem(b)));
        return certificates.build().trustManager();
    }

    private static X509TrustManager systemTrustManager() {
        try {
            TrustManagerFactory factory =
                    TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init((KeyStore) null);
            for (TrustManager tm : factory.getTrustManagers()) {
                if (tm instanceof X509TrustManager x509) {
                    return x509;
                }
            }
            throw new IllegalStateException("no X509 trust manager in the JDK");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        if (insecureSkipVerify) {
            return "insecure (no verification)";
        }
        if (perEndpoint()) {
            StringBuilder text = new StringBuilder("pinned SHA-256 per endpoint (");
            endpointFingerprints.forEach(
                    (endpoint, fp) -> text.append(endpoint).append(' ').append(fp).append(", "));
            text.append(
                    pinnedFingerprint != null
                            ? "others " + pinnedFingerprint
                            : caBundlePem != null ? "others by the CA bundle" : "no others");
            return text.append(')').append(caBundlePem != null ? " and CA bundle" : "").toString();
        }
        if (pinnedFingerprint != null) {
            return "pinned SHA-256 "
                    + pinnedFingerprint
                    + (caBundlePem != null ? " and CA bundle" : "");
        }
        return caBundlePem != null ? "CA bundle" : "system trust store";
    }

    /**
     * Accepts exactly the certificate with the pinned fingerprint (and, with a CA, only if the
     * chain is valid too).
     */
    private record Pinned(String fingerprint, X509TrustManager chain) implements X509TrustManager {
        @Override
        public void checkServerTrusted(X509Certificate[] certs, String authType)
                throws CertificateException {
            if (certs == null || certs.length == 0) {
                throw new CertificateException("the server sent no certificate");
            }
            String actual = fingerprintOf(certs[0]);
            if (!actual.equals(fingerprint)) {
                throw new CertificateException(
                        "server certificate fingerprint "
                                + actual
                                + " does not match the pinned fingerprint "
                                + fingerprint);
            }
            if (chain != null) {
                chain.checkServerTrusted(certs, authType);
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] certs, String authType)
                throws CertificateException {
            throw new CertificateException("client certificates are not accepted");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    private static final class AcceptAll implements X509TrustManager {
        @Override
        public void checkServerTrusted(X509Certificate[] certs, String authType) {
            // explicit opt-in: verification is skipped and the cluster reports a warning condition
        }

        @Override
        public void checkClientTrusted(X509Certificate[] certs, String authType)
                throws CertificateException {
            throw new CertificateException("client certificates are not accepted");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
