package io.pveha.cluster;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Caps the PVE tasks the operator runs at once per node. A slot is held from the moment a task is
 * about to start until the operator sees it finish, across reconciles; holders are identified by a
 * stable key (e.g. the resource UID), so a reconcile that re-enters holds the same slot.
 */
public final class TaskSlots {
    private final Map<String, Set<String>> holdersByNode = new HashMap<>();

    /**
     * Resources that follow tasks the operator did not start (e.g. a backup job PVE runs on
     * schedule).
     */
    private final Set<String> watchers = new HashSet<>();

    private volatile int perNode;

    public TaskSlots(int perNode) {
        this.perNode = Math.max(1, perNode);
    }

    public void setPerNode(int perNode) {
        this.perNode = Math.max(1, perNode);
    }

    /**
     * Takes (or keeps) a slot on {@code node} for {@code holder}; false when the node is at its
     * cap.
     */
    public synchronized boolean tryAcquire(String node, String holder) {
        Set<String> holders = holdersByNode.computeIfAbsent(node, n -> new HashSet<>());
        if (holders.contains(holder)) {
            return true;
        }
        if (holders.size() >= perNode) {
            return false;
        }
        holders.add(holder);
        return true;
    }

    /**
     * Holds a slot on {@code node} for a task that already runs (found in status after a restart),
     * even beyond the cap: the task runs whether or not the operator counts it.
     */
    public synchronized void hold(String node, String holder) {
        if (node != null) {
            holdersByNode.computeIfAbsent(node, n -> new HashSet<>()).add(holder);
        }
    }

    /** Releases whatever slot the holder has, on any node. */
    public synchronized void release(String holder) {
        holdersByNode.values().forEach(h -> h.remove(holder));
    }

    /**
     * {@code holder} follows tasks it did not start (PVE started them), so polls list tasks while
     * it watches, without taking any node's slot.
     */
    public synchronized void watch(String holder, boolean watching) {
        if (watching) {
            watchers.add(holder);
        } else {
            watchers.remove(holder);
        }
    }

    /**
     * Whether polls should list the cluster's tasks: operator tasks are in flight, or someone
     * follows PVE's own.
     */
    public synchronized boolean tasksWanted() {
        return !watchers.isEmpty() || holdersByNode.values().stream().anyMatch(h -> !h.isEmpty());
    }

    /** Slots held on all nodes: tasks of the operator in flight. */
    public synchronized int inUse() {
        return holdersByNode.values().stream().mapToInt(Set::size).sum();
    }

    public synchronized int inUse(String node) {
        return holdersByNode.getOrDefault(node, Set.of()).size();
    }
}
