package io.pveha.lb.observe;

/**
 * One server as haproxy's runtime API reports it.
 *
 * @param status haproxy's text: UP, DOWN, MAINT, "UP 1/2" (going down), "DOWN 1/2" (going up), no
 *     check...
 */
public record ServerState(String backend, String server, String address, String status) {
    /**
     * UP, DOWN, MAINT or UNKNOWN: what status and the BACKENDS column count. Transitional states
     * count as their current side.
     */
    public String summary() {
        if (status == null) {
            return "UNKNOWN";
        }
        if (status.startsWith("UP") || status.equals("no check")) {
            return "UP";
        }
        if (status.startsWith("DOWN") || status.startsWith("NOLB")) {
            return "DOWN";
        }
        if (status.contains("MAINT") || status.startsWith("DRAIN")) {
            return "MAINT";
        }
        return "UNKNOWN";
    }
}
