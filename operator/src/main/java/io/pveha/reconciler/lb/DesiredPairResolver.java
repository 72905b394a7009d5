package io.pveha.reconciler.lb;

import io.pveha.api.SecretKeyRef;
import io.pveha.api.lb.HealthCheck;
import io.pveha.api.lb.HostPaths;
import io.pveha.api.lb.LbService;
import io.pveha.api.lb.LoadBalancerPair;
import io.pveha.api.lb.LoadBalancerPairSpec;
import io.pveha.api.lb.Mode;
import io.pveha.api.lb.Vip;
import io.pveha.api.vm.HaVm;
import io.pveha.lb.ConfigBundle;
import io.pveha.lb.HostLayout;
import io.pveha.lb.HostTarget;
import io.pveha.lb.LbHost;
import io.pveha.lb.PairConfig;
import io.pveha.lb.Service;
import io.pveha.lb.Vrrp;
import io.pveha.lb.VrrpPassword;
import io.pveha.lb.render.BundleRenderer;
import io.pveha.lb.render.UnsafeValueException;
import io.pveha.lb.render.Values;
import io.pveha.lb.ssh.HostEndpoint;
import io.pveha.lb.ssh.SshIdentity;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns a validated spec, its Secrets, the selected HaVms and the router id into the desired state:
 * the {@link PairConfig} with every default filled in, how to reach each host, and each host's
 * rendered bundle. The defaults live here and nowhere else.
 */
final class DesiredPairResolver {
    static final String DEFAULT_SSH_KEY = "ssh-privatekey";
    static final String DEFAULT_AUTH_KEY = "password";
    static final int DEFAULT_SSH_PORT = 22;
    static final String DEFAULT_SSH_USER = "root";
    static final String DEFAULT_INTERFACE = "eth0";
    static final int DEFAULT_PREFIX_LENGTH = 24;
    static final int DEFAULT_VRRP_VERSION = 2;
    static final int DEFAULT_ADVERT_MILLIS = 1000;
    static final int DEFAULT_RETRIES = 2;
    static final int DEFAULT_CHECK_INTERVAL_MILLIS = 1000;
    static final int DEFAULT_FALL = 2;
    static final int DEFAULT_RISE = 2;

    /** The desired state of the pair. */
    record DesiredPair(
            PairConfig config,
            List<HostTarget> targets,
            Map<String, ConfigBundle> bundles,
            List<String> unroutable) {
        HostTarget target(String host) {
            return targets.stream()
                    .filter(t -> t.host().name().equals(host))
                    .findFirst()
                    .orElseThrow();
        }
    }

    private final SecretSource secrets;
    private final BundleRenderer renderer = new BundleRenderer();

    DesiredPairResolver(SecretSource secrets) {
        this.secrets = secrets;
    }

    DesiredPair resolve(LoadBalancerPair pair, int virtualRouterId, List<HaVm> haVms)
            throws PairProblem {
        String namespace = pair.getMetadata().getNamespace();
        LoadBalancerPairSpec spec = pair.getSpec();
        List<HostTarget> targets = new ArrayList<>();
        for (io.pveha.api.lb.LbHost h : spec.getHosts()) {
            LbHost host =
                    new LbHost(
                            h.getName(),
                            h.getAddress(),
                            h.getPriority(),
                            h.getInterfaceName() == null ? DEFAULT_INTERFACE : h.getInterfaceName(),
                            layoutOf(h));
            HostEndpoint endpoint =
                    new HostEndpoint(
                            h.getAddress(),
                            h.getSshPort() == null ? DEFAULT_SSH_PORT : h.getSshPort(),
                            h.getSshUser() == null ? DEFAULT_SSH_USER : h.getSshUser(),
                            h.getHostKey());
            byte[] key = read(namespace, h.getSshKeySecretRef(), DEFAULT_SSH_KEY);
            String manager =
                    h.getServiceManager() == null
                            ? "auto"
                            : h.getServiceManager().name().toLowerCase(Locale.ROOT);
            targets.add(new HostTarget(host, endpoint, new SshIdentity(key), manager));
        }

        List<String> unroutable = new ArrayList<>();
        List<Service> services = new ArrayList<>();
        for (LbService s : spec.getServices()) {
            BackendSelector.Selection selection = BackendSelector.select(s.getBackends(), haVms);
            selection.unroutable().forEach(vm -> unroutable.add(s.getName() + "/" + vm));
            services.add(service(s, selection.servers()));
        }

        PairConfig config =
                new PairConfig(
                        namespace,
                        pair.getMetadata().getName(),
                        vrrp(namespace, spec.getVip(), virtualRouterId),
                        targets.stream().map(HostTarget::host).toList(),
                        services);
        Map<String, ConfigBundle> bundles = new LinkedHashMap<>();
        try {
            for (LbHost host : config.hosts()) {
                bundles.put(host.name(), renderer.render(config, host));
            }
        } catch (UnsafeValueException e) {
            throw new PairProblem(
                    LbReason.RenderFailed, "cannot render the configuration: " + e.getMessage());
        }
        return new DesiredPair(config, targets, bundles, unroutable);
    }

