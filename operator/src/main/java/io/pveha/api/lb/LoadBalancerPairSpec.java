package io.pveha.api.lb;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.pveha.api.ObjectRef;
import io.pveha.api.Patterns;
import io.pveha.api.SecretKeyRef;

import java.util.ArrayList;
import java.util.List;

@ValidationRule(value = "self.hosts.size() != 2 || self.hosts[0].address != self.hosts[1].address",
        message = "the two hosts must have distinct addresses")
@ValidationRule(value = "self.hosts.size() != 2 || self.hosts[0].priority != self.hosts[1].priority",
        message = "the two hosts must have distinct priorities (the higher one is the master)")
@ValidationRule(value = "self.hosts.size() != 2 || self.hosts[0].name != self.hosts[1].name",
        message = "the two hosts must have distinct names")
@ValidationRule(value = "self.hosts.all(h, h.address != self.vip.address)",
        message = "the VIP must not be the address of a host")
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class LoadBalancerPairSpec {
    public static final int DEFAULT_POLL_INTERVAL_SECONDS = 10;

    @Required
    @Size(min = 2, max = 2)
    @JsonPropertyDescription("Exactly two balancer hosts; the one with the higher priority holds the VIP when healthy.")
    private List<LbHost> hosts = new ArrayList<>();

    @Required
    private Vip vip;

    @Required
    @Size(min = 1, max = 64)
    @ValidationRule(value = "self.all(s, self.exists_one(t, t.port == s.port))", message = "service ports must be unique")
    @ValidationRule(value = "self.all(s, self.exists_one(t, t.name == s.name))", message = "service names must be unique")
    private List<LbService> services = new ArrayList<>();

    @JsonPropertyDescription("The ProxmoxCluster whose HaVms backends.haVmSelector selects (needed only with selectors).")
    private ObjectRef clusterRef;

    @Min(1)
    @Max(3600)
    @JsonPropertyDescription("Seconds between observations of the hosts (default 10). Status reflects a VIP move or a backend change within one interval.")
    private Integer pollIntervalSeconds;

    public List<LbHost> getHosts() {
        return hosts;
    }

    public void setHosts(List<LbHost> hosts) {
        this.hosts = hosts;
    }

    public Vip getVip() {
        return vip;
    }

    public void setVip(Vip vip) {
        this.vip = vip;
    }

    public List<LbService> getServices() {
        return services;
    }

    public void setServices(List<LbService> services) {
        this.services = services;
    }

    public ObjectRef getClusterRef() {
        return clusterRef;
    }

    public void setClusterRef(ObjectRef clusterRef) {
        this.clusterRef = clusterRef;
    }

    public Integer getPollIntervalSeconds() {
        return pollIntervalSeconds;
    }

    public void setPollIntervalSeconds(Integer pollIntervalSeconds) {
        this.pollIntervalSeconds = pollIntervalSeconds;
    }

    /** One balancer host, reached over SSH. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class LbHost {
        @Required
        @Pattern(Patterns.DNS_LABEL)
        private String name;

        @Required
        @Pattern(Patterns.IPV4)
        @JsonPropertyDescription("Address the operator connects to over SSH and keepalived uses for unicast VRRP.")
        private String address;

        @Min(1)
        @Max(65535)
        @JsonPropertyDescription("SSH port (default 22).")
        private Integer sshPort;

        @Pattern(Patterns.UNIX_USER)
        @JsonPropertyDescription("SSH user (default root).")
        private String sshUser;

        @Required
        @JsonPropertyDescription("Secret with the private key (OpenSSH format; key default ssh-privatekey).")
        private SecretKeyRef sshKeySecretRef;

        @Required
        @Size(max = 16384)
        @Pattern(Patterns.SSH_HOST_KEY)
        @JsonPropertyDescription("The host's public host key, 'ssh-ed25519 AAAA...'; any other key is refused.")
        private String hostKey;

        @Required
        @Min(1)
        @Max(254)
        @JsonPropertyDescription("VRRP priority; the higher host is the master.")
        private Integer priority;

        @Pattern(Patterns.IFNAME)
        @JsonPropertyDescription("Interface carrying the VIP (default eth0).")
        private String interfaceName;

        @JsonPropertyDescription("Where configuration and runtime files live on this host (defaults suit a standard Debian host).")
        private HostPaths paths;

        @JsonPropertyDescription("How keepalived and haproxy are started and reloaded: Auto (default: systemd when /run/systemd/system exists), Systemd, or Direct (pid files, for hosts without systemd).")
        private ServiceManager serviceManager;

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public String getAddress() {
            return address;
        }

        public void setAddress(String address) {
            this.address = address;
        }

        public Integer getSshPort() {
            return sshPort;
        }

        public void setSshPort(Integer sshPort) {
            this.sshPort = sshPort;
        }

        public String getSshUser() {
            return sshUser;
        }

        public void setSshUser(String sshUser) {
            this.sshUser = sshUser;
        }

        public SecretKeyRef getSshKeySecretRef() {
            return sshKeySecretRef;
        }

        public void setSshKeySecretRef(SecretKeyRef sshKeySecretRef) {
            this.sshKeySecretRef = sshKeySecretRef;
        }

        public String getHostKey() {
            return hostKey;
        }

        public void setHostKey(String hostKey) {
            this.hostKey = hostKey;
        }

        public Integer getPriority() {
            return priority;
        }

        public void setPriority(Integer priority) {
            this.priority = priority;
        }

        public String getInterfaceName() {
            return interfaceName;
        }

        public void setInterfaceName(String interfaceName) {
            this.interfaceName = interfaceName;
        }

        public HostPaths getPaths() {
            return paths;
        }

        public void setPaths(HostPaths paths) {
            this.paths = paths;
        }

        public ServiceManager getServiceManager() {
            return serviceManager;
        }

        public void setServiceManager(ServiceManager serviceManager) {
            this.serviceManager = serviceManager;
        }
    }

    /** How the daemons on a host are supervised. */
    public enum ServiceManager {
        Auto, Systemd, Direct
    }

    /** File locations on a balancer host. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class HostPaths {
        @Size(max = 255)
        @Pattern(Patterns.ABSOLUTE_PATH)
        @JsonPropertyDescription("haproxy configuration file (default /etc/haproxy/haproxy.cfg).")
        private String haproxyConfig;

        @Size(max = 255)
        @Pattern(Patterns.ABSOLUTE_PATH)
        @JsonPropertyDescription("keepalived configuration file (default /etc/keepalived/keepalived.conf); the operator's notify and check scripts are written next to it.")
        private String keepalivedConfig;

        @Size(max = 255)
        @Pattern(Patterns.ABSOLUTE_PATH)
        @JsonPropertyDescription("Directory for sockets, pid files, daemon logs and the VRRP state files (default /run/pveha).")
        private String runDir;

        public String getHaproxyConfig() {
            return haproxyConfig;
        }

        public void setHaproxyConfig(String haproxyConfig) {
            this.haproxyConfig = haproxyConfig;
        }

        public String getKeepalivedConfig() {
            return keepalivedConfig;
        }

        public void setKeepalivedConfig(String keepalivedConfig) {
            this.keepalivedConfig = keepalivedConfig;
        }

        public String getRunDir() {
            return runDir;
        }

        public void setRunDir(String runDir) {
            this.runDir = runDir;
        }
    }

    /** The floating address. */
    @ValidationRule(value = "!has(self.authSecretRef) || !has(self.vrrpVersion) || self.vrrpVersion == 2",
            message = "VRRP authentication exists only in VRRPv2; leave authSecretRef out with vrrpVersion 3")
    @ValidationRule(value = "(has(self.vrrpVersion) && self.vrrpVersion == 3) || !has(self.advertIntervalMillis) || self.advertIntervalMillis % 1000 == 0",
            message = "VRRPv2 advertises in whole seconds: advertIntervalMillis must be a multiple of 1000")
    @ValidationRule(value = "!has(self.vrrpVersion) || self.vrrpVersion == 2 || !has(self.advertIntervalMillis) || (self.advertIntervalMillis % 10 == 0 && self.advertIntervalMillis <= 40950)",
            message = "VRRPv3 advertises in centiseconds up to 40.95 s: advertIntervalMillis must be a multiple of 10, at most 40950")
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class Vip {
        @Required
        @Pattern(Patterns.IPV4)
        private String address;

        @Min(1)
        @Max(32)
        @JsonPropertyDescription("Prefix length of the VIP on the interface (default 24).")
        private Integer prefixLength;

        @Min(1)
        @Max(255)
        @JsonPropertyDescription("VRRP virtual router id; allocated (and checked for conflicts) when left out.")
        private Integer virtualRouterId;

        @JsonPropertyDescription("Secret with the VRRP PASS authentication password (key default password; 1-8 characters of A-Z a-z 0-9 . _ + = -; VRRPv2 only). Note that VRRP sends it in clear text.")
        private SecretKeyRef authSecretRef;

        @JsonPropertyDescription("The master takes the VIP back when it returns (default true).")
        private Boolean preempt;

        @Min(2)
        @Max(3)
        @JsonPropertyDescription("VRRP version, 2 (default; allows PASS authentication) or 3 (sub-second adverts, no authentication).")
        private Integer vrrpVersion;

        @Min(10)
        @Max(255000)
        @JsonPropertyDescription("VRRP advertisement interval in milliseconds (default 1000): whole seconds for VRRPv2, centiseconds for VRRPv3 (e.g. 200).")
        private Integer advertIntervalMillis;

        public String getAddress() {
            return address;
        }

        public void setAddress(String address) {
            this.address = address;
        }

        public Integer getPrefixLength() {
            return prefixLength;
        }

        public void setPrefixLength(Integer prefixLength) {
            this.prefixLength = prefixLength;
        }

        public Integer getVirtualRouterId() {
            return virtualRouterId;
        }

        public void setVirtualRouterId(Integer virtualRouterId) {
            this.virtualRouterId = virtualRouterId;
        }

        public SecretKeyRef getAuthSecretRef() {
            return authSecretRef;
        }

        public void setAuthSecretRef(SecretKeyRef authSecretRef) {
            this.authSecretRef = authSecretRef;
        }

        public Boolean getPreempt() {
            return preempt;
        }

        public void setPreempt(Boolean preempt) {
            this.preempt = preempt;
        }

        public Integer getVrrpVersion() {
            return vrrpVersion;
        }

        public void setVrrpVersion(Integer vrrpVersion) {
            this.vrrpVersion = vrrpVersion;
        }

        public Integer getAdvertIntervalMillis() {
            return advertIntervalMillis;
        }

        public void setAdvertIntervalMillis(Integer advertIntervalMillis) {
            this.advertIntervalMillis = advertIntervalMillis;
        }
    }

    /** A balanced service: one frontend port and its backends. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class LbService {
        @Required
        @Pattern(Patterns.DNS_LABEL)
        private String name;

        @Required
        @Min(1)
        @Max(65535)
        @JsonPropertyDescription("Port bound on the VIP.")
        private Integer port;

        @JsonPropertyDescription("tcp or http (default http).")
        private Mode mode;

        @JsonPropertyDescription("roundrobin (default), leastconn or source.")
        private Balance balance;

        @Required
        private Backends backends;

        private HealthCheck healthCheck;

        @Min(0)
        @Max(10)
        @JsonPropertyDescription("Connection retries before haproxy gives up on a request (default 2); a retry goes to another server (option redispatch).")
        private Integer retries;

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public Integer getPort() {
            return port;
        }

        public void setPort(Integer port) {
            this.port = port;
        }

        public Mode getMode() {
            return mode;
        }

        public void setMode(Mode mode) {
            this.mode = mode;
        }

        public Balance getBalance() {
            return balance;
        }

        public void setBalance(Balance balance) {
            this.balance = balance;
        }

        public Backends getBackends() {
            return backends;
        }

        public void setBackends(Backends backends) {
            this.backends = backends;
        }

        public HealthCheck getHealthCheck() {
            return healthCheck;
        }

        public void setHealthCheck(HealthCheck healthCheck) {
            this.healthCheck = healthCheck;
        }

        public Integer getRetries() {
            return retries;
        }

        public void setRetries(Integer retries) {
            this.retries = retries;
        }
    }

    /** Proxy mode. */
    public enum Mode {
        tcp, http
    }

    /** Balancing algorithm. */
    public enum Balance {
        roundrobin, leastconn, source
    }

    /** Backend servers: HaVms selected by label (their guest IPs) and/or static addresses. */
    @ValidationRule(value = "has(self.haVmSelector) || (has(self.staticServers) && self.staticServers.size() > 0)",
            message = "backends need a haVmSelector or at least one static server")
    @ValidationRule(value = "!has(self.haVmSelector) || has(self.port)", message = "backends.port is required with a haVmSelector")
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class Backends {
        @JsonPropertyDescription("HaVms whose guest IPs become servers.")
        private LabelSelector haVmSelector;

        @Min(1)
        @Max(65535)
        @JsonPropertyDescription("Port on the selected HaVms.")
        private Integer port;

        @Size(max = 64)
        @ValidationRule(value = "self.all(s, self.exists_one(t, t.name == s.name))", message = "static server names must be unique")
        private List<StaticServer> staticServers = new ArrayList<>();

        public LabelSelector getHaVmSelector() {
            return haVmSelector;
        }

        public void setHaVmSelector(LabelSelector haVmSelector) {
            this.haVmSelector = haVmSelector;
        }

        public Integer getPort() {
            return port;
        }

        public void setPort(Integer port) {
            this.port = port;
        }

        public List<StaticServer> getStaticServers() {
            return staticServers;
        }

        public void setStaticServers(List<StaticServer> staticServers) {
            this.staticServers = staticServers;
        }
    }

    /** A backend server given by address. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class StaticServer {
        @Required
        @Pattern(Patterns.DNS_LABEL)
        private String name;

        @Required
        @Pattern(Patterns.IPV4)
        private String address;

        @Required
        @Min(1)
        @Max(65535)
        private Integer port;

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public String getAddress() {
            return address;
        }

        public void setAddress(String address) {
            this.address = address;
        }

        public Integer getPort() {
            return port;
        }

        public void setPort(Integer port) {
            this.port = port;
        }
    }

    /** How haproxy checks a backend server. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class HealthCheck {
        @JsonPropertyDescription("tcp (connect) or http (default http for http services).")
        private Mode type;

        @Size(max = 255)
        @Pattern(Patterns.HTTP_PATH)
        @JsonPropertyDescription("Path of the HTTP check (default /).")
        private String path;

        @Min(100)
        @Max(599)
        @JsonPropertyDescription("Expected HTTP status (default: any 2xx or 3xx).")
        private Integer expectStatus;

        @Min(100)
        @Max(3600000)
        @JsonPropertyDescription("Milliseconds between checks (default 1000).")
        private Integer intervalMillis;

        @Min(1)
        @Max(100)
        @JsonPropertyDescription("Failed checks before a server is DOWN (default 2).")
        private Integer fall;

        @Min(1)
        @Max(100)
        @JsonPropertyDescription("Passed checks before a server is UP (default 2).")
        private Integer rise;

        public Mode getType() {
            return type;
        }

        public void setType(Mode type) {
            this.type = type;
        }

        public String getPath() {
            return path;
        }

        public void setPath(String path) {
            this.path = path;
        }

        public Integer getExpectStatus() {
            return expectStatus;
        }

        public void setExpectStatus(Integer expectStatus) {
            this.expectStatus = expectStatus;
        }

        public Integer getIntervalMillis() {
            return intervalMillis;
        }

        public void setIntervalMillis(Integer intervalMillis) {
            this.intervalMillis = intervalMillis;
        }

        public Integer getFall() {
            return fall;
        }

        public void setFall(Integer fall) {
            this.fall = fall;
        }

        public Integer getRise() {
            return rise;
        }

        public void setRise(Integer rise) {
            this.rise = rise;
        }
    }
}
