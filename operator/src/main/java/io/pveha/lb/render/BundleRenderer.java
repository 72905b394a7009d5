package io.pveha.lb.render;

import io.pveha.lb.ConfigBundle;
import io.pveha.lb.HostLayout;
import io.pveha.lb.LbHost;
import io.pveha.lb.ManagedFile;
import io.pveha.lb.PairConfig;
import java.util.List;

/** Renders every file one host needs. */
public final class BundleRenderer {
    private final KeepalivedRenderer keepalived = new KeepalivedRenderer();
    private final HaproxyRenderer haproxy = new HaproxyRenderer();
    private final ScriptRenderer scripts = new ScriptRenderer();

    public ConfigBundle render(PairConfig pair, LbHost host) {
        HostLayout layout = host.layout();
        return new ConfigBundle(
                host.name(),
                new ManagedFile(layout.haproxyConfig(), haproxy.render(pair, host), "0644"),
                // Holds the VRRP password: readable by root only.
                new ManagedFile(layout.keepalivedConfig(), keepalived.render(pair, host), "0600"),
                List.of(
                        new ManagedFile(
                                layout.notifyScript(), scripts.notifyScript(layout), "0755"),
                        new ManagedFile(layout.checkScript(), scripts.checkScript(layout), "0755")),
                pair.vrrp().authentication().map(p -> List.of(p.value())).orElse(List.of()));
    }
}
