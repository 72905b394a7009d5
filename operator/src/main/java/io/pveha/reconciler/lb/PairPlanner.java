package io.pveha.reconciler.lb;

import io.pveha.api.lb.LoadBalancerPairStatus;
import io.pveha.lb.ConfigBundle;
import io.pveha.lb.HostFacts;
import io.pveha.lb.observe.HostObservation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Desired versus observed, per host, into ordered actions:
 *
 * <ul>
 *   <li>APPLY when the installed files differ from the rendered ones (or an apply was cut off),
 *       unless a host already refused this configuration: it is neither retried nor installed on
 *       the other host until the rendered configuration changes;
 *   <li>START when keepalived or haproxy is down while the files are current, and was already down
 *       at the previous pass. Waiting one pass keeps the operator from racing an admin's restart
 *       and lets the status show the failover before the master is brought back.
 * </ul>
 *
 * Hosts not holding the VIP go first, so a configuration that passed the host's checks but
 * misbehaves hurts the standby, and the apply stops there.
 */
final class PairPlanner {
    enum Kind {
        APPLY,
        START
    }

    record HostAction(String host, Kind kind, ConfigBundle bundle) {}

    private PairPlanner() {}

    static List<HostAction> plan(
            Map<String, ConfigBundle> bundles,
            Map<String, HostFacts> facts,
            LoadBalancerPairStatus previous,
            String vip,
            String preferredMaster) {
        List<HostAction> actions = new ArrayList<>();
        // A configuration one host refused is installed on neither: the pair keeps running what it
        // had.
        boolean refusedSomewhere =
                bundles.entrySet().stream()
                        .anyMatch(
                                e -> {
                                    LoadBalancerPairStatus.HostStatus before =
                                            StatusViews.host(previous, e.getKey());
                                    return before != null
                                            && e.getValue()
                                                    .hash()
                                                    .equals(before.getRejectedConfigHash());
                                });
        for (Map.Entry<String, ConfigBundle> entry : bundles.entrySet()) {
            String host = entry.getKey();
            ConfigBundle bundle = entry.getValue();
            HostFacts f = facts.get(host);
            if (f == null || !f.reachable()) {
                continue;
            }
            HostObservation obs = f.observation();
            LoadBalancerPairStatus.HostStatus before = StatusViews.host(previous, host);
            boolean current =
                    !obs.applyPending() && bundle.hash().equals(obs.appliedHash(bundle.paths()));
            if (!current) {
                if (!refusedSomewhere) {
                    actions.add(new HostAction(host, Kind.APPLY, bundle));
                }
            } else if (downTwice(obs, before)) {
                actions.add(new HostAction(host, Kind.START, bundle));
            }
        }
        // Standby first: the host without the VIP, and on a first apply (nobody holds it) the lower
        // priority.
        actions.sort(
                Comparator.comparing(
                                (HostAction a) ->
                                        facts.get(a.host()).observation().holdsAddress(vip))
                        .thenComparing(a -> a.host().equals(preferredMaster)));
        return actions;
    }

    private static boolean downTwice(
            HostObservation now, LoadBalancerPairStatus.HostStatus before) {
        if (before == null) {
            return false;
        }
        return (!now.keepalivedUp() && Boolean.FALSE.equals(before.getKeepalivedUp()))
                || (!now.haproxyUp() && Boolean.FALSE.equals(before.getHaproxyUp()));
    }
}
