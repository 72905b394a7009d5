package io.pveha.reconciler.cluster;

import io.pveha.api.cluster.DisasterRecovery;
import io.pveha.api.cluster.ProxmoxCluster;
import io.pveha.api.cluster.ProxmoxClusterSpec;
import io.pveha.cluster.ConnectionSettings;
import io.pveha.pve.PveTls;
import io.pveha.pve.PveToken;
import io.pveha.reconciler.CommonReason;
import io.pveha.reconciler.Reason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Resolves a ProxmoxCluster spec and the values of its Secrets into connection settings, or a
 * problem that names what is wrong. Pure: the observer reads the Secret keys {@link #secretKeys}
 * lists (from the informer cache), and this turns them and the spec into settings.
 */
final class ClusterSettingsResolver {
    static final int DEFAULT_REQUESTS_PER_SECOND = 20;
    static final int DEFAULT_TASKS_PER_NODE = 4;
    static final int DEFAULT_TIMEOUT_SECONDS = 20;
    static final String DEFAULT_CA_KEY = "ca.crt";

    /**
     * A key of a Secret (in the cluster's namespace) the spec refers to, with the documented
     * default key filled in.
     */
    record SecretKey(String secret, String key) {}

    /**
     * What the observer found under a {@link SecretKey}: the value, or why there is none (the value
     * is never printed).
     */
    record SecretValue(String value, Reason problem, String message) {
        static SecretValue of(String value) {
            return new SecretValue(value, null, null);
        }

        static SecretValue missing(Reason problem, String message) {
            return new SecretValue(null, problem, message);
        }

        @Override
        public String toString() {
            return problem == null
                    ? "SecretValue[present]"
                    : "SecretValue[" + problem.name() + ": " + message + "]";
        }
    }

    /** Why settings could not be resolved: the Connected (and Ready) reason and message. */
    static final class SettingsProblem extends Exception {
        final Reason reason;

        SettingsProblem(Reason reason, String message) {
            super(message);
            this.reason = reason;
        }
    }

    private ClusterSettingsResolver() {}

    /**
     * One cluster a ProxmoxCluster reaches: the primary (spec.endpoints, credentialsSecretRef, tls)
     * or the standby (spec.disasterRecovery.standby).
     *
     * @param role {@code primary} or {@code standby}
     * @param field where its settings are in the spec, for messages
     */
    record Site(
            String role,
            String field,
            List<String> endpoints,
            ProxmoxClusterSpec.CredentialsRef credentials,
            ProxmoxClusterSpec.Tls tls) {}

    static final String PRIMARY = "primary";
    static final String STANDBY = "standby";

    static Site primary(ProxmoxClusterSpec spec) {
        return new Site(
                PRIMARY,
                "spec",
                spec.getEndpoints(),
                spec.getCredentialsSecretRef(),
                spec.getTls());
    }

    /** The standby, when the spec declares one. */
    static Optional<Site> standby(ProxmoxClusterSpec spec) {
        DisasterRecovery dr = spec == null ? null : spec.getDisasterRecovery();
        if (dr == null || dr.getStandby() == null) {
            return Optional.empty();
        }
        DisasterRecovery.Standby standby = dr.getStandby();
        return Optional.of(
                new Site(
                        STANDBY,
                        "spec.disasterRecovery.standby",
                        standby.getEndpoints(),
                        standby.getCredentialsSecretRef(),
                        standby.getTls()));
    }

    /** The cluster the platform runs on: the standby once spec.disasterRecovery switched to it. */
    static Site active(ProxmoxClusterSpec spec) {
        DisasterRecovery dr = spec.getDisasterRecovery();
        if (dr != null && dr.onStandby()) {
            return standby(spec).orElseThrow();
        }
        return primary(spec);
    }

    /**
     * The cluster that is not active, when there is one: the standby while the primary runs the
     * platform (watched for drills and readiness), the lost primary after the switch (watched so
     * restores wait while it still runs the platform).
     */
    static Optional<Site> other(ProxmoxClusterSpec spec) {
        if (spec == null) {
            return Optional.empty();
        }
        DisasterRecovery dr = spec.getDisasterRecovery();
        if (dr == null || dr.getStandby() == null) {
            return Optional.empty();
        }
        return dr.onStandby() ? Optional.of(primary(spec)) : standby(spec);
    }

    /** The Secret keys the spec needs, in the order a problem with them is reported. */
    static List<SecretKey> secretKeys(ProxmoxClusterSpec spec) {
        List<SecretKey> keys = new ArrayList<>();
        if (spec == null) {
            return keys;
        }
        keys.addAll(secretKeys(primary(spec)));
        standby(spec).ifPresent(site -> keys.addAll(secretKeys(site)));
        return keys;
    }

    private static List<SecretKey> secretKeys(Site site) {
        List<SecretKey> keys = new ArrayList<>();
        ProxmoxClusterSpec.CredentialsRef ref = site.credentials();
        if (ref != null && ref.getName() != null) {
            keys.add(tokenIdKey(ref));
            keys.add(tokenSecretKey(ref));
        }
        caKey(site.tls()).ifPresent(keys::add);
        return keys;
    }

    /** The settings of the cluster the platform runs on now. */
    static ConnectionSettings resolve(ProxmoxCluster cluster, Map<SecretKey, SecretValue> secrets)
            throws SettingsProblem {
        ProxmoxClusterSpec spec = cluster.getSpec();
        if (spec == null || spec.getEndpoints() == null || spec.getEndpoints().isEmpty()) {
            throw new SettingsProblem(
                    CommonReason.InvalidSpec, "spec.endpoints: at least one endpoint is required");
        }
        return resolve(cluster, active(spec), secrets);
    }

    /** The settings of one of the ProxmoxCluster's clusters. */
    static ConnectionSettings resolve(
            ProxmoxCluster cluster, Site site, Map<SecretKey, SecretValue> secrets)
            throws SettingsProblem {
        ProxmoxClusterSpec spec = cluster.getSpec();
        if (site.endpoints() == null || site.endpoints().isEmpty()) {
            throw new SettingsProblem(
                    CommonReason.InvalidSpec,
                    site.field() + ".endpoints: at least one endpoint is required");
        }
        ProxmoxClusterSpec.CredentialsRef ref = site.credentials();
        if (ref == null || ref.getName() == null) {
            throw new SettingsProblem(
                    CommonReason.InvalidSpec,
                    site.field() + ".credentialsSecretRef.name is required");
        }
        String tokenId = value(secrets, tokenIdKey(ref));
        String tokenSecret = value(secrets, tokenSecretKey(ref));
        PveToken token;
        try {
            token = new PveToken(tokenId, tokenSecret);
        } catch (IllegalArgumentException e) {
            throw new SettingsProblem(
                    ProxmoxClusterReason.InvalidCredentials,
                    "Secret "
                            + cluster.getMetadata().getNamespace()
                            + "/"
                            + ref.getName()
                            + ": "
                            + e.getMessage());
        }
        PveTls tls =
                tls(
                        site.tls(),
                        site.endpoints(),
                        cluster.getMetadata().getNamespace(),
                        secrets,
                        site.field());
        ProxmoxClusterSpec.ClientSettings limits = spec.getClient();
        int rps =
                limits != null && limits.getRequestsPerSecond() != null
                        ? limits.getRequestsPerSecond()
                        : DEFAULT_REQUESTS_PER_SECOND;
        int tasks =
                limits != null && limits.getMaxConcurrentTasksPerNode() != null
                        ? limits.getMaxConcurrentTasksPerNode()
                        : DEFAULT_TASKS_PER_NODE;
        int timeout =
                limits != null && limits.getRequestTimeoutSeconds() != null
                        ? limits.getRequestTimeoutSeconds()
                        : DEFAULT_TIMEOUT_SECONDS;
        return ConnectionSettings.of(
                site.endpoints(),
                token,
                tokenSecret,
                tls,
                rps,
                Duration.ofSeconds(timeout),
                pollInterval(spec),
                tasks);
    }

    static Duration pollInterval(ProxmoxClusterSpec spec) {
        return Duration.ofSeconds(
                spec != null && spec.getPollIntervalSeconds() != null
                        ? spec.getPollIntervalSeconds()
                        : ProxmoxClusterSpec.DEFAULT_POLL_INTERVAL_SECONDS);
    }

    private static PveTls tls(
            ProxmoxClusterSpec.Tls tls,
            List<String> endpoints,
            String namespace,
            Map<SecretKey, SecretValue> secrets,
            String field)
            throws SettingsProblem {
        if (tls == null) {
            return PveTls.systemTrust();
        }
        if (Boolean.TRUE.equals(tls.getInsecureSkipVerify())) {
            return PveTls.insecure();
        }
        String ca = null;
        if (caKey(tls).isPresent()) {
            SecretKey key = caKey(tls).get();
            ca = value(secrets, key);
            if (!ca.contains("-----BEGIN CERTIFICATE-----")) {
                throw new SettingsProblem(
                        ProxmoxClusterReason.InvalidCaBundle,
                        "Secret "
                                + namespace
                                + "/"
                                + key.secret()
                                + " key "
                                + key.key()
                                + " holds no PEM certificate");
            }
        }
        String fingerprint = tls.getFingerprint();
        if (fingerprint != null) {
            try {
                fingerprint = PveTls.normalizeFingerprint(fingerprint);
            } catch (IllegalArgumentException e) {
                throw new SettingsProblem(
                        CommonReason.InvalidSpec, field + ".tls.fingerprint: " + e.getMessage());
            }
        }
        Map<String, String> pins = pins(tls, endpoints, field);
        if (!pins.isEmpty() && fingerprint == null && ca == null) {
            List<String> unpinned =
                    endpoints.stream()
                            .map(PveTls::endpointKey)
                            .filter(e -> !pins.containsKey(e))
                            .toList();
            if (!unpinned.isEmpty()) {
                throw new SettingsProblem(
                        CommonReason.InvalidSpec,
                        field
                                + ".tls.fingerprints: no fingerprint for "
                                + String.join(", ", unpinned)
                                + " (add an entry, or set "
                                + field
                                + ".tls.fingerprint or "
                                + field
                                + ".tls.caSecretRef)");
            }
        }
        return new PveTls(ca, fingerprint, pins, false);
    }

    /**
     * {@code spec.tls.fingerprints} as endpoint → normalised pin, each endpoint one of the spec's.
     */
    private static Map<String, String> pins(
            ProxmoxClusterSpec.Tls tls, List<String> endpoints, String field)
            throws SettingsProblem {
        Map<String, String> pins = new LinkedHashMap<>();
        List<ProxmoxClusterSpec.EndpointFingerprint> entries =
                tls.getFingerprints() == null ? List.of() : tls.getFingerprints();
        List<String> known = endpoints.stream().map(PveTls::endpointKey).toList();
        for (int i = 0; i < entries.size(); i++) {
            ProxmoxClusterSpec.EndpointFingerprint entry = entries.get(i);
            String where = field + ".tls.fingerprints[" + i + "]";
            if (entry.getEndpoint() == null || entry.getFingerprint() == null) {
                throw new SettingsProblem(
                        CommonReason.InvalidSpec,
                        where + ": endpoint and fingerprint are required");
            }
            String endpoint = PveTls.endpointKey(entry.getEndpoint());
            if (!known.contains(endpoint)) {
                throw new SettingsProblem(
                        CommonReason.InvalidSpec,
                        where
                                + ".endpoint: "
                                + entry.getEndpoint()
                                + " is not in "
                                + field
                                + ".endpoints");
            }
            String fingerprint;
            try {
                fingerprint = PveTls.normalizeFingerprint(entry.getFingerprint());
            } catch (IllegalArgumentException e) {
                throw new SettingsProblem(
                        CommonReason.InvalidSpec, where + ".fingerprint: " + e.getMessage());
            }
            if (pins.put(endpoint, fingerprint) != null) {
                throw new SettingsProblem(
                        CommonReason.InvalidSpec,
                        where + ".endpoint: " + entry.getEndpoint() + " has two fingerprints");
            }
        }
        return pins;
    }

    private static SecretKey tokenIdKey(ProxmoxClusterSpec.CredentialsRef ref) {
        return new SecretKey(
                ref.getName(),
                blankTo(
                        ref.getTokenIdKey(),
                        ProxmoxClusterSpec.CredentialsRef.DEFAULT_TOKEN_ID_KEY));
    }

    private static SecretKey tokenSecretKey(ProxmoxClusterSpec.CredentialsRef ref) {
        return new SecretKey(
                ref.getName(),
                blankTo(
                        ref.getTokenSecretKey(),
                        ProxmoxClusterSpec.CredentialsRef.DEFAULT_TOKEN_SECRET_KEY));
    }

    /**
     * The CA bundle's key, when the spec verifies with one (insecureSkipVerify reads no Secret).
     */
    private static Optional<SecretKey> caKey(ProxmoxClusterSpec.Tls tls) {
        if (tls == null
                || Boolean.TRUE.equals(tls.getInsecureSkipVerify())
                || tls.getCaSecretRef() == null
                || tls.getCaSecretRef().getName() == null) {
            return Optional.empty();
        }
        return Optional.of(
                new SecretKey(
                        tls.getCaSecretRef().getName(),
                        tls.getCaSecretRef().keyOr(DEFAULT_CA_KEY)));
    }

    private static String value(Map<SecretKey, SecretValue> secrets, SecretKey key)
            throws SettingsProblem {
        SecretValue found = secrets.get(key);
        if (found == null) {
            throw new IllegalStateException("the observer did not read " + key);
        }
        if (found.problem() != null) {
            throw new SettingsProblem(found.problem(), found.message());
        }
        return found.value();
    }

    private static String blankTo(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }
}
