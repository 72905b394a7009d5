package io.pveha.api.vm;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.pveha.api.Patterns;

/** Where the VM runs. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class Placement {
    @Size(max = 63)
    @Pattern(Patterns.PVE_NODE)
    @JsonPropertyDescription(
            "Node to create the VM on; changing it live-migrates the VM (through HA when HA-managed).")
    private String node;

    public String getNode() {
        return node;
    }

    public void setNode(String node) {
        this.node = node;
    }
}
