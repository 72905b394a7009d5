package io.pveha.pve.model;

import java.util.List;

/**
 * The part of {@code GET /cluster/ceph/status} the operator reports: overall status and check
 * names.
 */
public record CephHealth(String status, List<String> checks, List<String> messages) {
    /** Ceph is not installed or not initialised on this cluster. */
    public static final CephHealth NONE = new CephHealth("None", List.of(), List.of());

    public boolean installed() {
        return !"None".equals(status);
    }
}
