package io.pveha.lb;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * SHA-256 helpers shared by the renderer (desired hash) and the observer (hash of the installed
 * files).
 */
public final class Hashes {
    private Hashes() {}

    public static String sha256Hex(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /**
     * The hash of a set of files: SHA-256 over {@code sha256sum}'s own output lines ("HEX PATH"),
     * sorted by path. The host can produce exactly these lines, so the applied hash is computed
     * from what is really installed, not from what the operator believes it wrote.
     */
    public static String bundleHash(Map<String, String> sha256ByPath) {
        StringBuilder lines = new StringBuilder();
        new TreeMap<>(sha256ByPath)
                .forEach((path, hex) -> lines.append(hex).append("  ").append(path).append('\n'));
        return sha256Hex(lines.toString().getBytes(StandardCharsets.UTF_8));
    }
}
