package io.pveha.api.cluster;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.pveha.api.Patterns;
import io.pveha.api.SecretKeyRef;
import java.util.ArrayList;
import java.util.List;

@ValidationRule(
        value =
                "!has(self.disasterRecovery) || !has(self.disasterRecovery.standby) || self.disasterRecovery.standby.endpoints.all(e, !self.endpoints.exists(p, p == e))",
        message = "disasterRecovery.standby.endpoints must not be endpoints of the primary")
@ValidationRule(
        value =
                "!has(self.haGroups) || !has(self.placementPolicies) || self.haGroups.all(g, !self.placementPolicies.exists(p, p.name == g.name))",
        message = "a name is declared both in haGroups and placementPolicies")
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@ValidationRule(
        value =
                "!has(self.tls) || !has(self.tls.fingerprints) || self.tls.fingerprints.all(f, self.endpoints.exists(e, e == f.endpoint || e == f.endpoint + '/' || e + '/' == f.endpoint))",
        message = "every tls.fingerprints[].endpoint must be one of spec.endpoints")
@ValidationRule(
        value =
                "!has(self.tls) || !has(self.tls.fingerprints) || has(self.tls.fingerprint) || has(self.tls.caSecretRef) || self.endpoints.all(e, self.tls.fingerprints.exists(f, e == f.endpoint || e == f.endpoint + '/' || e + '/' == f.endpoint))",
        message =
                "with tls.fingerprints and neither tls.fingerprint nor tls.caSecretRef, every endpoint needs its fingerprint")
public class ProxmoxClusterSpec {
    public static final int DEFAULT_POLL_INTERVAL_SECONDS = 15;

    @Required
    @Size(min = 1, max = 16)
    @ValidationRule(
            value = "self.all(e, self.exists_one(f, f == e))",
            message = "endpoints must be distinct")
    @JsonPropertyDescription(
            "API endpoints, one per PVE node, e.g. https://pve1.example.net:8006; the operator fails over between them.")
    private List<@Size(max = 270) @Pattern(Patterns.PVE_ENDPOINT) String> endpoints =
            new ArrayList<>();

    @Required
    @JsonPropertyDescription(
            "Secret holding the API token: keys tokenId (user@realm!name) and tokenSecret (the UUID).")
    private CredentialsRef credentialsSecretRef;

    @JsonPropertyDescription(
            "How the server certificate is verified. Verification is on by default.")
    private Tls tls;

    @Min(1)
    @Max(3600)
    @JsonPropertyDescription(
            "Seconds between bulk polls of the cluster (default 15). One poll (four API calls) serves every resource of this cluster.")
    private Integer pollIntervalSeconds;

    @JsonPropertyDescription("Limits the operator keeps towards this cluster.")
    private ClientSettings client;

    @Size(max = 64)
    @ValidationRule(
            value = "self.all(g, self.exists_one(h, h.name == g.name))",
            message = "placement policy names must be unique")
    @JsonPropertyDescription(
            "Named placement policies for HaVms (spec.ha.placementPolicy): preferred nodes with priorities, strict or not, failback. Kept as HA groups on PVE 8 and as HA node-affinity rules on PVE 9.")
    private List<PlacementPolicy> placementPolicies = new ArrayList<>();

    @Size(max = 64)
    @ValidationRule(
            value = "self.all(g, self.exists_one(h, h.name == g.name))",
            message = "HA group names must be unique")
    @JsonPropertyDescription(
            "Deprecated, use placementPolicies (restricted is strict, nofailback is failback false): HA groups the operator keeps in PVE.")
    private List<HaGroup> haGroups = new ArrayList<>();

    @JsonPropertyDescription(
            "Built-in monitoring items (on by default) and their thresholds; see BuiltinItem.")
    private io.pveha.api.monitoring.ClusterMonitoring monitoring;

    @JsonPropertyDescription(
            "Where alerts go: receivers (WeCom, DingTalk, Feishu, email, Slack, webhook), routes, maintenance windows.")
    private io.pveha.api.monitoring.Alerting alerting;

    @JsonPropertyDescription(
            "Disaster recovery: the standby cluster the platform is rebuilt on from its backups when this one is lost, the switch (activeCluster), the restore order and pace. See docs/disaster-recovery.md.")
    private DisasterRecovery disasterRecovery;

    public DisasterRecovery getDisasterRecovery() {
        return disasterRecovery;
    }

    public void setDisasterRecovery(DisasterRecovery disasterRecovery) {
        this.disasterRecovery = disasterRecovery;
    }

    public List<String> getEndpoints() {
        return endpoints;
    }

    public void setEndpoints(List<String> endpoints) {
        this.endpoints = endpoints;
    }

    public CredentialsRef getCredentialsSecretRef() {
        return credentialsSecretRef;
    }

    public void setCredentialsSecretRef(CredentialsRef credentialsSecretRef) {
        this.credentialsSecretRef = credentialsSecretRef;
    }

    public Tls getTls() {
        return tls;
    }

    public void setTls(Tls tls) {
        this.tls = tls;
    }

    public Integer getPollIntervalSeconds() {
        return pollIntervalSeconds;
    }

