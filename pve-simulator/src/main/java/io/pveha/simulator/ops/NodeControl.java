package io.pveha.simulator.ops;

import io.pveha.simulator.model.ClusterState;
import io.pveha.simulator.model.NodeState;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Power and network of cluster nodes, as a lab operator would pull the plug or a cable. A
 * powered-on node boots for {@code nodeBoot} simulated time; then it is online and starts its
 * {@code onboot} guests.
 *
 * <p>The methods take the state write lock themselves and call {@link NodeListener}s after
 * releasing it, so a listener may block (closing a server socket waits for request threads, which
 * may wait for the state lock).
 */
public final class NodeControl {
    private final OpsSupport ops;
    private final Qemu qemu;
    private final List<NodeListener> listeners = new CopyOnWriteArrayList<>();

    public NodeControl(OpsSupport ops, Qemu qemu) {
        this.ops = ops;
        this.qemu = qemu;
    }

    public void addListener(NodeListener listener) {
        listeners.add(listener);
    }

    public void powerOff(String node) {
        change(node, () -> cluster().powerOff(node, ops.clock().nowMillis()));
    }

    /** Starts booting a powered-off node; it comes online after the configured boot time. */
    public void powerOn(String node) {
        cluster()
                .write(
                        () -> {
                            if (cluster().requireNode(node).power() == NodeState.Power.OFF) {
                                cluster().powerOn(node, ops.clock().nowMillis());
                                ops.clock()
                                        .schedule(
                                                ops.durations().nodeBoot(), () -> finishBoot(node));
                            }
                        });
    }

    /** Brings a node back at once, without boot time (used when faults are reset). */
    public void restoreNow(String node) {
        networkOn(node);
        cluster()
                .write(
                        () -> {
                            if (cluster().requireNode(node).power() == NodeState.Power.OFF) {
                                cluster().powerOn(node, ops.clock().nowMillis());
                            }
                        });
        finishBoot(node);
    }

    public void networkOff(String node) {
        change(node, () -> cluster().networkOff(node, ops.clock().nowMillis()));
    }

    public void networkOn(String node) {
        change(node, () -> cluster().networkOn(node, ops.clock().nowMillis()));
    }

    private void finishBoot(String node) {
        boolean booted = change(node, () -> cluster().bootFinished(node, ops.clock().nowMillis()));
        if (booted) {
            cluster()
                    .write(
                            () -> {
                                if (cluster().requireNode(node).online()) {
                                    qemu.startOnBoot(node);
                                }
                            });
        }
    }

    /** Applies a change under the write lock; returns whether the node's online state changed. */
    private boolean change(String node, Runnable action) {
        boolean[] states =
                cluster()
                        .write(
                                () -> {
                                    boolean before = cluster().requireNode(node).online();
                                    action.run();
                                    return new boolean[] {
                                        before, cluster().requireNode(node).online()
                                    };
                                });
        if (states[0] == states[1]) {
            return false;
        }
        listeners.forEach(l -> l.onlineChanged(node, states[1]));
        return true;
    }

    private ClusterState cluster() {
        return ops.cluster();
    }
}
