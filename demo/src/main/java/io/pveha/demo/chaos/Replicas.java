package io.pveha.demo.chaos;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The operator as production runs it: {@code java -Xmx... -jar pve-ha-operator.jar run} processes,
 * like the pods of a Deployment. A replica that dies (killed here, or on its own) is started again
 * after a short delay as a new process with a new identity, as a pod is rescheduled.
 */
final class Replicas implements AutoCloseable {
    static final String LEASE = "pve-ha-operator-leader";

    /** How the operator processes run. */
    record Settings(
            Path operatorJar,
            Path kubeconfig,
            String namespace,
            String xmx,
            int leaseSeconds,
            int renewSeconds,
            int retrySeconds,
            List<String> extraJvmArgs) {}

    /** A replica process. */
    static final class Replica {
        final String identity;
        final Child child;
        final boolean elected;
        volatile boolean killedByUs;
        volatile boolean reported;

        Replica(String identity, Child child, boolean elected) {
            this.identity = identity;
            this.child = child;
            this.elected = elected;
        }
    }

    private final Settings settings;
    private final KubernetesClient client;
    private final Path dir;
    private final Random random;
    private final PrintStream out;
    private final long t0;
    private final List<Replica> replicas = new CopyOnWriteArrayList<>();
    final List<String> unexpectedExits = new CopyOnWriteArrayList<>();
    final List<String> kills = new CopyOnWriteArrayList<>();

    /**
     * Leaders that could not renew the Lease within the renew deadline and ended themselves, as
     * {@code run} does by design (seen when the machine is overloaded): not a failure of the run,
     * but reported.
     */
    final List<String> lostLease = new CopyOnWriteArrayList<>();

    private volatile int desired;
    private volatile boolean elected = true;
    private int next;
    private final Thread monitor;
    private volatile boolean closed;

    Replicas(
            Settings settings,
            KubernetesClient client,
            Path dir,
            Random random,
            PrintStream out,
            long t0) {
        this.settings = settings;
        this.client = client;
        this.dir = dir;
        this.random = random;
        this.out = out;
        this.t0 = t0;
        this.monitor = new Thread(this::watch, "replica-monitor");
        monitor.setDaemon(true);
        monitor.start();
    }

    /**
     * Keeps {@code count} replicas running, elected through the Lease or ({@code elected=false})
     * one without leader election.
     */
    synchronized void scale(int count, boolean withElection) throws IOException {
        if (withElection != elected) {
            // a different Deployment: the old replicas end gracefully first
            for (Replica r : replicas) {
                r.killedByUs = true;
                r.child.stop(Duration.ofSeconds(20));
            }
            replicas.clear();
            elected = withElection;
        }
        desired = count;
        while (live().size() < desired) {
            start();
        }
    }

    private synchronized Replica start() throws IOException {
        String identity = "op-" + (++next);
        List<String> args = new ArrayList<>();
        args.add("-jar");
        args.add(settings.operatorJar().toString());
        args.add("run");
        args.add("--namespaces=" + settings.namespace());
        args.add("--health-port=0");
        args.add("--health-address=127.0.0.1");
        if (elected) {
            args.add("--lease-namespace=" + settings.namespace());
            args.add("--identity=" + identity);
            args.add("--lease-duration=" + settings.leaseSeconds());
            args.add("--renew-deadline=" + settings.renewSeconds());
            args.add("--retry-period=" + settings.retrySeconds());
        } else {
            args.add("--no-leader-election");
        }
        List<String> jvm = new ArrayList<>();
        if (!settings.xmx().equals("none")) {
            // "none": the heap from other options, e.g. the chart's MaxRAMPercentage
            jvm.add("-Xmx" + settings.xmx());
        }
        jvm.add("-XX:+ExitOnOutOfMemoryError");
        jvm.add("-Xlog:gc:file=" + dir.resolve(identity + "-gc.log"));
        jvm.addAll(settings.extraJvmArgs());
        Child child =
                Child.java(
                        identity,
                        jvm,
                        args,
                        Map.of("KUBECONFIG", settings.kubeconfig().toString()),
                        dir.resolve(identity + ".log"));
        Replica r = new Replica(identity, child, elected);
        replicas.add(r);
        log(
                "started "
                        + identity
                        + " (pid "
                        + child.pid()
                        + (elected ? "" : ", no leader election")
                        + ")");
        return r;
    }

