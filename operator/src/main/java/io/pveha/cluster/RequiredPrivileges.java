package io.pveha.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The privileges the operator's work needs, and a check of what a token has (from {@code GET
 * /access/permissions}). Missing ones are named as "Privilege on /path".
 */
public final class RequiredPrivileges {
    /** privilege → the path it is needed on, with what needs it (documentation for users). */
    public record Requirement(String privilege, String path, String neededFor) {
        @Override
        public String toString() {
            return privilege + " on " + path;
        }
    }

    public static final List<Requirement> ALL =
            List.of(
                    new Requirement("Sys.Audit", "/", "cluster, node, HA and Ceph status"),
                    new Requirement("Sys.Modify", "/", "Ceph pools and backup jobs"),
                    new Requirement("Sys.Console", "/", "HA resources and groups"),
                    new Requirement("VM.Audit", "/vms", "reading VM configuration and status"),
                    new Requirement(
                            "VM.Allocate", "/vms", "creating, restoring and destroying VMs"),
                    new Requirement("VM.Clone", "/vms", "cloning templates"),
                    new Requirement("VM.Config.Disk", "/vms", "disks"),
                    new Requirement("VM.Config.CPU", "/vms", "CPU settings"),
                    new Requirement("VM.Config.Memory", "/vms", "memory"),
                    new Requirement("VM.Config.Network", "/vms", "NICs"),
                    new Requirement(
                            "VM.Config.Options",
                            "/vms",
                            "name, tags, description, onboot, protection"),
                    new Requirement("VM.Config.Cloudinit", "/vms", "cloud-init"),
                    new Requirement("VM.Config.CDROM", "/vms", "install media"),
                    new Requirement(
                            "VM.Config.HWType", "/vms", "hardware type and template conversion"),
                    new Requirement("VM.PowerMgmt", "/vms", "start, stop, shutdown"),
                    new Requirement("VM.Migrate", "/vms", "migration"),
                    new Requirement("VM.Backup", "/vms", "backups and restores"),
                    new Requirement(
                            "Datastore.Audit", "/storage", "storage status and backup listings"),
                    new Requirement(
                            "Datastore.AllocateSpace", "/storage", "VM disks and backup archives"),
                    new Requirement(
                            "Datastore.Allocate",
                            "/storage",
                            "creating storages and deleting backups"));

    private RequiredPrivileges() {}

    /**
     * Requirements not met by the granted privileges (path → privileges, inherited down the tree).
     */
    public static List<Requirement> missing(Map<String, Set<String>> granted) {
        List<Requirement> missing = new ArrayList<>();
        for (Requirement r : ALL) {
            if (!granted(granted, r.privilege(), r.path())) {
                missing.add(r);
            }
        }
        return missing;
    }

    static boolean granted(Map<String, Set<String>> granted, String privilege, String path) {
        return granted.entrySet().stream()
                .anyMatch(e -> covers(e.getKey(), path) && e.getValue().contains(privilege));
    }

    private static boolean covers(String aclPath, String path) {
        return aclPath.equals("/")
                || aclPath.equals(path)
                || path.startsWith(aclPath.endsWith("/") ? aclPath : aclPath + "/");
    }
}
