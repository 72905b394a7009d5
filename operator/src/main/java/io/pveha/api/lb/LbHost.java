package io.pveha.api.lb;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.pveha.api.Patterns;
import io.pveha.api.SecretKeyRef;

/** One balancer host, reached over SSH. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class LbHost {
    @Required
    @Pattern(Patterns.DNS_LABEL)
    private String name;

    @Required
    @Pattern(Patterns.IPV4)
    @JsonPropertyDescription(
            "Address the operator connects to over SSH and keepalived uses for unicast VRRP.")
    private String address;

    @Min(1)
    @Max(65535)
    @JsonPropertyDescription("SSH port (default 22).")
    private Integer sshPort;

    @Pattern(Patterns.UNIX_USER)
    @JsonPropertyDescription("SSH user (default root).")
    private String sshUser;

    @Required
    @JsonPropertyDescription(
            "Secret with the private key (OpenSSH format; key default ssh-privatekey).")
    private SecretKeyRef sshKeySecretRef;

    @Required
    @Size(max = 16384)
    @Pattern(Patterns.SSH_HOST_KEY)
    @JsonPropertyDescription(
            "The host's public host key, 'ssh-ed25519 AAAA...'; any other key is refused.")
    private String hostKey;

    @Required
    @Min(1)
    @Max(254)
    @JsonPropertyDescription("VRRP priority; the higher host is the master.")
    private Integer priority;

    @Pattern(Patterns.IFNAME)
    @JsonPropertyDescription("Interface carrying the VIP (default eth0).")
    private String interfaceName;

    @JsonPropertyDescription(
            "Where configuration and runtime files live on this host (defaults suit a standard Debian host).")
    private HostPaths paths;

    @JsonPropertyDescription(
            "How keepalived and haproxy are started and reloaded: Auto (default: systemd when /run/systemd/system exists), Systemd, or Direct (pid files, for hosts without systemd).")
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
