package io.pveha.simulator.ops;

import io.pveha.simulator.model.Drive;
import io.pveha.simulator.model.PropertyString;
import io.pveha.simulator.model.PveException;
import io.pveha.simulator.model.VmConfigSchema;
import io.pveha.simulator.model.VmState;
import io.pveha.simulator.tasks.Task;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/** {@code POST /nodes/{node}/qemu}: create a VM, as qemu-server's {@code create_vm} does. */
final class VmCreate {
    private static final Pattern SSH_KEY =
            Pattern.compile(
                    "^(?:ssh-(?:rsa|dss|ed25519)|ecdsa-sha2-nistp(?:256|384|521)|sk-(?:ssh-ed25519|ecdsa-sha2-nistp256)@openssh\\.com)"
                            + " [A-Za-z0-9+/]+={0,3}(?: .*)?$");

    private final OpsSupport ops;
    private final Disks disks;
    private final VmPower power;

    VmCreate(OpsSupport ops, Disks disks, VmPower power) {
        this.ops = ops;
        this.disks = disks;
        this.power = power;
    }

    /**
     * Checks what PVE checks before forking, registers the VM with {@code lock: create} and starts
     * the {@code qmcreate} task.
     *
     * @param params config settings (validated, booleans as 0/1)
     * @param storage default storage for disks given as a bare size
     * @param pool resource pool to add the VM to
     */
    Task create(
            Caller caller,
            int vmid,
            Map<String, String> params,
            String storage,
            boolean start,
            String pool,
            boolean haManaged) {
        ops.checkQuorum();
        if (pool != null) {
            throw PveException.permission("pool '" + pool + "' does not exist");
        }
        Map<String, String> settings = checkedSettings(vmid, params, storage);

        VmState vm = new VmState(vmid, caller.node());
        vm.set("lock", "create");
        ops.cluster().addVm(vm);

        boolean template = "1".equals(settings.get("template"));
        return ops.tasks()
                .spawn(caller.node(), "qmcreate", Integer.toString(vmid), caller.user())
                .lockVm(vmid)
                .step(
                        ops.durations().create(),
                        ctx -> {
                            build(vm, settings, storage, template, ctx::log);
                            if (haManaged) {
                                ctx.log("Add as HA resource");
                                boolean added = false;
                                for (GuestHooks hook : ops.hooks()) {
                                    added |= hook.addHaResource(vm, start, caller);
                                }
                                if (added && start) {
                                    // started by the HA manager, as vm_start of an HA resource
                                    return;
                                }
                            }
                            if (start) {
                                ctx.log("Execute autostart");
                                power.startNow(vm, ctx);
                            }
                        })
                .onFailure(error -> ops.cluster().removeVm(vmid))
                .start();
    }

    /**
     * Creates a VM at once, without a task: for seeding the cluster. The same checks and defaults
     * apply; a template gets base volumes, a running VM is running right away (without a check of
     * the node's free memory, so large clusters can be seeded on small hosts).
     */
    VmState createNow(String node, int vmid, Map<String, String> params, boolean running) {
        Map<String, String> settings = checkedSettings(vmid, params, null);
        boolean template = "1".equals(settings.get("template"));
        if (running && template) {
            throw PveException.internal("you can't start a vm if it's a template");
        }
        VmState vm = new VmState(vmid, node);
        build(
                vm,
                settings,
                null,
                template,
                line -> {
                    // Seeding has no task log.
                });
        ops.cluster().addVm(vm);
        if (running) {
            vm.markRunning(ops.clock().nowMillis(), ops.newPid());
        }
        return vm;
    }

    /**
     * What {@code create_vm} checks before forking: SSH keys, storages of new disks, a free VMID;
     * NICs get their MACs. Returns the settings as they will be written.
     */
    private Map<String, String> checkedSettings(
            int vmid, Map<String, String> params, String storage) {
        Map<String, String> settings = new TreeMap<>(params);
        validateSshKeys(settings.get("sshkeys"));
        resolveCdromAlias(settings);
        disks.checkStorageAccess(Disks.driveSettings(settings), storage);
        addMissingMacs(settings);
        ops.cluster()
                .vm(vmid)
                .ifPresent(
                        existing -> {
                            throw PveException.internal(
                                    "unable to create VM "
                                            + vmid
                                            + " - VM "
                                            + vmid
                                            + " already exists on node '"
                                            + existing.node()
                                            + "'");
                        });
        return settings;
    }

