package io.pveha.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.Objects;

/** A key of a Secret in the same namespace. Secret values never leave the operator's memory. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class SecretKeyRef {
    @Required
    @Size(max = 253)
    @Pattern(Patterns.DNS_SUBDOMAIN)
    @JsonPropertyDescription("Name of the Secret.")
    private String name;

    @Size(max = 253)
    @Pattern(Patterns.SECRET_KEY)
    @JsonPropertyDescription("Key in the Secret; each field documents its default.")
    private String key;

    public SecretKeyRef() {}

    public SecretKeyRef(String name, String key) {
        this.name = name;
        this.key = key;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getKey() {
        return key;
    }

    public void setKey(String key) {
        this.key = key;
    }

    /** The key, or the field's documented default when the user left it out. */
    public String keyOr(String defaultKey) {
        return key == null || key.isEmpty() ? defaultKey : key;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SecretKeyRef other
                && Objects.equals(name, other.name)
                && Objects.equals(key, other.key);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, key);
    }
}
