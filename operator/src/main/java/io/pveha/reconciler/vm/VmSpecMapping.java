package io.pveha.reconciler.vm;

import io.pveha.api.vm.BackupSource;
import io.pveha.api.vm.CloudInit;
import io.pveha.api.vm.Cpu;
import io.pveha.api.vm.Disk;
import io.pveha.api.vm.HaVm;
import io.pveha.api.vm.HaVmSpec;
import io.pveha.api.vm.IpConfig;
import io.pveha.api.vm.Nic;
import io.pveha.api.vm.TemplateSource;
import io.pveha.pve.PropertyString;
import io.pveha.pve.model.VmConfig;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Translates a HaVm spec into PVE parameters: the parameters of the call that creates the VM, and
 * the difference between what the spec declares and a VM's configuration. Only declared fields are
 * owned: anything the spec leaves out (values a template brought along, settings made in the PVE
 * GUI) is left alone, so a clone never shows a perpetual diff.
 */
public final class VmSpecMapping {
    static final int DEFAULT_MEMORY_MIB = 2048;
    static final String DEFAULT_CPU_TYPE = "x86-64-v2-AES";
    private static final Set<String> NIC_MODELS = Set.of("virtio", "e1000", "vmxnet3", "rtl8139");
    private static final List<String> CLOUD_INIT_SLOTS =
            List.of("ide0", "ide1", "ide3", "sata0", "sata1", "scsi30");

    private VmSpecMapping() {}

    /** A disk to grow: {@code size} is the new absolute size, e.g. {@code 64G}. */
    public record Resize(String disk, String size) {}

    /**
     * What must change in PVE for the VM to match the spec. {@code refused} lists declared changes
     * the operator will not make (shrinking a disk, moving it to another storage), with the reason.
     */
    public record ConfigDelta(
            Map<String, String> set,
            List<String> delete,
            List<Resize> resizes,
            List<String> refused,
            List<String> changes) {
        public boolean isEmpty() {
            return set.isEmpty() && delete.isEmpty() && resizes.isEmpty();
        }
    }

    /** The VM's name in PVE: spec.name, else the resource name. */
    public static String vmName(HaVm vm) {
        return vm.getSpec().getName() != null ? vm.getSpec().getName() : vm.getMetadata().getName();
    }

    /**
     * Parameters of {@code POST /nodes/{node}/qemu} for an empty VM or one that boots an installer
     * ISO.
     */
    public static Map<String, Object> createParams(HaVm vm, int vmid, CloudInitSecrets secrets) {
        HaVmSpec spec = vm.getSpec();
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("vmid", vmid);
        p.put("name", vmName(vm));
        p.put("memory", spec.getMemoryMiB() != null ? spec.getMemoryMiB() : DEFAULT_MEMORY_MIB);
        Cpu cpu = spec.getCpu();
        p.put("cores", cpu != null && cpu.getCores() != null ? cpu.getCores() : 1);
        p.put("sockets", cpu != null && cpu.getSockets() != null ? cpu.getSockets() : 1);
        p.put("cpu", cpu != null && cpu.getType() != null ? cpu.getType() : DEFAULT_CPU_TYPE);
        p.put("ostype", "l26");
        p.put("scsihw", "virtio-scsi-single");
        p.put("agent", "1");
        p.put("tags", tagValue(desiredTags(vm, List.of())));
        p.put("description", Ownership.descriptionMarker(vm));
        if (spec.getOnBoot() != null) {
            p.put("onboot", spec.getOnBoot());
        }
        if (spec.getProtection() != null) {
            p.put("protection", spec.getProtection());
        }
        for (Disk d : spec.getDisks()) {
            p.put(d.getSlot(), newDisk(d));
        }
        for (Nic n : spec.getNetworks()) {
            p.put(n.getSlot(), nicValue(n, null));
        }
        String firstDisk = spec.getDisks().isEmpty() ? null : spec.getDisks().get(0).getSlot();
        List<String> bootOrder = new ArrayList<>();
        if (spec.getSource().getIso() != null) {
            p.put("ide2", spec.getSource().getIso().getVolume() + ",media=cdrom");
            bootOrder.add("ide2");
        }
        if (firstDisk != null) {
            bootOrder.add(firstDisk);
        }
        if (!spec.getNetworks().isEmpty()) {
            bootOrder.add(spec.getNetworks().get(0).getSlot());
        }
        if (!bootOrder.isEmpty()) {
            p.put("boot", "order=" + String.join(";", bootOrder));
        }
        if (spec.getCloudInit() != null) {
            String storage = cloudInitStorage(spec);
            if (storage != null) {
                p.put(freeCloudInitSlot(p.keySet()), storage + ":cloudinit");
            }
            p.putAll(cloudInitValues(spec.getCloudInit(), secrets, true));
        }
        return p;
    }

