package io.pveha.api.lb;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import io.pveha.api.Patterns;
import io.pveha.api.SecretKeyRef;

/** The floating address. */
@ValidationRule(
        value = "!has(self.authSecretRef) || !has(self.vrrpVersion) || self.vrrpVersion == 2",
        message =
                "VRRP authentication exists only in VRRPv2; leave authSecretRef out with vrrpVersion 3")
@ValidationRule(
        value =
                "(has(self.vrrpVersion) && self.vrrpVersion == 3) || !has(self.advertIntervalMillis) || self.advertIntervalMillis % 1000 == 0",
        message =
                "VRRPv2 advertises in whole seconds: advertIntervalMillis must be a multiple of 1000")
@ValidationRule(
        value =
                "!has(self.vrrpVersion) || self.vrrpVersion == 2 || !has(self.advertIntervalMillis) || (self.advertIntervalMillis % 10 == 0 && self.advertIntervalMillis <= 40950)",
        message =
                "VRRPv3 advertises in centiseconds up to 40.95 s: advertIntervalMillis must be a multiple of 10, at most 40950")
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class Vip {
    @Required
    @Pattern(Patterns.IPV4)
    private String address;

    @Min(1)
    @Max(32)
    @JsonPropertyDescription("Prefix length of the VIP on the interface (default 24).")
    private Integer prefixLength;

    @Min(1)
    @Max(255)
    @JsonPropertyDescription(
            "VRRP virtual router id; allocated (and checked for conflicts) when left out.")
    private Integer virtualRouterId;

    @JsonPropertyDescription(
            "Secret with the VRRP PASS authentication password (key default password; 1-8 characters of A-Z a-z 0-9 . _ + = -; VRRPv2 only). Note that VRRP sends it in clear text.")
    private SecretKeyRef authSecretRef;

    @JsonPropertyDescription("The master takes the VIP back when it returns (default true).")
    private Boolean preempt;

    @Min(2)
    @Max(3)
    @JsonPropertyDescription(
            "VRRP version, 2 (default; allows PASS authentication) or 3 (sub-second adverts, no authentication).")
    private Integer vrrpVersion;

    @Min(10)
    @Max(255000)
    @JsonPropertyDescription(
            "VRRP advertisement interval in milliseconds (default 1000): whole seconds for VRRPv2, centiseconds for VRRPv3 (e.g. 200).")
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
