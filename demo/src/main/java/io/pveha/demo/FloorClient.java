package io.pveha.demo;

import io.pveha.cluster.ConnectionSettings;
import io.pveha.cluster.TaskSlots;
import io.pveha.pve.PveApi;
import io.pveha.pve.PveClient;
import io.pveha.pve.PveVmApi;
import io.pveha.pve.Upid;
import io.pveha.pve.model.ClusterResource;
import io.pveha.pve.model.TaskEntry;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The floor the operator is measured against: the least a plain API client must do to get N
 * HA-managed clones of a template running, through the same PVE client, the same rate limit and the
 * same per-node task cap as the operator. VMIDs are numbered from 100 without asking PVE; clones
 * are sent as long as the node has task slots; one {@code /cluster/tasks} call per second tells
 * which clones finished, each then gets its HA resource (the HA manager starts it); one {@code
 * /cluster/resources} call per second tells when all run. No ownership tags, no status, no
 * Kubernetes: what is left when everything the operator adds is taken away.
 */
final class FloorClient {
    private static final Duration LOOK_EVERY = Duration.ofSeconds(1);

    private final PveVmApi vms;
    private final PveApi api;
    private final TaskSlots slots;

    FloorClient(PveClient client, ConnectionSettings settings) {
        this.vms = new PveVmApi(client);
        this.api = new PveApi(client);
        this.slots = new TaskSlots(settings.maxTasksPerNode());
    }

    /**
     * Makes {@code count} HA clones of {@code template} (on {@code node}); returns when all run
     * under HA.
     */
    void run(int template, String node, int count, boolean ha) throws InterruptedException {
        Deque<Integer> toClone = new ArrayDeque<>();
        for (int i = 0; i < count; i++) {
            toClone.add(100 + i);
        }
        Map<String, Integer> running = new LinkedHashMap<>();
        Set<Integer> vmids = Set.copyOf(toClone);
        long nextLook = 0;
        while (true) {
            while (!toClone.isEmpty() && slots.tryAcquire(node, Integer.toString(toClone.peek()))) {
                int vmid = toClone.poll();
                Upid upid =
                        vms.cloneVm(node, template, Map.of("newid", vmid, "name", "floor-" + vmid));
                running.put(upid.value(), vmid);
            }
            if (System.nanoTime() < nextLook) {
                Thread.sleep(10);
                continue;
            }
            nextLook = System.nanoTime() + LOOK_EVERY.toNanos();
            if (!running.isEmpty()) {
                Map<String, TaskEntry> listed =
                        api.clusterTasks().stream()
                                .filter(t -> t.upid() != null)
                                .collect(
                                        Collectors.toMap(
                                                TaskEntry::upid,
                                                t -> t,
                                                (a, b) -> a,
                                                HashMap::new));
                for (var it = running.entrySet().iterator(); it.hasNext(); ) {
                    var e = it.next();
                    TaskEntry t = listed.get(e.getKey());
                    // A task the list no longer shows (PVE keeps the last few finished per node) is
                    // asked for directly.
                    boolean done =
                            t != null
                                    ? t.status() != null
                                    : !api.taskStatus(Upid.parse(e.getKey())).running();
                    if (done) {
                        it.remove();
                        slots.release(Integer.toString(e.getValue()));
                        if (ha) {
                            vms.createHaResource(
                                    Map.of("sid", "vm:" + e.getValue(), "state", "started"));
                        } else {
                            vms.power(node, e.getValue(), "start", Map.of());
                        }
                    }
                }
            }
            if (toClone.isEmpty() && running.isEmpty()) {
                List<ClusterResource> resources = api.clusterResources();
                long up =
                        resources.stream()
                                .filter(
                                        r ->
                                                r.isQemu()
                                                        && vmids.contains(r.vmid())
                                                        && "running".equals(r.status()))
                                .count();
                if (up == count) {
                    return;
                }
            }
        }
    }
}