    /** Parameters of {@code POST /nodes/{node}/qemu/{source}/clone}. */
    public static Map<String, Object> cloneParams(
            HaVm vm, int newVmid, String sourceNode, String targetNode) {
        TemplateSource source = vm.getSpec().getSource().getTemplate();
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("newid", newVmid);
        p.put("name", vmName(vm));
        p.put("description", Ownership.descriptionMarker(vm));
        boolean full = Boolean.TRUE.equals(source.getFull());
        p.put("full", full);
        if (full && source.getStorage() != null) {
            p.put("storage", source.getStorage());
        }
        if (targetNode != null && !targetNode.equals(sourceNode)) {
            p.put("target", targetNode);
        }
        return p;
    }

    /**
     * What a fresh clone needs set, without reading its configuration back: the operator's tags (a
     * clone call cannot set tags) and the declared CPU, memory, NICs and flags, sent as they are.
     * Only for specs without disks or cloud-init, whose changes depend on what the clone holds.
     *
     * @param tags the clone's tags as the poll lists them (inherited from its source)
     */
    public static Map<String, Object> settingsAfterClone(HaVm vm, List<String> tags) {
        HaVmSpec spec = vm.getSpec();
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("tags", tagValue(desiredTags(vm, tags)));
        if (spec.getMemoryMiB() != null) {
            p.put("memory", spec.getMemoryMiB());
        }
        Cpu cpu = spec.getCpu();
        if (cpu != null) {
            if (cpu.getCores() != null) {
                p.put("cores", cpu.getCores());
            }
            if (cpu.getSockets() != null) {
                p.put("sockets", cpu.getSockets());
            }
            if (cpu.getType() != null) {
                p.put("cpu", cpu.getType());
            }
        }
        for (Nic n : spec.getNetworks()) {
            p.put(n.getSlot(), nicValue(n, null));
        }
        if (spec.getOnBoot() != null) {
            p.put("onboot", spec.getOnBoot() ? 1 : 0);
        }
        if (spec.getProtection() != null) {
            p.put("protection", spec.getProtection() ? 1 : 0);
        }
        return p;
    }

    /**
     * Whether a change allocates storage (a new disk, a cloud-init drive): PVE wants those through
     * the asynchronous {@code POST .../config}; everything else is applied synchronously with
     * {@code PUT}.
     */
    public static boolean allocatesStorage(Map<String, String> set) {
        return set.entrySet().stream()
                .anyMatch(
                        e ->
                                e.getKey().matches("(ide|sata|scsi|virtio)\\d+")
                                        && (e.getValue().matches("^[^,:]+:\\d+(,.*)?$")
                                                || e.getValue().contains(":cloudinit")));
    }

