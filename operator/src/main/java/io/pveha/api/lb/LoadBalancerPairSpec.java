package io.pveha.api.lb;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.pveha.api.ObjectRef;
import java.util.ArrayList;
import java.util.List;

@ValidationRule(
        value = "self.hosts.size() != 2 || self.hosts[0].address != self.hosts[1].address",
        message = "the two hosts must have distinct addresses")
@ValidationRule(
        value = "self.hosts.size() != 2 || self.hosts[0].priority != self.hosts[1].priority",
        message = "the two hosts must have distinct priorities (the higher one is the master)")
@ValidationRule(
        value = "self.hosts.size() != 2 || self.hosts[0].name != self.hosts[1].name",
        message = "the two hosts must have distinct names")
@ValidationRule(
        value = "self.hosts.all(h, h.address != self.vip.address)",
        message = "the VIP must not be the address of a host")
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class LoadBalancerPairSpec {
    public static final int DEFAULT_POLL_INTERVAL_SECONDS = 10;

    @Required
    @Size(min = 2, max = 2)
    @JsonPropertyDescription(
            "Exactly two balancer hosts; the one with the higher priority holds the VIP when healthy.")
    private List<LbHost> hosts = new ArrayList<>();

    @Required private Vip vip;

    @Required
    @Size(min = 1, max = 64)
    @ValidationRule(
            value = "self.all(s, self.exists_one(t, t.port == s.port))",
            message = "service ports must be unique")
    @ValidationRule(
            value = "self.all(s, self.exists_one(t, t.name == s.name))",
            message = "service names must be unique")
    private List<LbService> services = new ArrayList<>();

    @JsonPropertyDescription(
            "The ProxmoxCluster whose HaVms backends.haVmSelector selects (needed only with selectors).")
    private ObjectRef clusterRef;

    @Min(1)
    @Max(3600)
    @JsonPropertyDescription(
            "Seconds between observations of the hosts (default 10). Status reflects a VIP move or a backend change within one interval.")
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
}
