package io.pveha.lb;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The files rendered for one host, and their combined hash.
 *
 * @param sensitiveValues secrets inside the files (the VRRP password), cut out of any host output
 *     the operator reports; never printed
 */
public record ConfigBundle(
        String hostName,
        ManagedFile haproxyConfig,
        ManagedFile keepalivedConfig,
        List<ManagedFile> scripts,
        List<String> sensitiveValues) {
    public ConfigBundle {
        scripts = List.copyOf(scripts);
        sensitiveValues = List.copyOf(sensitiveValues);
    }

    /** Scripts first: keepalived's config test checks that the scripts it names exist. */
    public List<ManagedFile> files() {
        return Stream.concat(scripts.stream(), Stream.of(haproxyConfig, keepalivedConfig)).toList();
    }

    public List<String> paths() {
        return files().stream().map(ManagedFile::path).toList();
    }

    public String hash() {
        Map<String, String> byPath = new LinkedHashMap<>();
        files().forEach(f -> byPath.put(f.path(), f.sha256()));
        return Hashes.bundleHash(byPath);
    }

    /** Host output with every secret of this bundle replaced by ***. */
    public String redact(String text) {
        String result = text;
        for (String secret : sensitiveValues) {
            if (!secret.isEmpty()) {
                result = result.replace(secret, "***");
            }
        }
        return result;
    }

    @Override
    public String toString() {
        return "ConfigBundle[" + hostName + " " + files() + " sha256:" + hash() + "]";
    }
}
