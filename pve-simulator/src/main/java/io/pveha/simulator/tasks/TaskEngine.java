package io.pveha.simulator.tasks;

import io.pveha.simulator.clock.SimClock;
import io.pveha.simulator.model.PveException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * Runs PVE tasks on the simulated clock. A task is a list of steps; each step waits its delay of
 * simulated time and then runs its action under the cluster's write lock. A step that throws {@link
 * TaskError} (or a {@link PveException}) ends the task with {@code TASK ERROR}; cleanup hooks undo
 * partial work as PVE's workers do.
 *
 * <p>Tasks that PVE runs under a per-VM config flock ({@code lock_config}) declare it with {@link
 * Builder#lockVm}; a second task on the same VM then waits for the first one, and gives up after
 * the flock timeout with PVE's {@code can't lock file ... - got timeout}.
 */
public final class TaskEngine {
    /** Finished tasks kept per node; older ones are forgotten like rotated task index files. */
    private static final int KEEP_PER_NODE = 5000;

    /** {@code lock_config}'s default flock timeout. */
    public static final Duration FLOCK_TIMEOUT = Duration.ofSeconds(10);

    private final SimClock clock;
    private final ReadWriteLock stateLock;
    private final ToLongFunction<String> nodeBootMillis;
    // All fields below are guarded by the state write lock.
    private final Map<String, Deque<Task>> tasksByNode = new LinkedHashMap<>();
    private final Map<String, Task> tasksByUpid = new HashMap<>();
    private final Map<String, Long> nextPid = new HashMap<>();
    private final Map<Integer, Flock> flocks = new HashMap<>();
    private final List<InjectedFailure> injectedFailures = new ArrayList<>();
    private final Map<Task, Execution> executions = new HashMap<>();

    public TaskEngine(
            SimClock clock, ReadWriteLock stateLock, ToLongFunction<String> nodeBootMillis) {
        this.clock = clock;
        this.stateLock = stateLock;
        this.nodeBootMillis = nodeBootMillis;
    }

    /** Describes a new task; call {@link Builder#start()} while holding the state write lock. */
    public Builder spawn(String node, String type, String id, String user) {
        return new Builder(node, type, id, user);
    }

    /**
     * Makes the next task of {@code type} (on {@code node}, or any node if null) fail with {@code
     * message}.
     */
    public void failNext(String type, String node, String message) {
        injectedFailures.add(new InjectedFailure(type, node, message));
    }

    public void clearInjectedFailures() {
        injectedFailures.clear();
    }

    public Optional<Task> find(String upid) {
        return Optional.ofNullable(tasksByUpid.get(upid));
    }

    /** Tasks of one node, newest first. */
    public List<Task> tasksOf(String node) {
        Deque<Task> tasks = tasksByNode.get(node);
        if (tasks == null) {
            return List.of();
        }
        List<Task> newestFirst = new ArrayList<>(tasks);
        Collections.reverse(newestFirst);
        return newestFirst;
    }

    /** Running tasks of {@code type} for object {@code id}. */
    public List<Task> running(String type, String id) {
        return executions.keySet().stream()
                .filter(t -> t.upid().type().equals(type) && t.upid().id().equals(id))
                .toList();
    }

    /** Every task of the cluster, oldest first. */
    public List<Task> allTasks() {
        List<Task> all = new ArrayList<>();
        tasksByNode.values().forEach(all::addAll);
        all.sort(
                Comparator.comparingLong((Task t) -> t.upid().starttime())
                        .thenComparing(Task::upidText));
        return all;
    }

    /** Adds finished tasks loaded from a state file. */
    public void restore(Collection<Task> tasks) {
        for (Task task : tasks) {
            register(task);
        }
    }

    /** Stops a running task as {@code DELETE /nodes/{node}/tasks/{upid}} does. */
    public void stop(Task task) {
        Execution execution = executions.get(task);
        if (execution != null) {
            execution.abort("received interrupt");
        }
    }

    private void register(Task task) {
        Deque<Task> tasks =
                tasksByNode.computeIfAbsent(task.upid().node(), n -> new ArrayDeque<>());
        tasks.addLast(task);
        tasksByUpid.put(task.upidText(), task);
        if (tasks.size() > KEEP_PER_NODE) {
            Iterator<Task> oldest = tasks.iterator();
            while (tasks.size() > KEEP_PER_NODE && oldest.hasNext()) {
                Task candidate = oldest.next();
                if (!candidate.running()) {
                    oldest.remove();
                    tasksByUpid.remove(candidate.upidText());
                }
            }
        }
    }

