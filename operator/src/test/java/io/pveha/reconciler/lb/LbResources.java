package io.pveha.reconciler.lb;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.pveha.api.ObjectRef;
import io.pveha.api.SecretKeyRef;
import io.pveha.api.lb.Backends;
import io.pveha.api.lb.LbHost;
import io.pveha.api.lb.LbService;
import io.pveha.api.lb.LoadBalancerPair;
import io.pveha.api.lb.LoadBalancerPairSpec;
import io.pveha.api.lb.StaticServer;
import io.pveha.api.lb.Vip;
import io.pveha.api.vm.HaVm;
import io.pveha.api.vm.HaVmSpec;
import io.pveha.api.vm.HaVmStatus;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/** Kubernetes objects for reconciler tests: a pair, its Secrets, HaVms. */
final class LbResources {
    static final String NS = "shop";
    static final String PINNED =
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOTHn1JaGjEh7TqRH4nvNCw1tl1UJtqGjvz2vGbW1Q1U";

    private LbResources() {}

    static Secret secret(String name, String key, String value) {
        return new SecretBuilder()
                .withMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).build())
                .withData(
                        Map.of(
                                key,
                                Base64.getEncoder()
                                        .encodeToString(value.getBytes(StandardCharsets.UTF_8))))
                .build();
    }

    static LbHost host(String name, String address, int priority) {
        LbHost h = new LbHost();
        h.setName(name);
        h.setAddress(address);
        h.setPriority(priority);
        h.setSshKeySecretRef(new SecretKeyRef("lb-ssh", null));
        h.setHostKey(PINNED);
        return h;
    }

    static StaticServer server(String name, String address, int port) {
        StaticServer s = new StaticServer();
        s.setName(name);
        s.setAddress(address);
        s.setPort(port);
        return s;
    }

    static LbService web(List<StaticServer> servers) {
        LbService s = new LbService();
        s.setName("web");
        s.setPort(80);
        Backends b = new Backends();
        b.setStaticServers(new ArrayList<>(servers));
        s.setBackends(b);
        return s;
    }

    /**
     * A pair with two hosts (lb1 priority 150), VIP .10 and one web service with two static
     * servers.
     */
    static LoadBalancerPair pair(String name) {
        LoadBalancerPairSpec spec = new LoadBalancerPairSpec();
        spec.setHosts(
                new ArrayList<>(
                        List.of(host("lb1", "192.0.2.11", 150), host("lb2", "192.0.2.12", 100))));
        Vip vip = new Vip();
        vip.setAddress("192.0.2.10");
        vip.setAuthSecretRef(new SecretKeyRef("lb-vrrp", null));
        spec.setVip(vip);
        spec.setServices(
                new ArrayList<>(
                        List.of(
                                web(
                                        List.of(
                                                server("app1", "192.0.2.21", 8080),
                                                server("app2", "192.0.2.22", 8080))))));
        LoadBalancerPair pair = new LoadBalancerPair();
        pair.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).build());
        pair.setSpec(spec);
        return pair;
    }

    static HaVm haVm(String name, Map<String, String> labels, String... ips) {
        HaVm vm = new HaVm();
        vm.setMetadata(
                new ObjectMetaBuilder()
                        .withName(name)
                        .withNamespace(NS)
                        .withLabels(labels)
                        .build());
        HaVmSpec spec = new HaVmSpec();
        spec.setClusterRef(new ObjectRef("pve"));
        vm.setSpec(spec);
        HaVmStatus status = new HaVmStatus();
        status.setIpAddresses(new ArrayList<>(List.of(ips)));
        vm.setStatus(status);
        return vm;
    }

    /**
     * The first service balances to the HaVms with these labels (of ProxmoxCluster "pve", as {@link
     * #haVm} makes them).
     */
    static void selectHaVms(LoadBalancerPair pair, Map<String, String> labels, int port) {
        pair.getSpec().setClusterRef(new ObjectRef("pve"));
        Backends b = pair.getSpec().getServices().get(0).getBackends();
        b.setHaVmSelector(new LabelSelectorBuilder().withMatchLabels(labels).build());
        b.setPort(port);
    }
}
