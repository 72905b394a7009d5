package io.pveha.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.Objects;

/** A reference to another pveha.io resource in the same namespace. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class ObjectRef {
    @Required
    @Size(max = 253)
    @Pattern(Patterns.DNS_SUBDOMAIN)
    private String name;

    public ObjectRef() {}

    public ObjectRef(String name) {
        this.name = name;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ObjectRef other && Objects.equals(name, other.name);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(name);
    }

    @Override
    public String toString() {
        return name;
    }
}
