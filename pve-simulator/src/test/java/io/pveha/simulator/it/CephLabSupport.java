package io.pveha.simulator.it;

import io.pveha.testing.ceph.CephLab;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;

/**
 * Starts a {@link CephLab} for a test class. Where Ceph cannot run (no binaries, not root) the test
 * is skipped, except with CI=true, where .ci/run installs Ceph and runs as root: there it fails,
 * never skips.
 */
final class CephLabSupport {
    private CephLabSupport() {}

    static CephLab startOrSkip() {
        String missing = CephLab.missingRequirement();
        if (missing != null) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new AssertionError("real Ceph needed in CI: " + missing);
            }
            Assumptions.abort(missing);
        }
        return CephLab.start(Duration.ofSeconds(90));
    }
}
