package io.pveha.api.monitoring;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.pveha.api.Patterns;

/**
 * An HTTP request to the VM. CEL variables: status (int), latencyMs (int), body (the JSON body, or
 * null), text (the body as a string), headers (map, lower-case names).
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class HttpCheck {
    /** The HTTP method. */
    public enum Method {
        GET,
        HEAD,
        POST
    }

    @Size(max = 253)
    @Pattern(Patterns.HOST)
    @JsonPropertyDescription("Host to probe (default: the VM's first address).")
    private String host;

    @Required
    @Min(1)
    @Max(65535)
    private Integer port;

    @Size(max = 256)
    @Pattern(Patterns.HTTP_PATH)
    @JsonPropertyDescription("Path and query (default /).")
    private String path;

    @JsonPropertyDescription("GET (default), HEAD or POST (empty body).")
    private Method method;

    @Min(1)
    @Max(60)
    @JsonPropertyDescription("Seconds before the request counts as failed (default 5).")
    private Integer timeoutSeconds;

    @JsonPropertyDescription("https instead of http (the certificate is not verified).")
    private Boolean tls;

    public String getHost() {
        return host;
    }

    public void setHost(String host) {
        this.host = host;
    }

    public Integer getPort() {
        return port;
    }

    public void setPort(Integer port) {
        this.port = port;
    }

    public String getPath() {
        return path;
    }

    public void setPath(String path) {
        this.path = path;
    }

    public Method getMethod() {
        return method;
    }

    public void setMethod(Method method) {
        this.method = method;
    }

    public Integer getTimeoutSeconds() {
        return timeoutSeconds;
    }

    public void setTimeoutSeconds(Integer timeoutSeconds) {
        this.timeoutSeconds = timeoutSeconds;
    }

    public Boolean getTls() {
        return tls;
    }

    public void setTls(Boolean tls) {
        this.tls = tls;
    }
}
