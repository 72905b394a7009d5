package io.pveha.simulator.ha;

/**
 * A configured HA resource as the CRM reads it ({@code read_and_check_resources_config}): defaults
 * filled in ({@code state started}, {@code max_restart 1}, {@code max_relocate 1}, {@code enabled}
 * read as {@code started}, PVE 9's {@code failback 1}) and the node where the guest's config lives
 * (null if the guest does not exist).
 */
record ServiceConfig(
        String sid,
        String type,
        int vmid,
        String state,
        String group,
        int maxRestart,
        int maxRelocate,
        String comment,
        String node,
        boolean failback) {

    /** What the CRM assumes for a service without configuration (it is being deleted). */
    static ServiceConfig removed(String sid) {
        return new ServiceConfig(sid, "vm", 0, "disabled", null, 1, 1, null, null, true);
    }

    ServiceConfig withNode(String newNode) {
        return new ServiceConfig(
                sid, type, vmid, state, group, maxRestart, maxRelocate, comment, newNode, failback);
    }

    /** {@code failback} as the CRM reads it (PVE 9; for PVE 8 from the group's nofailback). */
    ServiceConfig withFailback(boolean value) {
        return new ServiceConfig(
                sid, type, vmid, state, group, maxRestart, maxRelocate, comment, node, value);
    }
}