    public void setPollIntervalSeconds(Integer pollIntervalSeconds) {
        this.pollIntervalSeconds = pollIntervalSeconds;
    }

    public ClientSettings getClient() {
        return client;
    }

    public void setClient(ClientSettings client) {
        this.client = client;
    }

    public List<PlacementPolicy> getPlacementPolicies() {
        return placementPolicies;
    }

    public void setPlacementPolicies(List<PlacementPolicy> placementPolicies) {
        this.placementPolicies = placementPolicies;
    }

    public List<HaGroup> getHaGroups() {
        return haGroups;
    }

    public void setHaGroups(List<HaGroup> haGroups) {
        this.haGroups = haGroups;
    }

    public io.pveha.api.monitoring.ClusterMonitoring getMonitoring() {
        return monitoring;
    }

    public void setMonitoring(io.pveha.api.monitoring.ClusterMonitoring monitoring) {
        this.monitoring = monitoring;
    }

    public io.pveha.api.monitoring.Alerting getAlerting() {
        return alerting;
    }

    public void setAlerting(io.pveha.api.monitoring.Alerting alerting) {
        this.alerting = alerting;
    }

    /** Secret keys of the API token. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class CredentialsRef {
        public static final String DEFAULT_TOKEN_ID_KEY = "tokenId";
        public static final String DEFAULT_TOKEN_SECRET_KEY = "tokenSecret";

        @Required
        @Size(max = 253)
        @Pattern(Patterns.DNS_SUBDOMAIN)
        private String name;

        @Size(max = 253)
        @Pattern(Patterns.SECRET_KEY)
        @JsonPropertyDescription(
                "Key holding the token id, user@realm!tokenname (default tokenId).")
        private String tokenIdKey;

        @Size(max = 253)
        @Pattern(Patterns.SECRET_KEY)
        @JsonPropertyDescription("Key holding the token secret (default tokenSecret).")
        private String tokenSecretKey;

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public String getTokenIdKey() {
            return tokenIdKey;
        }

        public void setTokenIdKey(String tokenIdKey) {
            this.tokenIdKey = tokenIdKey;
        }

        public String getTokenSecretKey() {
            return tokenSecretKey;
        }

        public void setTokenSecretKey(String tokenSecretKey) {
            this.tokenSecretKey = tokenSecretKey;
        }
    }

    /**
     * Server certificate verification: a CA bundle, a pinned fingerprint, or (only explicitly)
     * none.
     */
    @ValidationRule(
            value =
                    "!(has(self.insecureSkipVerify) && self.insecureSkipVerify && (has(self.caSecretRef) || has(self.fingerprint) || has(self.fingerprints)))",
            message =
                    "insecureSkipVerify cannot be combined with caSecretRef, fingerprint or fingerprints")
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class Tls {
        public static final String DEFAULT_CA_KEY = "ca.crt";

        @JsonPropertyDescription(
                "Secret with a PEM CA bundle (key default ca.crt) that signed the PVE certificates.")
        private SecretKeyRef caSecretRef;

        @Pattern(Patterns.SHA256_FINGERPRINT)
        @JsonPropertyDescription(
                "Pinned SHA-256 fingerprint, colon hex as in /nodes ssl_fingerprint, for every endpoint without its own entry in fingerprints: use it alone for one endpoint or for endpoints sharing one certificate.")
        private String fingerprint;

        @Size(max = 16)
        @ValidationRule(
                value = "self.all(f, self.exists_one(g, g.endpoint == f.endpoint))",
                message = "each endpoint may have one fingerprint")
        @JsonPropertyDescription(
                "Pinned SHA-256 fingerprint per endpoint: each PVE node has its own certificate (signed by the cluster CA, which caSecretRef trusts for all nodes at once). `doctor` prints these entries.")
        private List<EndpointFingerprint> fingerprints = new ArrayList<>();

        @JsonPropertyDescription(
                "Accept any certificate. Only for labs; the cluster then carries a TlsVerification warning condition.")
        private Boolean insecureSkipVerify;

        public SecretKeyRef getCaSecretRef() {
            return caSecretRef;
        }

        public void setCaSecretRef(SecretKeyRef caSecretRef) {
            this.caSecretRef = caSecretRef;
        }

        public String getFingerprint() {
            return fingerprint;
        }

        public void setFingerprint(String fingerprint) {
            this.fingerprint = fingerprint;
        }

        public List<EndpointFingerprint> getFingerprints() {
            return fingerprints;
        }

        public void setFingerprints(List<EndpointFingerprint> fingerprints) {
            this.fingerprints = fingerprints;
        }

        public Boolean getInsecureSkipVerify() {
            return insecureSkipVerify;
        }

        public void setInsecureSkipVerify(Boolean insecureSkipVerify) {
            this.insecureSkipVerify = insecureSkipVerify;
        }
    }

