package io.pveha.reconciler.lb;

import io.pveha.lb.ConfigBundle;
import io.pveha.lb.HostFacts;
import io.pveha.lb.HostTarget;
import io.pveha.lb.LbHostClient;
import io.pveha.lb.ManagedFile;
import io.pveha.lb.apply.ConfigApplier;
import io.pveha.lb.observe.HostObservation;
import io.pveha.lb.observe.ServerState;
import io.pveha.lb.ssh.HostChannelException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Two balancer hosts in memory, faithful where the reconciler looks: installed files and their
 * hashes, daemons up or down, the VIP on the live host with the highest priority (as VRRP would
 * elect), servers as haproxy would list them from the installed config. Switches inject failures;
 * every apply and start is recorded.
 */
final class FakeLbHosts implements LbHostClient {
    /** One simulated host; tests flip its fields. */
    static final class Host {
        final String name;
        volatile int priority;
        volatile boolean reachable = true;
        volatile boolean refuseHostKey;
        volatile boolean keepalivedUp;
        volatile boolean haproxyUp;

        /** Set: the host's config test refuses the next applies with this output. */
        volatile String rejectWith;

        /** Both hosts claim the VIP (VRRP between them broken). */
        volatile boolean splitBrain;

        final Map<String, String> files = new ConcurrentHashMap<>();
        final List<ServerState> servers = Collections.synchronizedList(new ArrayList<>());
        final List<String> downServers = Collections.synchronizedList(new ArrayList<>());
        volatile String interfaceName = "eth0";

        Host(String name) {
            this.name = name;
        }
    }

    final Map<String, Host> hosts = new ConcurrentHashMap<>();
    final List<String> calls = Collections.synchronizedList(new ArrayList<>());

    /** Observations asked for, of either host (a pass observes both). */
    final java.util.concurrent.atomic.AtomicInteger observations =
            new java.util.concurrent.atomic.AtomicInteger();

    volatile String vip = "192.0.2.10";

    Host host(String name) {
        return hosts.computeIfAbsent(name, Host::new);
    }

    @Override
    public HostFacts observe(HostTarget target, List<String> managedPaths) {
        observations.incrementAndGet();
        Host h = host(target.host().name());
        h.priority = target.host().priority();
        if (!h.reachable) {
            return HostFacts.failed(
                    HostChannelException.Reason.UNREACHABLE,
                    "cannot connect to " + target.endpoint() + ": timeout",
                    null);
        }
        if (h.refuseHostKey) {
            return HostFacts.failed(
                    HostChannelException.Reason.HOST_KEY_REJECTED,
                    "host key of "
                            + target.endpoint()
                            + " is SHA256:other, not the pinned SHA256:pinned; refusing to connect",
                    "SHA256:other");
        }
        List<String> addresses = new ArrayList<>(List.of(target.host().address() + "/24"));
        if (vip != null && holdsVip(h)) {
            addresses.add(vip + "/24");
        }
        Map<String, String> hashes = new HashMap<>();
        managedPaths.forEach(
                p -> {
                    if (h.files.containsKey(p)) {
                        hashes.put(p, h.files.get(p));
                    }
                });
        List<ServerState> servers =
                h.haproxyUp
                        ? h.servers.stream()
                                .map(
                                        s ->
                                                h.downServers.contains(s.server())
                                                        ? new ServerState(
                                                                s.backend(),
                                                                s.server(),
                                                                s.address(),
                                                                "DOWN")
                                                        : s)
                                .toList()
                        : List.of();
        return HostFacts.observed(
                new HostObservation(
                        "direct",
                        true,
                        addresses,
                        h.keepalivedUp,
                        h.haproxyUp,
                        h.haproxyUp,
                        h.haproxyUp ? "100" : null,
                        h.keepalivedUp ? (holdsVip(h) ? "MASTER" : "BACKUP") : "STOP",
                        h.keepalivedUp ? "2026-11-23T10:00:00.000Z" : null,
                        servers,
                        hashes,
                        true,
                        false),
                "SHA256:pinned");
    }

    /**
     * The live host with the highest priority holds the VIP; with split brain every live host does.
     */
    boolean holdsVip(Host h) {
        if (!h.keepalivedUp || !h.reachable) {
            return false;
        }
        if (h.splitBrain) {
            return true;
        }
        return hosts.values().stream()
                .filter(o -> o.keepalivedUp && o.reachable && o.haproxyUp)
                .max(java.util.Comparator.comparingInt(o -> o.priority))
                .map(o -> o == h)
                .orElse(false);
    }

    @Override
    public ConfigApplier.Result apply(
            HostTarget target, ConfigBundle bundle, HostObservation before) {
        Host h = host(target.host().name());
        calls.add("apply " + h.name);
        if (h.rejectWith != null) {
            return new ConfigApplier.Result(ConfigApplier.Outcome.REJECTED, h.rejectWith);
        }
        for (ManagedFile f : bundle.files()) {
            h.files.put(f.path(), f.sha256());
        }
        h.servers.clear();
        String backend = null;
        for (String line : bundle.haproxyConfig().content().split("\n")) {
            if (line.startsWith("backend ")) {
                backend = line.substring("backend ".length()).strip();
            } else if (line.strip().startsWith("server ")) {
                String[] parts = line.strip().split(" ");
                h.servers.add(new ServerState(backend, parts[1], parts[2], "UP"));
            }
        }
        h.keepalivedUp = true;
        h.haproxyUp = true;
        return new ConfigApplier.Result(ConfigApplier.Outcome.APPLIED, "");
    }

    @Override
    public ConfigApplier.Result startStopped(HostTarget target, HostObservation before) {
        Host h = host(target.host().name());
        calls.add("start " + h.name);
        h.keepalivedUp = true;
        h.haproxyUp = true;
        return new ConfigApplier.Result(ConfigApplier.Outcome.APPLIED, "");
    }

    List<String> calls() {
        synchronized (calls) {
            return List.copyOf(calls);
        }
    }
}
