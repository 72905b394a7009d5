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
import io.pveha.api.SecretKeyRef;

import java.util.ArrayList;
import java.util.List;

@ValidationRule(value = "!(has(self.template) && self.template && has(self.ha) && has(self.ha.enabled) && self.ha.enabled)",
        message = "a template cannot be HA-managed: set spec.ha.enabled to false or spec.template to false")
@ValidationRule(value = "!(has(self.template) && self.template && has(self.powerState) && self.powerState == 'Running')",
        message = "a template cannot run: spec.powerState must be Stopped or unset when spec.template is true")
@ValidationRule(value = "!has(oldSelf.vmid) || (has(self.vmid) && self.vmid == oldSelf.vmid)",
        message = "spec.vmid is immutable once set")
@ValidationRule(value = "!(has(oldSelf.template) && oldSelf.template) || (has(self.template) && self.template)",
        message = "a template cannot be turned back into a VM (spec.template cannot change from true to false)")
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class HaVmSpec {
    @Required
    @ValidationRule(value = "self == oldSelf", message = "spec.clusterRef is immutable")
    @JsonPropertyDescription("The ProxmoxCluster this VM lives in.")
    private ObjectRef clusterRef;

    @Min(100)
    @Max(999999999)
    @JsonPropertyDescription("The VMID. Leave it out to have one allocated (recorded in status.vmid). Immutable once set.")
    private Integer vmid;

    @Size(max = 128)
    @Pattern(Patterns.PVE_VM_NAME)
    @JsonPropertyDescription("The VM name in PVE (default: metadata.name).")
    private String name;

    @Required
    @JsonPropertyDescription("Where the VM comes from: exactly one of template, iso, backup or none.")
    private Source source;

    @JsonPropertyDescription("Convert the VM into a template once it is provisioned (one way).")
    private Boolean template;

    private Cpu cpu;

    @Min(16)
    @Max(4194304)
    @JsonPropertyDescription("Memory in MiB.")
    private Integer memoryMiB;

    @Size(max = 16)
    @ValidationRule(value = "self.all(d, self.exists_one(e, e.slot == d.slot))", message = "disk slots must be unique")
    @JsonPropertyDescription("Disks; sizes only grow (a smaller size is refused, never applied).")
    private List<Disk> disks = new ArrayList<>();

    @Size(max = 8)
    @ValidationRule(value = "self.all(n, self.exists_one(m, m.slot == n.slot))", message = "network slots must be unique")
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

    @JsonPropertyDescription("Manual (default): report changes that need a restart as pending. Automatic: restart to apply them.")
    private RestartPolicy restartPolicy;

    @JsonPropertyDescription("Retain (default) leaves the VM when this resource is deleted; Delete removes HA resource, stops and destroys it.")
    private DeletionPolicy deletionPolicy;

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

    /** Where the VM comes from. Exactly one member is set. */
    @ValidationRule(value = "(has(self.template) ? 1 : 0) + (has(self.iso) ? 1 : 0) + (has(self.backup) ? 1 : 0) + (has(self.none) ? 1 : 0) == 1",
            message = "exactly one of source.template, source.iso, source.backup or source.none must be set")
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class Source {
        @JsonPropertyDescription("Clone a template (or another VM): linked by default for templates, full on request.")
        private TemplateSource template;

        @JsonPropertyDescription("An empty VM that boots an installer ISO.")
        private IsoSource iso;

        @JsonPropertyDescription("Restore from a vzdump backup.")
        private BackupSource backup;

        @JsonPropertyDescription("An empty VM with the declared disks.")
        private EmptySource none;

        public TemplateSource getTemplate() {
            return template;
        }

        public void setTemplate(TemplateSource template) {
            this.template = template;
        }

        public IsoSource getIso() {
            return iso;
        }

        public void setIso(IsoSource iso) {
            this.iso = iso;
        }

        public BackupSource getBackup() {
            return backup;
        }

        public void setBackup(BackupSource backup) {
            this.backup = backup;
        }

        public EmptySource getNone() {
            return none;
        }

        public void setNone(EmptySource none) {
            this.none = none;
        }
    }

    /** Clone source: another HaVm of this namespace or an existing PVE VM/template by VMID. */
    @ValidationRule(value = "has(self.haVmRef) != has(self.vmid)", message = "set exactly one of source.template.haVmRef or source.template.vmid")
    @ValidationRule(value = "!has(self.storage) || (has(self.full) && self.full)",
            message = "source.template.storage is only allowed for full clones (PVE: parameter 'storage' not allowed for linked clones)")
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class TemplateSource {
        @JsonPropertyDescription("A HaVm (usually with template: true) to clone.")
        private ObjectRef haVmRef;

        @Min(100)
        @Max(999999999)
        @JsonPropertyDescription("VMID of an existing PVE template or VM to clone.")
        private Integer vmid;

        @JsonPropertyDescription("Full clone (independent copy). Default false: linked clone of a template.")
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

    /** Install media for a new VM. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class IsoSource {
        @Required
        @Size(max = 255)
        @Pattern(Patterns.PVE_ISO_VOLUME)
        @JsonPropertyDescription("ISO volume, e.g. local:iso/debian-12.9.0-amd64-netinst.iso; attached as ide2 CD-ROM and booted first.")
        private String volume;

        public String getVolume() {
            return volume;
        }

        public void setVolume(String volume) {
            this.volume = volume;
        }
    }

    /** A backup to restore: a volume, or the latest good backup a BackupPolicy made of this VM. */
    @ValidationRule(value = "has(self.volume) != has(self.policyRef)", message = "set exactly one of source.backup.volume or source.backup.policyRef")
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class BackupSource {
        @Size(max = 255)
        @Pattern(Patterns.PVE_BACKUP_VOLUME)
        @JsonPropertyDescription("Backup volume id, e.g. nfs-backup:backup/vzdump-qemu-101-2026_11_23-02_00_03.vma.zst.")
        private String volume;

        @JsonPropertyDescription("Restore the latest good backup this BackupPolicy made of the VM.")
        private ObjectRef policyRef;

        @Size(max = 64)
        @Pattern(Patterns.PVE_STORAGE_ID)
        @JsonPropertyDescription("Storage for the restored disks (default: as in the backup).")
        private String storage;

        public String getVolume() {
            return volume;
        }

        public void setVolume(String volume) {
            this.volume = volume;
        }

        public ObjectRef getPolicyRef() {
            return policyRef;
        }

        public void setPolicyRef(ObjectRef policyRef) {
            this.policyRef = policyRef;
        }

        public String getStorage() {
            return storage;
        }

        public void setStorage(String storage) {
            this.storage = storage;
        }
    }

    /** Marker for an empty VM. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class EmptySource {
    }

    /** CPU topology. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class Cpu {
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

    /** A virtual disk. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class Disk {
        @Required
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

    /** A network interface. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class Nic {
        @Required
        @Pattern("^net([0-9]|[12][0-9]|3[01])$")
        private String slot;

        @JsonPropertyDescription("NIC model (default virtio).")
        private NicModel model;

        @Required
        @Pattern(Patterns.IFNAME)
        @JsonPropertyDescription("Host bridge, e.g. vmbr0.")
        private String bridge;

        @Min(1)
        @Max(4094)
        @JsonPropertyDescription("VLAN tag.")
        private Integer vlan;

        private Boolean firewall;

        @Pattern(Patterns.MAC)
        @JsonPropertyDescription("Fixed MAC address (default: generated by PVE and kept).")
        private String macAddress;

        public String getSlot() {
            return slot;
        }

        public void setSlot(String slot) {
            this.slot = slot;
        }

        public NicModel getModel() {
            return model;
        }

        public void setModel(NicModel model) {
            this.model = model;
        }

        public String getBridge() {
            return bridge;
        }

        public void setBridge(String bridge) {
            this.bridge = bridge;
        }

        public Integer getVlan() {
            return vlan;
        }

        public void setVlan(Integer vlan) {
            this.vlan = vlan;
        }

        public Boolean getFirewall() {
            return firewall;
        }

        public void setFirewall(Boolean firewall) {
            this.firewall = firewall;
        }

        public String getMacAddress() {
            return macAddress;
        }

        public void setMacAddress(String macAddress) {
            this.macAddress = macAddress;
        }
    }

    /** NIC models PVE offers. */
    public enum NicModel {
        virtio, e1000, vmxnet3, rtl8139
    }

    /** Cloud-init settings; the operator adds the cloud-init drive. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class CloudInit {
        public static final String DEFAULT_SSH_KEYS_KEY = "ssh-authorized-keys";
        public static final String DEFAULT_PASSWORD_KEY = "password";

        @Pattern(Patterns.UNIX_USER)
        private String user;

        @JsonPropertyDescription("Secret with authorized SSH public keys, one per line (key default ssh-authorized-keys).")
        private SecretKeyRef sshKeysSecretRef;

        @JsonPropertyDescription("Secret with the user's password (key default password).")
        private SecretKeyRef passwordSecretRef;

        @Size(max = 8)
        @JsonPropertyDescription("IP configuration per NIC, in NIC order (ipconfig0, ipconfig1, ...).")
        private List<IpConfig> ipConfigs = new ArrayList<>();

        @Size(max = 3)
        private List<@Pattern(Patterns.IPV4) String> nameservers = new ArrayList<>();

        @Size(max = 253)
        @Pattern(Patterns.HOST)
        private String searchDomain;

        @Size(max = 64)
        @Pattern(Patterns.PVE_STORAGE_ID)
        @JsonPropertyDescription("Storage for the cloud-init drive (default: the first disk's storage).")
        private String storage;

        public String getUser() {
            return user;
        }

        public void setUser(String user) {
            this.user = user;
        }

        public SecretKeyRef getSshKeysSecretRef() {
            return sshKeysSecretRef;
        }

        public void setSshKeysSecretRef(SecretKeyRef sshKeysSecretRef) {
            this.sshKeysSecretRef = sshKeysSecretRef;
        }

        public SecretKeyRef getPasswordSecretRef() {
            return passwordSecretRef;
        }

        public void setPasswordSecretRef(SecretKeyRef passwordSecretRef) {
            this.passwordSecretRef = passwordSecretRef;
        }

        public List<IpConfig> getIpConfigs() {
            return ipConfigs;
        }

        public void setIpConfigs(List<IpConfig> ipConfigs) {
            this.ipConfigs = ipConfigs;
        }

        public List<String> getNameservers() {
            return nameservers;
        }

        public void setNameservers(List<String> nameservers) {
            this.nameservers = nameservers;
        }

        public String getSearchDomain() {
            return searchDomain;
        }

        public void setSearchDomain(String searchDomain) {
            this.searchDomain = searchDomain;
        }

        public String getStorage() {
            return storage;
        }

        public void setStorage(String storage) {
            this.storage = storage;
        }
    }

    /** One NIC's IP configuration. */
    @ValidationRule(value = "!has(self.gateway) || (has(self.ip) && self.ip != 'dhcp')", message = "gateway needs a static ip")
    @ValidationRule(value = "!has(self.gateway6) || (has(self.ip6) && self.ip6 != 'dhcp' && self.ip6 != 'auto')",
            message = "gateway6 needs a static ip6")
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class IpConfig {
        @Pattern("^(dhcp|((25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])/([0-9]|[12][0-9]|3[0-2]))$")
        @JsonPropertyDescription("dhcp or an IPv4 address with prefix, e.g. 10.20.0.11/24.")
        private String ip;

        @Pattern(Patterns.IPV4)
        private String gateway;

        @Pattern("^(auto|dhcp|[0-9a-fA-F:]{2,39}/([0-9]|[1-9][0-9]|1[01][0-9]|12[0-8]))$")
        private String ip6;

        @Pattern(Patterns.IPV6)
        private String gateway6;

        public String getIp() {
            return ip;
        }

        public void setIp(String ip) {
            this.ip = ip;
        }

        public String getGateway() {
            return gateway;
        }

        public void setGateway(String gateway) {
            this.gateway = gateway;
        }

        public String getIp6() {
            return ip6;
        }

        public void setIp6(String ip6) {
            this.ip6 = ip6;
        }

        public String getGateway6() {
            return gateway6;
        }

        public void setGateway6(String gateway6) {
            this.gateway6 = gateway6;
        }
    }

    /** PVE HA membership. */
    @ValidationRule(value = "!(has(self.group) && has(self.preferredNodes) && self.preferredNodes.size() > 0)", message = "set ha.group or ha.preferredNodes, not both")
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class Ha {
        @JsonPropertyDescription("Register the VM as PVE HA resource vm:<vmid>.")
        private Boolean enabled;

        @Size(max = 64)
        @Pattern(Patterns.PVE_HA_GROUP)
        @JsonPropertyDescription("HA group (declared in the ProxmoxCluster or existing in PVE).")
        private String group;

        @Size(max = 16)
        @ValidationRule(value = "self.all(n, self.exists_one(m, m == n))", message = "preferred nodes must be distinct")
        @JsonPropertyDescription("Nodes to prefer, highest priority first; the operator keeps a group for this VM.")
        private List<@Size(max = 63) @Pattern(Patterns.PVE_NODE) String> preferredNodes = new ArrayList<>();

        @Min(0)
        @Max(10)
        @JsonPropertyDescription("Restarts on the same node before relocating (PVE default 1).")
        private Integer maxRestart;

        @Min(0)
        @Max(10)
        @JsonPropertyDescription("Relocations to other nodes before giving up (PVE default 1).")
        private Integer maxRelocate;

        public Boolean getEnabled() {
            return enabled;
        }

        public void setEnabled(Boolean enabled) {
            this.enabled = enabled;
        }

        public String getGroup() {
            return group;
        }

        public void setGroup(String group) {
            this.group = group;
        }

        public List<String> getPreferredNodes() {
            return preferredNodes;
        }

        public void setPreferredNodes(List<String> preferredNodes) {
            this.preferredNodes = preferredNodes;
        }

        public Integer getMaxRestart() {
            return maxRestart;
        }

        public void setMaxRestart(Integer maxRestart) {
            this.maxRestart = maxRestart;
        }

        public Integer getMaxRelocate() {
            return maxRelocate;
        }

        public void setMaxRelocate(Integer maxRelocate) {
            this.maxRelocate = maxRelocate;
        }
    }

    /** Where the VM runs. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class Placement {
        @Size(max = 63)
        @Pattern(Patterns.PVE_NODE)
        @JsonPropertyDescription("Node to create the VM on; changing it live-migrates the VM (through HA when HA-managed).")
        private String node;

        public String getNode() {
            return node;
        }

        public void setNode(String node) {
            this.node = node;
        }
    }
}
