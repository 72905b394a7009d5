package io.pveha.api.vm;

/** What to do with configuration changes PVE can only apply when the VM restarts. */
public enum RestartPolicy {
    /**
     * Report them as pending (condition InSync=False, reason RestartPending); the user restarts.
     */
    Manual,
    /** Restart the VM (shutdown, then start) to apply them. */
    Automatic
}
