package io.pveha.pve.model;

import io.pveha.pve.PropertyString;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * A VM configuration as {@code GET /nodes/{node}/qemu/{vmid}/config} returns it: flat keys with
 * text values (PVE 8.1+ returns {@code memory} as a string; integers are kept as their text) and
 * the digest.
 */
public record VmConfig(Map<String, String> values, String digest) {
    private static final Pattern DISK_KEY = Pattern.compile("^(scsi|virtio|sata|ide)\\d+$");

    public VmConfig {
        values = Map.copyOf(values);
    }

    public Optional<String> get(String key) {
        return Optional.ofNullable(values.get(key));
    }

    public boolean isTemplate() {
        return "1".equals(values.get("template"));
    }

    public Optional<String> lock() {
        return get("lock");
    }

    /** Memory in MiB, from {@code 4096} or PVE 8.1's {@code current=4096}. */
    public OptionalLong memoryMiB() {
        String raw = values.get("memory");
        if (raw == null) {
            return OptionalLong.empty();
        }
        PropertyString p = PropertyString.parse(raw);
        String value = p.get("current").orElse(p.defaultValue());
        try {
            return value == null
                    ? OptionalLong.empty()
                    : OptionalLong.of(Long.parseLong(value.trim()));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** Disks (not CD-ROMs, not cloud-init drives) by slot. */
    public Map<String, PropertyString> disks() {
        Map<String, PropertyString> disks = new LinkedHashMap<>();
        values.forEach(
                (k, v) -> {
                    if (DISK_KEY.matcher(k).matches()) {
                        PropertyString p = PropertyString.parse(v);
                        boolean cdrom = "cdrom".equals(p.values().get("media"));
                        boolean cloudInit =
                                p.defaultValue() != null && p.defaultValue().contains("cloudinit");
                        if (!cdrom && !cloudInit) {
                            disks.put(k, p);
                        }
                    }
                });
        return disks;
    }

    /** The slot of the cloud-init drive, if any. */
    public Optional<String> cloudInitDrive() {
        return values.entrySet().stream()
                .filter(
                        e ->
                                DISK_KEY.matcher(e.getKey()).matches()
                                        && e.getValue().contains("cloudinit"))
                .map(Map.Entry::getKey)
                .findFirst();
    }
}
