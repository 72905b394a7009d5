package io.pveha.lb.apply;

import io.pveha.lb.HostLayout;
import io.pveha.lb.ssh.RemoteCommand;

/**
 * Hosts with systemd: the distribution's units own the daemons (and restart them). Their unit files
 * name the configuration paths, so with systemd the spec should keep the default paths. Debian's
 * haproxy unit reloads in master-worker mode; keepalived's reload is SIGHUP.
 */
public final class SystemdDaemonControl implements DaemonControl {
    @Override
    public RemoteCommand startHaproxy(HostLayout layout) {
        return RemoteCommand.of("mkdir -p {} && systemctl start haproxy", layout.runDir());
    }

    @Override
    public RemoteCommand reloadHaproxy(HostLayout layout) {
        return RemoteCommand.of(
                "echo 'show servers state' | socat -t 1 -T 1 stdio {} > {} 2>/dev/null; systemctl reload haproxy",
                "UNIX-CONNECT:" + layout.haproxyStatsSocket(),
                layout.haproxyStateFile());
    }

    @Override
    public RemoteCommand startKeepalived(HostLayout layout) {
        return RemoteCommand.of("mkdir -p {} && systemctl start keepalived", layout.runDir());
    }

    @Override
    public RemoteCommand reloadKeepalived(HostLayout layout) {
        return RemoteCommand.of("systemctl reload keepalived");
    }
}