    /** The pinned certificate fingerprint of one endpoint. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class EndpointFingerprint {
        @Required
        @Size(max = 270)
        @Pattern(Patterns.PVE_ENDPOINT)
        @JsonPropertyDescription("One of spec.endpoints.")
        private String endpoint;

        @Required
        @Pattern(Patterns.SHA256_FINGERPRINT)
        @JsonPropertyDescription(
                "SHA-256 fingerprint of that node's certificate, colon hex (pvenode cert info, or /nodes ssl_fingerprint).")
        private String fingerprint;

        public EndpointFingerprint() {}

        public EndpointFingerprint(String endpoint, String fingerprint) {
            this.endpoint = endpoint;
            this.fingerprint = fingerprint;
        }

        public String getEndpoint() {
            return endpoint;
        }

        public void setEndpoint(String endpoint) {
            this.endpoint = endpoint;
        }

        public String getFingerprint() {
            return fingerprint;
        }

        public void setFingerprint(String fingerprint) {
            this.fingerprint = fingerprint;
        }
    }

    /** Client-side limits, per cluster. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class ClientSettings {
        @Min(1)
        @Max(1000)
        @JsonPropertyDescription("Maximum API requests per second (default 20).")
        private Integer requestsPerSecond;

        @Min(1)
        @Max(64)
        @JsonPropertyDescription("Maximum tasks the operator runs at once on one node (default 4).")
        private Integer maxConcurrentTasksPerNode;

        @Min(1)
        @Max(300)
        @JsonPropertyDescription("Timeout of one API request in seconds (default 20).")
        private Integer requestTimeoutSeconds;

        public Integer getRequestsPerSecond() {
            return requestsPerSecond;
        }

        public void setRequestsPerSecond(Integer requestsPerSecond) {
            this.requestsPerSecond = requestsPerSecond;
        }

        public Integer getMaxConcurrentTasksPerNode() {
            return maxConcurrentTasksPerNode;
        }

        public void setMaxConcurrentTasksPerNode(Integer maxConcurrentTasksPerNode) {
            this.maxConcurrentTasksPerNode = maxConcurrentTasksPerNode;
        }

        public Integer getRequestTimeoutSeconds() {
            return requestTimeoutSeconds;
        }

        public void setRequestTimeoutSeconds(Integer requestTimeoutSeconds) {
            this.requestTimeoutSeconds = requestTimeoutSeconds;
        }
    }

    /**
     * Where HA VMs may run and which nodes they prefer: the HA manager starts and recovers them on
     * the online nodes of the highest priority.
     */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class PlacementPolicy {
        @Required
        @Size(max = 64)
        @Pattern(Patterns.PVE_HA_GROUP)
        private String name;

        @Required
        @Size(min = 1, max = 64)
        @ValidationRule(
                value = "self.all(n, self.exists_one(m, m.node == n.node))",
                message = "placement policy nodes must be distinct")
        @JsonPropertyDescription(
                "Preferred nodes; the highest priority wins, equal priorities share the load.")
        private List<HaGroupNode> nodes = new ArrayList<>();

        @JsonPropertyDescription(
                "Only these nodes: with none of them online the VMs wait (PVE recovers them when one returns). Default false: other nodes are a last resort.")
        private Boolean strict;

        @JsonPropertyDescription(
                "Move VMs back when a node of higher priority comes back online (default true).")
        private Boolean failback;

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public List<HaGroupNode> getNodes() {
            return nodes;
        }

        public void setNodes(List<HaGroupNode> nodes) {
            this.nodes = nodes;
        }

        public Boolean getStrict() {
            return strict;
        }

        public void setStrict(Boolean strict) {
            this.strict = strict;
        }

        public Boolean getFailback() {
            return failback;
        }

        public void setFailback(Boolean failback) {
            this.failback = failback;
        }
    }

    /** A PVE HA group: where HA resources of the group may run, by node priority. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class HaGroup {
        @Required
        @Size(max = 64)
        @Pattern(Patterns.PVE_HA_GROUP)
        private String name;

        @Required
        @Size(min = 1, max = 64)
        @ValidationRule(
                value = "self.all(n, self.exists_one(m, m.node == n.node))",
                message = "HA group nodes must be distinct")
        private List<HaGroupNode> nodes = new ArrayList<>();

        @JsonPropertyDescription("Services may only run on the listed nodes.")
        private Boolean restricted;

        @JsonPropertyDescription("Do not move services back when a higher-priority node returns.")
        private Boolean nofailback;

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public List<HaGroupNode> getNodes() {
            return nodes;
        }

        public void setNodes(List<HaGroupNode> nodes) {
            this.nodes = nodes;
        }

        public Boolean getRestricted() {
            return restricted;
        }

        public void setRestricted(Boolean restricted) {
            this.restricted = restricted;
        }

        public Boolean getNofailback() {
            return nofailback;
        }

        public void setNofailback(Boolean nofailback) {
            this.nofailback = nofailback;
        }
    }

    /** A node in an HA group, with its priority (higher wins). */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class HaGroupNode {
        @Required
        @Size(max = 63)
        @Pattern(Patterns.PVE_NODE)
        private String node;

        @Min(0)
        @Max(1000)
        private Integer priority;

        public String getNode() {
            return node;
        }

        public void setNode(String node) {
            this.node = node;
        }

        public Integer getPriority() {
            return priority;
        }

        public void setPriority(Integer priority) {
            this.priority = priority;
        }
    }
}
