package io.pveha.pve.model;

import java.util.List;

/**
 * The part of {@code GET /cluster/ceph/status} the operator reports: overall status, check names,
 * and the OSD map's counts.
 *
 * @param osds OSDs in the map, up and in ({@code osdmap}); null when the answer had none
 */
public record CephHealth(
        String status, List<String> checks, List<String> messages, OsdCounts osds) {
    /** Ceph is not installed or not initialised on this cluster. */
    public static final CephHealth NONE = new CephHealth("None", List.of(), List.of(), null);

    public CephHealth(String status, List<String> checks, List<String> messages) {
        this(status, checks, messages, null);
    }

    public boolean installed() {
        return !"None".equals(status);
    }

    /** {@code osdmap}'s {@code num_osds}, {@code num_up_osds} and {@code num_in_osds}. */
    public record OsdCounts(int total, int up, int in) {
        public boolean allUpAndIn() {
            return up == total && in == total;
        }
    }
}