    private Upid newUpid(String node, String type, String id, String user) {
        long pid = nextPid.merge(node, 1L, Long::sum) + 100_000L;
        long nowMillis = clock.nowMillis();
        // pstart is the worker's start time in clock ticks (USER_HZ = 100) since the node booted.
        long pstart = Math.max(0, (nowMillis - nodeBootMillis.applyAsLong(node)) / 10) + 1_000;
        return new Upid(node, pid, pstart, Math.floorDiv(nowMillis, 1000L), type, id, user);
    }

    private Optional<String> takeInjectedFailure(String type, String node) {
        for (Iterator<InjectedFailure> it = injectedFailures.iterator(); it.hasNext(); ) {
            InjectedFailure failure = it.next();
            if (failure.type.equals(type) && (failure.node == null || failure.node.equals(node))) {
                it.remove();
                return Optional.of(failure.message);
            }
        }
        return Optional.empty();
    }

    private void runLocked(Runnable action) {
        Lock write = stateLock.writeLock();
        write.lock();
        try {
            action.run();
        } finally {
            write.unlock();
        }
    }

    /** What a task step does; may log through the context and throw {@link TaskError}. */
    @FunctionalInterface
    public interface Action {
        void run(Context context);
    }

    /** What a running step can do. */
    public interface Context {
        Task task();

        void log(String line);

        /** Logs a {@code WARN:} line; the task then ends with {@code WARNINGS: n}. */
        void warn(String line);

        /** Ends the task successfully after this step; the remaining steps do not run. */
        void finishEarly();
    }

    public final class Builder {
        private final String node;
        private final String type;
        private final String id;
        private final String user;
        private final List<FlockRequest> locks = new ArrayList<>();
        private final List<Step> steps = new ArrayList<>();
        private final List<Consumer<String>> failureHooks = new ArrayList<>();

        private Builder(String node, String type, String id, String user) {
            this.node = node;
            this.type = type;
            this.id = id;
            this.user = user;
        }

        /** Holds the VM's config flock from the first step to the end of the task. */
        public Builder lockVm(int vmid, boolean exclusive, Duration timeout) {
            locks.add(new FlockRequest(vmid, exclusive, timeout));
            return this;
        }

        public Builder lockVm(int vmid) {
            return lockVm(vmid, true, FLOCK_TIMEOUT);
        }

        public Builder step(Duration delay, Action action) {
            return step(() -> delay, action);
        }

        /** A step whose delay is computed when the previous step has finished. */
        public Builder step(Supplier<Duration> delay, Action action) {
            steps.add(new Step(delay, action));
            return this;
        }

        /** Runs (under the write lock) when the task fails, with the error text. */
        public Builder onFailure(Consumer<String> cleanup) {
            failureHooks.add(cleanup);
            return this;
        }

        /** Creates and starts the task; the caller must hold the state write lock. */
        public Task start() {
            if (steps.isEmpty()) {
                throw new IllegalStateException("a task needs at least one step");
            }
            Task task = new Task(newUpid(node, type, id, user));
            register(task);
            Execution execution =
                    new Execution(
                            task,
                            List.copyOf(locks),
                            List.copyOf(steps),
                            List.copyOf(failureHooks),
                            takeInjectedFailure(type, node).orElse(null));
            executions.put(task, execution);
            execution.acquireLocks(0);
            return task;
        }
    }

    private record Step(Supplier<Duration> delay, Action action) {}

    private record FlockRequest(int vmid, boolean exclusive, Duration timeout) {}

    private record InjectedFailure(String type, String node, String message) {}

    /** The running state of one task. */
    private final class Execution implements Context {
        private final Task task;
        private final List<FlockRequest> locks;
        private final List<Step> steps;
        private final List<Consumer<String>> failureHooks;
        private final String injectedError;
        private final List<FlockRequest> held = new ArrayList<>();
        private SimClock.Cancellable pending;
        private int warnings;
        private boolean finishEarly;

        Execution(
                Task task,
                List<FlockRequest> locks,
                List<Step> steps,
                List<Consumer<String>> failureHooks,
                String injectedError) {
            this.task = task;
            this.locks = locks;
            this.steps = steps;
            this.failureHooks = failureHooks;
            this.injectedError = injectedError;
        }

        @Override
        public Task task() {
            return task;
        }

