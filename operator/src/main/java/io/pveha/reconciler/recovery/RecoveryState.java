package io.pveha.reconciler.recovery;

import io.pveha.api.vm.HaVm;
import io.pveha.api.vm.HaVmStatus;

/**
 * Where a HaVm stands in the rebuild of its platform on another PVE cluster, from its status alone
 * (the HaVm controller writes it; the ProxmoxCluster sums it up, later restore stages wait on it).
 */
public final class RecoveryState {
    public static final String WAITING = "Waiting";
    public static final String RESTORING = "Restoring";
    public static final String STARTING = "Starting";
    public static final String DONE = "Done";
    public static final String FAILED = "Failed";

    private RecoveryState() {}

    /** A HaVm's part in the recovery onto {@code target} (a PVE cluster's name). */
    public enum Part {
        /** Not part of it: its VM was made on the target, or it has none. */
        NONE,
        /** Its VM lives on another cluster and its recovery has not begun. */
        PENDING,
        WAITING,
        RESTORING,
        STARTING,
        DONE,
        FAILED;

        /** Nothing more will happen for it in this recovery. */
        public boolean settled() {
            return this == NONE || this == DONE || this == FAILED;
        }

        /** Counted in the recovery's total. */
        public boolean counted() {
            return this != NONE;
        }
    }

    public static Part of(HaVm vm, String target) {
        HaVmStatus status = vm.getStatus();
        if (status == null || target == null) {
            return Part.NONE;
        }
        HaVmStatus.Recovery recovery = status.getRecovery();
        if (recovery != null && target.equals(recovery.getTargetCluster())) {
            String step = recovery.getStep();
            if (step == null) {
                return Part.WAITING;
            }
            return switch (step) {
                case RESTORING -> Part.RESTORING;
                case STARTING -> Part.STARTING;
                case DONE -> Part.DONE;
                case FAILED -> Part.FAILED;
                default -> Part.WAITING;
            };
        }
        if (status.getPveCluster() != null && !target.equals(status.getPveCluster())) {
            return Part.PENDING;
        }
        return Part.NONE;
    }
}
