package io.pveha.simulator.ops;

import io.pveha.simulator.model.Drive;
import io.pveha.simulator.model.NodeState;
import io.pveha.simulator.model.PveException;
import io.pveha.simulator.model.VmState;
import io.pveha.simulator.tasks.Task;
import io.pveha.simulator.tasks.TaskEngine;
import io.pveha.simulator.tasks.TaskError;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Power actions on a guest: {@code status/start|stop|shutdown|reboot} and starting guests at node
 * boot.
 */
final class VmPower {
    private final OpsSupport ops;

    VmPower(OpsSupport ops) {
        this.ops = ops;
    }

    Task start(Caller caller, int vmid, boolean skiplock) {
        requireRootFor("skiplock", skiplock, caller);
        ops.checkQuorum();
        Optional<Task> intercepted = intercept(GuestHooks.Action.START, vmid, Map.of(), caller);
        if (intercepted.isPresent()) {
            return intercepted.get();
        }
        return ops.tasks()
                .spawn(caller.node(), "qmstart", Integer.toString(vmid), caller.user())
                .lockVm(vmid)
                .step(
                        Duration.ZERO,
                        ctx -> {
                            VmState vm = ops.loadConfig(vmid, caller.node());
                            checkStartable(vm, skiplock);
                            if (vm.drives().stream().anyMatch(Drive::isCloudInit)) {
                                ctx.log("generating cloud-init ISO");
                            }
                        })
                .step(
                        ops.durations().start(),
                        ctx -> launch(ops.loadConfig(vmid, caller.node()), ctx))
                .start();
    }

    /**
     * Starts a VM inside another task (create with {@code start=1}); failures are only logged, as
     * PVE does.
     */
    void startNow(VmState vm, TaskEngine.Context ctx) {
        try {
            checkStartable(vm, false);
            launch(vm, ctx);
        } catch (TaskError | PveException e) {
            ctx.log(e.getMessage().strip());
        }
    }

    Task stop(Caller caller, int vmid, boolean skiplock, boolean overruleShutdown) {
        requireRootFor("skiplock", skiplock, caller);
        Map<String, String> params = overruleShutdown ? Map.of("overrule-shutdown", "1") : Map.of();
        Optional<Task> intercepted = intercept(GuestHooks.Action.STOP, vmid, params, caller);
        if (intercepted.isPresent()) {
            return intercepted.get();
        }
        // PVE aborts running shutdowns before it takes the config flock they hold.
        List<String> overruled = overruleShutdown ? abortShutdowns(vmid) : List.of();
        return ops.tasks()
                .spawn(caller.node(), "qmstop", Integer.toString(vmid), caller.user())
                .lockVm(vmid)
                .step(
                        Duration.ZERO,
                        ctx -> {
                            if (!overruled.isEmpty()) {
                                ctx.log(
                                        "overruled qmshutdown tasks: "
                                                + String.join(", ", overruled));
                            }
                            beginStop(vmid, caller.node(), skiplock, ctx);
                        })
                .step(
                        () -> ops.durations().stop(),
                        ctx -> halt(ops.loadConfig(vmid, caller.node())))
                .start();
    }

    /**
     * ACPI shutdown. A guest that needs longer than {@code timeout} to power off is killed with
     * {@code forceStop}, otherwise the task fails as PVE's does.
     */
    Task shutdown(Caller caller, int vmid, boolean skiplock, Integer timeout, boolean forceStop) {
        requireRootFor("skiplock", skiplock, caller);
        Optional<Task> intercepted =
                intercept(
                        GuestHooks.Action.SHUTDOWN,
                        vmid,
                        timeout == null ? Map.of() : Map.of("timeout", timeout.toString()),
                        caller);
        if (intercepted.isPresent()) {
            return intercepted.get();
        }
        Duration guestNeeds = ops.durations().shutdown();
        Duration limit = Duration.ofSeconds(timeout == null ? 60 : timeout);
        boolean timesOut = guestNeeds.compareTo(limit) > 0;
        return ops.tasks()
                .spawn(caller.node(), "qmshutdown", Integer.toString(vmid), caller.user())
                .lockVm(vmid)
                .step(Duration.ZERO, ctx -> beginStop(vmid, caller.node(), skiplock, ctx))
                .step(
                        timesOut ? limit : guestNeeds,
                        ctx -> {
                            if (timesOut && !forceStop) {
                                throw new TaskError("VM quit/powerdown failed - got timeout");
                            }
                            if (timesOut) {
                                ctx.log("VM still running - terminating now with SIGTERM");
                            }
                            halt(ops.loadConfig(vmid, caller.node()));
                        })
                .start();
    }