    List<Replica> live() {
        return replicas.stream().filter(r -> r.child.alive()).toList();
    }

    /**
     * The Lease holder, if it is one of the live replicas (or the only replica without election).
     */
    Optional<Replica> leader() {
        if (!elected) {
            return live().stream().findFirst();
        }
        String holder = holder();
        return live().stream().filter(r -> r.identity.equals(holder)).findFirst();
    }

    String holder() {
        try {
            Lease lease =
                    client.resources(Lease.class)
                            .inNamespace(settings.namespace())
                            .withName(LEASE)
                            .get();
            return lease == null || lease.getSpec() == null
                    ? null
                    : lease.getSpec().getHolderIdentity();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Waits for a live leader. */
    Replica awaitLeader(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<Replica> l = leader();
            if (l.isPresent()) {
                return l.get();
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("no leader after " + timeout);
    }

    /** SIGKILL of {@code r}; it is started again (as a new process) by the monitor. */
    void kill(Replica r, String why) {
        r.killedByUs = true;
        r.child.kill();
        kills.add(why + ": " + r.identity + " pid " + r.child.pid());
        log("SIGKILL " + r.identity + " (pid " + r.child.pid() + "): " + why);
    }

    /** Kills every replica at once (SIGKILL). */
    void killAll(String why) {
        for (Replica r : live()) {
            kill(r, why);
        }
    }

    private void watch() {
        while (!closed) {
            try {
                Thread.sleep(200);
                for (Replica r : replicas) {
                    if (!r.child.alive() && !r.reported) {
                        r.reported = true;
                        if (!r.killedByUs && lostLease(r)) {
                            String what =
                                    r.identity
                                            + " (pid "
                                            + r.child.pid()
                                            + ") lost the Lease and exited at "
                                            + seconds()
                                            + " s";
                            lostLease.add(what);
                            log(what);
                        } else if (!r.killedByUs) {
                            int code = r.child.process.exitValue();
                            String what =
                                    r.identity
                                            + " (pid "
                                            + r.child.pid()
                                            + ") exited on its own with code "
                                            + code
                                            + " at "
                                            + seconds()
                                            + " s; log "
                                            + r.child.log;
                            unexpectedExits.add(what);
                            log("UNEXPECTED: " + what);
                        }
                        if (!closed) {
                            restartLater();
                        }
                    }
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException | IOException e) {
                log("replica monitor: " + e);
            }
        }
    }

    private static boolean lostLease(Replica r) {
        if (!r.elected || r.child.process.exitValue() != 1) {
            return false;
        }
        try (var lines = java.nio.file.Files.lines(r.child.log)) {
            return lines.anyMatch(l -> l.startsWith("lost the Lease "));
        } catch (IOException | java.io.UncheckedIOException e) {
            return false;
        }
    }

    private void restartLater() throws IOException, InterruptedException {
        long delay;
        synchronized (random) {
            delay = 1000 + random.nextInt(2000);
        }
        Thread.sleep(delay);
        synchronized (this) {
            if (!closed && live().size() < desired) {
                start();
            }
        }
    }

    private String seconds() {
        return String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - t0) / 1e9);
    }

    private void log(String line) {
        out.printf("[%7s s] %s%n", seconds(), line);
        out.flush();
    }

    @Override
    public void close() {
        closed = true;
        monitor.interrupt();
        for (Replica r : replicas) {
            r.killedByUs = true;
            r.child.stop(Duration.ofSeconds(15));
        }
    }
}
