package io.pveha.lb.apply;

import io.pveha.lb.HostLayout;
import io.pveha.lb.ssh.RemoteCommand;

/**
 * How keepalived and haproxy are started and reloaded on a host: commands only, run by the caller.
 */
public interface DaemonControl {
    RemoteCommand startHaproxy(HostLayout layout);

    /**
     * Reload without dropping connections: new workers take the listeners, old ones finish their
     * requests.
     */
    RemoteCommand reloadHaproxy(HostLayout layout);

    RemoteCommand startKeepalived(HostLayout layout);

    /** Re-read the configuration without a VRRP transition. */
    RemoteCommand reloadKeepalived(HostLayout layout);

    /** "systemd" or "direct", as the observer reports a host. */
    static DaemonControl forManager(String manager) {
        return "systemd".equals(manager) ? new SystemdDaemonControl() : new DirectDaemonControl();
    }
}
