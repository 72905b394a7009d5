package io.pveha.simulator.model;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/** A drive setting ({@code scsi0}, {@code ide2}, ...) split into its volume and options. */
public record Drive(String key, String file, Map<String, String> options) {
    private static final Pattern CLOUDINIT =
            Pattern.compile("^(?:[^:]+:)?(?:\\d+/)?(?:vm|base)-\\d+-cloudinit(?:\\.\\w+)?$");

    public static Drive parse(String key, String value) {
        Map<String, String> parts = PropertyString.parse(value, "file");
        String file = parts.remove("file");
        return new Drive(key, file, parts);
    }

    public String print() {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("file", file);
        all.putAll(options);
        return PropertyString.print(all, "file");
    }

    public Drive withFile(String newFile) {
        return new Drive(key, newFile, options);
    }

    public Drive withOption(String name, String value) {
        Map<String, String> copy = new LinkedHashMap<>(options);
        if (value == null) {
            copy.remove(name);
        } else {
            copy.put(name, value);
        }
        return new Drive(key, file, copy);
    }

    public boolean isCdrom() {
        return "cdrom".equals(options.get("media")) || "cdrom".equals(file);
    }

    public boolean isCloudInit() {
        return file != null && CLOUDINIT.matcher(file).matches();
    }

    /** A real volume (not {@code none}, not a bare {@code cdrom}). */
    public boolean hasVolume() {
        return file != null && !file.equals("none") && !file.equals("cdrom") && file.contains(":");
    }

    public String storage() {
        return file.substring(0, file.indexOf(':'));
    }

    public long sizeBytes() {
        String size = options.get("size");
        return size == null ? 0 : PropertyString.parseSize(size);
    }
}