    /** The work of the {@code qmcreate} worker: allocate the disks, write the config. */
    private void build(
            VmState vm,
            Map<String, String> settings,
            String storage,
            boolean template,
            Consumer<String> log) {
        Disks.Created created;
        try {
            created =
                    disks.create(
                            vm.vmid(),
                            vm.node(),
                            Disks.driveSettings(settings),
                            storage,
                            template,
                            log);
        } catch (PveException e) {
            throw PveException.internal(
                    "unable to create VM " + vm.vmid() + " - " + e.getMessage());
        }
        vm.config().clear();
        settings.forEach(
                (key, value) -> {
                    if (!VmConfigSchema.isDrive(key)) {
                        vm.set(key, value);
                    }
                });
        created.settings().forEach(vm::set);
        addGeneratedDefaults(vm);
    }

    /**
     * What PVE adds to every new VM: creation metadata, a boot order, SMBIOS UUID and VM generation
     * id.
     */
    void addGeneratedDefaults(VmState vm) {
        vm.set("meta", "creation-qemu=" + OpsSupport.QEMU_VERSION + ",ctime=" + ops.nowEpoch());
        if (vm.get("boot").isEmpty()) {
            vm.set("boot", defaultBootOrder(vm.config()));
        }
        if (vm.get("smbios1").isEmpty()) {
            vm.set("smbios1", "uuid=" + OpsSupport.newUuid());
        }
        if (vm.get("vmgenid").isEmpty() || vm.get("vmgenid").get().equals("1")) {
            vm.set("vmgenid", OpsSupport.newUuid());
        }
    }

    /** {@code get_default_bootdevices}: first hard disk, first CD-ROM, first NIC. */
    static String defaultBootOrder(Map<String, String> config) {
        List<String> devices = new ArrayList<>();
        firstDrive(config, false).ifPresent(devices::add);
        firstDrive(config, true).ifPresent(devices::add);
        for (int i = 0; i < 32; i++) {
            if (config.containsKey("net" + i)) {
                devices.add("net" + i);
                break;
            }
        }
        return devices.isEmpty() ? "" : "order=" + String.join(";", devices);
    }

    private static Optional<String> firstDrive(Map<String, String> config, boolean cdrom) {
        for (String bus : List.of("ide", "scsi", "virtio", "sata")) {
            for (int i = 0; i < VmConfigSchema.DISK_BUSES.get(bus); i++) {
                String key = bus + i;
                String value = config.get(key);
                if (value != null && Drive.parse(key, value).isCdrom() == cdrom) {
                    return Optional.of(key);
                }
            }
        }
        return Optional.empty();
    }

    /** {@code cdrom=<iso>} is an alias of {@code ide2=<iso>,media=cdrom}. */
    static void resolveCdromAlias(Map<String, String> settings) {
        String cdrom = settings.remove("cdrom");
        if (cdrom != null) {
            settings.put("ide2", cdrom + ",media=cdrom");
        }
    }

    /** {@code add_random_macs}: every NIC without a MAC gets one from Proxmox's OUI. */
    static void addMissingMacs(Map<String, String> settings) {
        for (Map.Entry<String, String> e : settings.entrySet()) {
            if (VmConfigSchema.isNet(e.getKey())) {
                e.setValue(printNet(e.getValue(), null));
            }
        }
    }

    /** Re-prints a NIC setting, keeping its MAC, or using {@code newMac} / a random one. */
    static String printNet(String value, String newMac) {
        Map<String, String> net = new LinkedHashMap<>(PropertyString.parse(value, "model"));
        if (newMac != null) {
            net.put("macaddr", newMac);
        } else {
            net.putIfAbsent("macaddr", OpsSupport.newMac());
        }
        net.putIfAbsent("model", "virtio");
        return PropertyString.print(net, "model");
    }

    /** {@code PVE::Tools::validate_ssh_public_keys} on the URL-decoded value. */
    static void validateSshKeys(String encoded) {
        if (encoded == null) {
            return;
        }
        String keys;
        try {
            keys = URLDecoder.decode(encoded.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw PveException.internal("SSH public key validation error");
        }
        for (String line : keys.split("\n")) {
            if (!line.isBlank() && !SSH_KEY.matcher(line.strip()).matches()) {
                throw PveException.internal("SSH public key validation error");
            }
        }
    }
}
