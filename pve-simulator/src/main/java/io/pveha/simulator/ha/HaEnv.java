package io.pveha.simulator.ha;

import io.pveha.simulator.model.PveRelease;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code PVE::HA::Env} for one daemon on one node: what a CRM or LRM sees of the cluster (its own
 * quorum, locks taken in its node's name, the shared status files) and its log source ({@code
 * pve1/crm}).
 */
final class HaEnv {
    private final HaCluster ha;
    private final String node;
    private final String source;

    HaEnv(HaCluster ha, String node, String daemon) {
        this.ha = ha;
        this.node = node;
        this.source = node + "/" + daemon;
    }

    HaCluster cluster() {
        return ha;
    }

    String nodename() {
        return node;
    }

    long nowMillis() {
        return ha.nowMillis();
    }

    long nowSeconds() {
        return ha.nowSeconds();
    }

    HaTimings timings() {
        return ha.timings;
    }

    void log(String level, String message) {
        ha.log(level, source, message);
    }

    /** The release the daemon's node runs: a PVE 9 CRM knows HA rules. */
    PveRelease release() {
        return ha.release(node);
    }

    boolean quorate() {
        return ha.quorate(node);
    }

    boolean getManagerLock() {
        return getLock(ClusterLocks.MANAGER_LOCK);
    }

    boolean releaseManagerLock() {
        return ha.quorate(node)
                && ha.locks.release(ClusterLocks.MANAGER_LOCK, node, ha.nowMillis());
    }

    /** Takes {@code ha_agent_<forNode>_lock}: an LRM its own, the master a fenced node's. */
    boolean getAgentLock(String forNode) {
        return getLock(ClusterLocks.agentLock(forNode));
    }

    boolean releaseAgentLock() {
        return ha.quorate(node)
                && ha.locks.release(ClusterLocks.agentLock(node), node, ha.nowMillis());
    }

    private boolean getLock(String name) {
        if (!quorate()) {
            return false;
        }
        ClusterLocks.Acquired result = ha.locks.acquire(name, node, ha.nowMillis());
        if (result == ClusterLocks.Acquired.NEW) {
            log("info", "got lock '" + name + "'");
        }
        return result.ok();
    }

    ManagerStatus readManagerStatus() {
        return ha.managerStatus.copy();
    }

    void writeManagerStatus(ManagerStatus status) {
        ha.managerStatus = status.copy();
    }

    LrmStatus readLrmStatus(String forNode) {
        return ha.lrmStatus.get(forNode);
    }

    void writeLrmStatus(LrmStatus status) {
        ha.lrmStatus.put(node, status);
    }

    /** Takes every queued CRM command (the master empties the file as it reads it). */
    List<String> readCrmCommands() {
        List<String> commands = new ArrayList<>(ha.crmCommands);
        ha.crmCommands.clear();
        return commands;
    }

    boolean anyPendingCrmCommand() {
        return !ha.crmCommands.isEmpty();
    }

    /** {@code is_node_shutdown}: {@code shutdown}, {@code reboot} or null. */
    String shutdownTarget() {
        return ha.shutdownTargets.get(node);
    }

    ShutdownPolicy shutdownPolicy() {
        return ha.shutdownPolicy;
    }

    String watchdogOpen() {
        return ha.watchdogs.open(node);
    }

    void watchdogUpdate(String id) {
        ha.watchdogs.update(id);
    }

    void watchdogClose(String id) {
        ha.watchdogs.close(id);
    }
}
