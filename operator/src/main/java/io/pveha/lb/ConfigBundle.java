package io.pveha.lb;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The files rendered for one host, in install order, and their combined hash. */
public record ConfigBundle(String hostName, ManagedFile haproxyConfig, ManagedFile keepalivedConfig,
                           List<ManagedFile> scripts) {
    public ConfigBundle {
        scripts = List.copyOf(scripts);
    }

    /** Scripts first: keepalived's config test checks that the scripts it names exist. */
    public List<ManagedFile> files() {
        return java.util.stream.Stream.concat(scripts.stream(), java.util.stream.Stream.of(haproxyConfig, keepalivedConfig))
                .toList();
    }

    public List<String> paths() {
        return files().stream().map(ManagedFile::path).toList();
    }

    public String hash() {
        Map<String, String> byPath = new LinkedHashMap<>();
        files().forEach(f -> byPath.put(f.path(), f.sha256()));
        return Hashes.bundleHash(byPath);
    }
}
