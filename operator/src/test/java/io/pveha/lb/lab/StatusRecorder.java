package io.pveha.lb.lab;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.pveha.api.lb.LoadBalancerPair;
import io.pveha.api.lb.LoadBalancerPairStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** Every status the operator writes for one pair, with the epoch time the watch delivered it. */
public final class StatusRecorder implements AutoCloseable {
    public record Seen(long atMillis, LoadBalancerPairStatus status) {}

    private final List<Seen> seen = new ArrayList<>();
    private final Watch watch;

    public StatusRecorder(KubernetesClient client, String namespace, String name) {
        watch =
                client.resources(LoadBalancerPair.class)
                        .inNamespace(namespace)
                        .withName(name)
                        .watch(
                                new Watcher<>() {
                                    @Override
                                    public void eventReceived(
                                            Action action, LoadBalancerPair pair) {
                                        if (pair.getStatus() != null) {
                                            synchronized (seen) {
                                                seen.add(
                                                        new Seen(
                                                                System.currentTimeMillis(),
                                                                pair.getStatus()));
                                                seen.notifyAll();
                                            }
                                        }
                                    }

                                    @Override
                                    public void onClose(WatcherException cause) {}
                                });
    }

    /**
     * The first status at or after {@code fromMillis} that matches, waiting up to {@code
     * timeoutMillis}; null if none.
     */
    public Seen await(
            long fromMillis, Predicate<LoadBalancerPairStatus> matches, long timeoutMillis)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        synchronized (seen) {
            while (true) {
                for (Seen s : seen) {
                    if (s.atMillis() >= fromMillis && matches.test(s.status())) {
                        return s;
                    }
                }
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    return null;
                }
                seen.wait(left);
            }
        }
    }

    public LoadBalancerPairStatus latest() {
        synchronized (seen) {
            return seen.isEmpty() ? null : seen.get(seen.size() - 1).status();
        }
    }

    @Override
    public void close() {
        watch.close();
    }
}
