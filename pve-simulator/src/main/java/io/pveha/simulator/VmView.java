package io.pveha.simulator;

import java.util.Map;
import java.util.Optional;

/**
 * A snapshot of a guest for assertions.
 *
 * @param status {@code running} or {@code stopped} (the QEMU process, not what the API reports for
 *     an unreachable node)
 * @param config the active config, values as PVE writes them
 * @param pending pending changes (applied at the next start)
 */
public record VmView(
        int vmid,
        String node,
        String name,
        String status,
        boolean template,
        Optional<String> lock,
        Map<String, String> config,
        Map<String, String> pending) {

    public boolean running() {
        return status.equals("running");
    }
}
