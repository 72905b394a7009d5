package io.pveha.api.vm;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.pveha.api.Patterns;

/** A virtual disk. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class Disk {
    @Required
    @Size(max = 8)
    @Pattern("^(scsi([0-9]|[12][0-9]|30)|virtio([0-9]|1[0-5])|sata[0-5]|ide[0-3])$")
    @JsonPropertyDescription("Bus and index, e.g. scsi0 or virtio1.")
    private String slot;

    @Required
    @Size(max = 64)
    @Pattern(Patterns.PVE_STORAGE_ID)
    private String storage;

    @Required
    @Min(1)
    @Max(131072)
    @JsonPropertyDescription("Size in GiB; can only grow.")
    private Integer sizeGiB;

    private Boolean ssd;

    private Boolean discard;

    private Boolean iothread;

    public String getSlot() {
        return slot;
    }

    public void setSlot(String slot) {
        this.slot = slot;
    }

    public String getStorage() {
        return storage;
    }

    public void setStorage(String storage) {
        this.storage = storage;
    }

    public Integer getSizeGiB() {
        return sizeGiB;
    }

    public void setSizeGiB(Integer sizeGiB) {
        this.sizeGiB = sizeGiB;
    }

    public Boolean getSsd() {
        return ssd;
    }

    public void setSsd(Boolean ssd) {
        this.ssd = ssd;
    }

    public Boolean getDiscard() {
        return discard;
    }

    public void setDiscard(Boolean discard) {
        this.discard = discard;
    }

    public Boolean getIothread() {
        return iothread;
    }

    public void setIothread(Boolean iothread) {
        this.iothread = iothread;
    }
}
