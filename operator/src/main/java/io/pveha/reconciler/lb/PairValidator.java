package io.pveha.reconciler.lb;

import io.pveha.api.Patterns;
import io.pveha.api.lb.Backends;
import io.pveha.api.lb.HealthCheck;
import io.pveha.api.lb.HostPaths;
import io.pveha.api.lb.LbHost;
import io.pveha.api.lb.LbService;
import io.pveha.api.lb.LoadBalancerPairSpec;
import io.pveha.api.lb.StaticServer;
import io.pveha.api.lb.Vip;
import io.pveha.lb.HostLayout;
import io.pveha.lb.render.UnsafeValueException;
import io.pveha.lb.render.Values;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The spec's rules, checked in Java: the CRD's schema and CEL rules (which a mock API server or an old
 * CRD does not enforce) and the renderers' value checks, so a bad spec is reported as InvalidSpec with
 * every problem named, instead of failing later while rendering. Returns messages; never throws.
 */
final class PairValidator {
    private PairValidator() {
    }

    static List<String> validate(LoadBalancerPairSpec spec) {
        List<String> problems = new ArrayList<>();
        if (spec == null) {
            return List.of("spec is required");
        }
        check(problems, () -> {
            if (spec.getPollIntervalSeconds() != null) {
                Values.range("spec.pollIntervalSeconds", spec.getPollIntervalSeconds(), 1, 3600);
            }
        });
        validateHosts(spec, problems);
        validateVip(spec, problems);
        validateServices(spec, problems);
        return problems;
    }

    private static void validateHosts(LoadBalancerPairSpec spec, List<String> problems) {
        List<LbHost> hosts = spec.getHosts() == null ? List.of() : spec.getHosts();
        if (hosts.size() != 2) {
            problems.add("spec.hosts: exactly two hosts are required, got " + hosts.size());
        }
        for (int i = 0; i < hosts.size(); i++) {
            LbHost h = hosts.get(i);
            String at = "spec.hosts[" + i + "]";
            check(problems, () -> Values.name(at + ".name", h.getName()));
            check(problems, () -> Values.ipv4(at + ".address", h.getAddress()));
            check(problems, () -> Values.range(at + ".priority", h.getPriority(), 1, 254));
            check(problems, () -> {
                if (h.getSshPort() != null) {
                    Values.port(at + ".sshPort", h.getSshPort());
                }
            });
            if (h.getSshUser() != null && !h.getSshUser().matches(Patterns.UNIX_USER)) {
                problems.add(at + ".sshUser: must be a user name (a-z, 0-9, _, -)");
            }
            if (h.getSshKeySecretRef() == null || h.getSshKeySecretRef().getName() == null) {
                problems.add(at + ".sshKeySecretRef: is required");
            }
            if (h.getHostKey() == null || !h.getHostKey().matches(Patterns.SSH_HOST_KEY)) {
                problems.add(at + ".hostKey: must be the host's public key, \"ssh-ed25519 AAAA...\" (algorithm and key, no comment)");
            }
            check(problems, () -> {
                if (h.getInterfaceName() != null) {
                    Values.interfaceName(at + ".interfaceName", h.getInterfaceName());
                }
            });
            try {
                layoutOf(h);
            } catch (IllegalArgumentException e) {
                problems.add(at + "." + e.getMessage());
            }
        }
        if (hosts.size() == 2) {
            LbHost a = hosts.get(0);
            LbHost b = hosts.get(1);
            if (Objects.equals(a.getName(), b.getName())) {
                problems.add("spec.hosts: the two hosts must have distinct names");
            }
            if (Objects.equals(a.getAddress(), b.getAddress())) {
                problems.add("spec.hosts: the two hosts must have distinct addresses");
            }
            if (Objects.equals(a.getPriority(), b.getPriority())) {
                problems.add("spec.hosts: the two hosts must have distinct priorities (the higher one is the master)");
            }
        }
    }

    private static void validateVip(LoadBalancerPairSpec spec, List<String> problems) {
        Vip vip = spec.getVip();
        if (vip == null) {
            problems.add("spec.vip: is required");
            return;
        }
        check(problems, () -> Values.ipv4("spec.vip.address", vip.getAddress()));
        if (spec.getHosts() != null && spec.getHosts().stream().anyMatch(h -> Objects.equals(h.getAddress(), vip.getAddress()))) {
            problems.add("spec.vip.address: must not be the address of a host");
        }
        check(problems, () -> {
            if (vip.getPrefixLength() != null) {
                Values.range("spec.vip.prefixLength", vip.getPrefixLength(), 1, 32);
            }
        });
        check(problems, () -> {
            if (vip.getVirtualRouterId() != null) {
                Values.range("spec.vip.virtualRouterId", vip.getVirtualRouterId(), 1, 255);
            }
        });
        int version = vip.getVrrpVersion() == null ? 2 : vip.getVrrpVersion();
        if (version != 2 && version != 3) {
            problems.add("spec.vip.vrrpVersion: must be 2 or 3");
        }
        if (vip.getAdvertIntervalMillis() != null) {
            int millis = vip.getAdvertIntervalMillis();
            if (version == 2 && (millis % 1000 != 0 || millis < 1000 || millis > 255000)) {
                problems.add("spec.vip.advertIntervalMillis: VRRPv2 advertises in whole seconds (1000 to 255000), got " + millis);
            }
            if (version == 3 && (millis % 10 != 0 || millis < 10 || millis > 40950)) {
                problems.add("spec.vip.advertIntervalMillis: VRRPv3 advertises in centiseconds (10 to 40950), got " + millis);
            }
        }
        if (vip.getAuthSecretRef() != null && version != 2) {
            problems.add("spec.vip.authSecretRef: VRRP authentication exists only in VRRPv2; leave it out with vrrpVersion 3");
        }
    }

