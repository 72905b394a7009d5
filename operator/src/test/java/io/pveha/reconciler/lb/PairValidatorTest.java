package io.pveha.reconciler.lb;

import io.pveha.api.SecretKeyRef;
import io.pveha.api.lb.HostPaths;
import io.pveha.api.lb.LoadBalancerPairSpec;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PairValidatorTest {
    @Test
    void theTestPairIsValid() {
        assertThat(PairValidator.validate(LbResources.pair("store").getSpec())).isEmpty();
    }

    @Test
    void everyProblemIsNamedWithItsField() {
        LoadBalancerPairSpec spec = LbResources.pair("store").getSpec();
        spec.getHosts().get(0).setAddress("192.0.2.300");
        spec.getHosts().get(1).setPriority(spec.getHosts().get(0).getPriority());
        spec.getHosts().get(1).setHostKey("ssh-ed25519 AAAA comment");
        spec.getHosts().get(1).setInterfaceName("eth0\nvrrp");
        spec.getVip().setVrrpVersion(3);
        spec.getVip().setAdvertIntervalMillis(205);
        spec.getServices().get(0).getBackends().getStaticServers().get(1).setName("app1");
        spec.getServices().get(0).setPort(0);

        assertThat(PairValidator.validate(spec)).containsExactlyInAnyOrder(
                "spec.hosts[0].address: must be an IPv4 address, got \"192.0.2.300\"",
                "spec.hosts[1].hostKey: must be the host's public key, \"ssh-ed25519 AAAA...\" (algorithm and key, no comment)",
                "spec.hosts[1].interfaceName: must be a network interface name (letter first, then a-z A-Z 0-9 _ . -, at most 15), got \"eth0\\x0avrrp\"",
                "spec.hosts: the two hosts must have distinct priorities (the higher one is the master)",
                "spec.vip.advertIntervalMillis: VRRPv3 advertises in centiseconds (10 to 40950), got 205",
                "spec.vip.authSecretRef: VRRP authentication exists only in VRRPv2; leave it out with vrrpVersion 3",
                "spec.services[0].port: must be between 1 and 65535, got 0",
                "spec.services[0].backends.staticServers[1].name: static server names must be unique");
    }

    @Test
    void vrrpV2NeedsWholeSecondsAndASelectorNeedsAPort() {
        LoadBalancerPairSpec spec = LbResources.pair("store").getSpec();
        spec.getVip().setAdvertIntervalMillis(500);
        spec.getServices().get(0).getBackends().setHaVmSelector(new io.fabric8.kubernetes.api.model.LabelSelector());

        assertThat(PairValidator.validate(spec)).containsExactlyInAnyOrder(
                "spec.vip.advertIntervalMillis: VRRPv2 advertises in whole seconds (1000 to 255000), got 500",
                "spec.services[0].backends.port (required with haVmSelector): is required");
    }

    @Test
    void pathsAndTheVipAreChecked() {
        LoadBalancerPairSpec spec = LbResources.pair("store").getSpec();
        HostPaths paths = new HostPaths();
        paths.setRunDir("/run/pveha/../../etc");
        spec.getHosts().get(0).setPaths(paths);
        spec.getVip().setAddress(spec.getHosts().get(1).getAddress());
        spec.getHosts().get(1).setSshKeySecretRef(new SecretKeyRef());

        assertThat(PairValidator.validate(spec)).containsExactlyInAnyOrder(
                "spec.hosts[0].paths.runDir: must not contain '.' or '..' segments",
                "spec.hosts[1].sshKeySecretRef: is required",
                "spec.vip.address: must not be the address of a host");
    }

    @Test
    void aMissingSpecOrHostListIsReported() {
        assertThat(PairValidator.validate(null)).containsExactly("spec is required");
        LoadBalancerPairSpec spec = LbResources.pair("store").getSpec();
        spec.getHosts().remove(1);
        assertThat(PairValidator.validate(spec)).contains("spec.hosts: exactly two hosts are required, got 1");
    }
}
