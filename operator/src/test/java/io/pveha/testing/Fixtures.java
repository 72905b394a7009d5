package io.pveha.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Real PVE response bodies, committed under testdata/pve-fixtures (see SOURCES.md there). */
public final class Fixtures {
    private static final Path DIR = Path.of("..", "testdata", "pve-fixtures");

    private Fixtures() {
    }

    public static String read(String name) {
        try {
            return Files.readString(DIR.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException("fixture " + name + " missing under " + DIR.toAbsolutePath(), e);
        }
    }
}
