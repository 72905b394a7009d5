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
@ValidationRule(
        value =
                "!has(self.drill) || !has(self.drill.enabled) || !self.drill.enabled || has(self.standby)",
        message =
                "drill.enabled needs standby: the disaster-recovery drill restores the platform on the standby cluster")
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

    @JsonPropertyDescription(
            "The disaster-recovery drill: on a schedule (or on demand with the pveha.io/drill-now annotation), while the primary runs the platform, every HaVm is restored from its newest backup onto the standby under a scratch VMID, NICs disconnected (link_down), never HA-registered, booted, timed, then destroyed: proof that the site could be rebuilt.")
    private Drill drill;

    public Drill getDrill() {
        return drill;
    }

    public void setDrill(Drill drill) {
        this.drill = drill;
    }

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

    /** The whole-platform drill on the standby. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class Drill {
        public static final String DEFAULT_SCHEDULE = "sun 02:00";
        public static final int DEFAULT_BOOT_TIMEOUT_SECONDS = 300;
        public static final int DEFAULT_SCRATCH_VMID_FROM = 900000;

        @JsonPropertyDescription(
                "Run the drill on the schedule (needs standby). The pveha.io/drill-now annotation runs one whatever this says.")
        private Boolean enabled;

        @Size(max = 128)
        @Pattern(Patterns.PVE_CALENDAR_EVENT)
        @JsonPropertyDescription(
                "When drills run: a PVE calendar event in UTC (default 'sun 02:00').")
        private String schedule;

        @Min(10)
        @Max(3600)
        @JsonPropertyDescription(
                "Seconds each restored VM has, from its start, to reach running (default 300).")
        private Integer bootTimeoutSeconds;

        @Size(max = 64)
        @Pattern(Patterns.PVE_STORAGE_ID)
        @JsonPropertyDescription(
                "Storage on the standby for the restored disks (default: the storages in the archive, which the standby may not have while the primary runs; the drill fails naming the storage then).")
        private String storage;

        @Min(100)
        @Max(999000000)
        @JsonPropertyDescription(
                "The first VMID the drill's scratch VMs may take on the standby (default 900000): the lowest free VMID from here up, away from the platform's own VMIDs.")
        private Integer scratchVmidFrom;

        public Boolean getEnabled() {
            return enabled;
        }

        public void setEnabled(Boolean enabled) {
            this.enabled = enabled;
        }

        public String getSchedule() {
            return schedule;
        }

        public void setSchedule(String schedule) {
            this.schedule = schedule;
        }

        public Integer getBootTimeoutSeconds() {
            return bootTimeoutSeconds;
        }

        public void setBootTimeoutSeconds(Integer bootTimeoutSeconds) {
            this.bootTimeoutSeconds = bootTimeoutSeconds;
        }

        public String getStorage() {
            return storage;
        }

        public void setStorage(String storage) {
            this.storage = storage;
        }

        public Integer getScratchVmidFrom() {
            return scratchVmidFrom;
        }

        public void setScratchVmidFrom(Integer scratchVmidFrom) {
            this.scratchVmidFrom = scratchVmidFrom;
        }

        public boolean on() {
            return Boolean.TRUE.equals(enabled);
        }

        public String scheduleOrDefault() {
            return schedule == null || schedule.isBlank() ? DEFAULT_SCHEDULE : schedule;
        }

        public int bootTimeout() {
            return bootTimeoutSeconds == null ? DEFAULT_BOOT_TIMEOUT_SECONDS : bootTimeoutSeconds;
        }

        public int scratchFrom() {
            return scratchVmidFrom == null ? DEFAULT_SCRATCH_VMID_FROM : scratchVmidFrom;
        }
    }
}
