package io.pveha.simulator.clock;

import java.time.Duration;
import java.time.Instant;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one clock of a simulated cluster. Everything time-based (task durations, uptimes, UPID start
 * times, staleness of status data) reads {@link #now()} and schedules work with {@link #schedule}.
 *
 * <p>Simulated time runs {@link #scale()} simulated seconds per real second. A scale of 0 is the
 * manual mode: time stands still until a test calls {@link #advance(Duration)}, which runs every
 * event that falls due in order, on the caller's thread, so tests are deterministic. Events due
 * "now" (zero delay) run promptly in either mode on the clock's own thread.
 */
public final class SimClock implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SimClock.class);

    /** Longest real wait before the scheduler re-reads the clock (scale changes, advance calls). */
    private static final long MAX_IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();

    /** Serialises event execution so events run one at a time and in time order. */
    private final ReentrantLock eventLock = new ReentrantLock();

    private final PriorityQueue<Event> queue = new PriorityQueue<>();
    private final AtomicLong sequence = new AtomicLong();
    private final Thread scheduler;

    // Simulated time = simBaseMillis + (nanoTime - realBaseNanos) * scale; guarded by lock.
    private long simBaseMillis;
    private long realBaseNanos;
    private double scale;
    private volatile boolean closed;

    public SimClock(Instant start, double scale) {
        if (scale < 0) {
            throw new IllegalArgumentException("time scale must be >= 0: " + scale);
        }
        this.simBaseMillis = start.toEpochMilli();
        this.realBaseNanos = System.nanoTime();
        this.scale = scale;
        this.scheduler = new Thread(this::runScheduler, "pve-sim-clock");
        this.scheduler.setDaemon(true);
        this.scheduler.start();
    }

    /** Current simulated time. */
    public Instant now() {
        return Instant.ofEpochMilli(nowMillis());
    }

    public long nowMillis() {
        lock.lock();
        try {
            return currentMillisLocked();
        } finally {
            lock.unlock();
        }
    }

    public long nowEpochSeconds() {
        return Math.floorDiv(nowMillis(), 1000L);
    }

    /** Simulated seconds per real second; 0 means manual mode. */
    public double scale() {
        lock.lock();
        try {
            return scale;
        } finally {
            lock.unlock();
        }
    }

    public boolean isManual() {
        return scale() == 0.0;
    }

    /** Changes the speed of time from now on; 0 switches to manual mode. */
    public void setScale(double newScale) {
        if (newScale < 0 || Double.isNaN(newScale) || Double.isInfinite(newScale)) {
            throw new IllegalArgumentException(
                    "time scale must be a finite number >= 0: " + newScale);
        }
        lock.lock();
        try {
            rebaseLocked();
            scale = newScale;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Moves simulated time forward and runs, on the calling thread, every event that falls due, in
     * order. In manual mode each event observes {@link #now()} equal to its due time.
     */
    public void advance(Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("cannot go back in time: " + duration);
        }
        eventLock.lock();
        try {
            long target;
            lock.lock();
            try {
                rebaseLocked();
                target = simBaseMillis + duration.toMillis();
            } finally {
                lock.unlock();
            }
            while (true) {
                Event next = pollDue(target);
                if (next == null) {
                    break;
                }
                lock.lock();
                try {
                    // Never move time backwards: an event may be overdue in scaled mode.
                    if (next.dueMillis > currentMillisLocked()) {
                        moveToLocked(next.dueMillis);
                    }
                } finally {
                    lock.unlock();
                }
                runEvent(next);
            }
            lock.lock();
            try {
                if (target > currentMillisLocked()) {
                    moveToLocked(target);
                }
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        } finally {
            eventLock.unlock();
        }
    }

    /** Runs {@code action} once {@code delay} of simulated time has passed. */
    public Cancellable schedule(Duration delay, Runnable action) {
        long due = nowMillis() + Math.max(0, delay.toMillis());
        Event event = new Event(due, sequence.incrementAndGet(), action);
        lock.lock();
        try {
            queue.add(event);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        return event;
    }

    /** Number of events waiting; useful for tests that wait for quiescence. */
    public int pendingEvents() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        closed = true;
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        scheduler.interrupt();
        try {
            scheduler.join(TimeUnit.SECONDS.toMillis(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void runScheduler() {
        while (!closed) {
            try {
                Event due = awaitNextDue();
                if (due == null) {
                    continue;
                }
                eventLock.lock();
                try {
                    // advance() may have run or re-ordered events meanwhile: re-check under
                    // eventLock.
                    Event next = pollDue(nowMillis());
                    if (next != null) {
                        runEvent(next);
                    }
                } finally {
                    eventLock.unlock();
                }
            } catch (InterruptedException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    /**
     * Waits until the head of the queue is due; returns it without removing it, or null to
     * re-check.
     */
    private Event awaitNextDue() throws InterruptedException {
        lock.lock();
        try {
            Event head = queue.peek();
            long now = currentMillisLocked();
            if (head != null && head.dueMillis <= now) {
                return head;
            }
            long waitNanos = MAX_IDLE_NANOS;
            if (head != null && scale > 0) {
                double realMillis = (head.dueMillis - now) / scale;
                waitNanos = Math.min(waitNanos, Math.max(1, (long) (realMillis * 1_000_000)));
            }
            changed.awaitNanos(waitNanos);
            return null;
        } finally {
            lock.unlock();
        }
    }

    private Event pollDue(long limitMillis) {
        lock.lock();
        try {
            while (true) {
                Event head = queue.peek();
                if (head == null || head.dueMillis > limitMillis) {
                    return null;
                }
                queue.poll();
                if (!head.cancelled) {
                    return head;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private void runEvent(Event event) {
        try {
            event.action.run();
        } catch (RuntimeException e) {
            // One broken event must not stop time for the whole cluster.
            LOG.error("simulated clock event failed", e);
        }
    }

    private long currentMillisLocked() {
        if (scale == 0.0) {
            return simBaseMillis;
        }
        double elapsedMillis = (System.nanoTime() - realBaseNanos) / 1_000_000.0 * scale;
        return simBaseMillis + (long) elapsedMillis;
    }

    private void rebaseLocked() {
        simBaseMillis = currentMillisLocked();
        realBaseNanos = System.nanoTime();
    }

    private void moveToLocked(long millis) {
        simBaseMillis = millis;
        realBaseNanos = System.nanoTime();
    }

    /** Handle to a scheduled event. */
    public interface Cancellable {
        void cancel();
    }

    private final class Event implements Comparable<Event>, Cancellable {
        final long dueMillis;
        final long seq;
        final Runnable action;
        volatile boolean cancelled;

        Event(long dueMillis, long seq, Runnable action) {
            this.dueMillis = dueMillis;
            this.seq = seq;
            this.action = action;
        }

        @Override
        public void cancel() {
            cancelled = true;
            lock.lock();
            try {
                queue.remove(this);
            } finally {
                lock.unlock();
            }
        }

        @Override
        public int compareTo(Event other) {
            int byTime = Long.compare(dueMillis, other.dueMillis);
            return byTime != 0 ? byTime : Long.compare(seq, other.seq);
        }
    }
}
