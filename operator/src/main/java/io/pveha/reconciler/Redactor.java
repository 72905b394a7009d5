package io.pveha.reconciler;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Defence in depth for "secrets stay secret": every secret value the operator reads is registered
 * here, and every text bound for an Event, a condition message or an exception shown to users is
 * scrubbed. The code never puts secrets into such texts on purpose; this catches the accident (a
 * PVE error that echoes a parameter, a library message quoting a header).
 */
public final class Redactor {
    private static final Set<String> SECRETS = ConcurrentHashMap.newKeySet();
    private static final int MIN_LENGTH = 4;

    private Redactor() {}

    public static void register(String secret) {
        if (secret != null && secret.length() >= MIN_LENGTH) {
            SECRETS.add(secret);
        }
    }

    public static String scrub(String text) {
        if (text == null || SECRETS.isEmpty()) {
            return text;
        }
        String out = text;
        for (String secret : SECRETS) {
            if (out.contains(secret)) {
                out = out.replace(secret, "<redacted>");
            }
        }
        return out;
    }
}
