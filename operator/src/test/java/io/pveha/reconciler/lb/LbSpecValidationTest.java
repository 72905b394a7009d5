package io.pveha.reconciler.lb;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.pveha.api.SecretKeyRef;
import io.pveha.api.lb.HostPaths;
import io.pveha.api.lb.LoadBalancerPair;
import io.pveha.reconciler.SpecValidation;
import io.pveha.runtime.PvehaOperator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The rules a LoadBalancerPair's spec must follow are the CRD's schema and CEL rules, checked by
 * the same {@link SpecValidation} every kind's gate uses: these cases are the ones the pair's
 * hand-written validator used to check, each still caught and named by its field.
 */
class LbSpecValidationTest {
    static final SpecValidation VALIDATION = PvehaOperator.Settings.bundledValidation();

    static List<String> problems(LoadBalancerPair pair) {
        return VALIDATION.problems(pair);
    }

    @Test
    void theTestPairIsValid() {
        assertThat(problems(LbResources.pair("store"))).isEmpty();
    }

    @Test
    void everyProblemIsNamedWithItsField() {
        LoadBalancerPair pair = LbResources.pair("store");
        var spec = pair.getSpec();
        spec.getHosts().get(0).setAddress("192.0.2.300");
        spec.getHosts().get(1).setPriority(spec.getHosts().get(0).getPriority());
        spec.getHosts().get(1).setHostKey("ssh-ed25519 AAAA comment");
        spec.getHosts().get(1).setInterfaceName("eth0\nvrrp");
        spec.getVip().setVrrpVersion(3);
        spec.getVip().setAdvertIntervalMillis(205);
        spec.getServices().get(0).getBackends().getStaticServers().get(1).setName("app1");
        spec.getServices().get(0).setPort(0);

        assertThat(problems(pair))
                .containsExactlyInAnyOrder(
                        "spec.hosts[0].address: Invalid value: \"192.0.2.300\": spec.hosts[0].address in body should match '^((25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])$'",
                        "spec.hosts[1].hostKey: Invalid value: \"ssh-ed25519 AAAA comment\": spec.hosts[1].hostKey in body should match '^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp256|ecdsa-sha2-nistp384|ecdsa-sha2-nistp521) [A-Za-z0-9+/]+={0,3}$'",
                        "spec.hosts[1].interfaceName: Invalid value: \"eth0\\nvrrp\": spec.hosts[1].interfaceName in body should match '^[a-zA-Z][a-zA-Z0-9_.-]{0,14}$'",
                        "spec.services[0].port: Invalid value: 0: spec.services[0].port in body should be greater than or equal to 1",
                        "spec: Invalid value: the two hosts must have distinct priorities (the higher one is the master)",
                        "spec.services[0].backends.staticServers: Invalid value: static server names must be unique",
                        "spec.vip: Invalid value: VRRP authentication exists only in VRRPv2; leave authSecretRef out with vrrpVersion 3",
                        "spec.vip: Invalid value: VRRPv3 advertises in centiseconds up to 40.95 s: advertIntervalMillis must be a multiple of 10, at most 40950");
    }

    @Test
    void vrrpV2NeedsWholeSecondsAndASelectorNeedsAPort() {
        LoadBalancerPair pair = LbResources.pair("store");
        pair.getSpec().getVip().setAdvertIntervalMillis(500);
        pair.getSpec().getServices().get(0).getBackends().setHaVmSelector(new LabelSelector());

        assertThat(problems(pair))
                .containsExactlyInAnyOrder(
                        "spec.clusterRef: Required value: spec.services[0].backends.haVmSelector selects HaVms, so the ProxmoxCluster they live in must be named",
                        "spec.services[0].backends: Invalid value: backends.port is required with a haVmSelector",
                        "spec.vip: Invalid value: VRRPv2 advertises in whole seconds: advertIntervalMillis must be a multiple of 1000");
    }

    @Test
    void pathsAndTheVipAreChecked() {
        LoadBalancerPair pair = LbResources.pair("store");
        HostPaths paths = new HostPaths();
        paths.setRunDir("/run/pveha/../../etc");
        paths.setHaproxyConfig("/etc/haproxy/");
        paths.setKeepalivedConfig("/keepalived.conf");
        pair.getSpec().getHosts().get(0).setPaths(paths);
        pair.getSpec().getVip().setAddress(pair.getSpec().getHosts().get(1).getAddress());

        assertThat(problems(pair))
                .containsExactlyInAnyOrder(
                        "spec.hosts[0].paths.haproxyConfig: Invalid value: \"/etc/haproxy/\": must not end with '/'",
                        "spec.hosts[0].paths.keepalivedConfig: Invalid value: \"/keepalived.conf\": must be inside a directory, not in /: the operator's scripts are written next to it",
                        "spec.hosts[0].paths.runDir: Invalid value: \"/run/pveha/../../etc\": must not contain '.' or '..' segments",
                        "spec: Invalid value: the VIP must not be the address of a host");
    }

    @Test
    void aSecretReferenceNeedsAName() {
        LoadBalancerPair pair = LbResources.pair("store");
        pair.getSpec().getHosts().get(1).setSshKeySecretRef(new SecretKeyRef());

        assertThat(problems(pair))
                .containsExactly("spec.hosts[1].sshKeySecretRef.name: Required value");
    }

    @Test
    void aMissingSpecOrHostListIsReported() {
        LoadBalancerPair none = LbResources.pair("store");
        none.setSpec(null);
        assertThat(problems(none)).containsExactly("spec: Required value");
        LoadBalancerPair one = LbResources.pair("store");
        one.getSpec().getHosts().remove(1);
        assertThat(problems(one))
                .containsExactly(
                        "spec.hosts: Invalid value: 1: spec.hosts in body should have at least 2 items");
    }
}
