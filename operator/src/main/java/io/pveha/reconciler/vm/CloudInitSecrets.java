package io.pveha.reconciler.vm;

/**
 * Cloud-init values read from Secrets. {@code version} changes when either Secret changes, so a new
 * password is written once, not at every reconcile (PVE masks the password, it cannot be compared).
 */
public record CloudInitSecrets(String sshKeys, String password, String version) {
    public static final CloudInitSecrets NONE = new CloudInitSecrets(null, null, "");

    @Override
    public String toString() {
        return "CloudInitSecrets[version=" + version + "]";
    }

    /**
     * The Secrets as read, or why they could not be (a Secret or key missing: named, never a
     * value).
     */
    record Read(CloudInitSecrets secrets, String missing) {
        static final Read NONE = new Read(CloudInitSecrets.NONE, null);

        boolean ok() {
            return missing == null;
        }
    }
}
