package io.pveha.simulator.ha;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * What the state file keeps of the HA stack: the config files, the manager and LRM status files,
 * queued CRM commands, cluster locks and the shutdown policy. The daemons' memory (workers, fence
 * timers) is not kept: a restarted simulator is a cluster whose daemons all restarted.
 */
public record HaSnapshot(
        List<SectionRecord> resources,
        List<SectionRecord> groups,
        List<SectionRecord> rules,
        JsonNode managerStatus,
        Map<String, JsonNode> lrmStatus,
        List<String> crmCommands,
        Map<String, LockRecord> locks,
        String shutdownPolicy) {

    /** A section of resources.cfg, groups.cfg or rules.cfg ({@code rules} null in older files). */
    public record SectionRecord(String type, String id, Map<String, String> options) {}

    /** A cluster lock: holder and last renewal (epoch millis). */
    public record LockRecord(String node, long renewedMillis) {}
}
