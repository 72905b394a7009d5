package io.pveha.api;

/** API group, version and the annotations users put on pveha.io resources. */
public final class Pveha {
    public static final String GROUP = "pveha.io";
    public static final String VERSION = "v1alpha1";

    /** Every kind is in this category, so {@code kubectl get pveha} lists them all. */
    public static final String CATEGORY = "pveha";

    /** {@code "true"} stops reconciliation of the resource (status shows ReconciliationPaused). */
    public static final String ANNOTATION_PAUSED = GROUP + "/paused";

    /** On a HaVm: adopt the existing, unowned VM with spec.vmid instead of refusing to touch it. */
    public static final String ANNOTATION_ADOPT = GROUP + "/adopt";

    /** On a BackupPolicy: any new value starts a backup run now. */
    public static final String ANNOTATION_BACKUP_NOW = GROUP + "/backup-now";

    /**
     * On a BackupPolicy: any new value starts a restore drill now (whether or not
     * spec.drill.enabled).
     */
    public static final String ANNOTATION_DRILL_NOW = GROUP + "/drill-now";

    /**
     * On a CephPool with deletionPolicy Delete: must equal the pool name before the pool is
     * destroyed.
     */
    public static final String ANNOTATION_CONFIRM_DELETE = GROUP + "/confirm-delete";

    /**
     * On a HaVm restored from a backup: allow the restore to overwrite an existing VM with that
     * VMID.
     */
    public static final String ANNOTATION_RESTORE_OVER_EXISTING = GROUP + "/restore-over-existing";

    private Pveha() {}
}
