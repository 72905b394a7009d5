package io.pveha.api.lb;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.ArrayList;
import java.util.List;

/** Backend servers: HaVms selected by label (their guest IPs) and/or static addresses. */
@ValidationRule(
        value =
                "has(self.haVmSelector) || (has(self.staticServers) && self.staticServers.size() > 0)",
        message = "backends need a haVmSelector or at least one static server")
@ValidationRule(
        value = "!has(self.haVmSelector) || has(self.port)",
        message = "backends.port is required with a haVmSelector")
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class Backends {
    @JsonPropertyDescription("HaVms whose guest IPs become servers.")
    private LabelSelector haVmSelector;

    @Min(1)
    @Max(65535)
    @JsonPropertyDescription("Port on the selected HaVms.")
    private Integer port;

    @Size(max = 64)
    @ValidationRule(
            value = "self.all(s, self.exists_one(t, t.name == s.name))",
            message = "static server names must be unique")
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
