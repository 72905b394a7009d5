package io.pveha.api.lb;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.pveha.api.Patterns;

/**
 * File locations on a balancer host. Besides the characters the pattern allows, a path must not
 * climb out of its directory ('.' or '..' segments) or name a directory where a file is meant (a
 * trailing '/'): the operator writes, renames and deletes files at these paths as root.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class HostPaths {
    @Size(max = 255)
    @Pattern(Patterns.ABSOLUTE_PATH)
    @ValidationRule(
            value = "!self.matches('(^|/)[.][.]?(/|$)')",
            message = "must not contain '.' or '..' segments")
    @ValidationRule(value = "self == '/' || !self.endsWith('/')", message = "must not end with '/'")
    @JsonPropertyDescription("haproxy configuration file (default /etc/haproxy/haproxy.cfg).")
    private String haproxyConfig;

    @Size(max = 255)
    @Pattern(Patterns.ABSOLUTE_PATH)
    @ValidationRule(
            value = "!self.matches('(^|/)[.][.]?(/|$)')",
            message = "must not contain '.' or '..' segments")
    @ValidationRule(value = "self == '/' || !self.endsWith('/')", message = "must not end with '/'")
    @ValidationRule(
            value = "self.matches('^/[^/]+/')",
            message =
                    "must be inside a directory, not in /: the operator's scripts are written next to it")
    @JsonPropertyDescription(
            "keepalived configuration file (default /etc/keepalived/keepalived.conf); the operator's notify and check scripts are written next to it.")
    private String keepalivedConfig;

    @Size(max = 255)
    @Pattern(Patterns.ABSOLUTE_PATH)
    @ValidationRule(
            value = "!self.matches('(^|/)[.][.]?(/|$)')",
            message = "must not contain '.' or '..' segments")
    @ValidationRule(value = "self == '/' || !self.endsWith('/')", message = "must not end with '/'")
    @JsonPropertyDescription(
            "Directory for sockets, pid files, daemon logs and the VRRP state files (default /run/pveha).")
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
