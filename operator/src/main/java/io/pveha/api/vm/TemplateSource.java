package io.pveha.api.vm;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.pveha.api.ObjectRef;
import io.pveha.api.Patterns;

/** Clone source: another HaVm of this namespace or an existing PVE VM/template by VMID. */
@ValidationRule(
        value = "has(self.haVmRef) != has(self.vmid)",
        message = "set exactly one of source.template.haVmRef or source.template.vmid")
@ValidationRule(
        value = "!has(self.storage) || (has(self.full) && self.full)",
        message =
                "source.template.storage is only allowed for full clones (PVE: parameter 'storage' not allowed for linked clones)")
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class TemplateSource {
    @JsonPropertyDescription("A HaVm (usually with template: true) to clone.")
    private ObjectRef haVmRef;

    @Min(100)
    @Max(999999999)
    @JsonPropertyDescription("VMID of an existing PVE template or VM to clone.")
    private Integer vmid;

    @JsonPropertyDescription(
            "Full clone (independent copy). Default false: linked clone of a template.")
    private Boolean full;

    @Size(max = 64)
    @Pattern(Patterns.PVE_STORAGE_ID)
    @JsonPropertyDescription("Target storage of a full clone.")
    private String storage;

    public ObjectRef getHaVmRef() {
        return haVmRef;
    }

    public void setHaVmRef(ObjectRef haVmRef) {
        this.haVmRef = haVmRef;
    }

    public Integer getVmid() {
        return vmid;
    }

    public void setVmid(Integer vmid) {
        this.vmid = vmid;
    }

    public Boolean getFull() {
        return full;
    }

    public void setFull(Boolean full) {
        this.full = full;
    }

    public String getStorage() {
        return storage;
    }

    public void setStorage(String storage) {
        this.storage = storage;
    }
}
