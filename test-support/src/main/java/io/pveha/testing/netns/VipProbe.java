package io.pveha.testing.netns;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Watches, from outside the operator, which LB host carries the VIP: {@code ip addr} in each LB
 * namespace every ~20 ms. Records each change with its epoch time: the lab's ground truth that
 * failover times and status latencies are measured against.
 */
public final class VipProbe implements AutoCloseable {
    /** The VIP holders (e.g. "lb1", "lb2", "lb1,lb2" or "") from {@code atMillis} on. */
    public record Change(long atMillis, String holders) {}

    private final NetnsLab lab;
    private final List<Change> changes = new ArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    public VipProbe(NetnsLab lab) {
        this.lab = lab;
        this.thread = new Thread(this::loop, "vip-probe");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        String last = null;
        while (running.get()) {
            String holders = String.join(",", lab.vipHolders());
            if (!Objects.equals(holders, last)) {
                synchronized (changes) {
                    changes.add(new Change(System.currentTimeMillis(), holders));
                }
                last = holders;
            }
            try {
                Thread.sleep(20); // the probe's sampling period (a measurement), not an assertion
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * When exactly {@code holders} held the VIP at or after {@code fromMillis}: {@code fromMillis}
     * itself if they already did then, else the first change to them; -1 if that has not happened
     * (yet).
     */
    public long firstAt(String holders, long fromMillis) {
        synchronized (changes) {
            String atStart = null;
            for (Change c : changes) {
                if (c.atMillis() <= fromMillis) {
                    atStart = c.holders();
                } else if (holders.equals(atStart)) {
                    return fromMillis;
                } else if (c.holders().equals(holders)) {
                    return c.atMillis();
                }
            }
            return holders.equals(atStart) ? fromMillis : -1;
        }
    }

    /**
     * Waits until {@code holders} hold the VIP (see {@link #firstAt}); returns that time, or -1
     * after the timeout.
     */
    public long await(String holders, long fromMillis, long timeoutMillis)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (System.currentTimeMillis() < deadline) {
            long at = firstAt(holders, fromMillis);
            if (at >= 0) {
                return at;
            }
            Thread.sleep(10); // a waiting helper that returns when it happened, not an assertion
        }
        return firstAt(holders, fromMillis);
    }

    public List<Change> changes() {
        synchronized (changes) {
            return List.copyOf(changes);
        }
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join(2000);
    }
}
