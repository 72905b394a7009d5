package io.pveha.simulator.api;

import io.pveha.simulator.model.PveException;
import java.util.Map;
import java.util.Set;

/**
 * A method's permission rule, as in PVE's {@code permissions => {...}} schema entries, plus the
 * checks handlers make inside. Privileges are path-independent in the simulator: the root user and
 * unrestricted tokens hold all of them, a restricted token exactly its set.
 */
@FunctionalInterface
public interface Access {

    void check(AuthInfo auth, Map<String, String> params);

    /** {@code user => 'all'}: any authenticated caller. */
    static Access anyUser() {
        return (auth, params) -> {};
    }

    /** {@code ['perm', path, [privs]]}: every privilege is needed. */
    static Access perm(String pathTemplate, String... privileges) {
        return (auth, params) -> require(auth, expand(pathTemplate, params), privileges);
    }

    /** {@code ['perm', path, [privs], any => 1]}: one of the privileges is enough. */
    static Access permAny(String pathTemplate, String... privileges) {
        return (auth, params) -> requireAny(auth, expand(pathTemplate, params), privileges);
    }

    static boolean has(AuthInfo auth, String privilege) {
        if (auth.authId().equals("root@pam")) {
            return true;
        }
        Set<String> privileges = auth.privileges();
        return privileges == null || privileges.contains(privilege);
    }

    /** {@code $rpcenv->check}: fails with the first missing privilege. */
    static void require(AuthInfo auth, String path, String... privileges) {
        for (String privilege : privileges) {
            if (!has(auth, privilege)) {
                throw PveException.permission(path + ", " + privilege);
            }
        }
    }

    /** {@code $rpcenv->check_any}: fails listing all privileges. */
    static void requireAny(AuthInfo auth, String path, String... privileges) {
        for (String privilege : privileges) {
            if (has(auth, privilege)) {
                return;
            }
        }
        throw PveException.permission(path + ", " + String.join("|", privileges));
    }

    private static String expand(String template, Map<String, String> params) {
        String path = template;
        for (Map.Entry<String, String> e : params.entrySet()) {
            path = path.replace("{" + e.getKey() + "}", e.getValue());
        }
        return path;
    }
}
