package io.pveha.lb.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pveha.lb.HostLayout;
import io.pveha.lb.LbHost;
import io.pveha.lb.ssh.RemoteCommand;
import java.util.List;
import org.junit.jupiter.api.Test;

class HostObserverTest {
    static final String OUTPUT =
            """
            @@manager direct
            @@addr eth0@if12       UP             10.1.2.11/24 10.1.2.10/24
            @@keepalived up
            @@haproxy up
            @@stats
            Name: HAProxy
            Version: 2.6.12-1+deb12u4
            Pid: 4242
            Uptime_sec: 12

            # pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,wredis,status,weight,addr
            be_web,be1,0,0,0,1,,12,1,2,,0,,0,0,0,0,UP,1,10.1.2.21:8080
            be_web,be2,0,0,0,1,,12,1,2,,0,,0,0,0,0,DOWN 1/2,1,10.1.2.22:8080
            be_web,be3,0,0,0,1,,12,1,2,,0,,0,0,0,0,MAINT,1,10.1.2.23:8080

            @@files
            aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa  /etc/haproxy/haproxy.cfg
            bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb  /etc/keepalived/keepalived.conf
            @@vrrp MASTER 2026-11-23T10:00:00.123Z
            @@nonlocal 1
            """;

    @Test
    void parsesEveryFactFromOneCommandsOutput() {
        HostObservation o = HostObserver.parse(OUTPUT);

        assertThat(o.serviceManager()).isEqualTo("direct");
        assertThat(o.interfaceFound()).isTrue();
        assertThat(o.addresses()).containsExactly("10.1.2.11/24", "10.1.2.10/24");
        assertThat(o.holdsAddress("10.1.2.10")).isTrue();
        assertThat(o.holdsAddress("10.1.2.1")).isFalse();
        assertThat(o.keepalivedUp()).isTrue();
        assertThat(o.haproxyUp()).isTrue();
        assertThat(o.haproxyAnswering()).isTrue();
        assertThat(o.haproxyWorkerPid()).isEqualTo("4242");
        assertThat(o.servers())
                .extracting(ServerState::server, ServerState::address, ServerState::summary)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("be1", "10.1.2.21:8080", "UP"),
                        org.assertj.core.groups.Tuple.tuple("be2", "10.1.2.22:8080", "DOWN"),
                        org.assertj.core.groups.Tuple.tuple("be3", "10.1.2.23:8080", "MAINT"));
        assertThat(o.vrrpState()).isEqualTo("MASTER");
        assertThat(o.vrrpStateSince()).isEqualTo("2026-11-23T10:00:00.123Z");
        assertThat(o.nonlocalBind()).isTrue();
        assertThat(o.applyPending()).isFalse();
        assertThat(
                        o.appliedHash(
                                List.of(
                                        "/etc/haproxy/haproxy.cfg",
                                        "/etc/keepalived/keepalived.conf")))
                .matches("[0-9a-f]{64}");
        assertThat(o.appliedHash(List.of("/etc/haproxy/haproxy.cfg", "/etc/keepalived/missing.sh")))
                .isNull();
    }

    @Test
    void aStoppedHostWithoutInterfaceOrStatsParsesToNothingRunning() {
        HostObservation o =
                HostObserver.parse(
                        """
                @@manager direct
                @@addr NO-SUCH-INTERFACE
                @@keepalived down
                @@haproxy down
                @@stats
                @@files
                @@vrrp
                @@pending yes
                @@nonlocal 0
                """);

        assertThat(o.interfaceFound()).isFalse();
        assertThat(o.addresses()).isEmpty();
        assertThat(o.haproxyAnswering()).isFalse();
        assertThat(o.servers()).isEmpty();
        assertThat(o.vrrpState()).isNull();
        assertThat(o.applyPending()).isTrue();
        assertThat(o.nonlocalBind()).isFalse();
    }

    @Test
    void theCommandPassesEveryPathAsAQuotedArgument() {
        LbHost host = new LbHost("lb1", "10.1.2.11", 150, "eth0", HostLayout.defaults());
        RemoteCommand command =
                HostObserver.command(host, "auto", List.of("/etc/haproxy/haproxy.cfg"));

        assertThat(command.script())
                .startsWith("manager='auto'; iface='eth0'; hpid='/run/pveha/haproxy.pid';")
                .contains("set -- '/etc/haproxy/haproxy.cfg'\n");
        assertThatThrownBy(() -> HostObserver.command(host, "auto; reboot", List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HostObserver.command(host, "auto", List.of("/etc/x'; reboot; '")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
