package io.pveha.reconciler.lb;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirementBuilder;
import io.pveha.api.lb.Backends;
import io.pveha.lb.Service;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BackendSelectorTest {
    static Backends backends(Map<String, String> labels) {
        Backends b = new Backends();
        b.setStaticServers(List.of(LbResources.server("static1", "192.0.2.5", 80)));
        b.setHaVmSelector(new LabelSelectorBuilder().withMatchLabels(labels).build());
        b.setPort(8080);
        return b;
    }

    @Test
    void staticServersComeFirstThenSelectedHaVmsByName() {
        var selection =
                BackendSelector.select(
                        backends(Map.of("app", "shop")),
                        List.of(
                                LbResources.haVm("zeta", Map.of("app", "shop"), "192.0.2.40"),
                                LbResources.haVm(
                                        "alpha",
                                        Map.of("app", "shop", "tier", "web"),
                                        "192.0.2.41/24"),
                                LbResources.haVm("other", Map.of("app", "crm"), "192.0.2.42")));

        assertThat(selection.servers())
                .containsExactly(
                        new Service.Server("static1", "192.0.2.5", 80, null),
                        new Service.Server("alpha", "192.0.2.41", 8080, "alpha"),
                        new Service.Server("zeta", "192.0.2.40", 8080, "zeta"));
        assertThat(selection.unroutable()).isEmpty();
    }

    @Test
    void aHaVmWithoutAUsableIpv4IsUnroutable() {
        var selection =
                BackendSelector.select(
                        backends(Map.of("app", "shop")),
                        List.of(
                                LbResources.haVm("no-ip", Map.of("app", "shop")),
                                LbResources.haVm(
                                        "only-local",
                                        Map.of("app", "shop"),
                                        "127.0.0.1",
                                        "169.254.3.4",
                                        "fe80::1"),
                                LbResources.haVm(
                                        "later",
                                        Map.of("app", "shop"),
                                        "fe80::1",
                                        "not-an-ip",
                                        "192.0.2.50")));

        assertThat(selection.unroutable()).containsExactly("no-ip", "only-local");
        assertThat(selection.servers())
                .extracting(Service.Server::address)
                .containsExactly("192.0.2.5", "192.0.2.50");
    }

    @Test
    void matchExpressionsAreHonoured() {
        Backends b = backends(Map.of());
        b.setHaVmSelector(
                new LabelSelectorBuilder()
                        .withMatchExpressions(
                                new LabelSelectorRequirementBuilder()
                                        .withKey("tier")
                                        .withOperator("In")
                                        .withValues("web", "api")
                                        .build(),
                                new LabelSelectorRequirementBuilder()
                                        .withKey("canary")
                                        .withOperator("DoesNotExist")
                                        .build())
                        .build());
        var selection =
                BackendSelector.select(
                        b,
                        List.of(
                                LbResources.haVm("web", Map.of("tier", "web"), "192.0.2.60"),
                                LbResources.haVm(
                                        "canary",
                                        Map.of("tier", "web", "canary", "yes"),
                                        "192.0.2.61"),
                                LbResources.haVm("db", Map.of("tier", "db"), "192.0.2.62")));

        assertThat(selection.servers())
                .extracting(Service.Server::name)
                .containsExactly("static1", "web");
    }

    @Test
    void dottedOrLongHaVmNamesBecomeSafeDistinctServerNames() {
        assertThat(BackendSelector.serverName("web-1")).isEqualTo("web-1");
        assertThat(BackendSelector.serverName("web.shop")).matches("web-shop-[0-9a-f]{8}");
        assertThat(BackendSelector.serverName("web.shop"))
                .isNotEqualTo(BackendSelector.serverName("web-shop"));
        assertThat(BackendSelector.serverName("a".repeat(100))).matches("[a-z0-9-]{1,63}");
    }
}