    /** Parameters of {@code POST /nodes/{node}/qemu} restoring a backup. */
    public static Map<String, Object> restoreParams(
            HaVm vm, int vmid, String archive, boolean overwrite) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("vmid", vmid);
        p.put("archive", archive);
        // A disaster-recovery restore of a HaVm made otherwise: disks go where the archive says.
        BackupSource backup =
                vm.getSpec().getSource() == null ? null : vm.getSpec().getSource().getBackup();
        if (backup != null && backup.getStorage() != null) {
            p.put("storage", backup.getStorage());
        }
        if (overwrite) {
            p.put("force", true);
        }
        // Applied over the backed-up config (PVE 7.2+): the restored VM carries this HaVm's
        // ownership marks.
        p.put("tags", tagValue(desiredTags(vm, List.of())));
        p.put("description", Ownership.descriptionMarker(vm));
        return p;
    }

    /** The differences between the spec's declared fields and the configuration. */
    public static ConfigDelta delta(
            HaVm vm, VmConfig config, CloudInitSecrets secrets, boolean secretsChanged) {
        HaVmSpec spec = vm.getSpec();
        Map<String, String> set = new LinkedHashMap<>();
        List<String> delete = new ArrayList<>();
        List<Resize> resizes = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        List<String> changes = new ArrayList<>();
        boolean template = config.isTemplate();

        compare(set, changes, config, "name", vmName(vm));
        if (spec.getMemoryMiB() != null && config.memoryMiB().orElse(-1) != spec.getMemoryMiB()) {
            set.put("memory", String.valueOf(spec.getMemoryMiB()));
            changes.add("memory " + config.get("memory").orElse("-") + " → " + spec.getMemoryMiB());
        }
        Cpu cpu = spec.getCpu();
        if (cpu != null) {
            compareInt(set, changes, config, "cores", cpu.getCores(), 1);
            compareInt(set, changes, config, "sockets", cpu.getSockets(), 1);
            if (cpu.getType() != null) {
                String current =
                        config.get("cpu")
                                .map(
                                        c -> {
                                            PropertyString ps = PropertyString.parse(c);
                                            return ps.get("cputype").orElse(ps.defaultValue());
                                        })
                                .orElse(null);
                if (!cpu.getType().equals(current)) {
                    set.put("cpu", cpu.getType());
                    changes.add("cpu " + current + " → " + cpu.getType());
                }
            }
        }
        Map<String, PropertyString> disks = config.disks();
        for (Disk d : spec.getDisks()) {
            PropertyString current = disks.get(d.getSlot());
            if (current == null) {
                if (config.get(d.getSlot()).isPresent()) {
                    refused.add(
                            d.getSlot() + " is a CD-ROM or cloud-init drive in PVE, not a disk");
                } else if (template) {
                    refused.add("disk " + d.getSlot() + " cannot be added to a template");
                } else {
                    set.put(d.getSlot(), newDisk(d));
                    changes.add(
                            "add disk "
                                    + d.getSlot()
                                    + " "
                                    + d.getSizeGiB()
                                    + "G on "
                                    + d.getStorage());
                }
                continue;
            }
            diskDelta(d, current, template, set, resizes, refused, changes);
        }
        for (Nic n : spec.getNetworks()) {
            String current = config.get(n.getSlot()).orElse(null);
            String desired = nicValue(n, current);
            if (!Objects.equals(normalizeNic(current), normalizeNic(desired))) {
                set.put(n.getSlot(), desired);
                changes.add((current == null ? "add " : "change ") + n.getSlot() + " → " + desired);
            }
        }
        if (spec.getCloudInit() != null) {
            if (config.cloudInitDrive().isEmpty() && !template) {
                String storage = cloudInitStorage(spec);
                if (storage != null) {
                    Set<String> used = new TreeSet<>(config.values().keySet());
                    used.addAll(set.keySet());
                    set.put(freeCloudInitSlot(used), storage + ":cloudinit");
                    changes.add("add cloud-init drive");
                }
            }
            Map<String, Object> wanted =
                    cloudInitValues(spec.getCloudInit(), secrets, secretsChanged);
            wanted.forEach(
                    (key, value) -> {
                        String v = String.valueOf(value);
                        String current = config.get(key).orElse(null);
                        boolean same =
                                key.equals("sshkeys")
                                        ? decode(current).strip().equals(decode(v).strip())
                                        : v.equals(current);
                        if (key.equals("cipassword") || !same) {
                            set.put(key, v);
                            changes.add(
                                    key.equals("cipassword")
                                            ? "cloud-init password (from Secret)"
                                            : key
                                                    + " → "
                                                    + (key.equals("sshkeys")
                                                            ? "(keys from Secret)"
                                                            : v));
                        }
                    });
        }
        compareBool(set, changes, config, "onboot", spec.getOnBoot());
        compareBool(set, changes, config, "protection", spec.getProtection());
        List<String> currentTags = tags(config.get("tags").orElse(""));
        List<String> desiredTags = desiredTags(vm, currentTags);
        if (!new TreeSet<>(currentTags).equals(new TreeSet<>(desiredTags))) {
            set.put("tags", tagValue(desiredTags));
            changes.add("tags → " + tagValue(desiredTags));
        }
        String description = config.get("description").orElse("");
        if (!Ownership.describedAs(description, vm)) {
            set.put(
                    "description",
                    description.isBlank()
                            ? Ownership.descriptionMarker(vm)
                            : description.strip() + "\n" + Ownership.descriptionMarker(vm));
            changes.add("ownership marker in description");
        }
        return new ConfigDelta(set, delete, resizes, refused, changes);
    }

    private static void diskDelta(
            Disk d,
            PropertyString current,
            boolean template,
            Map<String, String> set,
            List<Resize> resizes,
            List<String> refused,
            List<String> changes) {
        String volume = current.defaultValue() == null ? "" : current.defaultValue();
        String storage = volume.contains(":") ? volume.substring(0, volume.indexOf(':')) : volume;
        if (!storage.equals(d.getStorage())) {
            refused.add(
                    "disk "
                            + d.getSlot()
                            + " is on storage "
                            + storage
                            + ", the spec says "
                            + d.getStorage()
                            + ": moving disks between storages is not done automatically");
        }
        long currentBytes = PropertyString.sizeBytes(current.get("size").orElse("0"));
        long desiredBytes = (long) d.getSizeGiB() << 30;
        if (desiredBytes > currentBytes) {
            if (template) {
                refused.add("disk " + d.getSlot() + " of a template cannot grow");
            } else {
                resizes.add(new Resize(d.getSlot(), d.getSizeGiB() + "G"));
                changes.add(
                        "grow "
                                + d.getSlot()
                                + " "
                                + current.get("size").orElse("?")
                                + " → "
                                + d.getSizeGiB()
                                + "G");
            }
        } else if (desiredBytes < currentBytes) {
            refused.add(
                    "disk "
                            + d.getSlot()
                            + " is "
                            + current.get("size").orElse("?")
                            + ", the spec says "
                            + d.getSizeGiB()
                            + "G: disks never shrink (data would be lost)");
        }
        PropertyString updated = current;
        updated = flag(updated, "ssd", d.getSsd(), "1", "0");
        updated = flag(updated, "discard", d.getDiscard(), "on", "ignore");
        updated = flag(updated, "iothread", d.getIothread(), "1", "0");
        if (!updated.equals(current) && !template) {
            set.put(d.getSlot(), updated.format());
            changes.add("options of " + d.getSlot());
        }
    }

    private static PropertyString flag(
            PropertyString disk, String key, Boolean wanted, String on, String off) {
        if (wanted == null) {
            return disk;
        }
        String current = disk.get(key).orElse(null);
        boolean isOn = current != null && (current.equals(on) || current.equals("1"));
        if (wanted == isOn) {
            return disk;
        }
        return disk.with(key, wanted ? on : (key.equals("discard") ? null : off));
    }

    static String newDisk(Disk d) {
        StringBuilder v = new StringBuilder(d.getStorage() + ":" + d.getSizeGiB());
        if (Boolean.TRUE.equals(d.getSsd())) {
            v.append(",ssd=1");
        }
        if (Boolean.TRUE.equals(d.getDiscard())) {
            v.append(",discard=on");
        }
        if (Boolean.TRUE.equals(d.getIothread())) {
            v.append(",iothread=1");
        }
        return v.toString();
    }

    /** A NIC value; keeps the current MAC when the spec does not fix one (PVE generated it). */
    static String nicValue(Nic n, String current) {
        String model =
                n.getModel() != null ? n.getModel().name() : currentModel(current).orElse("virtio");
        String mac =
                n.getMacAddress() != null
                        ? n.getMacAddress().toUpperCase(java.util.Locale.ROOT)
                        : currentMac(current).orElse(null);
        StringBuilder v = new StringBuilder(model);
        if (mac != null) {
            v.append('=').append(mac);
        }
        v.append(",bridge=").append(n.getBridge());
        if (n.getVlan() != null) {
            v.append(",tag=").append(n.getVlan());
        }
        Boolean firewall =
                n.getFirewall() != null
                        ? n.getFirewall()
                        : current == null
                                ? null
                                : PropertyString.parse(current)
                                        .get("firewall")
                                        .map("1"::equals)
                                        .orElse(null);
        if (firewall != null && firewall) {
            v.append(",firewall=1");
        }
        return v.toString();
    }

    private static Optional<String> currentModel(String nic) {
        if (nic == null) {
            return Optional.empty();
        }
        PropertyString p = PropertyString.parse(nic);
        if (p.get("model").isPresent()) {
            return p.get("model");
        }
        return p.values().keySet().stream().filter(NIC_MODELS::contains).findFirst();
    }

    private static Optional<String> currentMac(String nic) {
        if (nic == null) {
            return Optional.empty();
        }
        PropertyString p = PropertyString.parse(nic);
        if (p.get("macaddr").isPresent()) {
            return p.get("macaddr");
        }
        return currentModel(nic).flatMap(p::get).filter(mac -> mac.contains(":"));
    }

    /**
     * model, MAC (upper case), bridge, tag and firewall of a NIC, independent of key order and
     * spelling.
     */
    static String normalizeNic(String nic) {
        if (nic == null) {
            return null;
        }
        PropertyString p = PropertyString.parse(nic);
        return currentModel(nic).orElse("?")
                + "|"
                + currentMac(nic).map(m -> m.toUpperCase(java.util.Locale.ROOT)).orElse("")
                + "|"
                + p.get("bridge").orElse("")
                + "|"
                + p.get("tag").orElse("")
                + "|"
                + p.get("firewall").map("1"::equals).orElse(false);
    }

    static Map<String, Object> cloudInitValues(
            CloudInit ci, CloudInitSecrets secrets, boolean includePassword) {
        Map<String, Object> p = new LinkedHashMap<>();
        if (ci.getUser() != null) {
            p.put("ciuser", ci.getUser());
        }
        if (secrets.sshKeys() != null) {
            p.put("sshkeys", encodeKeys(secrets.sshKeys()));
        }
        if (includePassword && secrets.password() != null) {
            p.put("cipassword", secrets.password());
        }
        List<IpConfig> ips = ci.getIpConfigs();
        for (int i = 0; i < ips.size(); i++) {
            p.put("ipconfig" + i, ipConfigValue(ips.get(i)));
        }
        if (!ci.getNameservers().isEmpty()) {
            p.put("nameserver", String.join(" ", ci.getNameservers()));
        }
        if (ci.getSearchDomain() != null) {
            p.put("searchdomain", ci.getSearchDomain());
        }
        return p;
    }

    static String ipConfigValue(IpConfig c) {
        List<String> parts = new ArrayList<>();
        if (c.getIp() != null) {
            parts.add("ip=" + c.getIp());
        }
        if (c.getGateway() != null) {
            parts.add("gw=" + c.getGateway());
        }
        if (c.getIp6() != null) {
            parts.add("ip6=" + c.getIp6());
        }
        if (c.getGateway6() != null) {
            parts.add("gw6=" + c.getGateway6());
        }
        return String.join(",", parts);
    }

    /**
     * PVE stores {@code sshkeys} URL-encoded and un-escapes the parameter once; so the value is
     * encoded here (spaces as %20, as PVE's own GUI does), and the form encoding of the request
     * adds the second layer.
     */
    static String encodeKeys(String keys) {
        String normalized =
                Arrays.stream(keys.split("\\R"))
                                .map(String::strip)
                                .filter(l -> !l.isEmpty())
                                .collect(Collectors.joining("\n"))
                        + "\n";
        return URLEncoder.encode(normalized, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String decode(String value) {
        if (value == null) {
            return "";
        }
        try {
            return URLDecoder.decode(value.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return value;
        }
    }

    private static String cloudInitStorage(HaVmSpec spec) {
        if (spec.getCloudInit() != null && spec.getCloudInit().getStorage() != null) {
            return spec.getCloudInit().getStorage();
        }
        return spec.getDisks().isEmpty() ? null : spec.getDisks().get(0).getStorage();
    }

    private static String freeCloudInitSlot(Set<String> used) {
        return CLOUD_INIT_SLOTS.stream().filter(s -> !used.contains(s)).findFirst().orElse("ide3");
    }

    /**
     * The operator's tags plus the declared ones; with no declared tags, the VM's other tags are
     * kept.
     */
    static List<String> desiredTags(HaVm vm, List<String> current) {
        TreeSet<String> tags = new TreeSet<>();
        if (vm.getSpec().getTags().isEmpty()) {
            // A clone inherits its source's tags, including the source's owner tag, which is
            // dropped.
            current.stream()
                    .filter(t -> !t.startsWith(Ownership.OPERATOR_TAG + "-"))
                    .forEach(tags::add);
        } else {
            tags.addAll(vm.getSpec().getTags());
        }
        tags.add(Ownership.OPERATOR_TAG);
        tags.add(Ownership.ownerTag(vm));
        return List.copyOf(tags);
    }

    static List<String> tags(String value) {
        return Arrays.stream(value.split("[;, ]+"))
                .map(String::strip)
                .filter(t -> !t.isEmpty())
                .toList();
    }

    static String tagValue(List<String> tags) {
        return String.join(";", tags);
    }

    private static void compare(
            Map<String, String> set,
            List<String> changes,
            VmConfig config,
            String key,
            String desired) {
        if (desired != null && !desired.equals(config.get(key).orElse(null))) {
            set.put(key, desired);
            changes.add(key + " " + config.get(key).orElse("-") + " → " + desired);
        }
    }

    private static void compareInt(
            Map<String, String> set,
            List<String> changes,
            VmConfig config,
            String key,
            Integer desired,
            int pveDefault) {
        if (desired == null) {
            return;
        }
        int current =
                config.get(key)
                        .map(
                                v -> {
                                    try {
                                        return Integer.parseInt(v.trim());
                                    } catch (NumberFormatException e) {
                                        return -1;
                                    }
                                })
                        .orElse(pveDefault);
        if (current != desired) {
            set.put(key, String.valueOf(desired));
            changes.add(key + " " + current + " → " + desired);
        }
    }

    private static void compareBool(
            Map<String, String> set,
            List<String> changes,
            VmConfig config,
            String key,
            Boolean desired) {
        if (desired == null) {
            return;
        }
        boolean current = config.get(key).map("1"::equals).orElse(false);
        if (current != desired) {
            set.put(key, desired ? "1" : "0");
            changes.add(key + " " + (current ? 1 : 0) + " → " + (desired ? 1 : 0));
        }
    }
}
