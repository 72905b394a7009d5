package io.pveha.pve;

import java.util.regex.Pattern;

/**
 * A PVE API token: id {@code user@realm!name} and the secret UUID. The secret only ever leaves this
 * object inside the Authorization header; toString never shows it.
 */
public final class PveToken {
    private static final Pattern TOKEN_ID =
            Pattern.compile("^[^\\s:!@]+@[A-Za-z][A-Za-z0-9.\\-_]*![A-Za-z][A-Za-z0-9.\\-_]*$");

    private final String tokenId;
    private final String secret;

    public PveToken(String tokenId, String secret) {
        if (tokenId == null || !TOKEN_ID.matcher(tokenId.trim()).matches()) {
            throw new IllegalArgumentException("the token id must look like user@realm!tokenname");
        }
        if (secret == null
                || secret.isBlank()
                || secret.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
            throw new IllegalArgumentException(
                    "the token secret is empty or contains whitespace or control characters");
        }
        this.tokenId = tokenId.trim();
        this.secret = secret.trim();
    }

    /**
     * Parses the combined form {@code user@realm!name=secret} that PVE shows once when a token is
     * created.
     */
    public static PveToken parse(String combined) {
        int eq = combined == null ? -1 : combined.trim().lastIndexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("expected user@realm!tokenname=secret");
        }
        String trimmed = combined.trim();
        return new PveToken(trimmed.substring(0, eq), trimmed.substring(eq + 1));
    }

    public String tokenId() {
        return tokenId;
    }

    String authorizationHeader() {
        return "PVEAPIToken=" + tokenId + "=" + secret;
    }

    /** True when the text contains the secret; used by tests and log guards. */
    public boolean appearsIn(String text) {
        return text != null && text.contains(secret);
    }

    @Override
    public String toString() {
        return tokenId + "=<redacted>";
    }
}