    private static void validateServices(LoadBalancerPairSpec spec, List<String> problems) {
        List<LbService> services = spec.getServices() == null ? List.of() : spec.getServices();
        if (services.isEmpty() || services.size() > 64) {
            problems.add("spec.services: between 1 and 64 services are required");
        }
        Set<String> names = new HashSet<>();
        Set<Integer> ports = new HashSet<>();
        for (int i = 0; i < services.size(); i++) {
            LbService s = services.get(i);
            String at = "spec.services[" + i + "]";
            check(problems, () -> Values.name(at + ".name", s.getName()));
            check(problems, () -> Values.port(at + ".port", s.getPort()));
            if (s.getName() != null && !names.add(s.getName())) {
                problems.add(at + ".name: service names must be unique");
            }
            if (s.getPort() != null && !ports.add(s.getPort())) {
                problems.add(at + ".port: service ports must be unique");
            }
            check(problems, () -> {
                if (s.getRetries() != null) {
                    Values.range(at + ".retries", s.getRetries(), 0, 10);
                }
            });
            validateBackends(at + ".backends", s.getBackends(), problems);
            validateHealthCheck(at + ".healthCheck", s.getHealthCheck(), problems);
        }
    }

    private static void validateBackends(String at, Backends b, List<String> problems) {
        if (b == null) {
            problems.add(at + ": is required");
            return;
        }
        List<StaticServer> statics = b.getStaticServers() == null ? List.of() : b.getStaticServers();
        if (b.getHaVmSelector() == null && statics.isEmpty()) {
            problems.add(at + ": needs a haVmSelector or at least one static server");
        }
        if (b.getHaVmSelector() != null) {
            check(problems, () -> Values.port(at + ".port (required with haVmSelector)", b.getPort()));
        }
        Set<String> names = new HashSet<>();
        for (int j = 0; j < statics.size(); j++) {
            StaticServer s = statics.get(j);
            String sat = at + ".staticServers[" + j + "]";
            check(problems, () -> Values.name(sat + ".name", s.getName()));
            check(problems, () -> Values.ipv4(sat + ".address", s.getAddress()));
            check(problems, () -> Values.port(sat + ".port", s.getPort()));
            if (s.getName() != null && !names.add(s.getName())) {
                problems.add(sat + ".name: static server names must be unique");
            }
        }
    }

    private static void validateHealthCheck(String at, HealthCheck hc, List<String> problems) {
        if (hc == null) {
            return;
        }
        check(problems, () -> {
            if (hc.getPath() != null) {
                Values.httpPath(at + ".path", hc.getPath());
            }
            if (hc.getExpectStatus() != null) {
                Values.range(at + ".expectStatus", hc.getExpectStatus(), 100, 599);
            }
            if (hc.getIntervalMillis() != null) {
                Values.range(at + ".intervalMillis", hc.getIntervalMillis(), 100, 3_600_000);
            }
            if (hc.getFall() != null) {
                Values.range(at + ".fall", hc.getFall(), 1, 100);
            }
            if (hc.getRise() != null) {
                Values.range(at + ".rise", hc.getRise(), 1, 100);
            }
        });
    }

    /** The host's file layout with defaults; throws UnsafeValueException for a bad path. */
    static HostLayout layoutOf(LbHost host) {
        HostPaths p = host.getPaths();
        return new HostLayout(
                p == null || p.getHaproxyConfig() == null ? HostLayout.DEFAULT_HAPROXY_CONFIG : p.getHaproxyConfig(),
                p == null || p.getKeepalivedConfig() == null ? HostLayout.DEFAULT_KEEPALIVED_CONFIG : p.getKeepalivedConfig(),
                p == null || p.getRunDir() == null ? HostLayout.DEFAULT_RUN_DIR : p.getRunDir());
    }

    private static void check(List<String> problems, Check check) {
        try {
            check.run();
        } catch (UnsafeValueException e) {
            problems.add(e.getMessage());
        } catch (IllegalArgumentException e) {
            problems.add(String.valueOf(e.getMessage()));
        }
    }

    @FunctionalInterface
    private interface Check {
        void run();
    }
}
