package io.pveha.simulator;

import io.pveha.simulator.api.RequestStats;
import io.pveha.simulator.api.TokenRegistry;
import io.pveha.simulator.clock.SimClock;
import io.pveha.simulator.control.ControlTarget;
import io.pveha.simulator.faults.Faults;
import io.pveha.simulator.ha.HaLogEntry;
import io.pveha.simulator.ha.HaStatusView;
import io.pveha.simulator.ha.ShutdownPolicy;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * What the control API ({@code /simulator/...}) sees of a simulator: its public facade, narrowed.
 */
final class SimulatorControlTarget implements ControlTarget {
    private final PveSimulator sim;

    SimulatorControlTarget(PveSimulator sim) {
        this.sim = sim;
    }

    @Override
    public String clusterName() {
        return sim.cluster().clusterName();
    }

    @Override
    public boolean quorate() {
        return sim.cluster().quorate();
    }

    @Override
    public List<String> nodeNames() {
        return sim.nodeNames();
    }

    @Override
    public NodeInfo node(String name) {
        NodeView node = sim.cluster().node(name);
        return new NodeInfo(
                name,
                node.power(),
                node.networkUp(),
                node.online(),
                sim.nodeUrl(name),
                sim.fingerprintSha256(name));
    }

    @Override
    public int vmCount() {
        return sim.cluster().vms().size();
    }

    @Override
    public Faults faults() {
        return sim.faults();
    }

    @Override
    public SimClock clock() {
        return sim.clock();
    }

    @Override
    public RequestStats requestStats() {
        return sim.requestStats();
    }

    @Override
    public TokenRegistry tokens() {
        return sim.tokens();
    }

    @Override
    public Path saveState(Path file) {
        return sim.saveState(file);
    }

    @Override
    public HaStatusView haStatus() {
        return sim.ha().status();
    }

    @Override
    public List<HaLogEntry> haLog(Instant since) {
        return sim.ha().logSince(since);
    }

    @Override
    public ShutdownPolicy haShutdownPolicy() {
        return sim.ha().shutdownPolicy();
    }

    @Override
    public void setHaShutdownPolicy(ShutdownPolicy policy) {
        sim.ha().setShutdownPolicy(policy);
    }
}
