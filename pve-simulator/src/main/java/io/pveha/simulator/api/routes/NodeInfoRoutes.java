package io.pveha.simulator.api.routes;

import io.pveha.simulator.api.Access;
import io.pveha.simulator.api.ApiRequest;
import io.pveha.simulator.api.ApiResult;
import io.pveha.simulator.api.ParamSpec;
import io.pveha.simulator.api.Route;
import io.pveha.simulator.api.Router;
import io.pveha.simulator.model.NodeState;
import io.pveha.simulator.model.PveException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The read side of a node as a freshly installed PVE 8 node answers it: the node index, network
 * ({@code /etc/network/interfaces} of the installer: {@code eno1} bridged into {@code vmbr0}), DNS,
 * time, {@code /etc/hosts}, the node config, subscription (none), services, certificates,
 * replication (no jobs) and the host firewall (not configured). Shapes from pve-manager's {@code
 * PVE/API2/Nodes.pm}, {@code Network.pm}, {@code Subscription.pm}, {@code Services.pm}, {@code
 * NodeConfig.pm}, {@code Certificates.pm}, {@code Replication.pm}, pve-common's {@code INotify.pm}
 * and {@code Certificate.pm}, pve-firewall's {@code API2/Firewall/Host.pm}.
 */
public final class NodeInfoRoutes {
    /** The node's subdirectories, as {@code PVE::API2::Nodes::Nodeinfo} lists them (PVE 8). */
    private static final List<String> NODE_INDEX =
            List.of(
                    "aplinfo",
                    "apt",
                    "capabilities",
                    "ceph",
                    "certificates",
                    "config",
                    "disks",
                    "dns",
                    "firewall",
                    "hardware",
                    "hosts",
                    "journal",
                    "lxc",
                    "migrateall",
                    "netstat",
                    "network",
                    "qemu",
                    "query-url-metadata",
                    "replication",
                    "report",
                    "rrd",
                    "rrddata",
                    "scan",
                    "services",
                    "spiceshell",
                    "startall",
                    "status",
                    "stopall",
                    "storage",
                    "subscription",
                    "suspendall",
                    "syslog",
                    "tasks",
                    "termproxy",
                    "time",
                    "version",
                    "vncshell",
                    "vzdump",
                    "wakeonlan",
                    "sdn");

    /**
     * {@code $service_name_list} of Services.pm with what {@code systemctl show} reports on a PVE 8
     * node: description, SubState, UnitFileState, ActiveState. {@code syslog} (no rsyslog) and
     * {@code systemd-timesyncd} (chrony instead) are not installed.
     */
    private record Service(String name, String desc, String state, String unit, String active) {}

    private static final List<Service> SERVICES =
            List.of(
                    running("chrony", "chrony, an NTP client/server"),
                    running("corosync", "Corosync Cluster Engine"),
                    running("cron", "Regular background program processing daemon"),
                    running("ksmtuned", "Kernel Samepage Merging (KSM) Tuning Daemon"),
                    running("postfix", "Postfix Mail Transport Agent (instance -)"),
                    running("pve-cluster", "The Proxmox VE cluster filesystem"),
                    running("pve-firewall", "Proxmox VE firewall"),
                    running("pve-ha-crm", "PVE Cluster HA Resource Manager Daemon"),
                    running("pve-ha-lrm", "PVE Local HA Resource Manager Daemon"),
                    running("pvedaemon", "PVE API Daemon"),
                    running("pvefw-logger", "Proxmox VE firewall logger"),
                    running("pveproxy", "PVE API Proxy Server"),
                    running("pvescheduler", "Proxmox VE scheduler"),
                    running("pvestatd", "PVE Status Daemon"),
                    running("spiceproxy", "PVE SPICE Proxy Server"),
                    running("sshd", "OpenBSD Secure Shell server"),
                    new Service("syslog", "syslog.service", "dead", "not-found", "inactive"),
                    running("systemd-journald", "Journal Service"),
                    new Service(
                            "systemd-timesyncd",
                            "systemd-timesyncd.service",
                            "dead",
                            "not-found",
                            "inactive"));

    /** SHA1 of nothing: the digest PVE gives an unconfigured firewall's options. */
    static final String EMPTY_DIGEST = "da39a3ee5e6b4b0d3255bfef95601890afd80709";

    private static final String SUBSCRIPTION_URL =
            "https://www.proxmox.com/en/proxmox-virtual-environment/pricing";

    private final RouteContext ctx;

    private NodeInfoRoutes(RouteContext ctx) {
        this.ctx = ctx;
    }

    private static Service running(String name, String desc) {
        return new Service(name, desc, "running", "enabled", "active");
    }

