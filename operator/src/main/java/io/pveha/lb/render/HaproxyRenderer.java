package io.pveha.lb.render;

import io.pveha.lb.HostLayout;
import io.pveha.lb.LbHost;
import io.pveha.lb.PairConfig;
import io.pveha.lb.Service;
import java.util.HashSet;
import java.util.Set;

/**
 * Renders haproxy.cfg for one host: a frontend on the VIP per service, a backend with
 * health-checked servers, retries with redispatch, and an admin stats socket the observer and the
 * track script read. Both hosts get the same services; only the socket paths differ. The VIP is
 * bound on the backup too (net.ipv4.ip_nonlocal_bind=1), so a failover needs no haproxy restart.
 */
public final class HaproxyRenderer {
    public String render(PairConfig pair, LbHost self) {
        HostLayout layout = self.layout();
        String vip = Values.ipv4("vip.address", pair.vrrp().address());
        ConfigWriter w = new ConfigWriter();
        w.line(
                "# Managed by pve-ha-operator for LoadBalancerPair",
                Values.objectName("metadata.namespace", pair.namespace())
                        + "/"
                        + Values.objectName("metadata.name", pair.name())
                        + ", host",
                Values.name("hosts[].name", self.name()) + ". Local changes are overwritten.");
        w.open("global")
                .line(
                        "stats socket",
                        Values.path("statsSocket", layout.haproxyStatsSocket()),
                        "mode 600 level admin expose-fd listeners")
                .line("server-state-file", Values.path("stateFile", layout.haproxyStateFile()))
                .close(null)
                .blank();
        w.open("defaults")
                .line("timeout connect 2s")
                .line("timeout client 30s")
                .line("timeout server 30s")
                .line("timeout check 2s")
                // A reload keeps servers' DOWN/MAINT states instead of starting them all UP again.
                .line("load-server-state-from-file global")
                .close(null);

        Set<Integer> ports = new HashSet<>();
        Set<String> names = new HashSet<>();
        for (Service service : pair.services()) {
            String name = Values.name("services[].name", service.name());
            int port = Values.port("services[" + name + "].port", service.port());
            if (!names.add(name) || !ports.add(port)) {
                throw new UnsafeValueException(
                        "services[" + name + "]", "service names and ports must be unique");
            }
            String mode = service.mode().keyword();
            w.blank()
                    .open("frontend", "fe_" + name)
                    .line("mode", mode)
                    .line("bind", vip + ":" + port)
                    .line("default_backend", "be_" + name)
                    .close(null)
                    .blank();
            w.open("backend", "be_" + name)
                    .line("mode", mode)
                    .line("balance", service.balance().keyword())
                    .line(
                            "retries",
                            String.valueOf(
                                    Values.range(
                                            "services[" + name + "].retries",
                                            service.retries(),
                                            0,
                                            10)))
                    // A retry after a failed connection goes to another server instead of the dead
                    // one.
                    .line("option redispatch");
            if (service.mode() == Service.Mode.HTTP) {
                // A server killed while it holds a request answers nothing; without this the client
                // gets a 502.
                // Only requests that are safe to send twice are retried: a POST may have been
                // processed.
                w.line("retry-on conn-failure empty-response response-timeout")
                        .line(
                                "http-request disable-l7-retry if !METH_GET !METH_HEAD !METH_OPTIONS");
            }
            renderCheck(w, name, service);
            Set<String> servers = new HashSet<>();
            for (Service.Server server : service.servers()) {
                String field = "services[" + name + "].servers[" + server.name() + "]";
                String serverName = Values.name(field + ".name", server.name());
                if (!servers.add(serverName)) {
                    throw new UnsafeValueException(
                            field, "server names must be unique within a service");
                }
                w.line(
                        "server",
                        serverName,
                        Values.ipv4(field + ".address", server.address())
                                + ":"
                                + Values.port(field + ".port", server.port()),
                        "check");
            }
            w.close(null);
        }
        return w.toString();
    }

    private static void renderCheck(ConfigWriter w, String name, Service service) {
        Service.HealthCheck check = service.check();
        String field = "services[" + name + "].healthCheck";
        if (check.type() == Service.Mode.HTTP) {
            w.line("option httpchk")
                    .line(
                            "http-check send meth GET uri",
                            Values.httpPath(field + ".path", check.httpPath()));
            if (check.expectStatus() != null) {
                w.line(
                        "http-check expect status",
                        String.valueOf(
                                Values.range(
                                        field + ".expectStatus", check.expectStatus(), 100, 599)));
            }
        }
        w.line(
                "default-server",
                "inter",
                Values.range(field + ".intervalMillis", check.intervalMillis(), 100, 3_600_000)
                        + "ms",
                "fall",
                String.valueOf(Values.range(field + ".fall", check.fall(), 1, 100)),
                "rise",
                String.valueOf(Values.range(field + ".rise", check.rise(), 1, 100)));
    }
}
