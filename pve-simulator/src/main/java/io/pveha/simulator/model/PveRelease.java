package io.pveha.simulator.model;

/**
 * The Proxmox VE release a node runs: the dialect its API speaks. PVE 8 (8.4, pve-ha-manager 4.0)
 * has HA groups; PVE 9 (9.1, pve-ha-manager 5.x) has HA rules, migrates groups to them, adds {@code
 * failback} to HA resources, {@code ha-managed} to VM creation and {@code memhost} and network
 * entries to {@code /cluster/resources}.
 */
public enum PveRelease {
    PVE8(8, "8.4.1", "8.4", "2a5fa54a8503f96d"),
    PVE9(9, "9.1.1", "9.1", "42f8b1ab0d7c6a53");

    private final int major;
    private final String version;
    private final String release;
    private final String repoid;

    PveRelease(int major, String version, String release, String repoid) {
        this.major = major;
        this.version = version;
        this.release = release;
        this.repoid = repoid;
    }

    /** 8 or 9. */
    public static PveRelease ofMajor(int major) {
        for (PveRelease r : values()) {
            if (r.major == major) {
                return r;
            }
        }
        throw new IllegalArgumentException("PVE " + major + " is not simulated (8 or 9)");
    }

    public int major() {
        return major;
    }

    /** {@code /version} {@code version}, e.g. {@code 9.1.1}. */
    public String version() {
        return version;
    }

    public String release() {
        return release;
    }

    public String repoid() {
        return repoid;
    }

    /** HA rules, resource {@code failback}, {@code ha-managed}: pve-ha-manager 5 and later. */
    public boolean hasHaRules() {
        return major >= 9;
    }

    /**
     * The error of a method this release does not have: {@code Method 'GET /cluster/ha/rules' not
     * implemented} (HTTP 501), as pveproxy answers an unknown path.
     */
    public static PveException notImplemented(String method, String path) {
        return new PveException(501, "Method '" + method + " " + path + "' not implemented", null);
    }

    /** The 400 of a parameter this release's schema does not define. */
    public static PveException unknownParameter(String name) {
        return PveException.param(
                name,
                "property is not defined in schema and the schema does not allow additional properties");
    }
}
