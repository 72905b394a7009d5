package io.pveha.lb.render;

import io.pveha.lb.HostLayout;
import io.pveha.lb.LbHost;
import io.pveha.lb.PairConfig;
import io.pveha.lb.Vrrp;
import java.math.BigDecimal;

/**
 * Renders keepalived.conf for one host of a pair: one VRRP instance with the VIP, unicast to the
 * peer, preemption so the VIP returns to the higher-priority host, optional PASS authentication, a
 * track script on the local haproxy only, and a notify script that records each state change.
 */
public final class KeepalivedRenderer {
    /** keepalived runs track scripts at whole-second intervals only. */
    static final int CHECK_INTERVAL_SECONDS = 1;

    static final int CHECK_FALL = 2;
    static final int CHECK_RISE = 1;

    public String render(PairConfig pair, LbHost self) {
        LbHost peer = pair.peerOf(self);
        Vrrp vrrp = pair.vrrp();
        HostLayout layout = self.layout();
        String iface =
                Values.interfaceName(
                        "hosts[" + self.name() + "].interfaceName", self.interfaceName());
        int priority = Values.range("hosts[" + self.name() + "].priority", self.priority(), 1, 254);
        int peerPriority =
                Values.range("hosts[" + peer.name() + "].priority", peer.priority(), 1, 254);
        int version = Values.range("vip.vrrpVersion", vrrp.version(), 2, 3);

        ConfigWriter w = new ConfigWriter();
        w.line(
                "# Managed by pve-ha-operator for LoadBalancerPair",
                Values.objectName("metadata.namespace", pair.namespace())
                        + "/"
                        + Values.objectName("metadata.name", pair.name())
                        + ", host",
                Values.name("hosts[].name", self.name()) + ". Local changes are overwritten.");
        w.open("global_defs {")
                .line("router_id", self.name())
                // Scripts run as root only when no one else can change them (keepalived refuses
                // otherwise).
                .line("enable_script_security")
                .line("script_user", "root")
                .close("}")
                .blank();

        // Tracks the local haproxy, never the backends: if haproxy here cannot serve, the peer
        // should.
        // The weight exceeds the priority gap, so a failing check hands the VIP over without a
        // FAULT state
        // (a FAULT on both hosts would leave nobody holding the VIP).
        w.open("vrrp_script pveha_check_haproxy {")
                .line("script", quoted(Values.path("checkScript", layout.checkScript())))
                .line("interval", String.valueOf(CHECK_INTERVAL_SECONDS))
                .line("timeout", String.valueOf(CHECK_INTERVAL_SECONDS * 2))
                .line("fall", String.valueOf(CHECK_FALL))
                .line("rise", String.valueOf(CHECK_RISE))
                .line("weight", "-" + trackWeight(priority, peerPriority))
                .close("}")
                .blank();

        w.open("vrrp_instance", instanceName(vrrp), "{")
                .line("version", String.valueOf(version))
                // Both hosts start as BACKUP in practice; MASTER on the preferred host only
                // shortens the
                // first election. With nopreempt keepalived requires BACKUP.
                .line("state", vrrp.preempt() && priority > peerPriority ? "MASTER" : "BACKUP")
                .line("interface", iface)
                .line(
                        "virtual_router_id",
                        String.valueOf(
                                Values.range(
                                        "vip.virtualRouterId", vrrp.virtualRouterId(), 1, 255)))
                .line("priority", String.valueOf(priority))
                .line("advert_int", advertInterval(version, vrrp.advertIntervalMillis()))
                .line(vrrp.preempt() ? "preempt" : "nopreempt")
                .line(
                        "unicast_src_ip",
                        Values.ipv4("hosts[" + self.name() + "].address", self.address()))
                .open("unicast_peer {")
                .line(Values.ipv4("hosts[" + peer.name() + "].address", peer.address()))
                .close("}");
        vrrp.authentication()
                .ifPresent(
                        password -> {
                            if (version != 2) {
                                throw new UnsafeValueException(
                                        "vip.authSecretRef",
                                        "VRRP authentication exists only in VRRPv2");
                            }
                            w.open("authentication {")
                                    .line("auth_type", "PASS")
                                    .line(
                                            "auth_pass",
                                            Values.vrrpPassword(
                                                    "vip.authSecretRef", password.value()))
                                    .close("}");
                        });
        w.open("virtual_ipaddress {")
                .line(
                        Values.ipv4("vip.address", vrrp.address())
                                + "/"
                                + Values.range("vip.prefixLength", vrrp.prefixLength(), 1, 32),
                        "dev",
                        iface)
                .close("}")
                .open("track_script {")
                .line("pveha_check_haproxy")
                .close("}")
                .line("notify", quoted(Values.path("notifyScript", layout.notifyScript())))
                .close("}");
        return w.toString();
    }

    static String instanceName(Vrrp vrrp) {
        return "pveha_vrid_" + vrrp.virtualRouterId();
    }

    /** Large enough to drop the master below the backup, within keepalived's -253..253. */
    static int trackWeight(int priority, int peerPriority) {
        return Math.min(253, Math.abs(priority - peerPriority) + 10);
    }

    /** VRRPv2 advertises in whole seconds (1-255), VRRPv3 in centiseconds (0.01-40.95 s). */
    static String advertInterval(int version, int millis) {
        if (version == 2) {
            if (millis % 1000 != 0) {
                throw new UnsafeValueException(
                        "vip.advertIntervalMillis",
                        "VRRPv2 needs whole seconds, got " + millis + " ms");
            }
            return String.valueOf(
                    Values.range("vip.advertIntervalMillis", millis, 1000, 255000) / 1000);
        }
        if (millis % 10 != 0) {
            throw new UnsafeValueException(
                    "vip.advertIntervalMillis", "VRRPv3 needs centiseconds, got " + millis + " ms");
        }
        return BigDecimal.valueOf(Values.range("vip.advertIntervalMillis", millis, 10, 40950), 3)
                .stripTrailingZeros()
                .toPlainString();
    }

    /** Only ever applied to checked paths, which contain no quote or backslash. */
    private static String quoted(String checkedPath) {
        return "\"" + checkedPath + "\"";
    }
}
