package io.pveha.lb;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Tests that run real daemons need root, network namespaces and Debian packages. Locally a missing
 * piece skips the test; with {@code CI=true} it fails it, so CI never reports green without running
 * them.
 */
public final class Prerequisites {
    static final List<String> BIN_DIRS = List.of("/usr/sbin", "/usr/bin", "/sbin", "/bin");

    private Prerequisites() {}

    public static boolean inCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    public static void require(boolean condition, String missing) {
        if (condition) {
            return;
        }
        String message =
                missing
                        + " (.ci/run installs the Debian packages; the lab needs root with CAP_NET_ADMIN)";
        if (inCi()) {
            fail("CI=true but " + message);
        }
        assumeTrue(false, message);
    }

    public static void requireCommands(String... commands) {
        for (String command : commands) {
            require(find(command) != null, "command '" + command + "' is not installed");
        }
    }

    public static Path find(String command) {
        return BIN_DIRS.stream()
                .map(d -> Path.of(d, command))
                .filter(Files::isExecutable)
                .findFirst()
                .orElse(null);
    }

    public static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }
}
