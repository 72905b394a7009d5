package io.pveha.simulator.faults;

import io.pveha.simulator.model.BackupArchive;
import io.pveha.simulator.model.ClusterState;
import io.pveha.simulator.model.NodeState;
import io.pveha.simulator.model.StoragePool;
import io.pveha.simulator.model.Storages;
import io.pveha.simulator.ops.NodeControl;
import io.pveha.simulator.tasks.TaskEngine;
import java.time.Duration;

/**
 * Fault injection: nodes losing power or network, a misbehaving API, failing tasks, full or
 * unreachable storages, damaged backups. The same operations are offered over HTTP by the control
 * API ({@code /simulator/...}).
 */
public final class Faults {
    private final NodeControl nodes;
    private final ApiFaults api;
    private final TaskEngine tasks;
    private final ClusterState cluster;
    private final NodeLifecycle lifecycle;

    /** Every node was powered off for good ({@link #loseCluster()}). */
    private volatile boolean lost;

    public Faults(
            NodeControl nodes,
            ApiFaults api,
            TaskEngine tasks,
            ClusterState cluster,
            NodeLifecycle lifecycle) {
        this.nodes = nodes;
        this.api = api;
        this.tasks = tasks;
        this.cluster = cluster;
        this.lifecycle = lifecycle;
    }

    /**
     * Cuts the node's power: its guests die, its API port refuses connections, others answer 595
     * for it.
     */
    public void powerOff(String node) {
        requireNode(node);
        nodes.powerOff(node);
    }

    /**
     * Powers the node on; it is back online after the boot time ({@code TaskDurations.nodeBoot}).
     */
    public void powerOn(String node) {
        requireNode(node);
        requireNotLost();
        nodes.powerOn(node);
    }

    /**
     * The whole cluster is lost (fire, flood, a site destroyed): every node's power is cut at once
     * and for good. Its API ports refuse connections from then on; {@link #powerOn} and {@link
     * #reset} do not bring its nodes back. What its guests wrote to a shared NFS export stays
     * there.
     */
    public void loseCluster() {
        lost = true;
        for (String node :
                cluster.read(() -> cluster.nodes().stream().map(NodeState::name).toList())) {
            if (cluster.read(() -> cluster.requireNode(node).power() != NodeState.Power.OFF)) {
                nodes.powerOff(node);
            }
        }
    }

    /** True once {@link #loseCluster()} was called. */
    public boolean lost() {
        return lost;
    }

    /**
     * Cuts the node's network: guests keep running, but the node and its guests are unreachable.
     */
    public void networkOff(String node) {
        requireNode(node);
        nodes.networkOff(node);
    }

    public void networkOn(String node) {
        requireNode(node);
        nodes.networkOn(node);
    }

    /**
     * A clean shutdown ({@code shutdown -h now}): the node's HA LRM stops, freezes or migrates its
     * services by the datacenter's {@code shutdown_policy}, the HA daemons stop, then the node
     * powers off.
     */
    public void shutdown(String node) {
        requireNode(node);
        lifecycle.shutdown(node);
    }

    /**
     * A clean reboot: as {@link #shutdown}, then the node boots again ({@code
     * TaskDurations.nodeBoot}).
     */
    public void reboot(String node) {
        requireNode(node);
        lifecycle.reboot(node);
    }

    /**
     * {@code ha-manager crm-command node-maintenance enable}: HA moves the node's services away.
     */
    public void enableMaintenance(String node) {
        requireNode(node);
        lifecycle.enableMaintenance(node);
    }

    /** {@code ha-manager crm-command node-maintenance disable}: the services come back. */
    public void disableMaintenance(String node) {
        requireNode(node);
        lifecycle.disableMaintenance(node);
    }

    /** Adds {@code latency} to every request whose path matches {@code pathRegex}. */
    public ApiFaults.Rule latency(String pathRegex, Duration latency) {
        return api.latency(pathRegex, null, latency);
    }

