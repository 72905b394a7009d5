package io.pveha.simulator.model;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The QEMU VM config keys PVE 8 knows ({@code $confdesc} in qemu-server), with their JSON schema
 * type. The type decides both parameter validation and how {@code GET .../config} types the value:
 * booleans and integers come back as JSON numbers, everything else (numbers included) as strings.
 */
public final class VmConfigSchema {

    public enum Type {
        STRING,
        INTEGER,
        BOOLEAN,
        NUMBER
    }

    /** A key's schema: type, optional bounds and enumeration. */
    public record Property(Type type, Long minimum, Long maximum, List<String> enumeration) {
        static Property of(Type type) {
            return new Property(type, null, null, null);
        }
    }

    private static final Map<String, Property> FIXED = new HashMap<>();
    private static final Map<Pattern, Integer> INDEXED = new HashMap<>();
    private static final Pattern INDEXED_KEY = Pattern.compile("^([a-z]+)(\\d+)$");

    /** Disk bus prefixes and how many slots each has. */
    public static final Map<String, Integer> DISK_BUSES =
            Map.of("ide", 4, "scsi", 31, "virtio", 16, "sata", 6);

    static {
        for (String key :
                List.of(
                        "onboot",
                        "autostart",
                        "reboot",
                        "numa",
                        "keephugepages",
                        "acpi",
                        "kvm",
                        "tdf",
                        "localtime",
                        "freeze",
                        "template",
                        "tablet",
                        "protection",
                        "ciupgrade")) {
            FIXED.put(key, Property.of(Type.BOOLEAN));
        }
        for (String key : List.of("smp", "migrate_speed", "snaptime")) {
            FIXED.put(key, Property.of(Type.INTEGER));
        }
        FIXED.put("cores", new Property(Type.INTEGER, 1L, null, null));
        FIXED.put("sockets", new Property(Type.INTEGER, 1L, null, null));
        FIXED.put("vcpus", new Property(Type.INTEGER, 1L, null, null));
        FIXED.put("balloon", new Property(Type.INTEGER, 0L, null, null));
        FIXED.put("shares", new Property(Type.INTEGER, 0L, 50_000L, null));
        FIXED.put("cpuunits", new Property(Type.INTEGER, 1L, 262_144L, null));
        FIXED.put("cpulimit", new Property(Type.NUMBER, 0L, 128L, null));
        FIXED.put("migrate_downtime", new Property(Type.NUMBER, 0L, null, null));
        for (String key :
                List.of(
                        "hotplug",
                        "memory",
                        "amd-sev",
                        "keyboard",
                        "name",
                        "description",
                        "boot",
                        "bootdisk",
                        "hugepages",
                        "agent",
                        "vga",
                        "watchdog",
                        "startdate",
                        "args",
                        "cdrom",
                        "cpu",
                        "vmstate",
                        "runningcpu",
                        "runningmachine",
                        "arch",
                        "smbios1",
                        "vmgenid",
                        "hookscript",
                        "ivshmem",
                        "audio0",
                        "spice_enhancements",
                        "tags",
                        "rng0",
                        "meta",
                        "affinity",
                        "machine",
                        "startup",
                        "ciuser",
                        "cipassword",
                        "cicustom",
                        "searchdomain",
                        "nameserver",
                        "sshkeys",
                        "efidisk0",
                        "tpmstate0",
                        "vmstatestorage")) {
            FIXED.put(key, Property.of(Type.STRING));
        }
        FIXED.put(
                "lock",
                new Property(
                        Type.STRING,
                        null,
                        null,
                        List.of(
                                "backup",
                                "clone",
                                "create",
                                "migrate",
                                "rollback",
                                "snapshot",
                                "snapshot-delete",
                                "suspending",
                                "suspended")));
        FIXED.put(
                "ostype",
                new Property(
                        Type.STRING,
                        null,
                        null,
                        List.of(
                                "other", "wxp", "w2k", "w2k3", "w2k8", "wvista", "win7", "win8",
                                "win10", "win11", "l24", "l26", "solaris")));
        FIXED.put(
                "scsihw",
                new Property(
                        Type.STRING,
                        null,
                        null,
                        List.of(
                                "lsi",
                                "lsi53c810",
                                "virtio-scsi-pci",
                                "virtio-scsi-single",
                                "megasas",
                                "pvscsi")));
        FIXED.put("bios", new Property(Type.STRING, null, null, List.of("seabios", "ovmf")));
        FIXED.put(
                "citype",
                new Property(
                        Type.STRING, null, null, List.of("configdrive2", "nocloud", "opennebula")));

        DISK_BUSES.forEach((bus, count) -> INDEXED.put(Pattern.compile(bus), count));
        INDEXED.put(Pattern.compile("net"), 32);
        INDEXED.put(Pattern.compile("ipconfig"), 32);
        INDEXED.put(Pattern.compile("unused"), 256);
        INDEXED.put(Pattern.compile("serial"), 4);
        INDEXED.put(Pattern.compile("parallel"), 3);
        INDEXED.put(Pattern.compile("usb"), 14);
        INDEXED.put(Pattern.compile("hostpci"), 16);
        INDEXED.put(Pattern.compile("numa"), 8);
        INDEXED.put(Pattern.compile("virtiofs"), 10);
    }

    private VmConfigSchema() {}

    /** The schema of a config key, if PVE knows the key. */
    public static Optional<Property> property(String key) {
        Property fixed = FIXED.get(key);
        if (fixed != null) {
            return Optional.of(fixed);
        }
        Matcher m = INDEXED_KEY.matcher(key);
        if (m.matches()) {
            for (Map.Entry<Pattern, Integer> e : INDEXED.entrySet()) {
                if (e.getKey().matcher(m.group(1)).matches()) {
                    int index = Integer.parseInt(m.group(2));
                    boolean canonical = m.group(2).equals(Integer.toString(index));
                    return canonical && index < e.getValue()
                            ? Optional.of(Property.of(Type.STRING))
                            : Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    public static boolean exists(String key) {
        return property(key).isPresent();
    }

    /**
     * {@code ide0}, {@code scsi3}, {@code virtio0}, {@code sata1}, {@code efidisk0}, {@code
     * tpmstate0}.
     */
    public static boolean isDrive(String key) {
        if (key.equals("efidisk0") || key.equals("tpmstate0")) {
            return true;
        }
        Matcher m = INDEXED_KEY.matcher(key);
        return m.matches() && DISK_BUSES.containsKey(m.group(1)) && exists(key);
    }

    public static boolean isNet(String key) {
        return key.startsWith("net") && exists(key) && INDEXED_KEY.matcher(key).matches();
    }

    public static boolean isUnused(String key) {
        return key.startsWith("unused") && exists(key);
    }

    /** Cloud-init settings: changing them never needs a restart. */
    public static boolean isCloudInit(String key) {
        return key.startsWith("ipconfig")
                || List.of(
                                "ciuser",
                                "cipassword",
                                "citype",
                                "cicustom",
                                "searchdomain",
                                "nameserver",
                                "sshkeys",
                                "ciupgrade")
                        .contains(key);
    }
}
