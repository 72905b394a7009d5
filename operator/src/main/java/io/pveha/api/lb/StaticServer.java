package io.pveha.api.lb;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.pveha.api.Patterns;

/** A backend server given by address. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class StaticServer {
    @Required
    @Size(max = 63)
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
