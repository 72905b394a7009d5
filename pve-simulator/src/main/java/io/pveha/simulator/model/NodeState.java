package io.pveha.simulator.model;

/**
 * A cluster member: its hardware, its power and network state. A node is online when it is powered
 * on, finished booting and its network is up. Guarded by the cluster state lock.
 */
public final class NodeState {
    public enum Power {
        ON,
        OFF,
        BOOTING
    }

    /** Memory the host itself uses (kernel, pmxcfs, pveproxy, ...), outside any guest. */
    static final long HOST_MEMORY_USED = 2_400L << 20;

    private final String name;
    private final int nodeid;
    private final String ip;
    private final int cpus;
    private final long memoryTotal;
    private final long rootfsTotal;
    private final long rootfsUsed;

    private Power power = Power.ON;
    private PveRelease release = PveRelease.PVE9;
    private boolean networkUp = true;
    private long bootedAtMillis;

    /** Simulated time since which the node is not online; -1 while online. */
    private long offlineSinceMillis = -1;

    public NodeState(
            String name,
            int nodeid,
            String ip,
            int cpus,
            long memoryTotal,
            long rootfsTotal,
            long rootfsUsed,
            long bootedAtMillis) {
        this.name = name;
        this.nodeid = nodeid;
        this.ip = ip;
        this.cpus = cpus;
        this.memoryTotal = memoryTotal;
        this.rootfsTotal = rootfsTotal;
        this.rootfsUsed = rootfsUsed;
        this.bootedAtMillis = bootedAtMillis;
    }

    public String name() {
        return name;
    }

    public int nodeid() {
        return nodeid;
    }

    public String ip() {
        return ip;
    }

    public int cpus() {
        return cpus;
    }

    public long memoryTotal() {
        return memoryTotal;
    }

    public long rootfsTotal() {
        return rootfsTotal;
    }

    public long rootfsUsed() {
        return rootfsUsed;
    }

    /** The PVE release the node runs (its API dialect, its HA manager's). */
    public PveRelease release() {
        return release;
    }

    /** An upgrade (or, for tests, a downgrade): the node's API and HA daemons follow at once. */
    public void setRelease(PveRelease release) {
        this.release = release;
    }

    public Power power() {
        return power;
    }

    public boolean networkUp() {
        return networkUp;
    }

    public boolean online() {
        return power == Power.ON && networkUp;
    }

    public long bootedAtMillis() {
        return bootedAtMillis;
    }

    public long offlineSinceMillis() {
        return offlineSinceMillis;
    }

    void setPower(Power newPower, long nowMillis) {
        boolean wasOnline = online();
        power = newPower;
        if (newPower == Power.ON) {
            bootedAtMillis = nowMillis;
        }
        trackOnline(wasOnline, nowMillis);
    }

    void setNetworkUp(boolean up, long nowMillis) {
        boolean wasOnline = online();
        networkUp = up;
        trackOnline(wasOnline, nowMillis);
    }

    private void trackOnline(boolean wasOnline, long nowMillis) {
        if (wasOnline && !online()) {
            offlineSinceMillis = nowMillis;
        } else if (online()) {
            offlineSinceMillis = -1;
        }
    }

    /** Restores power, network and boot time from saved state. */
    void restore(
            Power savedPower, boolean savedNetworkUp, long savedBootedAt, long savedOfflineSince) {
        power = savedPower;
        networkUp = savedNetworkUp;
        bootedAtMillis = savedBootedAt;
        offlineSinceMillis = savedOfflineSince;
    }
}
