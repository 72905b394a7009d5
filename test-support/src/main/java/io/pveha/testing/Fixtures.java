package io.pveha.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Real PVE response bodies, committed once under {@code testdata/pve-fixtures} (see SOURCES.md
 * there) and read by the simulator's shape tests and the operator's tests alike. The repository
 * root comes from {@code PVEHA_REPO_ROOT} (set by surefire and failsafe in the parent pom), else
 * from the first directory upwards of the working directory that holds {@code
 * testdata/pve-fixtures} (a test run from an IDE).
 */
public final class Fixtures {
    private static final Path RELATIVE = Path.of("testdata", "pve-fixtures");

    private Fixtures() {}

    /**
     * The repository's checkout: where {@code examples/}, {@code crds/} and {@code testdata/} are.
     */
    public static Path repoRoot() {
        String root = System.getenv("PVEHA_REPO_ROOT");
        if (root != null && !root.isBlank() && Files.isDirectory(Path.of(root).resolve(RELATIVE))) {
            return Path.of(root);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve(RELATIVE))) {
                return dir;
            }
        }
        throw new IllegalStateException(
                "no "
                        + RELATIVE
                        + " above "
                        + Path.of("").toAbsolutePath()
                        + " and PVEHA_REPO_ROOT="
                        + root
                        + " does not hold it");
    }

    /** The fixture directory, {@code testdata/pve-fixtures}. */
    public static Path dir() {
        return repoRoot().resolve(RELATIVE);
    }

    /**
     * A fixture by its path below the fixture directory, e.g. {@code
     * derived/ha_status_current_pve8.json}.
     */
    public static String read(String name) {
        Path file = dir().resolve(name);
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("fixture " + name + " missing: " + file, e);
        }
    }
}
