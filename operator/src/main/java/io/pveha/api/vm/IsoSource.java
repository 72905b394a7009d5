package io.pveha.api.vm;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.pveha.api.Patterns;

/** Install media for a new VM. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class IsoSource {
    @Required
    @Size(max = 255)
    @Pattern(Patterns.PVE_ISO_VOLUME)
    @JsonPropertyDescription(
            "ISO volume, e.g. local:iso/debian-12.9.0-amd64-netinst.iso; attached as ide2 CD-ROM and booted first.")
    private String volume;

    public String getVolume() {
        return volume;
    }

    public void setVolume(String volume) {
        this.volume = volume;
    }
}
