package io.pveha.simulator.ha;

import io.pveha.simulator.model.PveException;
import io.pveha.simulator.model.VmState;
import io.pveha.simulator.ops.Caller;
import io.pveha.simulator.tasks.Task;
import io.pveha.simulator.tasks.TaskError;
import java.util.function.Supplier;

/**
 * The resource agent for {@code vm:} services ({@code PVE::HA::Resources::PVEVM} run by {@code
 * LRM::exec_resource_agent}): starts, shuts down and migrates the guest through the simulator's
 * guest operations, as {@code root@pam}, so the real {@code qmstart}/{@code qmshutdown}/{@code
 * qmigrate} tasks appear in the node's task list. The guest operations see {@link
 * HaCluster#agentActing} and do the work instead of handing it back to HA (PVE's {@code rpcenv type
 * 'ha'}).
 */
final class VmAgent {
    /** A running agent: its exit code once done, null while its tasks still run. */
    interface Run {
        Integer poll();
    }

    private final HaCluster ha;

    VmAgent(HaCluster ha) {
        this.ha = ha;
    }

    /**
     * {@code exec_resource_agent} for command {@code cmd} (a CRM service state) of service {@code
     * sid}.
     */
    Run exec(HaEnv env, String sid, ServiceConfig cd, String cmd, String target, Integer timeout) {
        String node = env.nodename();
        if (!sid.startsWith("vm:")) {
            env.log(
                    "err",
                    "service type '"
                            + sid.substring(0, Math.max(0, sid.indexOf(':')))
                            + "' not implemented");
            return done(ExitCode.EUNKNOWN_SERVICE_TYPE);
        }
        if (cd == null) {
            env.log("err", "missing resource configuration for '" + sid + "'");
            return done(ExitCode.EUNKNOWN_SERVICE);
        }
        if (cmd.equals("error")) {
            env.log(
                    "err",
                    "service "
                            + sid
                            + " is in an error state and needs manual intervention. Look up "
                            + "'ERROR RECOVERY' in the documentation.");
            return done(ExitCode.SUCCESS);
        }
        if (!node.equals(cd.node())) {
            env.log("err", "service '" + sid + "' not on this node");
            return done(ExitCode.EWRONG_NODE);
        }
        int vmid = cd.vmid();
        try {
            return switch (cmd) {
                case "started" -> start(env, sid, vmid);
                case "request_stop", "stopped" -> stop(env, sid, vmid, timeout);
                case "migrate", "relocate" -> move(env, sid, vmid, cmd.equals("migrate"), target);
                default -> {
                    env.log("err", "implement me (cmd '" + cmd + "')");
                    yield done(ExitCode.EUNKNOWN_COMMAND);
                }
            };
        } catch (PveException | TaskError e) {
            return died(env, e);
        }
    }

    private Run start(HaEnv env, String sid, int vmid) {
        if (running(vmid, env.nodename())) {
            return done(ExitCode.SUCCESS);
        }
        env.log("info", "starting service " + sid);
        Task task = act(() -> ha.qemu.start(Caller.system(env.nodename()), vmid, false));
        return after(
                task,
                () -> {
                    if (running(vmid, env.nodename())) {
                        env.log("info", "service status " + sid + " started");
                        return ExitCode.SUCCESS;
                    }
                    env.log("warning", "unable to start service " + sid);
                    return ExitCode.ERROR;
                });
    }

    private Run stop(HaEnv env, String sid, int vmid, Integer timeout) {
        if (!running(vmid, env.nodename())) {
            return done(ExitCode.SUCCESS);
        }
        env.log(
                "info",
                "stopping service " + sid + (timeout == null ? "" : " (timeout=" + timeout + ")"));
        Task task = shutdown(env.nodename(), vmid, timeout);
        return after(
                task,
                () -> {
                    if (!running(vmid, env.nodename())) {
                        env.log("info", "service status " + sid + " stopped");
                        return ExitCode.SUCCESS;
                    }
                    env.log("info", "unable to stop stop service " + sid + " (still running)");
                    return ExitCode.ERROR;
                });
    }

    /** Migrate (live) or relocate (shut down, move, let the CRM start it on the target). */
    private Run move(HaEnv env, String sid, int vmid, boolean online, String target) {
        String node = env.nodename();
        if (target == null) {
            env.log(
                    "err",
                    (online ? "migrate" : "relocate") + " '" + sid + "' failed - missing target");
            return done(ExitCode.DIED);
        }
        if (target.equals(node)) {
            return done(ExitCode.SUCCESS);
        }
        Supplier<Run> migrate =
                () -> {
                    env.log("info", "service " + sid + " - start migrate to node '" + target + "'");
                    Task task =
                            act(
                                    () ->
                                            ha.qemu.migrate(
                                                    Caller.system(node),
                                                    vmid,
                                                    target,
                                                    online,
                                                    true,
                                                    null,
                                                    true));
                    return after(
                            task,
                            () -> {
                                env.log(
                                        "info",
                                        "service "
                                                + sid
                                                + " - end migrate to node '"
                                                + target
                                                + "'");
                                boolean moved =
                                        ha.cluster
                                                .vm(vmid)
                                                .map(VmState::node)
                                                .filter(target::equals)
                                                .isPresent();
                                if (!moved) {
                                    env.log(
                                            "err",
                                            "service " + sid + " not moved (migration error)");
                                    return ExitCode.ERROR;
                                }
                                return ExitCode.SUCCESS;
                            });
                };
        if (online || !running(vmid, node)) {
            return migrate.get();
        }
        // relocate: PVEVM shuts a running guest down before the offline migration
        Task shutdown = shutdown(node, vmid, null);
        return new Run() {
            private Run next;

            @Override
            public Integer poll() {
                try {
                    if (next == null) {
                        if (shutdown.running()) {
                            return null;
                        }
                        next = migrate.get();
                    }
                    return next.poll();
                } catch (PveException | TaskError e) {
                    next = died(env, e);
                    return next.poll();
                }
            }
        };
    }

    /**
     * {@code PVEVM::shutdown}: ACPI shutdown with forced stop after the timeout (60 s), hard stop
     * for 0.
     */
    private Task shutdown(String node, int vmid, Integer timeout) {
        int seconds = timeout == null ? 60 : timeout;
        Caller root = Caller.system(node);
        if (seconds == 0) {
            return act(() -> ha.qemu.stop(root, vmid, false, false));
        }
        return act(() -> ha.qemu.shutdown(root, vmid, false, seconds, true));
    }

    /** {@code check_running}: a QEMU process of the guest on this node. */
    boolean running(int vmid, String node) {
        return ha.cluster
                .vm(vmid)
                .filter(vm -> vm.node().equals(node))
                .map(VmState::running)
                .orElse(false);
    }

    private Task act(Supplier<Task> operation) {
        ha.agentActing = true;
        try {
            return operation.get();
        } finally {
            ha.agentActing = false;
        }
    }

    private static Run after(Task task, Supplier<Integer> check) {
        return () -> task.running() ? null : check.get();
    }

    private static Run done(int code) {
        return () -> code;
    }

    /** A forked agent that died on an error exits with -1, which the LRM reads as 255. */
    private static Run died(HaEnv env, RuntimeException e) {
        env.log("err", e.getMessage());
        return done(ExitCode.DIED);
    }
}
