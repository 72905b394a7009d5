package io.pveha.simulator.ops;

import io.pveha.simulator.model.VmState;
import io.pveha.simulator.tasks.Task;
import java.util.Map;

/**
 * The QEMU guest operations of PVE's API ({@code /nodes/{node}/qemu/...}), independent of HTTP: the
 * API routes call them, and so do the simulator's seeding helpers. Every method must be called
 * while holding the cluster state write lock; it throws {@code PveException} for errors PVE reports
 * before forking a worker, and returns the started task otherwise.
 */
public final class Qemu {
    private final VmCreate create;
    private final VmConfigUpdate config;
    private final VmPower power;
    private final VmClone clone;
    private final VmTemplate template;
    private final VmMigrate migrate;
    private final VmDestroy destroy;
    private final VmRestore restore;

    public Qemu(OpsSupport ops) {
        Disks disks = new Disks(ops);
        this.power = new VmPower(ops);
        this.create = new VmCreate(ops, disks, power);
        this.config = new VmConfigUpdate(ops, disks);
        this.clone = new VmClone(ops);
        this.template = new VmTemplate(ops);
        this.migrate = new VmMigrate(ops);
        this.destroy = new VmDestroy(ops);
        this.restore = new VmRestore(ops, disks, power);
    }

    public Task create(
            Caller caller,
            int vmid,
            Map<String, String> settings,
            String storage,
            boolean start,
            String pool) {
        return create.create(caller, vmid, settings, storage, start, pool, false);
    }

    /** With PVE 9's {@code ha-managed}: the new VM becomes an HA resource before it starts. */
    public Task create(
            Caller caller,
            int vmid,
            Map<String, String> settings,
            String storage,
            boolean start,
            String pool,
            boolean haManaged) {
        return create.create(caller, vmid, settings, storage, start, pool, haManaged);
    }

    /**
     * Creates a VM immediately, without a task (seeding). {@code settings} use the API's formats
     * ({@code scsi0=local-lvm:8}); with {@code template=1} the disks become base volumes.
     */
    public VmState createNow(String node, int vmid, Map<String, String> settings, boolean running) {
        return create.createNow(node, vmid, settings, running);
    }

    /** Restores a vzdump archive as VM {@code vmid} ({@code qmrestore}); see {@link VmRestore}. */
    public Task restore(
            Caller caller,
            int vmid,
            String archive,
            String storage,
            boolean force,
            boolean unique,
            boolean start,
            Map<String, String> overrides) {
        return restore.restore(
                caller,
                vmid,
                new VmRestore.Options(
                        archive, storage, force, unique, start, Map.copyOf(overrides)));
    }

    /** Asynchronous config update ({@code POST}); returns the {@code qmconfig} task. */
    public Task updateConfig(Caller caller, int vmid, ConfigChange change) {
        return config.update(caller, vmid, change, false);
    }

    /** Synchronous config update ({@code PUT}). */
    public void updateConfigNow(Caller caller, int vmid, ConfigChange change) {
        config.update(caller, vmid, change, true);
    }

    public Task start(Caller caller, int vmid, boolean skiplock) {
        return power.start(caller, vmid, skiplock);
    }

    public Task stop(Caller caller, int vmid, boolean skiplock, boolean overruleShutdown) {
        return power.stop(caller, vmid, skiplock, overruleShutdown);
    }

    public Task shutdown(
            Caller caller, int vmid, boolean skiplock, Integer timeout, boolean forceStop) {
        return power.shutdown(caller, vmid, skiplock, timeout, forceStop);
    }

    public Task reboot(Caller caller, int vmid) {
        return power.reboot(caller, vmid);
    }

    public Task clone(Caller caller, int vmid, CloneRequest request) {
        return clone.clone(caller, vmid, request);
    }

    public Task template(Caller caller, int vmid, String disk) {
        return template.convert(caller, vmid, disk);
    }

    public Task migrate(
            Caller caller,
            int vmid,
            String target,
            boolean online,
            boolean withLocalDisks,
            String targetStorage,
            boolean force) {
        return migrate.migrate(
                caller,
                vmid,
                new VmMigrate.Request(target, online, withLocalDisks, targetStorage, force));
    }

    public Task destroy(
            Caller caller, int vmid, boolean purge, boolean skiplock, boolean destroyUnreferenced) {
        return destroy.destroy(caller, vmid, purge, skiplock, destroyUnreferenced);
    }

    /** Starts the {@code onboot} guests of a node that has just booted. */
    public void startOnBoot(String node) {
        power.startOnBoot(node);
    }

    /** A config change: new settings plus {@code delete}/{@code revert} lists and guards. */
    public record ConfigChange(
            Map<String, String> settings,
            String delete,
            String revert,
            boolean force,
            String digest,
            boolean skiplock) {
        public static ConfigChange set(Map<String, String> settings) {
            return new ConfigChange(settings, null, null, false, null, false);
        }
    }

    /** Clone parameters; null means "not given" (PVE's defaults apply). */
    public record CloneRequest(
            int newid,
            String name,
            String description,
            Boolean full,
            String storage,
            String format,
            String target,
            String snapname,
            String pool) {
        public static CloneRequest of(int newid, String name) {
            return new CloneRequest(newid, name, null, null, null, null, null, null, null);
        }
    }
}
