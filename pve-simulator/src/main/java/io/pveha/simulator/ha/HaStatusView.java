package io.pveha.simulator.ha;

import java.util.Map;
import java.util.Optional;

/**
 * A snapshot of the HA manager status ({@code /etc/pve/ha/manager_status}) plus each node's LRM
 * state.
 *
 * @param masterNode the node of the last active master, if a master ever ran
 * @param nodeStates node → {@code online}, {@code maintenance}, {@code unknown}, {@code fence},
 *     {@code gone}
 * @param services sid → service status
 * @param lrmStates node → last written LRM state ({@code active}, {@code wait_for_agent_lock}, ...)
 * @param timestamp epoch seconds of the master's last write, 0 if none
 */
public record HaStatusView(
        Optional<String> masterNode,
        Map<String, String> nodeStates,
        Map<String, HaServiceView> services,
        Map<String, String> lrmStates,
        long timestamp) {}
