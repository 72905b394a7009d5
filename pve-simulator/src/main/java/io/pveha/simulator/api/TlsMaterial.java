package io.pveha.simulator.api;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;

/**
 * The cluster's certificates, made like PVE's: a cluster CA ({@code pve-root-ca.pem}) and one
 * certificate per node ({@code pve-ssl.pem}) signed by it, so each node has its own fingerprint.
 * They can be saved (PEM) and loaded again, so a restarted simulator keeps its fingerprints. Keys
 * are ECDSA P-256 rather than PVE's RSA 2048: generating RSA keys takes seconds on small machines,
 * and TLS clients do not care.
 */
public final class TlsMaterial {
    private final HeldCertificate ca;
    private final Map<String, HeldCertificate> nodes;

    private TlsMaterial(HeldCertificate ca, Map<String, HeldCertificate> nodes) {
        this.ca = ca;
        this.nodes = nodes;
    }

    /**
     * New CA and node certificates valid for {@code 127.0.0.1}, {@code localhost} and the node
     * name.
     */
    public static TlsMaterial generate(String clusterName, List<String> nodeNames) {
        HeldCertificate ca =
                new HeldCertificate.Builder()
                        .certificateAuthority(0)
                        .commonName("Proxmox Virtual Environment")
                        .organizationalUnit(clusterName)
                        .duration(3650, TimeUnit.DAYS)
                        .ecdsa256()
                        .build();
        Map<String, HeldCertificate> nodes = new LinkedHashMap<>();
        for (String node : nodeNames) {
            nodes.put(
                    node,
                    new HeldCertificate.Builder()
                            .commonName(node + ".local")
                            .organizationalUnit("PVE Cluster Node")
                            .addSubjectAlternativeName("127.0.0.1")
                            .addSubjectAlternativeName("localhost")
                            .addSubjectAlternativeName(node)
                            .duration(730, TimeUnit.DAYS)
                            .signedBy(ca)
                            .ecdsa256()
                            .build());
        }
        return new TlsMaterial(ca, nodes);
    }

    /** Restores material saved by {@link #toPem()}; missing nodes get new certificates. */
    public static TlsMaterial fromPem(
            Map<String, String> pem, String clusterName, List<String> nodeNames) {
        String caPem = pem.get("ca");
        if (caPem == null) {
            return generate(clusterName, nodeNames);
        }
        HeldCertificate ca = HeldCertificate.decode(caPem);
        Map<String, HeldCertificate> nodes = new LinkedHashMap<>();
        for (String node : nodeNames) {
            String nodePem = pem.get(node);
            nodes.put(
                    node,
                    nodePem != null
                            ? HeldCertificate.decode(nodePem)
                            : generate(clusterName, List.of(node)).nodes.get(node));
        }
        return new TlsMaterial(ca, nodes);
    }

    /** Certificates and keys as PEM: key {@code ca} and one key per node. */
    public Map<String, String> toPem() {
        Map<String, String> pem = new LinkedHashMap<>();
        pem.put("ca", ca.certificatePem() + ca.privateKeyPkcs8Pem());
        nodes.forEach(
                (node, held) -> pem.put(node, held.certificatePem() + held.privateKeyPkcs8Pem()));
        return pem;
    }

    public String caCertificatePem() {
        return ca.certificatePem();
    }

    public X509Certificate caCertificate() {
        return ca.certificate();
    }

    /** A node's certificate ({@code pve-ssl.pem}). */
    public X509Certificate nodeCertificate(String node) {
        return nodes.get(node).certificate();
    }

    /** SHA-256 fingerprint of a node's certificate, colon-separated upper-case hex like PVE's. */
    public String fingerprint(String node) {
        return fingerprint(nodes.get(node).certificate());
    }

    /** The server side of a node's API port. */
    public SSLContext serverContext(String node) {
        return new HandshakeCertificates.Builder()
                .heldCertificate(nodes.get(node), ca.certificate())
                .build()
                .sslContext();
    }

    static String fingerprint(X509Certificate certificate) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException("cannot fingerprint certificate", e);
        }
    }
}
