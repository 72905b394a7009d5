package io.pveha.reconciler.lb;

import io.pveha.api.lb.LoadBalancerPairSpec;
import io.pveha.api.lb.LoadBalancerPairStatus;
import io.pveha.lb.ConfigBundle;
import io.pveha.lb.HostFacts;
import io.pveha.lb.ManagedFile;
import io.pveha.lb.Service;
import io.pveha.lb.apply.ConfigApplier;
import io.pveha.lb.observe.HostObservation;
import io.pveha.lb.observe.ServerState;
import io.pveha.lb.ssh.HostChannelException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Observed facts for status, planner and event tests: what two hosts could report, built tersely.
 */
final class Facts {
    static final String VIP = "192.0.2.10";
    static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
    static final String SINCE = "2026-11-23T11:59:58.120Z";

    private Facts() {}

    static ConfigBundle bundle(String host, String version) {
        return new ConfigBundle(
                host,
                new ManagedFile("/etc/haproxy/haproxy.cfg", host + version, "0644"),
                new ManagedFile("/etc/keepalived/keepalived.conf", host + version + "k", "0600"),
                List.of(),
                List.of());
    }

    static Map<String, ConfigBundle> bundles(String version) {
        Map<String, ConfigBundle> m = new LinkedHashMap<>();
        m.put("lb1", bundle("lb1", version));
        m.put("lb2", bundle("lb2", version));
        return m;
    }

    static List<Service> services() {
        return List.of(
                new Service(
                        "web",
                        80,
                        Service.Mode.HTTP,
                        Service.Balance.ROUNDROBIN,
                        2,
                        new Service.HealthCheck(Service.Mode.HTTP, "/", null, 1000, 2, 2),
                        List.of(
                                new Service.Server("app1", "192.0.2.21", 8080, null),
                                new Service.Server("app2", "192.0.2.22", 8080, null))));
    }

    /** A host as an observation builder: defaults are a healthy host running {@code installed}. */
    static final class Host {
        boolean keepalived = true;
        boolean haproxy = true;
        boolean vip;
        boolean pending;
        boolean nonlocal = true;
        String vrrp;
        ConfigBundle installed;
        final Map<String, String> serverStates = new HashMap<>(Map.of("app1", "UP", "app2", "UP"));

        Host(ConfigBundle installed) {
            this.installed = installed;
        }

        Host holdingVip() {
            vip = true;
            return this;
        }

        Host keepalivedDown() {
            keepalived = false;
            return this;
        }

        Host haproxyDown() {
            haproxy = false;
            return this;
        }

        Host server(String name, String state) {
            serverStates.put(name, state);
            return this;
        }

        Host pending() {
            pending = true;
            return this;
        }

        HostObservation observation() {
            List<String> addresses =
                    new ArrayList<>(
                            List.of(
                                    "192.0.2.1"
                                            + (installed == null
                                                    ? "9"
                                                    : installed.hostName().substring(2))
                                            + "/24"));
            if (vip) {
                addresses.add(VIP + "/24");
            }
            Map<String, String> files = new HashMap<>();
            if (installed != null) {
                installed.files().forEach(f -> files.put(f.path(), f.sha256()));
            }
            List<ServerState> servers = new ArrayList<>();
            if (haproxy) {
                serverStates.forEach(
                        (name, state) -> servers.add(new ServerState("be_web", name, "x", state)));
            }
            String state = vrrp != null ? vrrp : vip ? "MASTER" : "BACKUP";
            return new HostObservation(
                    "direct",
                    true,
                    addresses,
                    keepalived,
                    haproxy,
                    haproxy,
                    haproxy ? "4242" : null,
                    state,
                    SINCE,
                    servers,
                    files,
                    nonlocal,
                    pending);
        }

        HostFacts facts() {
            return HostFacts.observed(observation(), "SHA256:pinned");
        }
    }

    static HostFacts unreachable() {
        return HostFacts.failed(
                HostChannelException.Reason.UNREACHABLE,
                "cannot connect to root@192.0.2.11:22: timeout",
                null);
    }

    static HostFacts keyRefused() {
        return HostFacts.failed(
                HostChannelException.Reason.HOST_KEY_REJECTED,
                "host key of root@192.0.2.12:22 is SHA256:evil, not the pinned SHA256:good; refusing to connect",
                "SHA256:evil");
    }

    static Map<String, HostFacts> facts(HostFacts lb1, HostFacts lb2) {
        Map<String, HostFacts> m = new LinkedHashMap<>();
        m.put("lb1", lb1);
        m.put("lb2", lb2);
        return m;
    }

    static LoadBalancerPairSpec spec() {
        return LbResources.pair("store").getSpec();
    }

    static LbStatusBuilder.Inputs inputs(
            LoadBalancerPairStatus previous, Map<String, HostFacts> facts) {
        return inputs(previous, facts, Map.of());
    }

    static LbStatusBuilder.Inputs inputs(
            LoadBalancerPairStatus previous,
            Map<String, HostFacts> facts,
            Map<String, LbStatusBuilder.ActionResult> results) {
        return new LbStatusBuilder.Inputs(
                spec(),
                previous,
                3L,
                NOW,
                51,
                null,
                bundles("v1"),
                services(),
                List.of(),
                facts,
                results);
    }

    static LbStatusBuilder.ActionResult applied(ConfigApplier.Outcome outcome, String message) {
        return new LbStatusBuilder.ActionResult(
                PairPlanner.Kind.APPLY, new ConfigApplier.Result(outcome, message));
    }

    /** Both hosts run v1, lb1 holds the VIP, every server UP. */
    static Map<String, HostFacts> healthy() {
        return facts(
                new Host(bundle("lb1", "v1")).holdingVip().facts(),
                new Host(bundle("lb2", "v1")).facts());
    }
}
