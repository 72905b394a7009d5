package io.pveha.lb.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pveha.lb.HostLayout;
import io.pveha.lb.LbHost;
import io.pveha.lb.PairConfig;
import io.pveha.lb.Service;
import io.pveha.lb.TestPairs;
import io.pveha.lb.Vrrp;
import io.pveha.lb.VrrpPassword;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every value a spec controls, fed with strings that would add a directive, close a block, start a
 * comment, break quoting or run a command: each is refused before anything is rendered.
 */
class HostileValuesTest {

    final BundleRenderer renderer = new BundleRenderer();

    @ParameterizedTest
    @ValueSource(
            strings = {
                "web\n    server evil 6.6.6.6:80",
                "web}\nvrrp_instance evil {",
                "web # comment",
                "web\"",
                "web'",
                "$(reboot)",
                "`id`",
                "web;rm -rf /",
                "web|nc 6.6.6.6 1",
                "we b",
                "web\r",
                "WEB",
                "-web",
                "",
                "web.example"
            })
    void serviceNamesAreRefused(String hostile) {
        assertRefused(
                pair ->
                        TestPairs.withServices(
                                pair, List.of(renamed(pair.services().get(0), hostile))));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "192.0.2.21\n    server evil 6.6.6.6", "192.0.2.21 check inter 1", "192.0.2.021",
                        "192.0.2", "192.0.2.256",
                "localhost", "::1", "192.0.2.21#", " 192.0.2.21", "192.0.2.21}"
            })
    void serverAddressesAreRefused(String hostile) {
        Service web = TestPairs.web(List.of(TestPairs.server("app1", hostile, 8080)));
        assertRefused(pair -> TestPairs.withServices(pair, List.of(web)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"web\nserver", "a b", "x\"", "x'", "x#y", "x}", "$(id)", "UPPER"})
    void serverNamesAreRefused(String hostile) {
        Service web = TestPairs.web(List.of(TestPairs.server(hostile, "192.0.2.21", 8080)));
        assertRefused(pair -> TestPairs.withServices(pair, List.of(web)));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "/health\n    server evil 6.6.6.6:80",
                "/a b",
                "/a#b",
                "/a\"",
                "health",
                "/a'b",
                "/a;b",
                "/$(id)"
            })
    void healthCheckPathsAreRefused(String hostile) {
        Service web =
                new Service(
                        "web",
                        80,
                        Service.Mode.HTTP,
                        Service.Balance.ROUNDROBIN,
                        2,
                        new Service.HealthCheck(Service.Mode.HTTP, hostile, null, 1000, 2, 2),
                        List.of());
        assertRefused(pair -> TestPairs.withServices(pair, List.of(web)));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "eth0\n    priority 255",
                "eth0 ",
                "eth0}",
                "eth0#",
                "0eth",
                "averyveryverylongname",
                "eth0;id"
            })
    void interfaceNamesAreRefused(String hostile) {
        assertRefused(
                pair ->
                        TestPairs.withHosts(
                                pair,
                                new LbHost(
                                        "lb1", "192.0.2.11", 150, hostile, HostLayout.defaults()),
                                pair.hosts().get(1)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"lb1\n}", "lb 1", "lb1#", "Lb1", "lb1'", "lb1;id"})
    void hostNamesAreRefused(String hostile) {
        assertRefused(
                pair ->
                        TestPairs.withHosts(
                                pair,
                                new LbHost(
                                        hostile, "192.0.2.11", 150, "eth0", HostLayout.defaults()),
                                pair.hosts().get(1)));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "abc\ndef",
                "ab cd",
                "ab#c",
                "ab\"c",
                "ab'c",
                "a}b",
                "$VAR",
                "~SEQ(1)",
                "123456789",
                "",
                "pa$$"
            })
    void vrrpPasswordsAreRefusedWithoutEchoingThem(String hostile) {
        Vrrp vrrp = new Vrrp(51, "192.0.2.10", 24, 2, 1000, true, new VrrpPassword(hostile));
        assertThatThrownBy(() -> renderAll(TestPairs.withVrrp(TestPairs.golden(), vrrp)))
                .isInstanceOf(UnsafeValueException.class)
                .satisfies(
                        e -> {
                            if (!hostile.isEmpty()) {
                                assertThat(e.getMessage()).doesNotContain(hostile);
                            }
                        });
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "/etc/haproxy/../shadow",
                "/etc/a b",
                "relative/path",
                "/etc/x;id",
                "/etc/x\n",
                "/etc/x'",
                "/etc/x:y",
                "/etc/x,y",
                "/etc/$(id)"
            })
    void pathsAreRefused(String hostile) {
        assertThatThrownBy(
                        () ->
                                new HostLayout(
                                        hostile, "/etc/keepalived/keepalived.conf", "/run/pveha"))
                .isInstanceOf(UnsafeValueException.class);
        assertThatThrownBy(
                        () ->
                                new HostLayout(
                                        "/etc/haproxy/haproxy.cfg",
                                        "/etc/keepalived/keepalived.conf",
                                        hostile))
                .isInstanceOf(UnsafeValueException.class);
    }

    @Test
    void numbersOutOfRangeAreRefused() {
        assertRefused(
                pair ->
                        TestPairs.withVrrp(
                                pair, new Vrrp(0, "192.0.2.10", 24, 2, 1000, true, null)));
        assertRefused(
                pair ->
                        TestPairs.withVrrp(
                                pair, new Vrrp(256, "192.0.2.10", 24, 2, 1000, true, null)));
        assertRefused(
                pair ->
                        TestPairs.withVrrp(
                                pair, new Vrrp(5, "192.0.2.10", 33, 2, 1000, true, null)));
        assertRefused(
                pair ->
                        TestPairs.withVrrp(
                                pair, new Vrrp(5, "192.0.2.10", 24, 2, 500, true, null)));
        assertRefused(
                pair ->
                        TestPairs.withVrrp(
                                pair, new Vrrp(5, "192.0.2.10", 24, 3, 205, true, null)));
        assertRefused(
                pair ->
                        TestPairs.withVrrp(
                                pair, new Vrrp(5, "192.0.2.10", 24, 4, 1000, true, null)));
        assertRefused(
                pair ->
                        TestPairs.withVrrp(
                                pair,
                                new Vrrp(
                                        5,
                                        "192.0.2.10",
                                        24,
                                        3,
                                        200,
                                        true,
                                        new VrrpPassword("abc"))));
        assertRefused(
                pair ->
                        TestPairs.withServices(
                                pair,
                                List.of(
                                        TestPairs.web(
                                                List.of(TestPairs.server("a", "192.0.2.1", 0))))));
        assertRefused(
                pair ->
                        TestPairs.withServices(
                                pair,
                                List.of(
                                        TestPairs.web(
                                                List.of(
                                                        TestPairs.server(
                                                                "a", "192.0.2.1", 65536))))));
    }

    @Test
    void duplicateServersAndServicesAreRefused() {
        Service.Server a = TestPairs.server("a", "192.0.2.1", 80);
        assertRefused(pair -> TestPairs.withServices(pair, List.of(TestPairs.web(List.of(a, a)))));
        assertRefused(
                pair ->
                        TestPairs.withServices(
                                pair,
                                List.of(TestPairs.web(List.of(a)), TestPairs.web(List.of(a)))));
    }

    @Test
    void aLineBreakThatSlipsPastAFieldCheckIsStillRefused() {
        assertThatThrownBy(() -> new ConfigWriter().line("server", "a\nb"))
                .isInstanceOf(UnsafeValueException.class);
    }

    @Test
    void errorMessagesShowControlCharactersEscaped() {
        assertThatThrownBy(() -> Values.name("services[].name", "web\n    server evil"))
                .hasMessage(
                        "services[].name: must be a DNS label (a-z, 0-9, '-', at most 63 characters), got \"web\\x0a    server evil\"");
    }

    private void assertRefused(UnaryOperator<PairConfig> change) {
        PairConfig hostile = change.apply(TestPairs.golden());
        assertThatThrownBy(() -> renderAll(hostile)).isInstanceOf(UnsafeValueException.class);
    }

    private void renderAll(PairConfig pair) {
        pair.hosts().forEach(h -> renderer.render(pair, h));
    }

    private static Service renamed(Service s, String name) {
        return new Service(
                name, s.port(), s.mode(), s.balance(), s.retries(), s.check(), s.servers());
    }
}