        @Override
        public void log(String line) {
            task.appendLog(line);
        }

        @Override
        public void warn(String line) {
            warnings++;
            task.appendLog("WARN: " + line);
        }

        @Override
        public void finishEarly() {
            finishEarly = true;
        }

        void acquireLocks(int index) {
            if (index == locks.size()) {
                schedule(0);
                return;
            }
            FlockRequest request = locks.get(index);
            Flock flock = flocks.computeIfAbsent(request.vmid(), v -> new Flock());
            if (flock.tryAcquire(request.exclusive())) {
                held.add(request);
                acquireLocks(index + 1);
                return;
            }
            Waiter waiter = new Waiter(this, request, index);
            flock.waiters.addLast(waiter);
            pending =
                    clock.schedule(
                            request.timeout(),
                            () ->
                                    runLocked(
                                            () -> {
                                                if (flock.waiters.remove(waiter)) {
                                                    fail(
                                                            "can't lock file '/var/lock/qemu-server/lock-"
                                                                    + request.vmid()
                                                                    + ".conf' - got timeout");
                                                }
                                            }));
        }

        void lockGranted(Waiter waiter) {
            if (pending != null) {
                pending.cancel();
            }
            held.add(waiter.request);
            acquireLocks(waiter.index + 1);
        }

        private void schedule(int index) {
            Step step = steps.get(index);
            pending = clock.schedule(step.delay().get(), () -> runLocked(() -> runStep(index)));
        }

        private void runStep(int index) {
            if (!task.running()) {
                return;
            }
            boolean last = index == steps.size() - 1;
            try {
                if (last && injectedError != null) {
                    throw new TaskError(injectedError);
                }
                steps.get(index).action().run(this);
            } catch (TaskError e) {
                fail(e.getMessage());
                return;
            } catch (PveException e) {
                fail(e.getMessage());
                return;
            }
            if (finishEarly && !last && injectedError != null) {
                fail(injectedError);
            } else if (last || finishEarly) {
                finish(warnings == 0 ? "OK" : "WARNINGS: " + warnings);
            } else {
                schedule(index + 1);
            }
        }

        void abort(String message) {
            if (pending != null) {
                pending.cancel();
            }
            for (Flock flock : flocks.values()) {
                flock.waiters.removeIf(w -> w.execution == this);
            }
            fail(message);
        }

        private void fail(String message) {
            if (!task.running()) {
                return;
            }
            // PVE chomps the error and joins its lines with spaces for the last log line.
            String text = message.strip().replace('\n', ' ');
            for (Consumer<String> hook : failureHooks) {
                hook.accept(text);
            }
            end(text, "TASK ERROR: " + text);
        }

        private void finish(String status) {
            end(status, status.equals("OK") ? "TASK OK" : "TASK " + status);
        }

        private void end(String status, String lastLine) {
            task.finish(status, clock.nowEpochSeconds(), lastLine);
            executions.remove(task);
            for (FlockRequest request : held) {
                Flock flock = flocks.get(request.vmid());
                flock.release(request.exclusive());
                Waiter next;
                while ((next = flock.nextGrantable()) != null) {
                    next.execution.lockGranted(next);
                }
                if (flock.idle()) {
                    flocks.remove(request.vmid());
                }
            }
            held.clear();
        }
    }

    private record Waiter(Execution execution, FlockRequest request, int index) {}

    /** A shared/exclusive flock with FIFO waiters. */
    private static final class Flock {
        private boolean writer;
        private int readers;
        private final Deque<Waiter> waiters = new ArrayDeque<>();

        boolean tryAcquire(boolean exclusive) {
            if (!waiters.isEmpty()) {
                return false;
            }
            return grant(exclusive);
        }

        private boolean grant(boolean exclusive) {
            if (writer || (exclusive && readers > 0)) {
                return false;
            }
            if (exclusive) {
                writer = true;
            } else {
                readers++;
            }
            return true;
        }

        void release(boolean exclusive) {
            if (exclusive) {
                writer = false;
            } else {
                readers--;
            }
        }

        /** Removes and returns the first waiter that can now hold the lock, granting it. */
        Waiter nextGrantable() {
            Waiter head = waiters.peekFirst();
            if (head != null && grant(head.request().exclusive())) {
                waiters.pollFirst();
                return head;
            }
            return null;
        }

        boolean idle() {
            return !writer && readers == 0 && waiters.isEmpty();
        }
    }
}
