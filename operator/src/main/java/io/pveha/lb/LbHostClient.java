package io.pveha.lb;

import io.pveha.lb.apply.ConfigApplier;
import io.pveha.lb.observe.HostObservation;
import java.util.List;

/**
 * Everything the reconciler does to a balancer host, behind one narrow interface: look, apply a
 * bundle, start daemons that are down. The real implementation goes over SSH; reconciler tests use
 * a fake.
 */
public interface LbHostClient {
    /** Never throws: an unreachable or refused host is a fact, reported in the result. */
    HostFacts observe(HostTarget target, List<String> managedPaths);

    ConfigApplier.Result apply(HostTarget target, ConfigBundle bundle, HostObservation before);

    ConfigApplier.Result startStopped(HostTarget target, HostObservation before);
}
