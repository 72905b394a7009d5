package io.pveha.simulator.persist;

import com.fasterxml.jackson.databind.SerializationFeature;
import io.pveha.simulator.api.Json;
import io.pveha.simulator.ha.HaSnapshot;
import io.pveha.simulator.model.ClusterSnapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The simulator's state file (JSON): the cluster, finished tasks, the simulated time and the TLS
 * material, so a restarted standalone simulator continues where it stopped, with the same
 * fingerprints. Written to a temporary file and moved into place, so a crash never leaves half a
 * file.
 */
public final class StateStore {
    /** Format version of the file. */
    public static final int VERSION = 1;

    private final Path file;

    public StateStore(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    /** Everything saved; {@code ha} is null in files written before the HA stack existed. */
    public record SavedState(
            int version,
            String clusterName,
            List<String> nodeNames,
            long clockMillis,
            ClusterSnapshot cluster,
            List<TaskRecord> tasks,
            Map<String, String> tls,
            HaSnapshot ha) {}

    /**
     * A task; tasks that were running when the state was saved are stored as running (null exit
     * status).
     */
    public record TaskRecord(String upid, List<String> log, String exitStatus, long endTime) {}

    public Optional<SavedState> load() throws IOException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        SavedState state = Json.MAPPER.readValue(file.toFile(), SavedState.class);
        if (state.version() != VERSION) {
            throw new IOException(
                    "unsupported state file version " + state.version() + " in " + file);
        }
        return Optional.of(state);
    }

    public void save(SavedState state) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        try {
            Json.MAPPER
                    .writer()
                    .with(SerializationFeature.INDENT_OUTPUT)
                    .writeValue(tmp.toFile(), state);
            Files.move(
                    tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
