package io.pveha.api.vm;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;

/** CPU topology. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class Cpu {
    @Min(1)
    @Max(512)
    private Integer cores;

    @Min(1)
    @Max(8)
    private Integer sockets;

    @Size(max = 64)
    @Pattern("^[A-Za-z0-9][A-Za-z0-9_.+-]*$")
    @JsonPropertyDescription("PVE CPU type, e.g. host or x86-64-v2-AES.")
    private String type;

    public Integer getCores() {
        return cores;
    }

    public void setCores(Integer cores) {
        this.cores = cores;
    }

    public Integer getSockets() {
        return sockets;
    }

    public void setSockets(Integer sockets) {
        this.sockets = sockets;
    }

    public String getType() {
        return type;
    }

    public void setType(String type) {
        this.type = type;
    }
}
