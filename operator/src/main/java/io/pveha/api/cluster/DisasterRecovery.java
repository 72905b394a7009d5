package io.pveha.api.cluster;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.pveha.api.Patterns;
import java.util.ArrayList;
import java.util.List;

/**
 * Rebuilding the platform of this ProxmoxCluster on another cluster from its backups: the standby
 * cluster, the one switch that moves the platform there ({@link #activeCluster}), and the order and
 * pace of the restores.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@ValidationRule(
        value = "!has(self.activeCluster) || self.activeCluster == 'primary' || has(self.standby)",
        message = "activeCluster standby needs standby: the cluster to rebuild the platform on")
public class DisasterRecovery {
    public static final int DEFAULT_MAX_PARALLEL_RESTORES_PER_NODE = 2;

    /** Which cluster the platform runs on. */
    public enum ActiveCluster {
        primary,
        standby
    }

    @JsonPropertyDescription(
            "The cluster the platform is rebuilt on when the primary (spec.endpoints) is lost: its own endpoints, token and TLS. It must reach the BackupPolicies' NFS exports (the operator defines the storages there).")
    private Standby standby;

    @JsonPropertyDescription(
            "The switch: where the platform runs, primary (spec.endpoints, the default) or standby. Set standby when the primary cluster is lost: every resource of this ProxmoxCluster then talks to the standby, CephPools and storages are recreated there, and every HaVm is restored from its newest good backup (in restoreOrder, maxParallelRestoresPerNode at a time per node). Only this change starts restores, never an unreachable cluster. The operator never changes it.")
    private ActiveCluster activeCluster;

    @Size(max = 32)
    @ValidationRule(
            value = "self.all(s, self.exists_one(t, t.name == s.name))",
            message = "restore stage names must be unique")
    @JsonPropertyDescription(
            "The order HaVms are restored in, stage by stage: a stage starts when every HaVm of the earlier stages is restored and Ready (or has no backup left to try). A HaVm is in the first stage that names or selects it; HaVms in none come last.")
    private List<RestoreStage> restoreOrder = new ArrayList<>();

    @Min(1)
    @Max(64)
    @JsonPropertyDescription("Restores the operator runs at once on one node (default 2).")
    private Integer maxParallelRestoresPerNode;

    public Standby getStandby() {
        return standby;
    }

    public void setStandby(Standby standby) {
        this.standby = standby;
    }

    public ActiveCluster getActiveCluster() {
        return activeCluster;
    }

    public void setActiveCluster(ActiveCluster activeCluster) {
        this.activeCluster = activeCluster;
    }

    public List<RestoreStage> getRestoreOrder() {
        return restoreOrder;
    }

    public void setRestoreOrder(List<RestoreStage> restoreOrder) {
        this.restoreOrder = restoreOrder;
    }

    public Integer getMaxParallelRestoresPerNode() {
        return maxParallelRestoresPerNode;
    }

    public void setMaxParallelRestoresPerNode(Integer maxParallelRestoresPerNode) {
        this.maxParallelRestoresPerNode = maxParallelRestoresPerNode;
    }

    /** True when the platform is switched to the standby. */
    public boolean onStandby() {
        return activeCluster == ActiveCluster.standby && standby != null;
    }

    /** The restores per node, default filled in. */
    public int restoresPerNode() {
        return maxParallelRestoresPerNode == null
                ? DEFAULT_MAX_PARALLEL_RESTORES_PER_NODE
                : maxParallelRestoresPerNode;
    }

    /** How to reach the standby cluster: as the primary's endpoints, token and TLS. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    @ValidationRule(
            value =
                    "!has(self.tls) || !has(self.tls.fingerprints) || self.tls.fingerprints.all(f, self.endpoints.exists(e, e == f.endpoint || e == f.endpoint + '/' || e + '/' == f.endpoint))",
            message = "every tls.fingerprints[].endpoint must be one of standby.endpoints")
    public static class Standby {
        @Required
        @Size(min = 1, max = 16)
        @ValidationRule(
                value = "self.all(e, self.exists_one(f, f == e))",
                message = "endpoints must be distinct")
        @JsonPropertyDescription("API endpoints of the standby cluster, one per node.")
        private List<@Size(max = 270) @Pattern(Patterns.PVE_ENDPOINT) String> endpoints =
                new ArrayList<>();

        @Required
        @JsonPropertyDescription(
                "Secret with the standby's API token (keys tokenId and tokenSecret).")
        private ProxmoxClusterSpec.CredentialsRef credentialsSecretRef;

        @JsonPropertyDescription("How the standby's certificates are verified.")
        private ProxmoxClusterSpec.Tls tls;

        public List<String> getEndpoints() {
            return endpoints;
        }

        public void setEndpoints(List<String> endpoints) {
            this.endpoints = endpoints;
        }

        public ProxmoxClusterSpec.CredentialsRef getCredentialsSecretRef() {
            return credentialsSecretRef;
        }

        public void setCredentialsSecretRef(
                ProxmoxClusterSpec.CredentialsRef credentialsSecretRef) {
            this.credentialsSecretRef = credentialsSecretRef;
        }

        public ProxmoxClusterSpec.Tls getTls() {
            return tls;
        }

        public void setTls(ProxmoxClusterSpec.Tls tls) {
            this.tls = tls;
        }
    }

    /** One stage of the restore order: HaVms by name, by labels, or both. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    @ValidationRule(
            value = "(has(self.haVmNames) && size(self.haVmNames) > 0) || has(self.haVmSelector)",
            message = "a restore stage names HaVms (haVmNames) or selects them (haVmSelector)")
    public static class RestoreStage {
        @Required
        @Size(max = 63)
        @Pattern(Patterns.DNS_LABEL)
        @JsonPropertyDescription("The stage's name, shown in status (e.g. payments).")
        private String name;

        @Size(max = 64)
        @JsonPropertyDescription("HaVms of this ProxmoxCluster, by name.")
        private List<@Size(max = 253) @Pattern(Patterns.DNS_SUBDOMAIN) String> haVmNames =
                new ArrayList<>();

        @JsonPropertyDescription("HaVms of this ProxmoxCluster whose labels match.")
        private LabelSelector haVmSelector;

        public RestoreStage() {}

        public RestoreStage(String name, List<String> haVmNames, LabelSelector haVmSelector) {
            this.name = name;
            this.haVmNames = haVmNames == null ? new ArrayList<>() : new ArrayList<>(haVmNames);
            this.haVmSelector = haVmSelector;
        }

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public List<String> getHaVmNames() {
            return haVmNames;
        }

        public void setHaVmNames(List<String> haVmNames) {
            this.haVmNames = haVmNames;
        }

        public LabelSelector getHaVmSelector() {
            return haVmSelector;
        }

        public void setHaVmSelector(LabelSelector haVmSelector) {
            this.haVmSelector = haVmSelector;
        }
    }
}
