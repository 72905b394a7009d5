package io.pveha.lb.apply;

import io.pveha.lb.HostLayout;
import io.pveha.lb.ssh.RemoteCommand;
import io.pveha.lb.ssh.Shell;

/**
 * Hosts without systemd: the operator is the daemons' supervisor. haproxy runs in master-worker
 * mode with a pid file and a master socket; keepalived runs in its own session (setsid) so it
 * survives the SSH channel, logging to a file because there may be no syslog. Reloads are signals
 * to the pid in the pid file, after checking that pid really is that daemon.
 */
public final class DirectDaemonControl implements DaemonControl {
    @Override
    public RemoteCommand startHaproxy(HostLayout l) {
        return RemoteCommand.of(
                Shell.ALIVE_FUNCTION
                        + """
                if alive {} haproxy; then exit 0; fi
                mkdir -p {} && haproxy -W -D -p {} -S {} -f {} >> {} 2>&1 < /dev/null
                """,
                l.haproxyPidFile(),
                l.runDir(),
                l.haproxyPidFile(),
                l.haproxyMasterSocket(),
                l.haproxyConfig(),
                l.haproxyLog());
    }

    /**
     * Saves the servers' states first (loaded by the new workers, so a DOWN server is not tried
     * again after the reload), then USR2 to the master, which re-executes itself with the new file.
     */
    @Override
    public RemoteCommand reloadHaproxy(HostLayout l) {
        return RemoteCommand.of(
                Shell.ALIVE_FUNCTION
                        + """
                alive {} haproxy || { echo "haproxy is not running" >&2; exit 1; }
                echo 'show servers state' | socat -t 1 -T 1 stdio {} > {} 2>/dev/null && mv -f {} {}
                kill -USR2 "$pid"
                """,
                l.haproxyPidFile(),
                "UNIX-CONNECT:" + l.haproxyStatsSocket(),
                l.haproxyStateFile() + ".tmp",
                l.haproxyStateFile() + ".tmp",
                l.haproxyStateFile());
    }

    @Override
    public RemoteCommand startKeepalived(HostLayout l) {
        return RemoteCommand.of(
                Shell.ALIVE_FUNCTION
                        + """
                if alive {} keepalived; then exit 0; fi
                rm -f {} {}
                mkdir -p {} && setsid -f keepalived -n -l -D -P -p {} -r {} -f {} >> {} 2>&1 < /dev/null
                """,
                l.keepalivedPidFile(),
                l.keepalivedPidFile(),
                l.vrrpPidFile(),
                l.runDir(),
                l.keepalivedPidFile(),
                l.vrrpPidFile(),
                l.keepalivedConfig(),
                l.keepalivedLog());
    }

    @Override
    public RemoteCommand reloadKeepalived(HostLayout l) {
        return RemoteCommand.of(
                Shell.ALIVE_FUNCTION
                        + """
                alive {} keepalived || { echo "keepalived is not running" >&2; exit 1; }
                kill -HUP "$pid"
                """,
                l.keepalivedPidFile());
    }
}