    public static void register(Router router, RouteContext ctx) {
        NodeInfoRoutes routes = new NodeInfoRoutes(ctx);
        ParamSpec node = ParamSpec.create().node();
        Access nodeAudit = Access.perm("/nodes/{node}", "Sys.Audit");
        router.register(
                Route.get("/nodes/{node}")
                        .params(node)
                        .handler(r -> ApiResult.of(names(NODE_INDEX))));
        router.register(
                Route.get("/nodes/{node}/network")
                        .proxied()
                        .params(
                                ParamSpec.create()
                                        .node()
                                        .enumeration(
                                                "type",
                                                true,
                                                "bridge",
                                                "bond",
                                                "eth",
                                                "alias",
                                                "vlan",
                                                "fabric",
                                                "OVSBridge",
                                                "OVSBond",
                                                "OVSPort",
                                                "OVSIntPort",
                                                "vnet",
                                                "any_bridge",
                                                "any_local_bridge"))
                        .handler(routes::network));
        router.register(
                Route.get("/nodes/{node}/network/{iface}")
                        .proxied()
                        .params(
                                ParamSpec.create()
                                        .node()
                                        .pattern("iface", false, "^[a-zA-Z][a-zA-Z0-9_.:-]{1,20}$"))
                        .access(nodeAudit)
                        .handler(routes::networkInterface));
        router.register(
                Route.get("/nodes/{node}/dns")
                        .proxied()
                        .params(node)
                        .access(nodeAudit)
                        .handler(routes::dns));
        router.register(
                Route.get("/nodes/{node}/time")
                        .proxied()
                        .params(node)
                        .access(nodeAudit)
                        .handler(routes::time));
        router.register(
                Route.get("/nodes/{node}/hosts")
                        .proxied()
                        .params(node)
                        .access(Access.perm("/", "Sys.Audit"))
                        .handler(routes::hosts));
        router.register(
                Route.get("/nodes/{node}/config")
                        .proxied()
                        .params(
                                ParamSpec.create()
                                        .node()
                                        .enumeration(
                                                "property",
                                                true,
                                                "acme",
                                                "acmedomain0",
                                                "acmedomain1",
                                                "acmedomain2",
                                                "acmedomain3",
                                                "acmedomain4",
                                                "acmedomain5",
                                                "ballooning-target",
                                                "description",
                                                "startall-onboot-delay",
                                                "wakeonlan"))
                        .access(Access.perm("/nodes/{node}", "Sys.Audit"))
                        .handler(r -> ApiResult.of(Map.of())));
        router.register(
                Route.get("/nodes/{node}/subscription")
                        .proxied()
                        .params(node)
                        .handler(routes::subscription));
        router.register(
                Route.get("/nodes/{node}/services")
                        .proxied()
                        .params(node)
                        .access(nodeAudit)
                        .handler(r -> ApiResult.of(SERVICES.stream().map(s -> state(s)).toList())));
        ParamSpec service =
                ParamSpec.create()
                        .node()
                        .enumeration(
                                "service",
                                false,
                                SERVICES.stream().map(Service::name).toArray(String[]::new));
        router.register(
                Route.get("/nodes/{node}/services/{service}")
                        .params(service)
                        .access(nodeAudit)
                        .handler(
                                r ->
                                        ApiResult.of(
                                                List.of(
                                                                "state", "start", "stop", "restart",
                                                                "reload")
                                                        .stream()
                                                        .map(s -> Map.of("subdir", s))
                                                        .toList())));
        router.register(
                Route.get("/nodes/{node}/services/{service}/state")
                        .proxied()
                        .params(service)
                        .access(nodeAudit)
                        .handler(
                                r ->
                                        ApiResult.of(
                                                SERVICES.stream()
                                                        .filter(
                                                                s ->
                                                                        s.name()
                                                                                .equals(
                                                                                        r.param(
                                                                                                "service")))
                                                        .map(NodeInfoRoutes::state)
                                                        .findFirst()
                                                        .orElseThrow())));
        router.register(
                Route.get("/nodes/{node}/certificates")
                        .params(node)
                        .handler(r -> ApiResult.of(names(List.of("acme", "custom", "info")))));
        router.register(
                Route.get("/nodes/{node}/certificates/info")
                        .proxied()
                        .params(node)
                        .access(nodeAudit)
                        .handler(routes::certificates));
        router.register(
                Route.get("/nodes/{node}/replication")
                        .proxied()
                        .params(ParamSpec.create().node().optionalVmid("guest"))
                        .handler(r -> ApiResult.of(List.of())));
        router.register(
                Route.get("/nodes/{node}/firewall")
                        .params(node)
                        .handler(r -> ApiResult.of(names(List.of("rules", "options", "log")))));
        router.register(
                Route.get("/nodes/{node}/firewall/options")
                        .proxied()
                        .params(node)
                        .access(nodeAudit)
                        .handler(r -> ApiResult.of(Map.of("digest", EMPTY_DIGEST))));
        router.register(
                Route.get("/nodes/{node}/firewall/rules")
                        .proxied()
                        .params(node)
                        .access(nodeAudit)
                        .handler(r -> ApiResult.of(List.of())));
    }

