package io.pveha.lb;

import java.nio.charset.StandardCharsets;

/**
 * A file the operator owns on a host. Its content may contain a secret (keepalived.conf holds the
 * VRRP password), so toString prints the path, mode and hash only.
 *
 * @param mode octal permission bits, e.g. "0600"
 */
public record ManagedFile(String path, String content, String mode) {
    public byte[] bytes() {
        return content.getBytes(StandardCharsets.UTF_8);
    }

    public String sha256() {
        return Hashes.sha256Hex(bytes());
    }

    @Override
    public String toString() {
        return "ManagedFile[" + path + " " + mode + " sha256:" + sha256() + "]";
    }
}
