package io.pveha.reconciler.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.pveha.api.lb.LoadBalancerPair;
import io.pveha.lb.HostLayout;
import io.pveha.lb.HostTarget;
import io.pveha.lb.Service;
import io.pveha.reconciler.CommonReason;
import io.pveha.reconciler.Redactor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DesiredPairResolverTest {
    final Map<String, String> secrets =
            new HashMap<>(Map.of("lb-ssh/ssh-privatekey", "KEY", "lb-vrrp/password", "s3cret\n"));

    /** The informer cache: each Secret named in {@link #secrets} with its keys. */
    final DesiredPairResolver resolver =
            new DesiredPairResolver(
                    new CachedSecrets(
                            id -> {
                                Map<String, String> data = new HashMap<>();
                                secrets.forEach(
                                        (ref, value) -> {
                                            if (ref.startsWith(id.getName() + "/")) {
                                                data.put(
                                                        ref.substring(ref.indexOf('/') + 1), value);
                                            }
                                        });
                                return data.isEmpty()
                                        ? Optional.empty()
                                        : Optional.of(
                                                new SecretBuilder()
                                                        .withNewMetadata()
                                                        .withName(id.getName())
                                                        .withNamespace(
                                                                id.getNamespace().orElseThrow())
                                                        .endMetadata()
                                                        .withStringData(data)
                                                        .build());
                            }));

    @Test
    void fillsInTheDefaults() throws Exception {
        var desired = resolver.resolve(LbResources.pair("store"), 51, List.of());

        HostTarget lb1 = desired.target("lb1");
        assertThat(lb1.endpoint().port()).isEqualTo(22);
        assertThat(lb1.endpoint().user()).isEqualTo("root");
        assertThat(lb1.serviceManager()).isEqualTo("auto");
        assertThat(lb1.host().interfaceName()).isEqualTo("eth0");
        assertThat(lb1.host().layout()).isEqualTo(HostLayout.defaults());
        assertThat(desired.config().vrrp().version()).isEqualTo(2);
        assertThat(desired.config().vrrp().advertIntervalMillis()).isEqualTo(1000);
        assertThat(desired.config().vrrp().preempt()).isTrue();
        assertThat(desired.config().vrrp().prefixLength()).isEqualTo(24);
        Service web = desired.config().services().get(0);
        assertThat(web.mode()).isEqualTo(Service.Mode.HTTP);
        assertThat(web.retries()).isEqualTo(2);
        assertThat(web.check())
                .isEqualTo(new Service.HealthCheck(Service.Mode.HTTP, "/", null, 1000, 2, 2));
        assertThat(desired.bundles()).containsOnlyKeys("lb1", "lb2");
    }

    @Test
    void aPasswordFileEndingInANewlineMeansThePasswordWithout() throws Exception {
        var desired = resolver.resolve(LbResources.pair("store"), 51, List.of());
        assertThat(desired.config().vrrp().password().value()).isEqualTo("s3cret");
        assertThat(desired.bundles().get("lb1").keepalivedConfig().content())
                .contains("auth_pass s3cret\n");
        assertThat(desired.bundles().get("lb1").sensitiveValues()).containsExactly("s3cret");
    }

    @Test
    void anUnusablePasswordIsReportedWithoutBeingRepeated() {
        secrets.put("lb-vrrp/password", "too long password");
        assertThatThrownBy(() -> resolver.resolve(LbResources.pair("store"), 51, List.of()))
                .isInstanceOfSatisfying(
                        PairProblem.class,
                        e -> {
                            assertThat(e.reason()).isEqualTo(LbReason.SecretInvalid);
                            assertThat(e.getMessage())
                                    .contains("shop/lb-vrrp", "1 to 8 characters")
                                    .doesNotContain("too long");
                        });
    }

    @Test
    void aMissingKeyOrSecretIsSecretNotFound() {
        secrets.put("lb-ssh/other", "x");
        secrets.remove("lb-ssh/ssh-privatekey");
        assertThatThrownBy(() -> resolver.resolve(LbResources.pair("store"), 51, List.of()))
                .isInstanceOfSatisfying(
                        PairProblem.class,
                        e -> {
                            assertThat(e.reason()).isEqualTo(CommonReason.SecretNotFound);
                            assertThat(e.getMessage())
                                    .isEqualTo("Secret shop/lb-ssh has no key ssh-privatekey");
                        });
        secrets.remove("lb-ssh/other");
        assertThatThrownBy(() -> resolver.resolve(LbResources.pair("store"), 51, List.of()))
                .isInstanceOfSatisfying(
                        PairProblem.class,
                        e -> assertThat(e.getMessage()).isEqualTo("Secret shop/lb-ssh not found"));
    }

    @Test
    void theSshKeyAndThePasswordAreRedactedOnceRead() throws Exception {
        secrets.put(
                "lb-ssh/ssh-privatekey",
                "-----BEGIN OPENSSH PRIVATE KEY-----\nredact-me-key\n-----END OPENSSH PRIVATE KEY-----\n");
        secrets.put("lb-vrrp/password", "Rd8.pw\n");
        resolver.resolve(LbResources.pair("store"), 51, List.of());

        assertThat(Redactor.scrub("host said Rd8.pw")).isEqualTo("host said <redacted>");
        assertThat(Redactor.scrub("key: " + secrets.get("lb-ssh/ssh-privatekey").strip()))
                .isEqualTo("key: <redacted>");
    }

    @Test
    void selectedHaVmsAreRenderedAndTheOnesWithoutAddressListed() throws Exception {
        LoadBalancerPair pair = LbResources.pair("store");
        LbResources.selectHaVms(pair, Map.of("app", "shop"), 8080);
        var desired =
                resolver.resolve(
                        pair,
                        51,
                        List.of(
                                LbResources.haVm("vm-a", Map.of("app", "shop"), "192.0.2.31"),
                                LbResources.haVm("vm-b", Map.of("app", "shop"))));

        assertThat(desired.unroutable()).containsExactly("web/vm-b");
        assertThat(desired.bundles().get("lb1").haproxyConfig().content())
                .contains("server vm-a 192.0.2.31:8080 check");
    }
}