    /**
     * Fails a share {@code rate} (0..1) of matching requests with {@code status} and {@code
     * reason}.
     */
    public ApiFaults.Rule failRate(String pathRegex, double rate, int status, String reason) {
        return api.failRate(pathRegex, null, rate, status, reason);
    }

    /** Matching requests never get an answer (until {@link #reset()}). */
    public ApiFaults.Rule hang(String pathRegex) {
        return api.hang(pathRegex, null);
    }

    public void removeRule(ApiFaults.Rule rule) {
        api.remove(rule.id());
    }

    /** The API fault rules, for the control API and for finer control (per HTTP method). */
    public ApiFaults api() {
        return api;
    }

    /**
     * The next task of {@code type} (e.g. {@code qmclone}) on any node ends with {@code TASK ERROR:
     * error}.
     */
    public void failNextTask(String type, String error) {
        failNextTask(type, null, error);
    }

    public void failNextTask(String type, String node, String error) {
        cluster.write(() -> tasks.failNext(type, node, error));
    }

    /** Makes a storage full on every node (shared storages: everywhere). */
    public void fillStorage(String storage) {
        fillStorage(storage, null);
    }

    /** Makes a storage full on one node ({@code null}: all nodes). */
    public void fillStorage(String storage, String node) {
        cluster.write(() -> cluster.storages().setFull(storage, node, true));
    }

    public void freeStorage(String storage) {
        freeStorage(storage, null);
    }

    /** Ends a full-storage fault on one node ({@code null}: all nodes). */
    public void freeStorage(String storage, String node) {
        cluster.write(() -> cluster.storages().setFull(storage, node, false));
    }

    /**
     * Makes a storage unreachable, as an NFS server that went away: {@code active: 0} in the
     * storage lists, status and content calls fail with {@code storage '<id>' is not online},
     * backups to it fail.
     */
    public void storageOffline(String storage) {
        cluster.write(() -> cluster.storages().setOnline(storage, false));
    }

    public void storageOnline(String storage) {
        cluster.write(() -> cluster.storages().setOnline(storage, true));
    }

    /**
     * Damages a backup archive ({@code nfs:backup/vzdump-qemu-...}): restoring it fails as a
     * truncated vma file does. {@code node} is needed for local storages only.
     */
    public void corruptBackup(String volid, String node) {
        cluster.write(
                () -> {
                    String storage = Storages.storageOf(volid);
                    String onNode = node != null ? node : cluster.nodes().iterator().next().name();
                    StoragePool pool =
                            cluster.storages()
                                    .definition(storage)
                                    .map(d -> cluster.storages().pool(storage, onNode))
                                    .orElseThrow(
                                            () ->
                                                    new IllegalArgumentException(
                                                            "no such storage: " + storage));
                    BackupArchive archive =
                            pool.archive(Storages.volnameOf(volid))
                                    .orElseThrow(
                                            () ->
                                                    new IllegalArgumentException(
                                                            "no such backup: " + volid));
                    cluster.storages().updateArchive(volid, onNode, archive.withCorrupted(true));
                });
    }

    /**
     * Removes every fault: API rules, pending task failures, full storages, pending clean
     * shutdowns; every node back online at once. Node maintenance is HA configuration, not a fault:
     * it stays.
     */
    public void reset() {
        api.clear();
        lifecycle.cancelShutdowns();
        cluster.write(
                () -> {
                    tasks.clearInjectedFailures();
                    cluster.storages()
                            .definitions()
                            .forEach(
                                    def -> {
                                        cluster.storages().setFull(def.id(), null, false);
                                        cluster.storages().setOnline(def.id(), true);
                                    });
                });
        if (lost) {
            return;
        }
        for (String node :
                cluster.read(() -> cluster.nodes().stream().map(NodeState::name).toList())) {
            nodes.restoreNow(node);
        }
    }

    private void requireNotLost() {
        if (lost) {
            throw new IllegalStateException("the cluster is lost: its nodes never come back");
        }
    }

    private void requireNode(String node) {
        if (cluster.read(() -> cluster.node(node)).isEmpty()) {
            throw new IllegalArgumentException("no such node: " + node);
        }
    }
}
