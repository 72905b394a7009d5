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

@JsonInclude(JsonInclude.Include.NON_EMPTY)
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
            message = "HA group names must be unique")
    @JsonPropertyDescription(
            "HA groups the operator keeps in PVE (node priorities, restricted, nofailback).")
    private List<HaGroup> haGroups = new ArrayList<>();

    @JsonPropertyDescription(
            "Built-in monitoring items (on by default) and their thresholds; see BuiltinItem.")
    private io.pveha.api.monitoring.ClusterMonitoring monitoring;

    @JsonPropertyDescription(
            "Where alerts go: receivers (WeCom, DingTalk, Feishu, email, Slack, webhook), routes, maintenance windows.")
    private io.pveha.api.monitoring.Alerting alerting;

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
                    "!(has(self.insecureSkipVerify) && self.insecureSkipVerify && (has(self.caSecretRef) || has(self.fingerprint)))",
            message = "insecureSkipVerify cannot be combined with caSecretRef or fingerprint")
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class Tls {
        public static final String DEFAULT_CA_KEY = "ca.crt";

        @JsonPropertyDescription(
                "Secret with a PEM CA bundle (key default ca.crt) that signed the PVE certificates.")
        private SecretKeyRef caSecretRef;

        @Pattern(Patterns.SHA256_FINGERPRINT)
        @JsonPropertyDescription(
                "Pinned SHA-256 fingerprint of the PVE certificate, colon hex as in /nodes ssl_fingerprint.")
        private String fingerprint;

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

        public Boolean getInsecureSkipVerify() {
            return insecureSkipVerify;
        }

        public void setInsecureSkipVerify(Boolean insecureSkipVerify) {
            this.insecureSkipVerify = insecureSkipVerify;
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
