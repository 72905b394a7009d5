package io.pveha.simulator.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One QEMU guest: its config file ({@code nodes/<node>/qemu-server/<vmid>.conf}, values kept as the
 * strings PVE writes), pending changes, and the runtime state of its QEMU process. Guarded by the
 * cluster state lock.
 */
public final class VmState {
    private final int vmid;

    /** The VMID as text: PVE lists guests in this (string) order. */
    private final String vmidText;

    private String node;
    private final TreeMap<String, String> config = new TreeMap<>();
    private final TreeMap<String, String> pending = new TreeMap<>();
    private final Set<String> pendingDelete = new LinkedHashSet<>();

    private boolean running;
    private long startedAtMillis;
    private long pid;

    /** Power state last reported while the node was reachable; set while the node is offline. */
    private Boolean reportedRunning;

    public VmState(int vmid, String node) {
        this.vmid = vmid;
        this.vmidText = Integer.toString(vmid);
        this.node = node;
    }

    public int vmid() {
        return vmid;
    }

    public String vmidText() {
        return vmidText;
    }

    public String node() {
        return node;
    }

    public void moveTo(String newNode) {
        this.node = newNode;
    }

    /** The active config (without pending changes). */
    public SortedMap<String, String> config() {
        return config;
    }

    public SortedMap<String, String> pending() {
        return pending;
    }

    public Set<String> pendingDelete() {
        return pendingDelete;
    }

    public Optional<String> get(String key) {
        return Optional.ofNullable(config.get(key));
    }

    public void set(String key, String value) {
        if (value == null) {
            config.remove(key);
        } else {
            config.put(key, value);
        }
    }

    /**
     * The config with pending values applied and pending deletions removed, as GET config shows it.
     */
    public SortedMap<String, String> configWithPending() {
        TreeMap<String, String> merged = new TreeMap<>(config);
        pendingDelete.forEach(merged::remove);
        merged.putAll(pending);
        return merged;
    }

    /** Moves pending changes into the active config, as PVE does when QEMU (re)starts. */
    public void applyPending() {
        pendingDelete.forEach(config::remove);
        config.putAll(pending);
        pending.clear();
        pendingDelete.clear();
    }

    public boolean hasPending() {
        return !pending.isEmpty() || !pendingDelete.isEmpty();
    }

    public String name() {
        return config.getOrDefault("name", "VM " + vmid);
    }

    public Optional<String> lock() {
        return get("lock");
    }

    public boolean isTemplate() {
        return "1".equals(config.get("template"));
    }

    public boolean isProtected() {
        return "1".equals(config.get("protection"));
    }

    /**
     * RAM in MiB ({@code memory} is a property string with default key {@code current}; default
     * 512).
     */
    public long memoryMiB() {
        String memory = config.get("memory");
        if (memory == null) {
            return 512;
        }
        return Long.parseLong(
                PropertyString.parse(memory, "current").getOrDefault("current", "512"));
    }

    public long memoryBytes() {
        return memoryMiB() << 20;
    }

    public int cpus() {
        if (config.containsKey("vcpus")) {
            return Integer.parseInt(config.get("vcpus"));
        }
        int sockets = Integer.parseInt(config.getOrDefault("sockets", "1"));
        int cores = Integer.parseInt(config.getOrDefault("cores", "1"));
        return sockets * cores;
    }

    /** Every drive in the active config, sorted by key. */
    public List<Drive> drives() {
        List<Drive> drives = new ArrayList<>();
        config.forEach(
                (key, value) -> {
                    if (VmConfigSchema.isDrive(key)) {
                        drives.add(Drive.parse(key, value));
                    }
                });
        return drives;
    }

    /** Disks holding data (not CD-ROMs, not cloud-init drives). */
    public List<Drive> dataDisks() {
        return drives().stream().filter(d -> d.hasVolume() && !d.isCdrom()).toList();
    }

    /** Size of the boot disk, which PVE reports as {@code maxdisk}; 0 without one. */
    public long bootDiskSize() {
        List<String> order = new ArrayList<>();
        String boot = config.get("boot");
        if (boot != null) {
            String devices = PropertyString.parse(boot, "legacy").get("order");
            if (devices != null) {
                order.addAll(List.of(devices.split(";")));
            }
        } else if (config.containsKey("bootdisk")) {
            order.add(config.get("bootdisk"));
        }
        for (String key : order) {
            String value = config.get(key);
            if (value != null && VmConfigSchema.isDrive(key)) {
                Drive drive = Drive.parse(key, value);
                if (!drive.isCdrom()) {
                    return drive.sizeBytes();
                }
            }
        }
        return 0;
    }

    public boolean running() {
        return running;
    }

    public long startedAtMillis() {
        return startedAtMillis;
    }

    public long pid() {
        return pid;
    }

    public void markRunning(long nowMillis, long newPid) {
        running = true;
        startedAtMillis = nowMillis;
        pid = newPid;
    }

    public void markStopped() {
        running = false;
        startedAtMillis = 0;
        pid = 0;
    }

    public Optional<Boolean> reportedRunning() {
        return Optional.ofNullable(reportedRunning);
    }

    /**
     * Freezes (or, with null, unfreezes) the power state the cluster keeps reporting for this
     * guest.
     */
    public void setReportedRunning(Boolean value) {
        reportedRunning = value;
    }

    /** The config file as {@code PVE::QemuServer::write_vm_config} writes it. */
    public String configFile() {
        StringBuilder raw = new StringBuilder();
        renderSection(raw, config, false);
        if (hasPending()) {
            raw.append("\n[PENDING]\n");
            TreeMap<String, String> section = new TreeMap<>(pending);
            if (!pendingDelete.isEmpty()) {
                section.put("delete", String.join(",", pendingDelete));
            }
            renderSection(raw, section, true);
        }
        return raw.toString();
    }

    /** SHA1 of the config file, the {@code digest} of GET config and the check value of updates. */
    public String digest() {
        try {
            byte[] hash =
                    MessageDigest.getInstance("SHA-1")
                            .digest(configFile().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is part of every JRE", e);
        }
    }

    private static void renderSection(
            StringBuilder raw, Map<String, String> section, boolean pendingSection) {
        String description = section.get("description");
        if (description != null) {
            if (description.isEmpty()) {
                if (pendingSection) {
                    raw.append("#\n");
                }
            } else {
                for (String line : description.split("\n")) {
                    raw.append('#').append(encodeText(line)).append('\n');
                }
            }
        }
        section.forEach(
                (key, value) -> {
                    if (!key.equals("description")) {
                        raw.append(key).append(": ").append(value).append('\n');
                    }
                });
    }

    /** {@code PVE::Tools::encode_text}: escapes control and high-bit characters, ':' and '%'. */
    static String encodeText(String line) {
        StringBuilder out = new StringBuilder();
        for (byte b : line.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            boolean safe =
                    (c >= 0x20 && c <= 0x24)
                            || (c >= 0x26 && c <= 0x39)
                            || (c >= 0x3b && c <= 0x7e);
            if (safe) {
                out.append((char) c);
            } else {
                out.append('%').append(String.format("%02X", c));
            }
        }
        return out.toString();
    }
}
