package io.pveha.api.lb;

/** How the daemons on a host are supervised. */
public enum ServiceManager {
    Auto,
    Systemd,
    Direct
}
