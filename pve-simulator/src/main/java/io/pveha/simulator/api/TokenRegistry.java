package io.pveha.simulator.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The cluster's API tokens ({@code user@realm!name} with a secret). A token may be restricted to a
 * set of privileges so tests can provoke {@code 403 Permission check failed}.
 */
public final class TokenRegistry {
    /** {@code pve-tokenid}: {@code <user>@<realm>!<name>}. */
    private static final Pattern TOKEN_ID =
            Pattern.compile("^[^\\s:/@!]+@[A-Za-z][A-Za-z0-9.\\-_]+![A-Za-z][A-Za-z0-9.\\-_]+$");

    private record Token(String secret, Set<String> privileges) {}

    private final Map<String, Token> tokens = new ConcurrentHashMap<>();

    /** Adds (or replaces) a token with every privilege of its user. */
    public void add(String tokenId, String secret) {
        put(tokenId, secret, null);
    }

    /**
     * Adds (or replaces) a token limited to {@code privileges} (e.g. {@code VM.Audit}, {@code
     * VM.PowerMgmt}).
     */
    public void add(String tokenId, String secret, Set<String> privileges) {
        put(tokenId, secret, Set.copyOf(privileges));
    }

    /** Checks {@code tokenId}/{@code secret}; empty if unknown or wrong. */
    Optional<AuthInfo> verify(String tokenId, String secret) {
        Token token = tokens.get(tokenId);
        if (token == null
                || !MessageDigest.isEqual(
                        token.secret().getBytes(StandardCharsets.UTF_8),
                        secret.getBytes(StandardCharsets.UTF_8))) {
            return Optional.empty();
        }
        return Optional.of(new AuthInfo(tokenId, true, token.privileges()));
    }

    /** The token as a caller: its privileges (null: all of its user's), if the token exists. */
    public Optional<AuthInfo> find(String tokenId) {
        Token token = tokens.get(tokenId);
        return token == null
                ? Optional.empty()
                : Optional.of(new AuthInfo(tokenId, true, token.privileges()));
    }

    /**
     * Every token id, sorted, with whether it is restricted to a privilege set (PVE: privilege
     * separation) or holds all of its user's privileges.
     */
    public java.util.SortedMap<String, Boolean> restrictedById() {
        java.util.SortedMap<String, Boolean> result = new java.util.TreeMap<>();
        tokens.forEach((id, token) -> result.put(id, token.privileges() != null));
        return result;
    }

    private void put(String tokenId, String secret, Set<String> privileges) {
        if (!TOKEN_ID.matcher(tokenId).matches()) {
            throw new IllegalArgumentException(
                    "token id must look like user@realm!name: " + tokenId);
        }
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("token secret must not be empty");
        }
        tokens.put(tokenId, new Token(secret, privileges));
    }
}
