package io.pveha.monitoring;

import java.util.List;
import java.util.Map;

/**
 * What each node carries and where things are now, from the poll and the other kinds' status: what
 * a node incident names and how its follow-ups are told.
 *
 * @param vms HaVms (and other HA VMs) by name
 * @param nodes node name → online
 * @param osds node name → its Ceph OSDs (when known)
 * @param backends node name → load-balancer backends running there ("store-lb/web→pos-api-2")
 */
public record Topology(
        Map<String, Vm> vms,
        Map<String, Boolean> nodes,
        Map<String, List<String>> osds,
        Map<String, List<String>> backends) {

    /** A VM as the last poll saw it. */
    public record Vm(String name, int vmid, String node, boolean running, String haState) {}

    public static Topology empty() {
        return new Topology(Map.of(), Map.of(), Map.of(), Map.of());
    }

    public List<Vm> vmsOn(String node) {
        return vms.values().stream()
                .filter(v -> node.equals(v.node()))
                .sorted(java.util.Comparator.comparing(Vm::name))
                .toList();
    }
}
