package io.pveha.simulator.api.routes;

import io.pveha.simulator.api.Access;
import io.pveha.simulator.api.AuthInfo;
import io.pveha.simulator.model.Drive;
import io.pveha.simulator.model.PveException;
import io.pveha.simulator.model.VmConfigSchema;
import java.util.Collection;
import java.util.Map;
import java.util.Set;

/**
 * qemu-server's {@code check_vm_modify_config_perm} and drive permission checks: which privilege
 * each config key needs, and the keys only {@code root@pam} may set.
 */
final class ConfigPermissions {
    private static final Set<String> CPU =
            Set.of(
                    "cores",
                    "cpu",
                    "runningcpu",
                    "cpulimit",
                    "cpuunits",
                    "numa",
                    "smp",
                    "sockets",
                    "vcpus");
    private static final Set<String> MEMORY = Set.of("memory", "balloon", "shares");
    private static final Set<String> HW_TYPE =
            Set.of(
                    "acpi",
                    "hotplug",
                    "kvm",
                    "machine",
                    "runningmachine",
                    "scsihw",
                    "smbios1",
                    "tablet",
                    "vga",
                    "watchdog",
                    "audio0",
                    "rng0");
    private static final Set<String> GENERAL =
            Set.of(
                    "agent",
                    "autostart",
                    "bios",
                    "description",
                    "keyboard",
                    "localtime",
                    "migrate_downtime",
                    "migrate_speed",
                    "name",
                    "onboot",
                    "ostype",
                    "protection",
                    "reboot",
                    "startdate",
                    "startup",
                    "tdf",
                    "template",
                    "tags");
    private static final Set<String> DISK_OPTIONS = Set.of("boot", "bootdisk", "vmstatestorage");

    private ConfigPermissions() {}

    /** Checks the privileges for setting (values given) or deleting (value null) config keys. */
    static void check(
            AuthInfo auth, int vmid, Map<String, String> settings, Collection<String> deletes) {
        if (auth.authId().equals("root@pam")) {
            return;
        }
        String path = "/vms/" + vmid;
        settings.forEach((key, value) -> checkKey(auth, path, key, value));
        deletes.forEach(key -> checkKey(auth, path, key, null));
    }

    private static void checkKey(AuthInfo auth, String path, String key, String value) {
        if (VmConfigSchema.isDrive(key) || key.equals("cdrom")) {
            Drive drive = value == null ? null : Drive.parse(key, value);
            if (key.equals("cdrom") || drive != null && drive.isCdrom() && !drive.isCloudInit()) {
                Access.require(auth, path, "VM.Config.CDROM");
            } else if (drive != null
                    && (drive.isCloudInit() || drive.file().endsWith(":cloudinit"))) {
                Access.require(auth, path, "VM.Config.Cloudinit", "VM.Config.CDROM");
            } else {
                Access.require(auth, path, "VM.Config.Disk");
            }
        } else if (CPU.contains(key) || key.matches("numa\\d+")) {
            Access.require(auth, path, "VM.Config.CPU");
        } else if (MEMORY.contains(key)) {
            Access.require(auth, path, "VM.Config.Memory");
        } else if (HW_TYPE.contains(key)) {
            Access.require(auth, path, "VM.Config.HWType");
        } else if (GENERAL.contains(key)) {
            Access.require(auth, path, "VM.Config.Options");
        } else if (key.equals("freeze")) {
            Access.require(auth, path, "VM.PowerMgmt");
        } else if (DISK_OPTIONS.contains(key) || VmConfigSchema.isUnused(key)) {
            Access.require(auth, path, "VM.Config.Disk");
        } else if (VmConfigSchema.isNet(key)) {
            Access.require(auth, path, "VM.Config.Network");
        } else if (VmConfigSchema.isCloudInit(key)) {
            Access.requireAny(auth, path, "VM.Config.Cloudinit", "VM.Config.Network");
        } else if (key.equals("vmstate")) {
            Access.require(auth, path, "VM.Config.Disk", "VM.PowerMgmt");
        } else if (key.matches("serial\\d+") && "socket".equals(value)) {
            Access.require(auth, path, "VM.Config.HWType");
        } else if (key.matches("(serial|usb|hostpci)\\d+")) {
            throw PveException.internal("only root can set '" + key + "' config for real devices");
        } else {
            throw PveException.internal("only root can set '" + key + "' config");
        }
    }
}
