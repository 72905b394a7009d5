package io.pveha.api.vm;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;
import io.pveha.api.Patterns;

/** One NIC's IP configuration. */
@ValidationRule(
        value = "!has(self.gateway) || (has(self.ip) && self.ip != 'dhcp')",
        message = "gateway needs a static ip")
@ValidationRule(
        value =
                "!has(self.gateway6) || (has(self.ip6) && self.ip6 != 'dhcp' && self.ip6 != 'auto')",
        message = "gateway6 needs a static ip6")
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class IpConfig {
    @Pattern(
            "^(dhcp|((25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])/([0-9]|[12][0-9]|3[0-2]))$")
    @JsonPropertyDescription("dhcp or an IPv4 address with prefix, e.g. 10.20.0.11/24.")
    private String ip;

    @Pattern(Patterns.IPV4)
    private String gateway;

    @Pattern("^(auto|dhcp|[0-9a-fA-F:]{2,39}/([0-9]|[1-9][0-9]|1[01][0-9]|12[0-8]))$")
    private String ip6;

    @Pattern(Patterns.IPV6)
    private String gateway6;

    public String getIp() {
        return ip;
    }

    public void setIp(String ip) {
        this.ip = ip;
    }

    public String getGateway() {
        return gateway;
    }

    public void setGateway(String gateway) {
        this.gateway = gateway;
    }

    public String getIp6() {
        return ip6;
    }

    public void setIp6(String ip6) {
        this.ip6 = ip6;
    }

    public String getGateway6() {
        return gateway6;
    }

    public void setGateway6(String gateway6) {
        this.gateway6 = gateway6;
    }
}
