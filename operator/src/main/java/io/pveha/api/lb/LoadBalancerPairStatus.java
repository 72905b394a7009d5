package io.pveha.api.lb;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.pveha.api.PvehaStatus;

import java.util.ArrayList;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class LoadBalancerPairStatus extends PvehaStatus {
    @JsonPropertyDescription("Name of the host holding the VIP; both names on split brain.")
    private String vipHolder;

    @JsonPropertyDescription("Since when the current holder has the VIP (RFC 3339).")
    private String vipHolderSince;

    private Integer virtualRouterId;

    @JsonPropertyDescription("Hash of the configuration rendered from the current spec.")
    private String desiredConfigHash;

    private List<HostStatus> hosts = new ArrayList<>();

    private List<BackendStatus> backends = new ArrayList<>();

    @JsonPropertyDescription("Backends UP / total, e.g. 2/3.")
    private String backendsSummary;

    public String getVipHolder() {
        return vipHolder;
    }

    public void setVipHolder(String vipHolder) {
        this.vipHolder = vipHolder;
    }

    public String getVipHolderSince() {
        return vipHolderSince;
    }

    public void setVipHolderSince(String vipHolderSince) {
        this.vipHolderSince = vipHolderSince;
    }

    public Integer getVirtualRouterId() {
        return virtualRouterId;
    }

    public void setVirtualRouterId(Integer virtualRouterId) {
        this.virtualRouterId = virtualRouterId;
    }

    public String getDesiredConfigHash() {
        return desiredConfigHash;
    }

    public void setDesiredConfigHash(String desiredConfigHash) {
        this.desiredConfigHash = desiredConfigHash;
    }

    public List<HostStatus> getHosts() {
        return hosts;
    }

    public void setHosts(List<HostStatus> hosts) {
        this.hosts = hosts;
    }

    public List<BackendStatus> getBackends() {
        return backends;
    }

    public void setBackends(List<BackendStatus> backends) {
        this.backends = backends;
    }

    public String getBackendsSummary() {
        return backendsSummary;
    }

    public void setBackendsSummary(String backendsSummary) {
        this.backendsSummary = backendsSummary;
    }

    /** One balancer host. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class HostStatus {
        private String name;
        private Boolean reachable;
        @JsonPropertyDescription("MASTER, BACKUP, FAULT or STOP.")
        private String vrrpState;
        private Boolean holdsVip;
        private Boolean haproxyUp;
        private Boolean keepalivedUp;
        private String appliedConfigHash;
        private String lastError;

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public Boolean getReachable() {
            return reachable;
        }

        public void setReachable(Boolean reachable) {
            this.reachable = reachable;
        }

        public String getVrrpState() {
            return vrrpState;
        }

        public void setVrrpState(String vrrpState) {
            this.vrrpState = vrrpState;
        }

        public Boolean getHoldsVip() {
            return holdsVip;
        }

        public void setHoldsVip(Boolean holdsVip) {
            this.holdsVip = holdsVip;
        }

        public Boolean getHaproxyUp() {
            return haproxyUp;
        }

        public void setHaproxyUp(Boolean haproxyUp) {
            this.haproxyUp = haproxyUp;
        }

        public Boolean getKeepalivedUp() {
            return keepalivedUp;
        }

        public void setKeepalivedUp(Boolean keepalivedUp) {
            this.keepalivedUp = keepalivedUp;
        }

        public String getAppliedConfigHash() {
            return appliedConfigHash;
        }

        public void setAppliedConfigHash(String appliedConfigHash) {
            this.appliedConfigHash = appliedConfigHash;
        }

        public String getLastError() {
            return lastError;
        }

        public void setLastError(String lastError) {
            this.lastError = lastError;
        }
    }

    /** One backend server, as haproxy on the VIP holder sees it. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class BackendStatus {
        private String service;
        private String server;
        private String address;
        @JsonPropertyDescription("UP, DOWN, MAINT or UNKNOWN.")
        private String state;

        public String getService() {
            return service;
        }

        public void setService(String service) {
            this.service = service;
        }

        public String getServer() {
            return server;
        }

        public void setServer(String server) {
            this.server = server;
        }

        public String getAddress() {
            return address;
        }

        public void setAddress(String address) {
            this.address = address;
        }

        public String getState() {
            return state;
        }

        public void setState(String state) {
            this.state = state;
        }
    }
}
