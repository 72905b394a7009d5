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

    @JsonPropertyDescription(
            "The VRRP virtual router id in use: spec.vip.virtualRouterId, or the one allocated for this pair.")
    private Integer virtualRouterId;

    private List<HostStatus> hosts = new ArrayList<>();

    @JsonPropertyDescription(
            "Backend servers as haproxy on the VIP holder (else on any reachable host) reports them.")
    private List<BackendStatus> backends = new ArrayList<>();

    @JsonPropertyDescription("Backends UP / total, e.g. 2/3.")
    private String backendsSummary;

    @JsonPropertyDescription(
            "Selected HaVms that have no IPv4 address yet, as service/haVm; they are not rendered until they have one.")
    private List<String> unroutableBackends = new ArrayList<>();

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

    public List<String> getUnroutableBackends() {
        return unroutableBackends;
    }

    public void setUnroutableBackends(List<String> unroutableBackends) {
        this.unroutableBackends = unroutableBackends;
    }

    /** One balancer host. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class HostStatus {
        private String name;

        @JsonPropertyDescription("The last SSH connection and observation succeeded.")
        private Boolean reachable;

        @JsonPropertyDescription(
                "SHA-256 fingerprint of the host key the host presented (also when it was refused).")
        private String hostKeyFingerprint;

        @JsonPropertyDescription("systemd or direct (pid files), as used on this host.")
        private String serviceManager;

        @JsonPropertyDescription(
                "MASTER, BACKUP or FAULT as keepalived's notify script recorded it; STOPPED when keepalived is not running.")
        private String vrrpState;

        @JsonPropertyDescription("When keepalived entered vrrpState (host clock, RFC 3339).")
        private String vrrpStateSince;

        @JsonPropertyDescription("The VIP is configured on the host's interface.")
        private Boolean holdsVip;

        private Boolean haproxyUp;
        private Boolean keepalivedUp;

        @JsonPropertyDescription(
                "SHA-256 over the operator-managed files as installed on the host; absent when they are missing.")
        private String appliedConfigHash;

        @JsonPropertyDescription(
                "SHA-256 over the files rendered for this host from the current spec.")
        private String desiredConfigHash;

        @JsonPropertyDescription(
                "A rendered configuration this host refused (config test) or could not run (rolled back); it is not tried again until the rendered configuration changes.")
        private String rejectedConfigHash;

        @JsonPropertyDescription(
                "Why the host could not be observed or configured (never contains secret values).")
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

        public String getHostKeyFingerprint() {
            return hostKeyFingerprint;
        }

        public void setHostKeyFingerprint(String hostKeyFingerprint) {
            this.hostKeyFingerprint = hostKeyFingerprint;
        }

        public String getServiceManager() {
            return serviceManager;
        }

        public void setServiceManager(String serviceManager) {
            this.serviceManager = serviceManager;
        }

        public String getVrrpState() {
            return vrrpState;
        }

        public void setVrrpState(String vrrpState) {
            this.vrrpState = vrrpState;
        }

        public String getVrrpStateSince() {
            return vrrpStateSince;
        }

        public void setVrrpStateSince(String vrrpStateSince) {
            this.vrrpStateSince = vrrpStateSince;
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

        public String getDesiredConfigHash() {
            return desiredConfigHash;
        }

        public void setDesiredConfigHash(String desiredConfigHash) {
            this.desiredConfigHash = desiredConfigHash;
        }

        public String getRejectedConfigHash() {
            return rejectedConfigHash;
        }

        public void setRejectedConfigHash(String rejectedConfigHash) {
            this.rejectedConfigHash = rejectedConfigHash;
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

        @JsonPropertyDescription("address:port")
        private String address;

        @JsonPropertyDescription("The HaVm this server comes from, when selected by label.")
        private String haVm;

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

        public String getHaVm() {
            return haVm;
        }

        public void setHaVm(String haVm) {
            this.haVm = haVm;
        }

        public String getState() {
            return state;
        }

        public void setState(String state) {
            this.state = state;
        }
    }
}