    private Vrrp vrrp(String namespace, Vip vip, int virtualRouterId) throws PairProblem {
        VrrpPassword password = null;
        if (vip.getAuthSecretRef() != null) {
            String value =
                    new String(
                            read(namespace, vip.getAuthSecretRef(), DEFAULT_AUTH_KEY),
                            StandardCharsets.UTF_8);
            // Files made with an editor or `echo` end in a newline that nobody means as part of the
            // password.
            value =
                    value.endsWith("\r\n")
                            ? value.substring(0, value.length() - 2)
                            : value.endsWith("\n") ? value.substring(0, value.length() - 1) : value;
            try {
                Values.vrrpPassword("password", value);
            } catch (UnsafeValueException e) {
                throw new PairProblem(
                        LbReason.SecretInvalid,
                        "Secret "
                                + namespace
                                + "/"
                                + vip.getAuthSecretRef().getName()
                                + " key "
                                + vip.getAuthSecretRef().keyOr(DEFAULT_AUTH_KEY)
                                + ": the VRRP password must be 1 to 8 characters of A-Z a-z 0-9 . _ + = -");
            }
            password = new VrrpPassword(value);
        }
        return new Vrrp(
                virtualRouterId,
                vip.getAddress(),
                vip.getPrefixLength() == null ? DEFAULT_PREFIX_LENGTH : vip.getPrefixLength(),
                vip.getVrrpVersion() == null ? DEFAULT_VRRP_VERSION : vip.getVrrpVersion(),
                vip.getAdvertIntervalMillis() == null
                        ? DEFAULT_ADVERT_MILLIS
                        : vip.getAdvertIntervalMillis(),
                vip.getPreempt() == null || vip.getPreempt(),
                password);
    }

    private static Service service(LbService s, List<Service.Server> servers) {
        Service.Mode mode = s.getMode() == Mode.tcp ? Service.Mode.TCP : Service.Mode.HTTP;
        Service.Balance balance =
                s.getBalance() == null
                        ? Service.Balance.ROUNDROBIN
                        : Service.Balance.valueOf(s.getBalance().name().toUpperCase(Locale.ROOT));
        HealthCheck hc = s.getHealthCheck();
        Service.Mode checkType =
                hc != null && hc.getType() != null
                        ? (hc.getType() == Mode.tcp ? Service.Mode.TCP : Service.Mode.HTTP)
                        : mode;
        Service.HealthCheck check =
                new Service.HealthCheck(
                        checkType,
                        hc == null || hc.getPath() == null ? "/" : hc.getPath(),
                        hc == null ? null : hc.getExpectStatus(),
                        hc == null || hc.getIntervalMillis() == null
                                ? DEFAULT_CHECK_INTERVAL_MILLIS
                                : hc.getIntervalMillis(),
                        hc == null || hc.getFall() == null ? DEFAULT_FALL : hc.getFall(),
                        hc == null || hc.getRise() == null ? DEFAULT_RISE : hc.getRise());
        return new Service(
                s.getName(),
                s.getPort(),
                mode,
                balance,
                s.getRetries() == null ? DEFAULT_RETRIES : s.getRetries(),
                check,
                servers);
    }

    /**
     * The host's file layout with defaults. The CRD's rules keep bad paths out; a spec that
     * bypassed them (an old CRD, no admission) is refused here instead of reaching a host.
     */
    static HostLayout layoutOf(io.pveha.api.lb.LbHost host) throws PairProblem {
        HostPaths p = host.getPaths();
        try {
            return new HostLayout(
                    p == null || p.getHaproxyConfig() == null
                            ? HostLayout.DEFAULT_HAPROXY_CONFIG
                            : p.getHaproxyConfig(),
                    p == null || p.getKeepalivedConfig() == null
                            ? HostLayout.DEFAULT_KEEPALIVED_CONFIG
                            : p.getKeepalivedConfig(),
                    p == null || p.getRunDir() == null
                            ? HostLayout.DEFAULT_RUN_DIR
                            : p.getRunDir());
        } catch (IllegalArgumentException e) {
            throw new PairProblem(
                    LbReason.RenderFailed, "host " + host.getName() + ": " + e.getMessage());
        }
    }

    private byte[] read(String namespace, SecretKeyRef ref, String defaultKey) throws PairProblem {
        byte[] value = secrets.read(namespace, ref.getName(), ref.keyOr(defaultKey));
        if (value.length == 0) {
            throw new PairProblem(
                    LbReason.SecretInvalid,
                    "Secret "
                            + namespace
                            + "/"
                            + ref.getName()
                            + " key "
                            + ref.keyOr(defaultKey)
                            + " is empty");
        }
        return value;
    }
}
