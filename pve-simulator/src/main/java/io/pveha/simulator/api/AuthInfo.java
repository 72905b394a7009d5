package io.pveha.simulator.api;

import java.util.Set;

/**
 * An authenticated caller.
 *
 * @param authId {@code user@realm}, or {@code user@realm!token} for API tokens
 * @param apiToken whether the call was authenticated by an API token
 * @param privileges the privileges of a restricted token; null means "everything its user may do"
 */
public record AuthInfo(String authId, boolean apiToken, Set<String> privileges) {

    public static AuthInfo anonymous() {
        return new AuthInfo(null, false, Set.of());
    }

    /** The user part of {@code authId} (without a token name). */
    public String user() {
        int bang = authId.indexOf('!');
        return bang < 0 ? authId : authId.substring(0, bang);
    }
}