    static List<Map<String, String>> names(Collection<String> names) {
        return names.stream().map(n -> Map.of("name", n)).toList();
    }

    private static Map<String, Object> state(Service s) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("service", s.name());
        entry.put("name", s.name());
        entry.put("desc", s.desc());
        entry.put("state", s.state());
        entry.put("unit-state", s.unit());
        entry.put("active-state", s.active());
        return entry;
    }

    /**
     * The installer's {@code /etc/network/interfaces}: {@code lo} (not listed), {@code eno1}
     * manual, {@code vmbr0} static on the node's address with {@code eno1} as its port; priorities
     * in file order as {@code read_etc_network_interfaces} numbers them.
     */
    static List<Map<String, Object>> interfaces(NodeState node) {
        Map<String, Object> eno1 = new LinkedHashMap<>();
        eno1.put("iface", "eno1");
        eno1.put("type", "eth");
        eno1.put("method", "manual");
        eno1.put("method6", "manual");
        eno1.put("families", List.of("inet"));
        eno1.put("priority", 3);
        eno1.put("exists", 1);
        eno1.put("active", 1);
        Map<String, Object> vmbr0 = new LinkedHashMap<>();
        vmbr0.put("iface", "vmbr0");
        vmbr0.put("type", "bridge");
        vmbr0.put("method", "static");
        vmbr0.put("method6", "manual");
        vmbr0.put("families", List.of("inet"));
        vmbr0.put("priority", 4);
        vmbr0.put("autostart", 1);
        vmbr0.put("active", 1);
        String prefix = node.ip().startsWith("127.") ? "8" : "24";
        vmbr0.put("address", node.ip());
        vmbr0.put("netmask", prefix);
        vmbr0.put("cidr", node.ip() + "/" + prefix);
        gateway(node.ip()).ifPresent(gw -> vmbr0.put("gateway", gw));
        vmbr0.put("bridge_ports", "eno1");
        vmbr0.put("bridge_stp", "off");
        vmbr0.put("bridge_fd", "0");
        // PVE lists them in Perl hash order, which varies; the bridge first lets clients that take
        // the first interface's address (Ansible's inventory plugin) find the node's address.
        return List.of(vmbr0, eno1);
    }

    /** The first address of the node's /24 (none on loopback, where there is no router). */
    private static java.util.Optional<String> gateway(String ip) {
        if (ip.startsWith("127.") || !ip.matches("\\d+\\.\\d+\\.\\d+\\.\\d+")) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(ip.substring(0, ip.lastIndexOf('.')) + ".1");
    }

    private ApiResult network(ApiRequest request) {
        NodeState node = ctx.cluster().requireNode(request.executedOn());
        String type = request.param("type");
        return ApiResult.of(
                interfaces(node).stream()
                        .filter(i -> type == null || matches(type, (String) i.get("type")))
                        .toList());
    }

    private static boolean matches(String filter, String type) {
        boolean bridge = type.equals("bridge") || type.equals("OVSBridge");
        return filter.equals(type)
                || (bridge && (filter.equals("any_bridge") || filter.equals("any_local_bridge")));
    }

    private ApiResult networkInterface(ApiRequest request) {
        NodeState node = ctx.cluster().requireNode(request.executedOn());
        String iface = request.param("iface");
        Map<String, Object> found =
                interfaces(node).stream()
                        .filter(i -> i.get("iface").equals(iface))
                        .findFirst()
                        .orElseThrow(() -> PveException.internal("interface does not exist"));
        Map<String, Object> result = new LinkedHashMap<>(found);
        result.remove("iface");
        return ApiResult.of(result);
    }

    private ApiResult dns(ApiRequest request) {
        Map<String, Object> dns = new LinkedHashMap<>();
        dns.put("search", "local");
        dns.put("dns1", "192.0.2.53");
        return ApiResult.of(dns);
    }

    private ApiResult time(ApiRequest request) {
        // The simulated nodes run in UTC: local time equals UTC.
        long now = ctx.clock().nowEpochSeconds();
        Map<String, Object> time = new LinkedHashMap<>();
        time.put("timezone", "UTC");
        time.put("time", now);
        time.put("localtime", now);
        return ApiResult.of(time);
    }

    /** {@code /etc/hosts} as the installer writes it, and its SHA1 as {@code digest}. */
    private ApiResult hosts(ApiRequest request) {
        NodeState node = ctx.cluster().requireNode(request.executedOn());
        String content =
                "127.0.0.1 localhost.localdomain localhost\n"
                        + node.ip()
                        + " "
                        + node.name()
                        + ".local "
                        + node.name()
                        + "\n\n"
                        + "# The following lines are desirable for IPv6 capable hosts\n\n"
                        + "::1     ip6-localhost ip6-loopback\n"
                        + "fe00::0 ip6-localnet\n"
                        + "ff00::0 ip6-mcastprefix\n"
                        + "ff02::1 ip6-allnodes\n"
                        + "ff02::2 ip6-allrouters\n"
                        + "ff02::3 ip6-allhosts\n";
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("digest", hex("SHA-1", content.getBytes(StandardCharsets.UTF_8)));
        result.put("data", content);
        return ApiResult.of(result);
    }

    /**
     * No subscription key: {@code notfound}; the server id (an MD5 of the host's SSH key on PVE)
     * only for callers with Sys.Audit on the node.
     */
    private ApiResult subscription(ApiRequest request) {
        String node = request.executedOn();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("status", "notfound");
        result.put("message", "There is no subscription key");
        result.put("url", SUBSCRIPTION_URL);
        if (Access.has(request.auth(), "Sys.Audit")) {
            result.put(
                    "serverid",
                    hex("MD5", ("ssh-host-key-" + node).getBytes(StandardCharsets.UTF_8))
                            .toUpperCase(Locale.ROOT));
        }
        return ApiResult.of(result);
    }

    /**
     * {@code pve-root-ca.pem} and the node's {@code pve-ssl.pem} (no {@code pveproxy-ssl.pem}: no
     * custom certificate), as {@code PVE::Certificate::get_certificate_info} describes them.
     */
    private ApiResult certificates(ApiRequest request) {
        String node = request.executedOn();
        List<Map<String, Object>> result = new ArrayList<>();
        result.add(certificateInfo(ctx.tls().caCertificate(), "pve-root-ca.pem"));
        result.add(certificateInfo(ctx.tls().nodeCertificate(node), "pve-ssl.pem"));
        return ApiResult.of(result);
    }

    static Map<String, Object> certificateInfo(X509Certificate certificate, String filename) {
        Map<String, Object> info = new LinkedHashMap<>();
        try {
            info.put(
                    "fingerprint",
                    HexFormat.ofDelimiter(":")
                            .withUpperCase()
                            .formatHex(digest("SHA-256", certificate.getEncoded())));
            info.put("subject", oneline(certificate.getSubjectX500Principal().getName()));
            info.put("issuer", oneline(certificate.getIssuerX500Principal().getName()));
            info.put("notbefore", certificate.getNotBefore().getTime() / 1000);
            info.put("notafter", certificate.getNotAfter().getTime() / 1000);
            List<String> san = new ArrayList<>();
            if (certificate.getSubjectAlternativeNames() != null) {
                for (List<?> entry : certificate.getSubjectAlternativeNames()) {
                    san.add(String.valueOf(entry.get(1)));
                }
            }
            info.put("san", san);
            String base64 =
                    Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                            .encodeToString(certificate.getEncoded());
            info.put(
                    "pem",
                    "-----BEGIN CERTIFICATE-----\n" + base64 + "\n-----END CERTIFICATE-----\n");
        } catch (CertificateEncodingException | CertificateParsingException e) {
            throw PveException.internal("unable to read certificate: " + e.getMessage());
        }
        if (certificate.getPublicKey() instanceof ECPublicKey ec) {
            info.put("public-key-type", "id-ecPublicKey");
            info.put("public-key-bits", ec.getParams().getOrder().bitLength());
        } else if (certificate.getPublicKey() instanceof RSAPublicKey rsa) {
            info.put("public-key-type", "rsaEncryption");
            info.put("public-key-bits", rsa.getModulus().bitLength());
        }
        info.put("filename", filename);
        return info;
    }

    /** RFC 2253 ({@code CN=a,OU=b}) to OpenSSL's one-line form ({@code /OU=b/CN=a}). */
    private static String oneline(String rfc2253) {
        List<String> parts = new ArrayList<>(List.of(rfc2253.split(",(?=[A-Za-z.0-9]+=)")));
        java.util.Collections.reverse(parts);
        return "/" + String.join("/", parts);
    }

    private static byte[] digest(String algorithm, byte[] data) {
        try {
            return MessageDigest.getInstance(algorithm).digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String hex(String algorithm, byte[] data) {
        return HexFormat.of().formatHex(digest(algorithm, data));
    }
}
