package io.pveha.reconciler.lb;

import io.pveha.lb.SshLbHostClient;
import io.pveha.lb.apply.ConfigApplier;
import io.pveha.lb.observe.HostObserver;
import io.pveha.lb.ssh.SshHostChannelFactory;
import io.pveha.reconciler.EventRecorder;
import io.pveha.reconciler.SpecValidation;
import java.time.Clock;
import java.time.Duration;

/**
 * Builds the LoadBalancerPair reconciler with its SSH client, for the operator's main class and the
 * lab tests. Close it on shutdown: it owns the SSH sessions.
 */
public final class LbWiring implements AutoCloseable {
    /**
     * @param connectTimeout TCP connect, key exchange and authentication of a new SSH session
     * @param observeTimeout one observation command; also how long a pass waits for a host
     * @param verifyTimeout how long an apply waits for the daemons to run the new files before
     *     rolling back
     */
    public record Settings(
            Duration connectTimeout,
            Duration observeTimeout,
            Duration commandTimeout,
            Duration verifyTimeout) {
        public static Settings defaults() {
            return new Settings(
                    Duration.ofSeconds(5),
                    Duration.ofSeconds(5),
                    Duration.ofSeconds(30),
                    Duration.ofSeconds(10));
        }
    }

    private final SshHostChannelFactory ssh;
    private final LoadBalancerPairReconciler reconciler;

    private LbWiring(SshHostChannelFactory ssh, LoadBalancerPairReconciler reconciler) {
        this.ssh = ssh;
        this.reconciler = reconciler;
    }

    /**
     * @param validation the CRD's schema and CEL rules (the operator's {@code
     *     Settings.validation()})
     */
    public static LbWiring overSsh(
            SpecValidation validation, EventRecorder events, Clock clock, Settings settings) {
        SshHostChannelFactory ssh =
                new SshHostChannelFactory(
                        new SshHostChannelFactory.Settings(
                                settings.connectTimeout(), settings.commandTimeout()));
        HostObserver observer = new HostObserver(settings.observeTimeout());
        // Verification polls with its own, longer observation timeout: a host busy reloading may
        // answer slowly.
        ConfigApplier applier =
                new ConfigApplier(
                        new HostObserver(settings.observeTimeout().multipliedBy(2)),
                        settings.verifyTimeout(),
                        d -> Thread.sleep(d.toMillis()));
        return new LbWiring(
                ssh,
                new LoadBalancerPairReconciler(
                        new SshLbHostClient(ssh, observer, applier),
                        validation,
                        events,
                        clock,
                        settings.observeTimeout()));
    }

    public LoadBalancerPairReconciler reconciler() {
        return reconciler;
    }

    @Override
    public void close() {
        ssh.close();
    }
}
