package io.pveha.lb;

import java.util.List;

/** Small, readable pair configurations for renderer, applier and observer tests. */
public final class TestPairs {
    private TestPairs() {}

    public static HostLayout layout(String root, String host) {
        return new HostLayout(
                root + "/" + host + "/etc/haproxy.cfg",
                root + "/" + host + "/etc/keepalived.conf",
                root + "/" + host + "/run");
    }

    public static LbHost host(String name, String address, int priority, HostLayout layout) {
        return new LbHost(name, address, priority, "eth0", layout);
    }

    public static Service web(List<Service.Server> servers) {
        return new Service(
                "web",
                80,
                Service.Mode.HTTP,
                Service.Balance.ROUNDROBIN,
                2,
                new Service.HealthCheck(Service.Mode.HTTP, "/healthz", 200, 500, 2, 2),
                servers);
    }

    public static Service.Server server(String name, String address, int port) {
        return new Service.Server(name, address, port, null);
    }

    /** The pair of the golden files: VRRPv2 with PASS auth, one HTTP and one TCP service. */
    public static PairConfig golden() {
        Vrrp vrrp = new Vrrp(51, "192.0.2.10", 24, 2, 1000, true, new VrrpPassword("s3cret.1"));
        Service db =
                new Service(
                        "db",
                        5432,
                        Service.Mode.TCP,
                        Service.Balance.LEASTCONN,
                        3,
                        new Service.HealthCheck(Service.Mode.TCP, null, null, 2000, 3, 2),
                        List.of(server("pg1", "192.0.2.31", 5432)));
        return new PairConfig(
                "shop",
                "store-lb",
                vrrp,
                List.of(
                        host("lb1", "192.0.2.11", 150, HostLayout.defaults()),
                        host("lb2", "192.0.2.12", 100, HostLayout.defaults())),
                List.of(
                        web(
                                List.of(
                                        server("app1", "192.0.2.21", 8080),
                                        new Service.Server("app2", "192.0.2.22", 8080, "app2"))),
                        db));
    }

    public static PairConfig withVrrp(PairConfig pair, Vrrp vrrp) {
        return new PairConfig(pair.namespace(), pair.name(), vrrp, pair.hosts(), pair.services());
    }

    public static PairConfig withServices(PairConfig pair, List<Service> services) {
        return new PairConfig(pair.namespace(), pair.name(), pair.vrrp(), pair.hosts(), services);
    }

    public static PairConfig withHosts(PairConfig pair, LbHost first, LbHost second) {
        return new PairConfig(
                pair.namespace(),
                pair.name(),
                pair.vrrp(),
                List.of(first, second),
                pair.services());
    }
}
