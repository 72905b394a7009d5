package io.pveha.simulator.model;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The cluster state lock, which also counts write-lock acquisitions: every change to the state
 * happens under the write lock, so an unchanged {@link #version()} means unchanged state. Read-only
 * answers can be memoized on it.
 */
public final class VersionedLock extends ReentrantReadWriteLock {
    private final AtomicLong version = new AtomicLong();
    private final CountingWriteLock writeLock = new CountingWriteLock(this);

    @Override
    public WriteLock writeLock() {
        return writeLock;
    }

    /**
     * Changes on every write-lock acquisition (conservatively: also when the holder changed
     * nothing).
     */
    public long version() {
        return version.get();
    }

    private final class CountingWriteLock extends WriteLock {
        CountingWriteLock(ReentrantReadWriteLock owner) {
            super(owner);
        }

        @Override
        public void lock() {
            super.lock();
            version.incrementAndGet();
        }

        @Override
        public void lockInterruptibly() throws InterruptedException {
            super.lockInterruptibly();
            version.incrementAndGet();
        }

        @Override
        public boolean tryLock() {
            boolean locked = super.tryLock();
            if (locked) {
                version.incrementAndGet();
            }
            return locked;
        }

        @Override
        public boolean tryLock(long timeout, TimeUnit unit) throws InterruptedException {
            boolean locked = super.tryLock(timeout, unit);
            if (locked) {
                version.incrementAndGet();
            }
            return locked;
        }
    }
}
