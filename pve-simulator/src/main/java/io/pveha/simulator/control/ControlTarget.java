package io.pveha.simulator.control;

import io.pveha.simulator.api.RequestStats;
import io.pveha.simulator.api.TokenRegistry;
import io.pveha.simulator.clock.SimClock;
import io.pveha.simulator.faults.Faults;
import io.pveha.simulator.ha.HaLogEntry;
import io.pveha.simulator.ha.HaStatusView;
import io.pveha.simulator.ha.ShutdownPolicy;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * What the control API acts on, and all it sees of the simulator: cluster views, the faults, the HA
 * stack's status and log, the clock, request statistics, tokens and the state file. {@code
 * PveSimulator} implements it with an adapter; the control API knows nothing of its wiring.
 */
public interface ControlTarget {

    /** A node as {@code /simulator} reports it: power, network, API port and certificate. */
    record NodeInfo(
            String name,
            String power,
            boolean networkUp,
            boolean online,
            String url,
            String fingerprint) {}

    // ---- cluster views --------------------------------------------------------------------------

    String clusterName();

    boolean quorate();

    List<String> nodeNames();

    /** One of {@link #nodeNames()}. */
    NodeInfo node(String name);

    int vmCount();

    // ---- what it controls -----------------------------------------------------------------------

    /**
     * Nodes (power, network, clean shutdown, maintenance), API rules, task failures, storages,
     * backups.
     */
    Faults faults();

    SimClock clock();

    RequestStats requestStats();

    TokenRegistry tokens();

    /**
     * Saves the state to {@code file}, or to the configured state file if null; returns the file
     * written.
     */
    Path saveState(Path file);

    // ---- the HA stack ---------------------------------------------------------------------------

    HaStatusView haStatus();

    List<HaLogEntry> haLog(Instant since);

    ShutdownPolicy haShutdownPolicy();

    void setHaShutdownPolicy(ShutdownPolicy policy);
}
