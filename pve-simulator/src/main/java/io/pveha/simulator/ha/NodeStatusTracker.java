package io.pveha.simulator.ha;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The master's view of the nodes ({@code PVE::HA::NodeStatus}): {@code online}, {@code
 * maintenance}, {@code unknown}, {@code fence} or {@code gone}, and when each node was last seen
 * online, which starts the fence delay. That time is kept in memory only: a new master starts
 * counting afresh, which is why losing the master delays recovery.
 */
final class NodeStatusTracker {
    static final String ONLINE = "online";
    static final String MAINTENANCE = "maintenance";
    static final String UNKNOWN = "unknown";
    static final String FENCE = "fence";
    static final String GONE = "gone";

    /** A node gone from the member list is forgotten after an hour. */
    private static final long GONE_DELETE_MILLIS = 3_600_000L;

    private final HaEnv env;
    private final TreeMap<String, String> status;
    private final Map<String, Long> lastOnline = new HashMap<>();

    NodeStatusTracker(HaEnv env, Map<String, String> saved) {
        this.env = env;
        this.status = new TreeMap<>(saved);
    }

    TreeMap<String, String> status() {
        return status;
    }

    String state(String node) {
        return status.computeIfAbsent(node, n -> UNKNOWN);
    }

    boolean isOnline(String node) {
        return ONLINE.equals(state(node));
    }

    boolean isOperational(String node) {
        return isOnline(node) || MAINTENANCE.equals(state(node));
    }

    /**
     * {@code node_is_offline_delayed}: not online for at least the fence delay (the first call
     * starts it).
     */
    boolean isOfflineDelayed(String node) {
        return isOfflineDelayed(node, env.timings().fenceDelay().toMillis());
    }

    private boolean isOfflineDelayed(String node, long delayMillis) {
        if (isOnline(node)) {
            return false;
        }
        Long last = lastOnline.get(node);
        long now = env.nowMillis();
        if (last == null) {
            lastOnline.put(node, now);
            return false;
        }
        return now - last >= delayMillis;
    }

    List<String> nodes() {
        return new ArrayList<>(status.keySet());
    }

    List<String> onlineNodes() {
        return status.entrySet().stream()
                .filter(e -> e.getValue().equals(ONLINE))
                .map(Map.Entry::getKey)
                .toList();
    }

    private void set(String node, String newState) {
        String old = state(node);
        if (old.equals(newState)) {
            return;
        }
        status.put(node, newState);
        env.log(
                "info",
                "node '" + node + "': state changed from '" + old + "' => '" + newState + "'");
    }

    /**
     * {@code update}: applies the member list (online in the quorate partition or not) and LRM
     * modes.
     */
    void update(Map<String, Boolean> nodeInfo, Map<String, String> lrmModes) {
        for (Map.Entry<String, Boolean> e : nodeInfo.entrySet()) {
            if (!e.getValue()) {
                continue;
            }
            String node = e.getKey();
            String lrmMode = lrmModes.getOrDefault(node, "unknown");
            lastOnline.put(node, env.nowMillis());
            switch (state(node)) {
                case ONLINE -> {
                    if (lrmMode.equals("maintenance")) {
                        set(node, MAINTENANCE);
                    }
                }
                case UNKNOWN, GONE -> set(node, ONLINE);
                case MAINTENANCE -> {
                    if (!lrmMode.equals("maintenance")) {
                        set(node, ONLINE);
                    }
                }
                default -> {
                    // fence: wait until fenced
                }
            }
        }
        for (String node : nodes()) {
            Boolean online = nodeInfo.get(node);
            if (Boolean.TRUE.equals(online)) {
                continue;
            }
            switch (state(node)) {
                case ONLINE -> set(node, UNKNOWN);
                case MAINTENANCE -> {
                    if (!lrmModes.getOrDefault(node, "unknown").equals("maintenance")) {
                        set(node, UNKNOWN);
                    }
                }
                case UNKNOWN -> {
                    if (online == null) {
                        set(node, GONE);
                    }
                }
                case GONE -> {
                    if (isOfflineDelayed(node, GONE_DELETE_MILLIS)) {
                        lastOnline.remove(node);
                        status.remove(node);
                        env.log(
                                "notice",
                                "deleting gone node '" + node + "', not a cluster member anymore.");
                    }
                }
                default -> {
                    // fence: wait until fenced
                }
            }
        }
    }

    /**
     * {@code fence_node}: marks the node for fencing and tries to take its agent lock, which
     * succeeds once the node's LRM released it cleanly or the lock expired (by then its watchdog
     * has reset the node).
     */
    boolean fence(String node) {
        if (!state(node).equals(FENCE)) {
            set(node, FENCE);
            env.log("email", "FENCE: Try to fence node '" + node + "'");
        }
        boolean fenced = env.getAgentLock(node);
        if (fenced) {
            String message = "fencing: acknowledged - got agent lock for node '" + node + "'";
            env.log("info", message);
            set(node, UNKNOWN);
            env.log("email", "SUCCEED: " + message);
        }
        return fenced;
    }
}
