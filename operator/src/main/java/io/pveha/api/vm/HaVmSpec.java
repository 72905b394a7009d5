package io.pveha.api.vm;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.pveha.api.DeletionPolicy;
import io.pveha.api.ObjectRef;
import io.pveha.api.Patterns;
import java.util.ArrayList;
import java.util.List;

@ValidationRule(
        value =
                "!(has(self.template) && self.template && has(self.ha) && has(self.ha.enabled) && self.ha.enabled)",
        message =
                "a template cannot be HA-managed: set spec.ha.enabled to false or spec.template to false")
@ValidationRule(
        value =
                "!(has(self.template) && self.template && has(self.powerState) && self.powerState == 'Running')",
        message =
                "a template cannot run: spec.powerState must be Stopped or unset when spec.template is true")
@ValidationRule(
        value = "!has(oldSelf.vmid) || (has(self.vmid) && self.vmid == oldSelf.vmid)",
        message = "spec.vmid is immutable once set")
@ValidationRule(
        value =
                "!(has(oldSelf.template) && oldSelf.template) || (has(self.template) && self.template)",
        message =
                "a template cannot be turned back into a VM (spec.template cannot change from true to false)")
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class HaVmSpec {
    @Required
    @ValidationRule(value = "self == oldSelf", message = "spec.clusterRef is immutable")
    @JsonPropertyDescription("The ProxmoxCluster this VM lives in.")
    private ObjectRef clusterRef;

    @Min(100)
    @Max(999999999)
    @JsonPropertyDescription(
            "The VMID. Leave it out to have one allocated (recorded in status.vmid). Immutable once set.")
    private Integer vmid;

    @Size(max = 128)
    @Pattern(Patterns.PVE_VM_NAME)
    @JsonPropertyDescription("The VM name in PVE (default: metadata.name).")
    private String name;

    @Required
    @JsonPropertyDescription(
            "Where the VM comes from: exactly one of template, iso, backup or none.")
    private Source source;

    @JsonPropertyDescription("Convert the VM into a template once it is provisioned (one way).")
    private Boolean template;

    private Cpu cpu;

    @Min(16)
    @Max(4194304)
    @JsonPropertyDescription("Memory in MiB.")
    private Integer memoryMiB;

    @Size(max = 16)
    @ValidationRule(
            value = "self.all(d, self.exists_one(e, e.slot == d.slot))",
            message = "disk slots must be unique")
    @JsonPropertyDescription("Disks; sizes only grow (a smaller size is refused, never applied).")
    private List<Disk> disks = new ArrayList<>();

    @Size(max = 8)
    @ValidationRule(
            value = "self.all(n, self.exists_one(m, m.slot == n.slot))",
            message = "network slots must be unique")
    private List<Nic> networks = new ArrayList<>();

    private CloudInit cloudInit;

    @JsonPropertyDescription("Running (default, except for templates) or Stopped.")
    private PowerState powerState;

    private Ha ha;

    private Placement placement;

    @Size(max = 16)
    @JsonPropertyDescription("Extra PVE tags (the operator adds its own ownership tag).")
    private List<@Size(max = 64) @Pattern(Patterns.PVE_TAG) String> tags = new ArrayList<>();

    @JsonPropertyDescription("Start the VM when its node boots.")
    private Boolean onBoot;

    @JsonPropertyDescription("PVE protection: the VM and its disks cannot be removed while set.")
    private Boolean protection;

    @JsonPropertyDescription(
            "Manual (default): report changes that need a restart as pending. Automatic: restart to apply them.")
    private RestartPolicy restartPolicy;

    @JsonPropertyDescription(
            "Retain (default) leaves the VM when this resource is deleted; Delete removes HA resource, stops and destroys it.")
    private DeletionPolicy deletionPolicy;

    @JsonPropertyDescription(
            "Service checks the operator runs against this VM (http, tcp, guest agent) and alerts on.")
    private io.pveha.api.monitoring.VmMonitoring monitoring;

    public io.pveha.api.monitoring.VmMonitoring getMonitoring() {
        return monitoring;
    }

    public void setMonitoring(io.pveha.api.monitoring.VmMonitoring monitoring) {
        this.monitoring = monitoring;
    }

    public ObjectRef getClusterRef() {
        return clusterRef;
    }

    public void setClusterRef(ObjectRef clusterRef) {
        this.clusterRef = clusterRef;
    }

    public Integer getVmid() {
        return vmid;
    }

    public void setVmid(Integer vmid) {
        this.vmid = vmid;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public Source getSource() {
        return source;
    }

    public void setSource(Source source) {
        this.source = source;
    }

    public Boolean getTemplate() {
        return template;
    }

    public void setTemplate(Boolean template) {
        this.template = template;
    }

    public Cpu getCpu() {
        return cpu;
    }

    public void setCpu(Cpu cpu) {
        this.cpu = cpu;
    }

    public Integer getMemoryMiB() {
        return memoryMiB;
    }

    public void setMemoryMiB(Integer memoryMiB) {
        this.memoryMiB = memoryMiB;
    }

    public List<Disk> getDisks() {
        return disks;
    }

    public void setDisks(List<Disk> disks) {
        this.disks = disks;
    }

    public List<Nic> getNetworks() {
        return networks;
    }

    public void setNetworks(List<Nic> networks) {
        this.networks = networks;
    }

    public CloudInit getCloudInit() {
        return cloudInit;
    }

    public void setCloudInit(CloudInit cloudInit) {
        this.cloudInit = cloudInit;
    }

    public PowerState getPowerState() {
        return powerState;
    }

    public void setPowerState(PowerState powerState) {
        this.powerState = powerState;
    }

    public Ha getHa() {
        return ha;
    }

    public void setHa(Ha ha) {
        this.ha = ha;
    }

    public Placement getPlacement() {
        return placement;
    }

    public void setPlacement(Placement placement) {
        this.placement = placement;
    }

    public List<String> getTags() {
        return tags;
    }

    public void setTags(List<String> tags) {
        this.tags = tags;
    }

    public Boolean getOnBoot() {
        return onBoot;
    }

    public void setOnBoot(Boolean onBoot) {
        this.onBoot = onBoot;
    }

    public Boolean getProtection() {
        return protection;
    }

    public void setProtection(Boolean protection) {
        this.protection = protection;
    }

    public RestartPolicy getRestartPolicy() {
        return restartPolicy;
    }

    public void setRestartPolicy(RestartPolicy restartPolicy) {
        this.restartPolicy = restartPolicy;
    }

    public DeletionPolicy getDeletionPolicy() {
        return deletionPolicy;
    }

    public void setDeletionPolicy(DeletionPolicy deletionPolicy) {
        this.deletionPolicy = deletionPolicy;
    }
}
