package io.pveha.lb;

import io.pveha.lb.apply.ConfigApplier;
import io.pveha.lb.observe.HostObservation;
import io.pveha.lb.observe.HostObserver;
import io.pveha.lb.ssh.HostChannel;
import io.pveha.lb.ssh.HostChannelException;
import io.pveha.lb.ssh.HostChannelFactory;
import io.pveha.lb.ssh.HostKeyRejectedException;
import java.util.List;

/** {@link LbHostClient} over SSH channels. */
public final class SshLbHostClient implements LbHostClient {
    private final HostChannelFactory channels;
    private final HostObserver observer;
    private final ConfigApplier applier;

    public SshLbHostClient(
            HostChannelFactory channels, HostObserver observer, ConfigApplier applier) {
        this.channels = channels;
        this.observer = observer;
        this.applier = applier;
    }

    @Override
    public HostFacts observe(HostTarget target, List<String> managedPaths) {
        HostChannel channel = channels.channel(target.endpoint(), target.identity());
        try {
            HostObservation observation =
                    observer.observe(channel, target.host(), target.serviceManager(), managedPaths);
            return HostFacts.observed(observation, channel.hostKeyFingerprint());
        } catch (HostKeyRejectedException e) {
            return HostFacts.failed(e.reason(), e.getMessage(), e.presentedFingerprint());
        } catch (HostChannelException e) {
            return HostFacts.failed(e.reason(), e.getMessage(), channel.hostKeyFingerprint());
        }
    }

    @Override
    public ConfigApplier.Result apply(
            HostTarget target, ConfigBundle bundle, HostObservation before) {
        return applier.apply(
                channels.channel(target.endpoint(), target.identity()),
                target.host(),
                bundle,
                before,
                before.serviceManager());
    }

    @Override
    public ConfigApplier.Result startStopped(HostTarget target, HostObservation before) {
        return applier.startStopped(
                channels.channel(target.endpoint(), target.identity()),
                target.host(),
                before,
                before.serviceManager());
    }
}