    Task reboot(Caller caller, int vmid) {
        VmState vm = ops.assertConfigOnNode(vmid, caller.node());
        if (!vm.running()) {
            throw PveException.internal("VM " + vmid + " not running");
        }
        return ops.tasks()
                .spawn(caller.node(), "qmreboot", Integer.toString(vmid), caller.user())
                .lockVm(vmid)
                .step(
                        ops.durations().reboot(),
                        ctx -> {
                            VmState current = ops.loadConfig(vmid, caller.node());
                            if (current.running()) {
                                // Reboot is a full QEMU restart, so pending changes take effect.
                                current.applyPending();
                                current.markRunning(ops.clock().nowMillis(), ops.newPid());
                            }
                        })
                .start();
    }

    /**
     * What the {@code pve-guests} service does when a node has booted: start every guest with
     * {@code onboot=1}, in VMID order, each in its own {@code qmstart} task.
     */
    void startOnBoot(String node) {
        // HA-managed guests are the HA stack's to start (get_start_stop_list skips them)
        List<VmState> guests =
                ops.cluster().vmsOn(node).stream()
                        .filter(
                                vm ->
                                        "1".equals(vm.config().get("onboot"))
                                                && !vm.isTemplate()
                                                && !haManaged(vm.vmid()))
                        .sorted(Comparator.comparingInt(VmState::vmid))
                        .toList();
        if (guests.isEmpty()) {
            return;
        }
        Caller system = Caller.system(node);
        ops.tasks()
                .spawn(node, "startall", "", system.user())
                .step(
                        Duration.ZERO,
                        ctx -> {
                            for (VmState vm : guests) {
                                ctx.log("Starting VM " + vm.vmid());
                                start(system, vm.vmid(), false);
                            }
                        })
                .start();
    }

    private void checkStartable(VmState vm, boolean skiplock) {
        if (vm.isTemplate()) {
            throw new TaskError("you can't start a vm if it's a template");
        }
        if (!skiplock) {
            OpsSupport.checkLock(vm);
        }
        if (vm.running()) {
            throw new TaskError("VM " + vm.vmid() + " already running");
        }
    }

    /** The QEMU process comes up, unless the node cannot give it its memory. */
    private void launch(VmState vm, TaskEngine.Context ctx) {
        if (vm.running()) {
            throw new TaskError("VM " + vm.vmid() + " already running");
        }
        NodeState node = ops.cluster().requireNode(vm.node());
        if (ops.freeMemory(node) < vm.memoryBytes()) {
            ctx.log(OpsSupport.kvmOutOfMemoryLine());
            throw new TaskError("start failed: QEMU exited with code 1");
        }
        vm.applyPending();
        vm.markRunning(ops.clock().nowMillis(), ops.newPid());
    }

    /** {@code _do_vm_stop}: nothing to do for a stopped guest; a locked one is refused. */
    private void beginStop(int vmid, String node, boolean skiplock, TaskEngine.Context ctx) {
        VmState vm = ops.assertConfigOnNode(vmid, node);
        if (!vm.running()) {
            ctx.finishEarly();
            return;
        }
        if (!skiplock) {
            OpsSupport.checkLock(vm);
        }
    }

    private void halt(VmState vm) {
        vm.markStopped();
        // vm_stop_cleanup applies pending changes once QEMU is gone.
        vm.applyPending();
    }

    /**
     * {@code overrule-shutdown}: aborts running {@code qmshutdown} tasks of the guest; returns
     * their UPIDs.
     */
    private List<String> abortShutdowns(int vmid) {
        List<Task> shutdowns = ops.tasks().running("qmshutdown", Integer.toString(vmid));
        shutdowns.forEach(ops.tasks()::stop);
        return shutdowns.stream().map(Task::upidText).toList();
    }

    /**
     * {@code vm_is_ha_managed}: an HA resource that is not {@code ignored} ({@code ha.managed} is
     * 1).
     */
    private boolean haManaged(int vmid) {
        return ops.hooks().stream()
                .map(h -> h.haStatus(vmid))
                .flatMap(Optional::stream)
                .anyMatch(status -> Integer.valueOf(1).equals(status.get("managed")));
    }

    private Optional<Task> intercept(
            GuestHooks.Action action, int vmid, Map<String, String> params, Caller caller) {
        return ops.cluster().vm(vmid).flatMap(vm -> ops.intercept(action, vm, params, caller));
    }

    static void requireRootFor(String param, boolean used, Caller caller) {
        if (used && !caller.isRootUser()) {
            throw PveException.param(param, "Only root may use this option.");
        }
    }
}
