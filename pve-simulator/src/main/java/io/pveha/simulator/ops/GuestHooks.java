package io.pveha.simulator.ops;

import io.pveha.simulator.model.VmState;
import io.pveha.simulator.tasks.Task;
import java.util.Map;
import java.util.Optional;

/**
 * Extension point for layers that take over parts of a guest's life, the way PVE's HA manager does:
 * for an HA-managed VM, start/stop/shutdown/migrate only queue a request ({@code hastart}, {@code
 * hastop}, {@code hamigrate} tasks) and the HA stack does the real work later.
 *
 * <p>Every method has a neutral default; the simulator's core consults all registered hooks. What
 * {@link #haState} and {@link #haStatus} answer must change only under the state write lock:
 * read-only answers such as {@code /cluster/resources} are memoized on the lock's version.
 */
public interface GuestHooks {

    /** Power and placement actions the HA manager intercepts. */
    enum Action {
        START,
        STOP,
        SHUTDOWN,
        MIGRATE
    }

    /**
     * Called after PVE's synchronous checks and before the normal task is created; returning a task
     * replaces the normal handling. Runs under the state write lock.
     */
    default Optional<Task> intercept(
            Action action, VmState vm, Map<String, String> params, Caller caller) {
        return Optional.empty();
    }

    /**
     * PVE 9's {@code ha-managed}: the VM just created becomes an HA resource ({@code ha-manager add
     * vm:<vmid> --state started|stopped}); true when a hook did it (the HA manager then starts it).
     */
    default boolean addHaResource(VmState vm, boolean started, Caller caller) {
        return false;
    }

    /** Called before a VM is destroyed; may refuse with a {@code PveException}. */
    default void beforeDestroy(VmState vm, boolean purge) {}

    /** Called after a VM is gone. */
    default void destroyed(int vmid, boolean purge) {}

    /** The {@code hastate} reported in {@code /cluster/resources}, if the guest is HA-managed. */
    default Optional<String> haState(int vmid) {
        return Optional.empty();
    }

    /**
     * The {@code ha} object of {@code status/current}; {@code {"managed":0}} for unmanaged guests.
     */
    default Optional<Map<String, Object>> haStatus(int vmid) {
        return Optional.empty();
    }

    /**
     * The {@code hastate} of a node in {@code /cluster/resources} (PVE 8.3+): the HA manager's node
     * state.
     */
    default Optional<String> nodeHaState(String node) {
        return Optional.empty();
    }
}
