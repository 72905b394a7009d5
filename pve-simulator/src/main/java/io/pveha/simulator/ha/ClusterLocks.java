package io.pveha.simulator.ha;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The HA stack's cluster-wide locks in pmxcfs: {@code ha_manager_lock} (whoever holds it is the
 * master CRM) and one {@code ha_agent_<node>_lock} per node (held by that node's active LRM, or by
 * the master once it fenced the node). A lock is renewed by taking it again and expires {@code
 * lockTimeout} after its last renewal; only then can another node take it. Callers check quorum
 * first: a node without quorum cannot touch pmxcfs locks.
 */
final class ClusterLocks {
    /** Who holds a lock and when it was last renewed (epoch millis). */
    record Lock(String node, long renewedMillis) {}

    private final TreeMap<String, Lock> locks = new TreeMap<>();
    private final long timeoutMillis;

    ClusterLocks(long timeoutMillis) {
        this.timeoutMillis = timeoutMillis;
    }

    static String agentLock(String node) {
        return "ha_agent_" + node + "_lock";
    }

    static final String MANAGER_LOCK = "ha_manager_lock";

    /**
     * Takes or renews {@code name} for {@code node}; true on success and when a new holder got it
     * (the caller logs {@code got lock}).
     */
    Acquired acquire(String name, String node, long nowMillis) {
        Lock held = locks.get(name);
        if (held != null && nowMillis - held.renewedMillis() <= timeoutMillis) {
            if (!held.node().equals(node)) {
                return Acquired.NO;
            }
            locks.put(name, new Lock(node, nowMillis));
            return Acquired.RENEWED;
        }
        locks.put(name, new Lock(node, nowMillis));
        return Acquired.NEW;
    }

    /** The result of {@link #acquire}. */
    enum Acquired {
        NO,
        RENEWED,
        NEW;

        boolean ok() {
            return this != NO;
        }
    }

    /**
     * Releases {@code name} if {@code node} holds it (an expired lock counts as released); false if
     * another node holds it or nobody did.
     */
    boolean release(String name, String node, long nowMillis) {
        Lock held = locks.get(name);
        if (held == null) {
            return false;
        }
        if (nowMillis - held.renewedMillis() > timeoutMillis) {
            return true;
        }
        if (held.node().equals(node)) {
            locks.remove(name);
            return true;
        }
        return false;
    }

    /** Every lock with holder and renewal time, for the state file. */
    Map<String, Lock> snapshot() {
        return new LinkedHashMap<>(locks);
    }

    void restore(Map<String, Lock> saved) {
        locks.clear();
        locks.putAll(saved);
    }
}
