package io.pveha.api.lb;

/** Proxy mode. */
public enum Mode {
    tcp,
    http
}
