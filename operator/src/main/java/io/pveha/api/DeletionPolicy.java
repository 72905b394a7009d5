package io.pveha.api;

/** What happens to the external object when its resource is deleted. */
public enum DeletionPolicy {
    /**
     * Leave the VM, pool or job in place (default): nothing is deleted that the user did not ask to
     * delete.
     */
    Retain,
    /** Remove the external object, in order, guarded by the kind's own safety checks. */
    Delete
}
