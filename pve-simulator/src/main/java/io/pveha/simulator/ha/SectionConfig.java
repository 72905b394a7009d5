package io.pveha.simulator.ha;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A section config file of {@code /etc/pve/ha} ({@code resources.cfg}, {@code groups.cfg}), as
 * {@code PVE::SectionConfig} keeps it: sections of {@code key value} options, only the options that
 * were set, and a {@code digest} (SHA1 of the file) that guards against concurrent changes.
 */
final class SectionConfig {
    /** One section: {@code vm: 100} with its options, or {@code group: prefer-pve1}. */
    record Section(String type, String id, Map<String, String> options) {
        Section {
            options = new LinkedHashMap<>(options);
        }

        /** The name after the type: {@code 100} for {@code vm:100}, the group name for groups. */
        String name() {
            int colon = id.indexOf(':');
            return colon < 0 ? id : id.substring(colon + 1);
        }
    }

    private final Map<String, Section> sections = new LinkedHashMap<>();

    Optional<Section> get(String id) {
        return Optional.ofNullable(sections.get(id));
    }

    Collection<Section> all() {
        return List.copyOf(sections.values());
    }

    void put(Section section) {
        sections.put(section.id(), section);
    }

    boolean remove(String id) {
        return sections.remove(id) != null;
    }

    void clear() {
        sections.clear();
    }

    boolean isEmpty() {
        return sections.isEmpty();
    }

    /** The file as {@code write_config} renders it. */
    String render() {
        StringBuilder out = new StringBuilder();
        for (Section section : sections.values()) {
            if (out.length() > 0) {
                out.append('\n');
            }
            out.append(section.type()).append(": ").append(section.name()).append('\n');
            section.options()
                    .forEach(
                            (key, value) ->
                                    out.append('\t')
                                            .append(key)
                                            .append(' ')
                                            .append(value)
                                            .append('\n'));
        }
        return out.toString();
    }

    /** SHA1 of the rendered file, the {@code digest} of the API. */
    String digest() {
        try {
            byte[] hash =
                    MessageDigest.getInstance("SHA-1")
                            .digest(render().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is part of every JRE", e);
        }
    }

    /** For the state file: every section with its options. */
    List<Section> snapshot() {
        return new ArrayList<>(sections.values());
    }
}
