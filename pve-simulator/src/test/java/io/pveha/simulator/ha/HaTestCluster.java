package io.pveha.simulator.ha;

import io.pveha.simulator.PveSimulator;
import io.pveha.simulator.TaskView;
import io.pveha.simulator.VmView;
import io.pveha.simulator.tasks.TaskDurations;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A simulated cluster for HA tests, without HTTP ports: manual clock from {@link #T0}, nodes that
 * boot in one second (pve-ha-manager's simulator powers nodes on instantly), times in seconds since
 * {@link #T0}.
 */
final class HaTestCluster implements AutoCloseable {
    static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

    final PveSimulator sim;

    HaTestCluster(String... nodes) {
        this(PveSimulator.builder().pveVersion(8).nodeNames(nodes));
    }

    HaTestCluster(PveSimulator.Builder builder) {
        sim =
                builder.manualClock()
                        .startTime(T0)
                        .taskDurations(TaskDurations.defaults().withNodeBoot(Duration.ofSeconds(1)))
                        .build();
    }

    /** Runs the cluster until {@code seconds} after {@link #T0}. */
    HaTestCluster at(long seconds) {
        long now = sim.clock().nowMillis() - T0.toEpochMilli();
        sim.clock().advance(Duration.ofMillis(Math.max(0, seconds * 1000 - now)));
        return this;
    }

    long now() {
        return (sim.clock().nowMillis() - T0.toEpochMilli()) / 1000;
    }

    VmView vm(int vmid) {
        return sim.cluster().vm(vmid).orElseThrow();
    }

    String state(String sid) {
        return sim.ha().serviceState(sid).orElse(null);
    }

    /** HA log messages, in order. */
    List<String> messages() {
        return sim.ha().log().stream().map(HaLogEntry::message).toList();
    }

    /**
     * {@code service 'vm:100': state changed from 'a' to 'b'} lines of one service, as {@code a ->
     * b}.
     */
    List<String> transitions(String sid) {
        String prefix = "service '" + sid + "': state changed from '";
        return sim.ha().log().stream()
                .map(HaLogEntry::message)
                .filter(m -> m.startsWith(prefix))
                .map(
                        m ->
                                m.substring(prefix.length())
                                        .replaceFirst("' to '", " -> ")
                                        .replaceFirst("'.*$", ""))
                .toList();
    }

    /** Task types run for a guest, oldest first. */
    List<String> taskTypes(int vmid) {
        return sim.cluster().tasks().stream()
                .filter(t -> t.id().equals(Integer.toString(vmid)))
                .map(TaskView::type)
                .toList();
    }

    void addVm(String node, int vmid, String sidState, Map<String, String> options) {
        sim.cluster().createVm(node, vmid, Map.of("name", "vm" + vmid, "memory", "1024"));
        Map<String, String> resource = new java.util.LinkedHashMap<>(options);
        resource.put("state", sidState);
        sim.ha().addResource("vm:" + vmid, resource);
    }

    @Override
    public void close() {
        sim.close();
    }
}
