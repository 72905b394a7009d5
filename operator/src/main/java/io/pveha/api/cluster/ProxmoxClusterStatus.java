package io.pveha.api.cluster;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.pveha.api.PvehaStatus;
import java.util.ArrayList;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class ProxmoxClusterStatus extends PvehaStatus {
    @JsonPropertyDescription("PVE version, e.g. 8.4.1.")
    private String version;

    private String clusterName;

    private Boolean quorate;

    @JsonPropertyDescription("Online/total nodes, e.g. 3/3.")
    private String nodesSummary;

    private List<NodeInfo> nodes = new ArrayList<>();

    private HaManagerInfo haManager;

    private CephInfo ceph;

    private List<StorageInfo> storages = new ArrayList<>();

    @JsonPropertyDescription("The endpoint the last successful poll used.")
    private String activeEndpoint;

    @JsonPropertyDescription(
            "Privileges the token lacks for what the operator does; empty when complete.")
    private List<String> missingPrivileges = new ArrayList<>();

    private Integer vmCount;

    @JsonPropertyDescription("Time of the last successful poll (RFC 3339).")
    private String lastPollTime;

    @JsonPropertyDescription(
            "How placement is kept in PVE: groups (PVE 8) or rules (PVE 9), from the version the cluster reports.")
    private String placementModel;

    @JsonPropertyDescription(
            "The HA groups or rules the operator keeps for the placement policies and HaVms of this cluster.")
    private List<String> placementObjects = new ArrayList<>();

    @JsonPropertyDescription("The alert engine's open alerts, incidents and receivers.")
    private io.pveha.api.monitoring.AlertingStatus alerting;

    @JsonPropertyDescription(
            "Disaster recovery: the active cluster, the other one, the recovery in progress (or the last one).")
    private DisasterRecoveryStatus disasterRecovery;

    public DisasterRecoveryStatus getDisasterRecovery() {
        return disasterRecovery;
    }

    public void setDisasterRecovery(DisasterRecoveryStatus disasterRecovery) {
        this.disasterRecovery = disasterRecovery;
    }

    public String getVersion() {
        return version;
    }

    public void setVersion(String version) {
        this.version = version;
    }

    public String getClusterName() {
        return clusterName;
    }

    public void setClusterName(String clusterName) {
        this.clusterName = clusterName;
    }

    public Boolean getQuorate() {
        return quorate;
    }

    public void setQuorate(Boolean quorate) {
        this.quorate = quorate;
    }

    public String getNodesSummary() {
        return nodesSummary;
    }

    public void setNodesSummary(String nodesSummary) {
        this.nodesSummary = nodesSummary;
    }

    public List<NodeInfo> getNodes() {
        return nodes;
    }

    public void setNodes(List<NodeInfo> nodes) {
        this.nodes = nodes;
    }

    public HaManagerInfo getHaManager() {
        return haManager;
    }

    public void setHaManager(HaManagerInfo haManager) {
        this.haManager = haManager;
    }

    public CephInfo getCeph() {
        return ceph;
    }

    public void setCeph(CephInfo ceph) {
        this.ceph = ceph;
    }

    public List<StorageInfo> getStorages() {
        return storages;
    }

    public void setStorages(List<StorageInfo> storages) {
        this.storages = storages;
    }

    public String getActiveEndpoint() {
        return activeEndpoint;
    }

    public void setActiveEndpoint(String activeEndpoint) {
        this.activeEndpoint = activeEndpoint;
    }

    public List<String> getMissingPrivileges() {
        return missingPrivileges;
    }

    public void setMissingPrivileges(List<String> missingPrivileges) {
        this.missingPrivileges = missingPrivileges;
    }

    public Integer getVmCount() {
        return vmCount;
    }

    public void setVmCount(Integer vmCount) {
        this.vmCount = vmCount;
    }

    public String getPlacementModel() {
        return placementModel;
    }

    public void setPlacementModel(String placementModel) {
        this.placementModel = placementModel;
    }

    public List<String> getPlacementObjects() {
        return placementObjects;
    }

    public void setPlacementObjects(List<String> placementObjects) {
        this.placementObjects = placementObjects;
    }

    public String getLastPollTime() {
        return lastPollTime;
    }

    public void setLastPollTime(String lastPollTime) {
        this.lastPollTime = lastPollTime;
    }

    public io.pveha.api.monitoring.AlertingStatus getAlerting() {
        return alerting;
    }

    public void setAlerting(io.pveha.api.monitoring.AlertingStatus alerting) {
        this.alerting = alerting;
    }

    /** One PVE node as the last poll saw it. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class NodeInfo {
        private String name;
        private Boolean online;

        @JsonPropertyDescription("HA node state: online, maintenance, unknown, fence or gone.")
        private String haState;

        @JsonPropertyDescription(
                "CPU usage as a fraction of the node's CPUs, 0..1, as a decimal string.")
        private String cpu;

        private Long memoryUsedBytes;
        private Long memoryTotalBytes;
        private Long uptimeSeconds;

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public Boolean getOnline() {
            return online;
        }

        public void setOnline(Boolean online) {
            this.online = online;
        }

        public String getHaState() {
            return haState;
        }

        public void setHaState(String haState) {
            this.haState = haState;
        }

        public String getCpu() {
            return cpu;
        }

        public void setCpu(String cpu) {
            this.cpu = cpu;
        }

        public Long getMemoryUsedBytes() {
            return memoryUsedBytes;
        }

        public void setMemoryUsedBytes(Long memoryUsedBytes) {
            this.memoryUsedBytes = memoryUsedBytes;
        }

        public Long getMemoryTotalBytes() {
            return memoryTotalBytes;
        }

        public void setMemoryTotalBytes(Long memoryTotalBytes) {
            this.memoryTotalBytes = memoryTotalBytes;
        }

        public Long getUptimeSeconds() {
            return uptimeSeconds;
        }

        public void setUptimeSeconds(Long uptimeSeconds) {
            this.uptimeSeconds = uptimeSeconds;
        }
    }

    /** The HA cluster resource manager. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class HaManagerInfo {
        private String master;

        @JsonPropertyDescription(
                "The manager's own status line, e.g. 'pve1 (active, Mon Nov 23 20:00:00 2026)'.")
        private String status;

        private Integer services;

        public String getMaster() {
            return master;
        }

        public void setMaster(String master) {
            this.master = master;
        }

        public String getStatus() {
            return status;
        }

        public void setStatus(String status) {
            this.status = status;
        }

        public Integer getServices() {
            return services;
        }

        public void setServices(Integer services) {
            this.services = services;
        }
    }

    /** Ceph health as PVE reports it. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class CephInfo {
        @JsonPropertyDescription(
                "HEALTH_OK, HEALTH_WARN, HEALTH_ERR, or None when Ceph is not set up.")
        private String health;

        @JsonPropertyDescription("Names of the active health checks, e.g. PG_DEGRADED.")
        private List<String> checks = new ArrayList<>();

        public String getHealth() {
            return health;
        }

        public void setHealth(String health) {
            this.health = health;
        }

        public List<String> getChecks() {
            return checks;
        }

        public void setChecks(List<String> checks) {
            this.checks = checks;
        }
    }

    /** A storage defined in the cluster. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class StorageInfo {
        private String name;
        private String type;
        private Boolean shared;
        private String content;

        @JsonPropertyDescription("Nodes where the storage is available.")
        private Integer activeNodes;

        private Long usedBytes;
        private Long totalBytes;

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public String getType() {
            return type;
        }

        public void setType(String type) {
            this.type = type;
        }

        public Boolean getShared() {
            return shared;
        }

        public void setShared(Boolean shared) {
            this.shared = shared;
        }

        public String getContent() {
            return content;
        }

        public void setContent(String content) {
            this.content = content;
        }

        public Integer getActiveNodes() {
            return activeNodes;
        }

        public void setActiveNodes(Integer activeNodes) {
            this.activeNodes = activeNodes;
        }

        public Long getUsedBytes() {
            return usedBytes;
        }

        public void setUsedBytes(Long usedBytes) {
            this.usedBytes = usedBytes;
        }

        public Long getTotalBytes() {
            return totalBytes;
        }

        public void setTotalBytes(Long totalBytes) {
            this.totalBytes = totalBytes;
        }
    }
}
